"""The course's notebook conventions (../shared/COURSE_DESIGN.md), checked on every notebook."""

import ast
import re
import subprocess
import sys

import nbformat
import pytest

from tools import claims
from tools.notebook_tools import (
    BEGIN,
    END,
    full_parameters,
    gpu_parameters,
    parameter_defaults,
    smoke_parameters,
    student_edition,
    tags,
)
from tools.project import README, ROOT, course_notebooks

BOOKS = course_notebooks()
IDS = [p.stem for p in BOOKS]
MACHINE_PATH = re.compile(
    r"(?<![\w.])/(?:work|tmp|root|home|farm|opt|Users)/[\w.-]+"
)
CHECK_CALL = re.compile(r"""check\(\s*["'](\d\d\.\w+)["']""")


def load(path):
    return nbformat.read(path, as_version=4)


def test_course_notebooks_exist_in_order():
    """The notebooks are the files notebooks/NN_topic.ipynb (tools.project.course_notebooks): numbered
    without gaps, each linked from the README's table, and the table links no other."""
    names = [p.stem for p in BOOKS]
    assert len(names) >= 12, f"only {len(names)} notebooks in notebooks/"
    problem = numbering_problem(names)
    assert problem is None, problem
    linked = re.findall(
        r"^\| \d\d \| \[\w+\]\(notebooks/(\w+)\.ipynb\)",
        README.read_text(encoding="utf-8"),
        re.M,
    )
    assert linked == names, (
        f"README's notebook table links {linked}; notebooks/ holds {names} (one row per notebook, in order)"
    )


def numbering_problem(names):
    """None when the notebooks are numbered 00, 01, 02, ... with no gap and no number used twice."""
    numbers = sorted(n[:2] for n in names)
    want = [f"{i:02d}" for i in range(len(numbers))]
    return (
        None
        if numbers == want
        else f"notebook numbers {numbers} should run {want[0]}..{want[-1]} without gaps or repeats"
    )


def test_numbering_check_catches_gaps_and_repeats():
    assert numbering_problem(["00_a", "01_b", "02_c"]) is None
    assert numbering_problem(["00_a", "02_c"]) and numbering_problem(
        ["00_a", "01_b", "01_c"]
    )
    assert numbering_problem(["01_b", "02_c"])


