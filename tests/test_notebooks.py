"""Every notebook runs with smoke parameters (papermill), and so does its student edition."""
import json

import nbformat
import papermill
import pytest

from notebook_tools import NOTEBOOK_DIR, course_notebooks, smoke_parameters, student_edition, tags

BOOKS = course_notebooks()
IDS = [p.stem for p in BOOKS]


def run(path, out):
    nb = nbformat.read(path, as_version=4)
    return papermill.execute_notebook(str(path), str(out), parameters=smoke_parameters(nb), kernel_name="python3",
                                      cwd=str(NOTEBOOK_DIR), progress_bar=False)


def cell_text(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []))


@pytest.mark.notebooks
@pytest.mark.parametrize("path", BOOKS, ids=IDS)
def test_smoke_run(path, tmp_path):
    out = run(path, tmp_path / path.name)
    exercise_outputs = [cell_text(c) for c in out.cells if "exercise" in tags(c)]
    assert exercise_outputs and all("✅" in t for t in exercise_outputs), exercise_outputs


@pytest.mark.notebooks
@pytest.mark.parametrize("path", BOOKS, ids=IDS)
def test_student_edition_runs_unanswered(path, tmp_path):
    student = student_edition(nbformat.read(path, as_version=4))
    src = tmp_path / ("student_" + path.name)
    nbformat.write(student, src)
    assert "BEGIN SOLUTION" not in json.dumps(student)
    out = run(src, tmp_path / ("out_" + path.name))
    exercise_outputs = [cell_text(c) for c in out.cells if "exercise" in tags(c)]
    assert exercise_outputs, "no exercise cells ran"
    for text in exercise_outputs:
        assert "👉" in text and "not answered yet" in text and "❌" not in text, text
