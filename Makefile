# Plexus: make run | make test | make bench | make transcripts
# Each target first makes sure the two system libraries (OpenBLAS, GNU readline) are present:
# installed with apt-get when missing and we are root, otherwise the exact command is printed.

SWIFT ?= swift
RELEASE = $(SWIFT) build -c release

.PHONY: run test transcripts bench build deps clean fuzz

deps:
	@missing=""; \
	pkg-config --exists openblas 2>/dev/null || missing="$$missing libopenblas-dev"; \
	pkg-config --exists readline 2>/dev/null || missing="$$missing libreadline-dev"; \
	command -v pkg-config >/dev/null 2>&1 || missing="pkg-config$$missing"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "plexus: installing$$missing with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "plexus: missing system libraries. Install them with:"; \
	    echo "  sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi

build: deps
	$(RELEASE) --product plexus

run: deps
	@echo "plexus: building (release; the first build takes a few minutes)"
	@$(RELEASE) --product plexus >/dev/null 2>&1 || $(RELEASE) --product plexus
	@$$($(RELEASE) --show-bin-path)/plexus

# swift test does not link executables: build plexus first for the shell tests that run it.
test: deps
	$(SWIFT) build --product plexus
	$(SWIFT) test

# Re-record the expected output (sessions/**/*.out) of every session script, on purpose:
# check the new output first (git diff sessions/).
transcripts: deps
	PLEXUS_RECORD=1 $(SWIFT) test --filter TranscriptTests

# A longer fuzz run than make test's (mutated session scripts and weight files through the
# binary; prints "fuzz: N runs, C crashes, H hangs"). FUZZ_SECONDS and FUZZ_SEED to vary it.
FUZZ_SECONDS ?= 600
FUZZ_SEED ?= 10
fuzz: deps
	$(SWIFT) build --product plexus
	PLEXUS_FUZZ_SECONDS=$(FUZZ_SECONDS) PLEXUS_FUZZ_SEED=$(FUZZ_SEED) $(SWIFT) test --filter FuzzTests 2>&1 | grep -E "^fuzz:|error|Executed"

bench: deps
	$(RELEASE) --product plexus-bench
	$$($(RELEASE) --show-bin-path)/plexus-bench

clean:
	rm -rf .build