def test_shared_checker_finds_nothing():
    checker = ROOT.parent / "shared" / "tools" / "check_notebooks.py"
    if not checker.is_file():
        pytest.skip(
            "../shared/tools/check_notebooks.py is not beside this checkout"
        )
    out = subprocess.run(
        [sys.executable, str(checker), str(ROOT / "notebooks")],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize("path", BOOKS, ids=IDS)
def test_every_number_in_prose_is_backed_here(path):
    """The project's own claims check (tools/claims.py): no number in prose without an output, a bench
    table (where the cell points to the benchmarks) or a quoted source behind it."""
    loose = claims.unbacked(load(path), key=path.stem[:2])
    assert not loose, (
        f"{path.name}: numbers in prose that nothing backs (cell index: numbers): {loose}; print them, "
        "quote the bench table, or list a quoted figure with its source in tools/claims.py QUOTED"
    )


def test_claims_check_catches_an_unbacked_number():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    out = nbformat.v4.new_output("stream", text="accuracy 0.9134\n")
    nb = nbformat.v4.new_notebook(
        cells=[
            code("print(acc)", outputs=[out]),
            md(
                "Accuracy 0.913, or 91.3%: `0.5` in code and $0.7$ are not prose."
            ),
            md("It reached 0.95 (from memory)."),
            md("The bench says 12.1 s."),
        ]
    )
    assert claims.unbacked(nb, bench=[]) == [(2, ["0.95"]), (3, ["12.1"])]
    assert claims.unbacked(nb, bench=[(12.1, 1)]) == [(2, ["0.95"])]


def test_every_number_in_prose_is_backed():
    """The shared claims checker (run on the folder, as it expects) finds no number without evidence."""
    checker = ROOT.parent / "shared" / "tools" / "check_claims.py"
    if not checker.is_file():
        pytest.skip(
            "../shared/tools/check_claims.py is not beside this checkout"
        )
    out = subprocess.run(
        [
            sys.executable,
            str(checker),
            "notebooks",
            "--bench",
            "bench/results",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.stdout.strip().endswith(
        "0 number(s) in prose with no output, bench table or lecture figure behind them"
    ), out.stdout + out.stderr


@pytest.mark.parametrize("path", BOOKS, ids=IDS)
def test_structure(path):
    nb = load(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    assert path.stem[:2] in first.source.splitlines()[0], (
        "title should carry the notebook number"
    )
    assert re.search(r"\*\*Time:\*\* about \d+ minutes", first.source), (
        "first cell needs '**Time:** about N minutes'"
    )
    learn = re.search(r"## What you'll learn\n((?:- .+\n?)+)", first.source)
    assert learn, "first cell needs a '## What you'll learn' bullet list"
    assert 3 <= len(re.findall(r"^- ", learn.group(1), re.M)) <= 5
    assert nb.metadata.kernelspec.name == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "import" in code[0].source and "parameters" in tags(code[1]), (
        "imports cell, then the parameters cell"
    )


@pytest.mark.parametrize("path", BOOKS, ids=IDS)
def test_parameters_and_smoke_values(path):
    nb = load(path)
    defaults = parameter_defaults(nb)
    assert defaults, "the parameters cell is empty"
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", k) for k in defaults), (
        f"parameters must be UPPER_CASE: {list(defaults)}"
    )
    smoke = smoke_parameters(nb)
    assert set(smoke) <= set(defaults), (
        f"smoke_parameters not in the parameters cell: {set(smoke) - set(defaults)}"
    )
    for k, v in smoke.items():
        assert type(v) is type(defaults[k]), (
            f"{k}: smoke value {v!r} has another type than {defaults[k]!r}"
        )
    assert "full_parameters" in nb.metadata.get("course", {}), (
        "set course.full_parameters in the notebook metadata "
        "(make notebooks MODE=full uses it; {} = lecture mode is full)"
    )
    full = full_parameters(nb)
    assert set(full) <= set(defaults), (
        f"full_parameters not in the parameters cell: {set(full) - set(defaults)}"
    )
    for k, v in full.items():
        assert type(v) is type(defaults[k]), (
            f"{k}: full value {v!r} has another type than {defaults[k]!r}"
        )
    gpu = nb.metadata["course"].get("gpu_parameters", {})
    assert set(gpu) <= set(defaults), (
        f"gpu_parameters not in the parameters cell: {set(gpu) - set(defaults)}"
    )
    for k, v in gpu.items():
        assert type(v) is type(defaults[k]), (
            f"{k}: GPU value {v!r} has another type than {defaults[k]!r}"
        )


# The notebooks whose full mode trains networks; on a CUDA GPU they run larger batches (issue 19).
GPU_TRAINING = ("07", "09", "11")


@pytest.mark.parametrize(
    "path", [p for p in BOOKS if p.name[:2] in GPU_TRAINING], ids=GPU_TRAINING
)
def test_gpu_full_mode_scales_batch_and_rate_together(path):
    """A GPU batch larger than the lecture's carries its learning-rate rule: the rate is computed
    with scale_lr from the batch-size parameter, and a warm-up parameter of at least one epoch."""
    nb = load(path)
    defaults, gpu = parameter_defaults(nb), gpu_parameters(nb)
    batches = [k for k in gpu if k.endswith("BATCH_SIZE")]
    assert batches, f"course.gpu_parameters sets no batch size: {gpu}"
    for key in batches:
        assert gpu[key] > defaults[key], (key, gpu[key], defaults[key])
        scaled = re.findall(
            rf"scale_lr\([^)]*\b{key}\b[^)]*\)",
            "\n".join(c.source for c in nb.cells if c.cell_type == "code"),
        )
        assert scaled, f"no scale_lr(...) call reads {key}"
    warmups = [k for k in gpu if k.endswith("WARMUP_EPOCHS")]
    assert warmups and all(
        gpu[k] >= 1 and defaults[k] == 0 for k in warmups
    ), (
        gpu,
        {k: defaults.get(k) for k in warmups},
    )


@pytest.mark.parametrize("path", BOOKS, ids=IDS)
def test_exercises_have_checks_and_solutions(path):
    from helpers.exercises import all_exercise_ids

    nb = load(path)
    known = set(all_exercise_ids())
    exercise_cells = [
        c for c in nb.cells if c.cell_type == "code" and "exercise" in tags(c)
    ]
    assert 2 <= len(exercise_cells) <= 4, (
        f"{len(exercise_cells)} exercises (want 2-4)"
    )
    for cell in exercise_cells:
        ids = CHECK_CALL.findall(cell.source)
        assert len(ids) == 1, (
            f"an exercise cell calls check() once: {cell.source[:80]!r}"
        )
        assert ids[0] in known and ids[0].startswith(path.stem[:2] + "."), (
            f"unregistered id {ids[0]}"
        )
        assert (
            "solution" in tags(cell)
            and BEGIN in cell.source
            and END in cell.source
        )
        outs = "".join(o.get("text", "") for o in cell.outputs)
        assert f"✅ Exercise {ids[0]}: correct!" in outs, (
            f"stored output of {ids[0]} is not ✅: {outs!r}"
        )
        student = (
            student_edition(nbformat.v4.new_notebook(cells=[cell]))
            .cells[0]
            .source
        )
        assert "SOLUTION" not in student and ids[0] in student
        assigned = [
            n.targets[0].id
            for n in ast.parse(student).body
            if isinstance(n, ast.Assign)
            and isinstance(n.value, ast.Constant)
            and n.value.value is ...
        ]
        assert assigned, "the student version must keep an `answer = ...` line"


@pytest.mark.parametrize("path", BOOKS, ids=IDS)
def test_outputs_are_checked_and_clean(path):
    nb = load(path)
    checked = [c for c in nb.cells if "nbval-check-output" in tags(c)]
    assert checked, (
        "mark at least one cell with key numbers 'nbval-check-output'"
    )
    for c in checked:
        assert c.outputs, "a checked cell must print something"
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        assert not re.search(r"^\s*[!%]\s*(pip|conda|apt)", c.source, re.M)
        assert not re.search(r"['\"]/(work|tmp|root|home|Users)/", c.source), (
            "no literal machine paths"
        )
        for o in c.get("outputs", []):
            assert o.output_type != "error"
            text = o.get("text", "") + str(
                o.get("data", {}).get("text/plain", "")
            )
            assert "Traceback" not in text
            assert not MACHINE_PATH.search(text), (
                f"an output shows a machine path: {MACHINE_PATH.search(text).group(0)!r}"
            )
            assert not re.search(r"<\w+[\w.]* object at 0x", text), (
                "object repr leaked: end plot lines with ;"
            )
    assert path.stat().st_size < 3 * 1024 * 1024


WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
# tqdm: " 40%|████  | 4/10 [00:01<00:02, 3.1it/s]"
PROGRESS_TEXT = re.compile(r"\d+%\|[^|\n]*\||\[\d\d:\d\d<|\d(?:it|s)/s\]")


def execution_count_problem(nb):
    """None when the stored code cells ran once each, top to bottom: execution counts 1, 2, ..., n."""
    counts = [
        c.execution_count
        for c in nb.cells
        if c.cell_type == "code" and c.source.strip()
    ]
    want = list(range(1, len(counts) + 1))
    if counts == want:
        return None
    first = next(
        i
        for i, (a, b) in enumerate(
            zip(counts + [None], want + [None], strict=True)
        )
        if a != b
    )
    return (
        f"execution counts should be 1..{len(want)}; code cell {first} has {counts[first]} "
        "(re-execute: make notebook NB=..)"
    )


def frozen_widget_problems(nb):
    """Saved widget state and progress bars frozen into stored outputs (they render as junk or nothing)."""
    found = (
        ["notebook metadata holds saved widget state (metadata.widgets)"]
        if "widgets" in nb.metadata
        else []
    )
    for i, c in enumerate(c for c in nb.cells if c.cell_type == "code"):
        for o in c.get("outputs", []):
            if WIDGET_MIME in o.get("data", {}):
                found.append(
                    f"code cell {i}: a widget output ({WIDGET_MIME}), e.g. a tqdm notebook progress bar"
                )
            text = o.get("text", "") + str(
                o.get("data", {}).get("text/plain", "")
            )
            if PROGRESS_TEXT.search(text):
                found.append(
                    f"code cell {i}: progress-bar text in a stored output: {PROGRESS_TEXT.search(text).group(0)!r}"
                )
    return found


@pytest.mark.parametrize("path", BOOKS, ids=IDS)
def test_stored_run_is_one_clean_top_to_bottom_run(path):
    nb = load(path)
    problem = execution_count_problem(nb)
    assert problem is None, problem
    problems = frozen_widget_problems(nb)
    assert not problems, "; ".join(problems[:5])


def test_clean_run_checks_catch_reruns_widgets_and_progress_bars():
    cell = nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook(
        cells=[
            cell("a = 1", execution_count=1),
            cell(""),
            cell("b = 2", execution_count=2),
        ]
    )
    assert (
        execution_count_problem(nb) is None
        and frozen_widget_problems(nb) == []
    )
    nb.cells[2].execution_count = 5
    assert "code cell 1 has 5" in execution_count_problem(nb)
    nb.cells[0].execution_count = None
    assert execution_count_problem(nb)
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    nb.cells[0].outputs = [
        nbformat.v4.new_output(
            "display_data", data={WIDGET_MIME: {"model_id": "x"}}
        )
    ]
    nb.cells[2].outputs = [
        nbformat.v4.new_output(
            "stream",
            name="stderr",
            text=" 40%|████      | 4/10 [00:01<00:02, 3.10it/s]",
        )
    ]
    assert len(frozen_widget_problems(nb)) == 3
    nb.cells[2].outputs = [
        nbformat.v4.new_output(
            "stream", text="accuracy 0.91 | loss 0.3 | 10% of the data"
        )
    ]
    assert len(frozen_widget_problems(nb)) == 2, (
        "plain text with | and % is not a progress bar"
    )


def test_lecturers_guide_names_the_real_exercises():
    """LECTURERS_GUIDE.md plans each session around exercise ids: every id it names exists, and every
    exercise of the course appears in its notebook's plan (a renamed exercise leaves no stale plan)."""
    from helpers.exercises import all_exercise_ids

    guide = (ROOT / "LECTURERS_GUIDE.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(\d\d\.[a-z_0-9]+)`", guide))
    known = set(all_exercise_ids())
    assert not named - known, (
        f"LECTURERS_GUIDE.md names exercises that do not exist: {sorted(named - known)}"
    )
    assert not known - named, (
        f"LECTURERS_GUIDE.md's plans leave out: {sorted(known - named)}"
    )
