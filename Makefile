# Plexus: make run | make test | make bench | make bench-compare | make transcripts | make onnx-check | make bench-ort | make fuzz
# Each target first makes sure the two system libraries (OpenBLAS, GNU readline) are present:
# installed with apt-get when missing and we are root, otherwise the exact command is printed.

SWIFT ?= swift
RELEASE = $(SWIFT) build -c release

.PHONY: run test transcripts bench bench-compare build deps clean onnx-venv onnx-check bench-ort fuzz fixtures keras-check

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

# swift test does not link executables: build plexus first for the shell tests that run it,
# in debug (the terminal and script-mode tests) and in release (the transcript tests replay the
# session scripts, which train networks, through it).
test: deps
	$(SWIFT) build --product plexus
	$(RELEASE) --product plexus
	$(SWIFT) test

# Re-record the expected output (sessions/**/*.out) of every session script, on purpose:
# check the new output first (git diff sessions/).
transcripts: deps
	$(RELEASE) --product plexus
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

# ONNX export against ONNX Runtime (not part of make test: it needs Python and packages from PyPI,
# installed into a virtual environment outside the repository, ONNX_VENV).
ONNX_VENV ?= $(HOME)/.cache/plexus/venv-onnx
ONNX_PYTHON = $(ONNX_VENV)/bin/python

onnx-venv:
	@$(ONNX_PYTHON) -c "import onnx, onnxruntime, numpy" 2>/dev/null || { \
	  echo "plexus: installing onnx, onnxruntime and numpy into $(ONNX_VENV)"; \
	  python3 -m venv $(ONNX_VENV) && $(ONNX_VENV)/bin/pip install -q onnx onnxruntime numpy; }

# Exports the zoo, the seed scenarios' models and the rest of the layer table with test data at batch
# sizes 1, 3 and 8 (tools/onnx-check/export.plx), then checks every file with
# onnx.checker.check_model(full_check=True) and compares ONNX Runtime's outputs with Plexus's.
onnx-check: deps onnx-venv
	$(RELEASE) --product plexus
	rm -rf .build/onnx-check && mkdir -p .build/onnx-check
	$$($(RELEASE) --show-bin-path)/plexus tools/onnx-check/export.plx > .build/onnx-check/export.log
	$(ONNX_PYTHON) tools/onnx-check/check.py .build/onnx-check

# ONNX Runtime (2 intra-op threads) timing the ResNet50, MobileNet and VGG16 files Plexus exports,
# one JSON line per workload like plexus-bench.
bench-ort: deps onnx-venv
	$(RELEASE) --product plexus
	$$($(RELEASE) --show-bin-path)/plexus bench/export_onnx_models.plx > /dev/null
	$(ONNX_PYTHON) bench/ort_plexus.py .build/bench-onnx

# Ours and PyTorch (and ONNX Runtime when ORT_PYTHON is given and bench/ort_plexus.py exists)
# alternately, twice, in both OpenBLAS environments; prints the ratio table (bench/README.md).
# TORCH_PYTHON is a python with torch and torchvision, in a virtual environment outside the repository.
TORCH_PYTHON ?= python3
ORT_PYTHON ?=
bench-compare: deps
	$(RELEASE) --product plexus-bench
	python3 bench/compare.py --plexus $$($(RELEASE) --show-bin-path)/plexus-bench --torch $(TORCH_PYTHON) \
	  $(if $(ORT_PYTHON),--ort $(ORT_PYTHON)) $(WORKLOADS)

# Keras's Python package, in a virtual environment outside the repository (for the two targets below).
KERAS_VENV ?= $(HOME)/.cache/plexus/venv-keras
KERAS_PYTHON = KERAS_BACKEND=jax $(KERAS_VENV)/bin/python

$(KERAS_VENV)/bin/python:
	python3 -m venv $(KERAS_VENV)
	$(KERAS_VENV)/bin/pip install -q keras jax jaxlib h5py numpy

# Re-write the Keras fixtures of the tests (Tests/Fixtures/keras) with real Keras 3, by hand and
# on purpose (never in CI): check `git diff --stat Tests/Fixtures` after.
fixtures: $(KERAS_VENV)/bin/python
	$(KERAS_PYTHON) scripts/keras_fixtures.py Tests/Fixtures/keras

# Plexus against Keras itself, both ways (not part of make test; needs Python and PyPI): the
# keras.applications models imported, the zoo and the seed scenarios exported and trained a step
# in Keras, and DataParallel over two JAX CPU devices. Prints one table; fails on any difference.
keras-check: deps $(KERAS_VENV)/bin/python
	$(RELEASE) --product plexus
	$(KERAS_PYTHON) scripts/keras_check.py --plexus $$($(RELEASE) --show-bin-path)/plexus

clean:
	rm -rf .build
