# Plexus: make run | make test | make bench | make bench-compare | make transcripts
# Each target first makes sure the two system libraries (OpenBLAS, GNU readline) are present:
# installed with apt-get when missing and we are root, otherwise the exact command is printed.

SWIFT ?= swift
RELEASE = $(SWIFT) build -c release

.PHONY: run test transcripts bench bench-compare build deps clean

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

bench: deps
	$(RELEASE) --product plexus-bench
	$$($(RELEASE) --show-bin-path)/plexus-bench

# Ours and PyTorch (and ONNX Runtime when ORT_PYTHON is given and bench/ort_plexus.py exists)
# alternately, twice, in both OpenBLAS environments; prints the ratio table (bench/README.md).
# TORCH_PYTHON is a python with torch and torchvision, in a virtual environment outside the repository.
TORCH_PYTHON ?= python3
ORT_PYTHON ?=
bench-compare: deps
	$(RELEASE) --product plexus-bench
	python3 bench/compare.py --plexus $$($(RELEASE) --show-bin-path)/plexus-bench --torch $(TORCH_PYTHON) \
	  $(if $(ORT_PYTHON),--ort $(ORT_PYTHON)) $(WORKLOADS)

clean:
	rm -rf .build
