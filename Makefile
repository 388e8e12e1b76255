VENV ?= .venv
PY := $(VENV)/bin/python
export PATH := $(abspath $(VENV))/bin:$(PATH)

.PHONY: install browser demo serve test test-all lint bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# Pinned CPU wheel first: an open torch range would pull a multi-GB CUDA build.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(VENV)/bin/dvc repro
	$(VENV)/bin/dvc metrics show

# The demo web app on http://127.0.0.1:5000 (every trained model of the project).
serve: install
	$(VENV)/bin/flask --app web run

# The browser test drives Debian's Chromium (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium || \
	  { $$SUDO apt-get update -q && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }; }

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The default tier: every test but those marked slow (one real end-to-end run of every task
# type's pipeline stays in it). test-all adds the slow ones (sweeps, kill-and-resume per type,
# distillation, BERT, DDP, crawl pipelines): what CI runs.
test: install browser lint
	$(VENV)/bin/pytest -q

test-all: install browser lint
	$(VENV)/bin/pytest -q -m "slow or not slow"

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
