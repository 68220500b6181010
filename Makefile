# Plexus: make run | make test | make bench | make transcripts
# Each target first makes sure the two system libraries (OpenBLAS, GNU readline) are present:
# installed with apt-get when missing and we are root, otherwise the exact command is printed.

SWIFT ?= swift
RELEASE = $(SWIFT) build -c release

.PHONY: run test transcripts bench build deps clean fixtures keras-check

deps:
	@missing=""; \
	pkg-config --exists openblas 2>/dev/null || missing="$$missing libopenblas-dev"; \
	pkg-config --exists readline 2>/dev/null || missing="$$missing libreadline-dev"; \
	pkg-config --exists hdf5-serial 2>/dev/null || missing="$$missing libhdf5-dev"; \
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

# Keras's Python package, in a virtual environment outside the repository (for the two targets below).
KERAS_VENV ?= ../venv-keras
KERAS_PYTHON = KERAS_BACKEND=jax $(KERAS_VENV)/bin/python

$(KERAS_VENV)/bin/python:
	python3 -m venv $(KERAS_VENV)
	$(KERAS_VENV)/bin/pip install -q keras jax jaxlib h5py numpy

# Re-write the Keras fixtures of the tests (Tests/Fixtures/keras) with real Keras 3, by hand and
# on purpose (never in CI): check `git diff --stat Tests/Fixtures` after.
fixtures: $(KERAS_VENV)/bin/python
	$(KERAS_PYTHON) scripts/keras_fixtures.py Tests/Fixtures/keras

clean:
	rm -rf .build
