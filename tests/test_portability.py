"""Stored outputs and nbval agree on any machine that meets the requirements.

nbval compares the outputs of checked cells (tagged nbval-check-output, and exercise cells) after
tests/nbval_sanitize.cfg masks what depends on the machine. These tests check that masking in both
directions, on every stored output: machine values (interpreter version, paths, timings, thread
counts, device, memory sizes, dates) are masked, values that teach (marks, shapes, counts,
accuracies) are not. And notebook 00's package check, run as if under another Python and with a
CPU build of torch, sanitises to exactly its stored output. The end-to-end proof is `.ci/run`,
which runs the whole suite on the newest supported Python too.
"""

import contextlib
import io
import json
import re
import sys
from unittest import mock

import pytest
from nbval.plugin import get_sanitize_patterns

from tools.project import ROOT, course_notebooks, supported_pythons

NOTEBOOKS = course_notebooks()
# nbval keeps the pairs in an OrderedDict and applies them in file order; so do we.
SANITIZE = list(
    dict(
        get_sanitize_patterns(
            (ROOT / "tests" / "nbval_sanitize.cfg").read_text()
        )
    ).items()
)

# What a machine value looks like, written independently of the sanitiser's regexes.
MACHINE_VALUES = {
    "Python version": r"Python 3\.\d+\.\d+",
    "wheel build label": r"\d\+(cpu|cu\d+|rocm)",
    "absolute path": r"(^|[\s'\"(=])/(home|root|work|usr|tmp|opt|var|mnt|srv|Users|private|content)/|\b[A-Z]:\\",
    "timing": r"\b\d+(\.\d+)? ?(s|ms|sec|seconds)\b|it/s",
    "rate": r"\b\d+(\.\d+)? ?(it|images|img|samples)/s\b",
    "thread count": r"\b\d+ threads?\b|threads: \d+",
    "device": r"device: (cpu|cuda|mps)\b|\bNVIDIA\b|GeForce",
    "memory size": r"\b\d+(\.\d+)? ?[KMGT]iB\b",
    "date": r"\b20\d\d-\d\d-\d\d\b",
    "memory address": r"\b0x[0-9a-fA-F]{6,}",
    "loader source": r"loaded from (cache|offline|online) source",
}
MARKS = "✓✗≠✅❌👉"


def sanitize(text: str) -> str:
    for regex, replace in SANITIZE:
        text = re.sub(regex, replace, text)
    return text


def machine_values(line: str) -> list[str]:
    return [
        what
        for what, regex in MACHINE_VALUES.items()
        if re.search(regex, line)
    ]


def checked_cells(path):
    nb = json.loads(path.read_text())
    for index, cell in enumerate(nb["cells"]):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] == "code" and (
            "nbval-check-output" in tags or "exercise" in tags
        ):
            yield index, cell


def output_texts(cell):
    for out in cell.get("outputs", []):
        if "text" in out:
            yield "".join(out["text"])
        for mime in ("text/plain", "text/html", "text/markdown", "text/latex"):
            if mime in out.get("data", {}):
                yield "".join(out["data"][mime])


def stored_text(cell) -> str:
    return "".join(output_texts(cell))


def test_the_sanitiser_is_read_as_nbval_reads_it():
    assert len(SANITIZE) >= 10
    for regex, _ in SANITIZE:
        re.compile(regex)


@pytest.mark.parametrize(
    "line, masked",
    [
        (
            "Python 3.11.7 ✓ (the course is tested on 3.11 to 3.13)",
            "Python VERSION ✓ (the course is tested on 3.11 to 3.13)",
        ),
        ("Python 3.13.0rc2 ✓ (tested)", "Python VERSION ✓ (tested)"),
        ("PyTorch 2.14.1+cu130 and 2.14.1+cpu", "PyTorch 2.14.1 and 2.14.1"),
        ("device: cuda (NVIDIA H200)", "device: DEVICE"),
        ("device: cpu (2 threads)", "device: DEVICE"),
        ("CPU threads: 16, 4 threads", "CPU threads: N, N threads"),
        ("GPU memory: 139 GiB; 1.5 GiB peak", "GPU memory: SIZE; SIZE peak"),
        (
            "from /usr/share/datasets/fashion-mnist, C:\\Users\\ana\\x.png",
            "from PATH, PATH",
        ),
        (
            "SVM: fit + predict in 3.1 s (12 ms per image)",
            "SVM: fit + predict in T (T per image)",
        ),
        ("  1.9it/s", "  RATE"),
        ("run on 2026-11-29 22:38:41", "run on DATE"),
        ("<object at 0x7f3a2b1c>", "<object at 0xADDR>"),
        (
            "epoch 1:   0%|          | 0/47 [00:00<?, ?it/s]",
            "epoch 1:   PROGRESS",
        ),
        (
            "epoch 3: 100%|██████████| 47/47 [00:02<00:00, 21.3it/s]",
            "epoch 3: PROGRESS",
        ),
        (
            "Fashion-MNIST: loaded from cache source: <course>/.cache/x",
            "Fashion-MNIST: loaded from SOURCE",
        ),
    ],
)
def test_machine_values_are_masked(line, masked):
    assert sanitize(line) == masked
    assert machine_values(line) and not machine_values(masked)


