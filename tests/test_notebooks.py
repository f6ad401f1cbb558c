"""Every notebook's student edition runs top to bottom with smoke parameters (papermill).

With nbval (which re-executes each instructor notebook in lecture mode and compares the checked
cells, exercise ✅ lines included: see conftest.py) this executes each notebook twice in all:
the instructor edition with its solutions at lecture size, the student edition unanswered at
smoke size. The smoke parameters and the Colab cell (a no-op outside Colab) are exercised here.
"""

import json

import nbformat
import pytest

from tools.editions import STUDENT_DIR, student_notebook
from tools.notebook_tools import (
    course_notebooks,
    execute_with_parameters,
    smoke_parameters,
    tags,
)

BOOKS = course_notebooks()
IDS = [p.stem for p in BOOKS]


def cell_text(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []))


@pytest.mark.notebooks
@pytest.mark.parametrize("path", BOOKS, ids=IDS)
def test_student_edition_runs_unanswered(path, tmp_path):
    instructor = nbformat.read(path, as_version=4)
    student = student_notebook(instructor)
    src = tmp_path / ("student_" + path.name)
    nbformat.write(student, src)
    assert "BEGIN SOLUTION" not in json.dumps(student)
    # run where Binder and JupyterLab run it: in student/
    out = execute_with_parameters(
        src,
        tmp_path / ("out_" + path.name),
        smoke_parameters(instructor),
        cwd=STUDENT_DIR,
    )
    exercise_outputs = [
        cell_text(c) for c in out.cells if "exercise" in tags(c)
    ]
    assert exercise_outputs, "no exercise cells ran"
    for text in exercise_outputs:
        assert (
            "👉" in text and "not answered yet" in text and "❌" not in text
        ), text
