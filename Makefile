# Images as Data: the README's commands. Each target sets up what it needs first. `make help` lists them.
# One virtual environment per interpreter: .venv for python3, .venv-3.13 for PYTHON=python3.13.
PYTHON ?= python3
_PYVER := $(subst python,,$(notdir $(PYTHON)))
VENV ?= .venv$(if $(filter-out 3,$(_PYVER)),-$(_PYVER))
PY := $(VENV)/bin/python
# The oldest supported Python, as pyproject.toml states it (requires-python); the locks are made for it.
OLDEST_PYTHON := $(shell sed -n 's/^requires-python = ">=\(3\.[0-9]*\)".*/\1/p' pyproject.toml)
export PYTHON VENV

.DEFAULT_GOAL := help
.PHONY: help setup course editions lock test test-fast lint format lab refresh notebook need-nb notebooks bench clean

## List the targets, each with the first line of its comment (this list).
help:
	@awk '/^## / && !doc {doc = substr($$0, 4)} /^$$/ {doc = ""} \
	  /^[a-z][a-z-]*:/ && doc {split($$0, t, ":"); printf "  make %-10s %s\n", t[1], doc; doc = ""}' $(MAKEFILE_LIST)
	@echo "Details: the comments above each target in the Makefile; README.md and CONTRIBUTING.md."

## Create the environment (.venv): pinned packages of requirements*.txt at the lock's versions, offline data.
setup:
	@bash tools/setup.sh

## The main job: the student edition (student/) and the course site (build/html/) from the stored outputs.
## EXECUTE=1 re-executes every notebook first (lecture mode, into build/executed/; notebooks/ untouched).
course: setup
	$(PY) -m tools.build_course $(if $(EXECUTE),--execute)

## Regenerate the committed student edition (student/) from notebooks/ only; commit the result.
editions: setup
	$(PY) -m tools.editions

## Regenerate the locks requirements.lock and requirements-dev.lock (after changing requirements*.txt).
## Every transitive pin, all platforms, the oldest supported Python and newer, preferring the versions already locked: requirements.lock from requirements.txt (what the notebooks need: Binder, Colab, conda) and
## requirements-dev.lock from requirements-dev.txt (plus tests, site, lint), constrained to agree with it.
## uv is installed into build/uv for this only.
lock:
	python3 -m venv build/uv && build/uv/bin/python -m pip install --quiet uv==0.13.9
	build/uv/bin/uv pip compile requirements.txt --universal --python-version $(OLDEST_PYTHON) -o requirements.lock \
	  --custom-compile-command "make lock" --quiet
	build/uv/bin/uv pip compile requirements-dev.txt -c requirements.lock --universal --python-version $(OLDEST_PYTHON) \
	  -o requirements-dev.lock --custom-compile-command "make lock" --quiet

## The tests: unit tests, notebook conventions, lint, nbval, student-edition smoke runs, site in a browser.
test: setup
	$(PY) -m pytest

## The fast lane: every test not marked `notebooks` (under a minute); fails on lint errors too.
## `notebooks` marks the notebook runs and the integration tests (site build, browser, JupyterLab).
test-fast: setup
	$(PY) -m pytest -m "not notebooks"

## Lint and format check (ruff, configured in pyproject.toml; notebooks/ruff.toml for the notebooks).
lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

## Format every file and apply ruff's safe fixes (then review the diff).
format: setup
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

## Open JupyterLab and print the URL to open. EDITION=student (default): your personal working copy work/
## (made from student/ on the first run, never overwritten; new notebooks are copied in), exercises without
## solutions. EDITION=instructor: notebooks/, with solutions and stored outputs. As root (containers) it adds
## --allow-root. LAB_PORT=8890 for another port, LAB_IP=0.0.0.0 to reach it from outside a container,
## JUPYTER_TOKEN=... to choose the token (otherwise a random one), LAB_ARGS=--no-browser, WORK=dir for another copy.
LAB_PORT ?= 8888
LAB_IP ?= localhost
EDITION ?= student
WORK ?= work
lab: setup
	@case "$(EDITION)" in \
	  student) $(PY) -m tools.workcopy sync --work "$(WORK)" || exit 1; dir="$(WORK)";; \
	  instructor) dir=notebooks;; \
	  *) echo "make lab: EDITION=$(EDITION)? Use EDITION=student (your working copy, the default) or EDITION=instructor (notebooks/)"; exit 2;; \
	esac; \
	token=$${JUPYTER_TOKEN-$$($(PY) -c 'import secrets; print(secrets.token_hex(16))')}; \
	root=$$([ "$$(id -u)" = 0 ] && echo --allow-root); \
	echo "lab: open http://$(if $(filter 0.0.0.0,$(LAB_IP)),localhost,$(LAB_IP)):$(LAB_PORT)/lab?token=$$token (Ctrl-C twice stops JupyterLab)"; \
	echo "lab: the $(EDITION) edition, in $$dir/"; \
	JUPYTER_TOKEN=$$token exec $(VENV)/bin/jupyter lab --ip=$(LAB_IP) --port=$(LAB_PORT) --ServerApp.port_retries=0 \
	  --ServerApp.root_dir="$(CURDIR)" --ContentsManager.preferred_dir="$$dir" $$root $(LAB_ARGS)

## Replace one notebook of your working copy by the course's current student edition: make refresh NB=03.
## Your old file stays beside it as NN_topic.backup-DATE-TIME.ipynb.
refresh: setup
	@$(PY) -m tools.workcopy refresh "$(NB)" --work "$(WORK)"

## After changing notebook NB (or code it calls), e.g. make notebook NB=03: regenerate all that comes from it.
## Re-executes it, recomputes its header time and README row, refreshes the README's benchmark figures and
## regenerates the student edition (python -m tools.regenerate 03; --no-execute after a prose-only change).
notebook: need-nb setup
	$(PY) -m tools.regenerate $(NB)

need-nb:
	$(if $(NB),,$(error make notebook needs NB, e.g. make notebook NB=03 (make notebooks does all)))

## Re-execute stored notebooks in place (lecture mode; all, or NB=05) and regenerate what depends on them.
## MODE=full runs them with course.full_parameters into build/full/ instead (sources untouched).
notebooks: setup
	$(if $(filter full smoke,$(MODE)),$(PY) -m tools.execute_notebooks --mode $(MODE) $(NB),$(PY) -m tools.regenerate $(NB))

## Benchmarks (not tests): notebook wall time, slowest cell, peak kernel memory; updates the README's figures.
bench: setup
	$(PY) -m bench.bench_notebooks
	$(PY) -m tools.readme_figures

## Remove build outputs and the data cache.
clean:
	rm -rf build .cache
