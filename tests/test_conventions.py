"""The course's notebook conventions (../shared/COURSE_DESIGN.md), checked on every notebook."""
import ast
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools.notebook_tools import BEGIN, END, course_notebooks, parameter_defaults, smoke_parameters, student_edition, tags

ROOT = Path(__file__).resolve().parent.parent
BOOKS = course_notebooks()
IDS = [p.stem for p in BOOKS]
EXPECTED = ["00_setup_check", "01_images_as_arrays", "02_color_histograms", "03_texture_and_entropy",
            "04_haar_features_and_faces", "05_classical_pipeline", "06_cnn_building_blocks", "07_training_cnns",
            "08_autotaggers", "09_vision_transformers"]
CHECK_CALL = re.compile(r"""check\(\s*["'](\d\d\.\w+)["']""")


def load(path):
    return nbformat.read(path, as_version=4)


def test_course_notebooks_exist_in_order():
    names = [p.stem for p in BOOKS]
    assert names[: len(EXPECTED)] == EXPECTED
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in names:
        assert f"(notebooks/{name}.ipynb)" in readme, f"README's notebook table does not link {name}"
    assert [n[:2] for n in names] == sorted(n[:2] for n in names)


def test_shared_checker_finds_nothing():
    checker = ROOT.parent / "shared" / "tools" / "check_notebooks.py"
    if not checker.is_file():
        pytest.skip("../shared/tools/check_notebooks.py is not beside this checkout")
    out = subprocess.run([sys.executable, str(checker), str(ROOT / "notebooks")], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize("path", BOOKS, ids=IDS)
def test_structure(path):
    nb = load(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    assert path.stem[:2] in first.source.splitlines()[0], "title should carry the notebook number"
    assert re.search(r"\*\*Time:\*\* about \d+ minutes", first.source), "first cell needs '**Time:** about N minutes'"
    learn = re.search(r"## What you'll learn\n((?:- .+\n?)+)", first.source)
    assert learn, "first cell needs a '## What you'll learn' bullet list"
    assert 3 <= len(re.findall(r"^- ", learn.group(1), re.M)) <= 5
    assert nb.metadata.kernelspec.name == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "import" in code[0].source and "parameters" in tags(code[1]), "imports cell, then the parameters cell"


@pytest.mark.parametrize("path", BOOKS, ids=IDS)
def test_parameters_and_smoke_values(path):
    nb = load(path)
    defaults = parameter_defaults(nb)
    assert defaults, "the parameters cell is empty"
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", k) for k in defaults), f"parameters must be UPPER_CASE: {list(defaults)}"
    smoke = smoke_parameters(nb)
    assert set(smoke) <= set(defaults), f"smoke_parameters not in the parameters cell: {set(smoke) - set(defaults)}"
    for k, v in smoke.items():
        assert type(v) is type(defaults[k]), f"{k}: smoke value {v!r} has another type than {defaults[k]!r}"


@pytest.mark.parametrize("path", BOOKS, ids=IDS)
def test_exercises_have_checks_and_solutions(path):
    from helpers.exercises import all_exercise_ids

    nb = load(path)
    known = set(all_exercise_ids())
    exercise_cells = [c for c in nb.cells if c.cell_type == "code" and "exercise" in tags(c)]
    assert 2 <= len(exercise_cells) <= 4, f"{len(exercise_cells)} exercises (want 2-4)"
    for cell in exercise_cells:
        ids = CHECK_CALL.findall(cell.source)
        assert len(ids) == 1, f"an exercise cell calls check() once: {cell.source[:80]!r}"
        assert ids[0] in known and ids[0].startswith(path.stem[:2] + "."), f"unregistered id {ids[0]}"
        assert "solution" in tags(cell) and BEGIN in cell.source and END in cell.source
        outs = "".join(o.get("text", "") for o in cell.outputs)
        assert f"✅ Exercise {ids[0]}: correct!" in outs, f"stored output of {ids[0]} is not ✅: {outs!r}"
        student = student_edition(nbformat.v4.new_notebook(cells=[cell])).cells[0].source
        assert "SOLUTION" not in student and ids[0] in student
        assigned = [n.targets[0].id for n in ast.parse(student).body
                    if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant) and n.value.value is ...]
        assert assigned, "the student version must keep an `answer = ...` line"


@pytest.mark.parametrize("path", BOOKS, ids=IDS)
def test_outputs_are_checked_and_clean(path):
    nb = load(path)
    checked = [c for c in nb.cells if "nbval-check-output" in tags(c)]
    assert checked, "mark at least one cell with key numbers 'nbval-check-output'"
    for c in checked:
        assert c.outputs, "a checked cell must print something"
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        assert not re.search(r"^\s*[!%]\s*(pip|conda|apt)", c.source, re.M)
        assert not re.search(r"['\"]/(work|tmp|root|home|Users)/", c.source), "no literal machine paths"
        for o in c.get("outputs", []):
            assert o.output_type != "error"
            text = o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
            assert "Traceback" not in text
            assert not re.search(r"<\w+[\w.]* object at 0x", text), "object repr leaked: end plot lines with ;"
    assert path.stat().st_size < 3 * 1024 * 1024
