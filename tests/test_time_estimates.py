"""One rule for every notebook's time estimate, stated in the README and applied in each header and the README table.

minutes = markdown words / 150 (reading) + 1 per code cell + 5 per exercise, rounded up to a multiple of 5.
"""

import math
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
BOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WORDS_PER_MINUTE, MINUTES_PER_CODE_CELL, MINUTES_PER_EXERCISE = 150, 1, 5


def estimate_minutes(nb) -> int:
    words = sum(
        len(c.source.split()) for c in nb.cells if c.cell_type == "markdown"
    )
    code = sum(c.cell_type == "code" for c in nb.cells)
    exercises = sum(
        "exercise" in c.get("metadata", {}).get("tags", []) for c in nb.cells
    )
    raw = (
        words / WORDS_PER_MINUTE
        + MINUTES_PER_CODE_CELL * code
        + MINUTES_PER_EXERCISE * exercises
    )
    return 5 * math.ceil(raw / 5)


def test_rule_on_a_made_up_notebook():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell(
                " ".join(["word"] * 300)
            ),  # 2 minutes of reading
            nbformat.v4.new_code_cell("x = 1"),  # 1
            nbformat.v4.new_code_cell(
                "check('99.x', x)", metadata={"tags": ["exercise"]}
            ),  # 1 + 5
        ]
    )
    assert estimate_minutes(nb) == 10  # 9 -> rounded up to 10
    nb.cells.append(nbformat.v4.new_code_cell("y = 2"))
    assert estimate_minutes(nb) == 10
    nb.cells.append(nbformat.v4.new_code_cell("z = 3"))
    assert estimate_minutes(nb) == 15  # 11 -> 15


def test_readme_states_the_rule():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(
        r"150 words a minute.*1 minute per code cell.*5 minutes per exercise",
        readme,
        re.S,
    ), (
        "README must state the time-estimate rule (150 words a minute, 1 minute per code cell, 5 minutes per exercise)"
    )


@pytest.mark.parametrize("path", BOOKS, ids=[p.stem for p in BOOKS])
def test_header_and_readme_follow_the_rule(path):
    nb = nbformat.read(path, as_version=4)
    want = estimate_minutes(nb)
    header = re.search(
        r"\*\*Time:\*\* about (\d+) minutes", nb.cells[0].source
    )
    assert header, f"{path.name}: title cell needs '**Time:** about N minutes'"
    assert int(header.group(1)) == want, (
        f"{path.name}: header says {header.group(1)} minutes, the rule gives {want}"
    )
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = re.search(rf"^\| {path.stem[:2]} \|.*\| (\d+) min \|$", readme, re.M)
    assert row and int(row.group(1)) == want, (
        f"README's row for {path.stem[:2]} should say {want} min"
    )