@pytest.mark.parametrize(
    "line",
    [
        "train: (60000, 28, 28) uint8  test: (10000, 28, 28)",
        "held-out accuracy: 0.948",
        "  ✓ numpy                              2.4.6",
        "  ✓ dask                               2026.8.0",
        "helpers importable from the course folder: <course>/helpers/__init__.py",
        "  ✗ torch                              not installed (pinned 2.14.1)",
        "minSize=(30, 30): 1 face(s)",
        "mean absolute error: Y0 0.51 | Y1 0.018",
        "n_k / N for r_k = 100",
        "224x224 image, 16x16 patches: 196 patches of 256 pixels each",
        "a batch of 32 images is 100 kB of float32",
        "<Figure size 500x250 with 1 Axes>",
        "uint8 overflow: [200 250] + 100 = [44 94] (wrapped around at 256, not clipped)",
    ],
)
def test_values_that_teach_are_kept(line):
    assert sanitize(line) == line


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_checked_outputs_hold_no_unmasked_machine_values(path):
    """In every checked cell: a line without machine values is left alone by the sanitiser (values that
    teach stay checked); a line with one is masked, and keeps its marks."""
    problems = []
    for index, cell in checked_cells(path):
        for text in output_texts(cell):
            for line in text.splitlines():
                found, clean = machine_values(line), sanitize(line)
                if not found and clean != line:
                    problems.append(
                        f"cell {index}: the sanitiser changes a value that teaches: {line!r} -> {clean!r}"
                    )
                elif found and machine_values(clean):
                    problems.append(
                        f"cell {index}: {', '.join(machine_values(clean))} left unmasked: {clean!r}"
                    )
                elif [c for c in line if c in MARKS] != [
                    c for c in clean if c in MARKS
                ]:
                    problems.append(
                        f"cell {index}: the sanitiser changes the marks of {line!r}"
                    )
    assert not problems, (
        f"{path.name}: mask the value in tests/nbval_sanitize.cfg or print it in a cell "
        "that nbval does not check:\n" + "\n".join(problems)
    )


def _setup_check_cells():
    nb = json.loads((ROOT / "notebooks" / "00_setup_check.ipynb").read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    imports = code[0]
    packages = [c for c in code if "python_version()" in "".join(c["source"])]
    assert len(packages) == 1, (
        "notebook 00 should print the Python version in one cell"
    )
    assert "nbval-check-output" in packages[0]["metadata"].get("tags", []), (
        "00's package check must stay checked"
    )
    return "".join(imports["source"]), packages[0]


def _run_cell(imports, source, python_version, torch_build=""):
    """Run 00's imports and package-check cell in-process, as if under another Python (and torch wheel)."""
    namespace = {}
    with mock.patch("platform.python_version", return_value=python_version):
        exec(compile(imports, "00-imports", "exec"), namespace)
        real_version = namespace["version"]
        namespace["version"] = lambda name: (
            real_version(name) + (torch_build if name == "torch" else "")
        )
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            exec(compile(source, "00-packages", "exec"), namespace)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "python_version, torch_build",
    [("3.11.0", ""), ("3.13.0", "+cpu"), ("3.12.11", "+cu126")],
)
def test_setup_check_agrees_under_another_python(python_version, torch_build):
    imports, cell = _setup_check_cells()
    stored = stored_text(cell)
    fresh = _run_cell(
        imports, "".join(cell["source"]), python_version, torch_build
    )
    # the raw outputs differ ...
    assert f"Python {python_version} " in fresh and fresh != stored
    # ... nbval's view of them does not
    assert sanitize(fresh) == sanitize(stored)
    assert "✓" in sanitize(stored) and "✗" not in sanitize(stored)


def test_the_supported_pythons_are_stated_once_and_agree():
    """pyproject.toml's classifiers are the one statement (read by helpers.project.supported_pythons);
    requires-python, the README and .ci/run follow it (the CI workflow: tests/test_tooling.py)."""
    pythons = supported_pythons()
    minors = [int(v.split(".")[1]) for v in pythons]
    assert minors == list(range(minors[0], minors[-1] + 1)), (
        f"classifiers name {pythons}: list every version from the oldest to the newest"
    )
    pyproject = (ROOT / "pyproject.toml").read_text()
    floor = re.search(
        r'^requires-python = ">=3\.(\d+)"', pyproject, re.MULTILINE
    )
    assert floor and int(floor.group(1)) == minors[0], (
        "requires-python must be the oldest classifier"
    )
    readme = (ROOT / "README.md").read_text()
    stated = re.findall(r"Python (3\.\d+) to (3\.\d+)", readme)
    assert stated == [(pythons[0], pythons[-1])], f"README states {stated}"
    ci = (ROOT / ".ci" / "run").read_text()
    assert "pyproject.toml" in ci and not re.search(r"python3\.\d+", ci), (
        ".ci/run should take its Pythons from pyproject.toml"
    )
    assert sys.version_info[:2] >= (3, minors[0])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_the_sanitiser_changes_no_value_that_teaches_anywhere(path):
    """Over all stored outputs, checked or not (any cell may become checked): lines without a machine
    value pass the sanitiser unchanged. (Unchecked cells may print machine values; nbval ignores them.)"""
    nb = json.loads(path.read_text())
    problems = []
    for index, cell in enumerate(nb["cells"]):
        for text in output_texts(cell):
            for line in text.splitlines():
                found, clean = machine_values(line), sanitize(line)
                if not found and clean != line:
                    problems.append(f"cell {index}: {line!r} -> {clean!r}")
    assert not problems, (
        f"{path.name}: the sanitiser masks values that teach; narrow its regex:\n"
        + "\n".join(problems[:20])
    )
