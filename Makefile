# Images as Data: the README's commands. Each target sets up what it needs first.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup course test lab notebooks bench clean

setup:
	@bash tools/setup.sh

## The main job: execute every notebook in lecture mode, build HTML pages + index and the student edition.
course: setup
	$(PY) tools/build_course.py

## The tests: unit tests, notebook conventions, nbval, papermill smoke runs, student edition.
test: setup
	$(PY) -m pytest

## Open JupyterLab on the course.
lab: setup
	$(VENV)/bin/jupyter lab notebooks/

## Re-execute the stored notebooks in place (lecture mode), for authors after a change.
notebooks: setup
	$(PY) tools/execute_notebooks.py $(NB)

## Benchmarks (not tests): notebook wall time, slowest cell, peak kernel memory.
bench: setup
	$(PY) bench/bench_notebooks.py

clean:
	rm -rf build .cache
