# ML Playground. `make run` and `make test` each set up .venv on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# TORCH=cpu: PyTorch's own CPU-only wheels (~1 GB venv instead of ~6 GB with the CUDA libraries).
TORCH ?= default
TORCH_CPU_INDEX ?= https://download.pytorch.org/whl/cpu
TORCH_PINS := $(shell grep -E '^(torch|torchvision)==' requirements.txt)

.PHONY: run test lint bench clean

# Re-install whenever a requirements file is newer than the stamp.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The CPU build first: pip then finds the pinned torch already installed and keeps it.
define torch_cpu
	$(if $(filter cpu,$(TORCH)),$(BIN)/pip install $(TORCH_PINS) --index-url $(TORCH_CPU_INDEX))
endef

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(torch_cpu)
	$(BIN)/pip install -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(torch_cpu)
	$(BIN)/pip install -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

run: $(VENV)/.runtime-installed
	$(BIN)/python app/serve.py --server.port $(PORT)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Everything but the browser tests on both cores (pytest-xdist), then the browser tests one at a time: each drives
# a real server and Chromium, and several measure redraws that a second busy core would slow.
test: lint
	$(BIN)/python -m pytest -n 2 -m "not browser" --durations=15
	$(BIN)/python -m pytest -m browser --durations=30

bench: $(VENV)/.dev-installed
	$(BIN)/python -m benchmarks

# A whole class on one server (issue 11): 40 students as real sessions on every page, minutes long.
# CLASS_SIZE=10 CLASS_PAGES=Overfitting CLASS_SCENARIOS=explore make classroom narrows it.
.PHONY: classroom
classroom: $(VENV)/.dev-installed
	$(BIN)/python -m benchmarks classroom

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# N replicas of the app on loopback ports behind HAProxy on FRONT_PORT (deploy/cluster.py;
# Debian: apt-get install haproxy). Prints the URL; Ctrl-C stops everything.
N ?= 2
FRONT_PORT ?= 8600
.PHONY: cluster
cluster: $(VENV)/.runtime-installed
	$(BIN)/python -m deploy.cluster --replicas $(N) --port $(FRONT_PORT)
