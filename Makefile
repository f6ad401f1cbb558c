# Images as Data: the README's commands. Each target sets up what it needs first.
# One virtual environment per interpreter: .venv for python3, .venv-3.13 for PYTHON=python3.13.
PYTHON ?= python3
_PYVER := $(subst python,,$(notdir $(PYTHON)))
VENV ?= .venv$(if $(filter-out 3,$(_PYVER)),-$(_PYVER))
PY := $(VENV)/bin/python
export PYTHON VENV

.PHONY: setup course editions lock test test-fast lab refresh notebooks bench clean

setup:
	@bash tools/setup.sh

## The main job: the student edition (student/) and the course site (build/html/) from the stored outputs.
## EXECUTE=1 re-executes every notebook first (lecture mode, into build/executed/; notebooks/ untouched).
course: setup
	$(PY) -m tools.build_course $(if $(EXECUTE),--execute)

## Regenerate the committed student edition (student/) from notebooks/ only; commit the result.
editions: setup
	$(PY) -m tools.editions

## Regenerate the locks (every transitive pin, all platforms, Python 3.11+), preferring the versions already
## locked: requirements.lock from requirements.txt (what the notebooks need: Binder, Colab, conda) and
## requirements-dev.lock from requirements-dev.txt (plus tests, site, lint), constrained to agree with it.
## uv is installed into build/uv for this only.
lock:
	python3 -m venv build/uv && build/uv/bin/python -m pip install --quiet uv==0.13.9
	build/uv/bin/uv pip compile requirements.txt --universal --python-version 3.11 -o requirements.lock \
	  --custom-compile-command "make lock" --quiet
	build/uv/bin/uv pip compile requirements-dev.txt -c requirements.lock --universal --python-version 3.11 \
	  -o requirements-dev.lock --custom-compile-command "make lock" --quiet

## The tests: unit tests, notebook conventions, nbval, student-edition smoke runs, site in a browser.
test: setup
	$(PY) -m pytest

## The fast lane: everything except the tests that execute notebooks (under a minute).
test-fast: setup
	$(PY) -m pytest -m "not notebooks"

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

## Re-execute the stored notebooks in place (lecture mode), for authors after a change: make notebooks NB=05.
## MODE=full runs them with course.full_parameters into build/full/ instead (sources untouched).
notebooks: setup
	$(PY) -m tools.execute_notebooks $(if $(MODE),--mode $(MODE)) $(NB)

## Benchmarks (not tests): notebook wall time, slowest cell, peak kernel memory.
bench: setup
	$(PY) -m bench.bench_notebooks

clean:
	rm -rf build .cache
