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


def course_gpu_parameters(path):
    """What full mode adds on a CUDA GPU (course.gpu_parameters), {} for most notebooks."""
    nb = nbformat.read(path, as_version=4)
    return dict(nb.metadata.get("course", {}).get("gpu_parameters", {}))


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


GPU_BOOKS = [p for p in BOOKS if course_gpu_parameters(p)]


@pytest.mark.notebooks
@pytest.mark.parametrize("path", GPU_BOOKS, ids=[p.stem for p in GPU_BOOKS])
def test_gpu_batch_sizes_run_at_smoke_size(path, tmp_path):
    """Full mode on a GPU changes batch sizes, learning rates and warm-up (course.gpu_parameters):
    that code path runs here on the CPU at smoke size, so a GPU run does not find its errors."""
    instructor = nbformat.read(path, as_version=4)
    gpu = course_gpu_parameters(path)
    out = execute_with_parameters(
        path, tmp_path / path.name, smoke_parameters(instructor) | gpu
    )
    text = "".join(cell_text(c) for c in out.cells)
    if path.name.startswith("07"):
        # §4 prints the carried-over rates: sqrt(512 / 32) = 4 times 0.05 and 0.003
        assert (
            "batch 512: lr SGD 0.2, Adam 0.012 (sqrt rule from batch 32); "
            "warm-up epochs: 1"
        ) in text
