"""Time estimates by one rule (tools/times.py): in every notebook's header, per section, as a session-break
marker in notebooks over 90 minutes, and in the README's notebook table. Stale text fails with the command."""

import copy

import nbformat
import pytest

from tools import times
from tools.project import README, course_notebooks

BOOKS = course_notebooks()
new_md, new_code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
FIX = "run `python -m tools.times` (or `make notebook NB=..`) and commit"


def made_up(words_per_section=(0, 220, 110), header_words=110):
    """A notebook with a header of `header_words` words and one section per further entry."""
    cells = [
        new_md(
            "# 99 · Test\n\n**Time:** about 1 minutes\n\n"
            + " ".join(["word"] * (header_words - 8))
        ),
        new_code("import numpy as np\nx = 1\n# a comment is not a line"),
    ]
    for k, n in enumerate(words_per_section[1:], 1):
        cells.append(new_md(f"## {k}. Part\n" + " ".join(["w"] * (n - 3))))
    return nbformat.v4.new_notebook(cells=cells)


RULE = {
    "words_per_minute": 110,
    "minutes_per_code_line": 0.5,
    "minutes_per_figure": 6,
    "minutes_per_exercise": 3,
}


def test_rule_counts_words_lines_figures_and_exercises():
    nb = made_up()
    # header 110 words = 1 min, 2 code lines = 1 min, sections 220 and 110 words = 2 + 1 min
    assert [round(m, 6) for _, _, m in times.section_minutes(nb, RULE)] == [
        4,
        1,
    ]
    nb.cells.append(
        new_code(
            "check('99.x', x)",
            metadata={"tags": ["exercise"]},
            outputs=[
                nbformat.v4.new_output(
                    "display_data", data={"image/png": "iVBOR"}
                )
            ],
        )
    )
    assert times.section_minutes(nb, RULE)[-1][2] == pytest.approx(
        1 + 0.5 + 6 + 3
    )
    assert times.estimate_minutes(nb, RULE) == 15  # 15.5 -> nearest 5


def test_apply_writes_the_header_and_is_idempotent():
    nb = made_up()
    nb, minutes = times.apply(nb)
    header = nb.cells[0].source
    assert f"**Time:** about {minutes} minutes" in header
    assert "*By section:* §1 " in header and " · §2 " in header
    again, _ = times.apply(copy.deepcopy(nb))
    assert nbformat.writes(again) == nbformat.writes(nb)
    # the by-section line is not counted as prose
    assert times.estimate_minutes(nb) == minutes


def test_a_heading_inside_a_cell_starts_a_cell_of_its_own():
    nb = made_up()
    nb.cells[-1].source = "end of part one\n\n## 3. Later\nmore text"
    times.split_at_headings(nb)
    assert [c.source for c in nb.cells[-2:]] == [
        "end of part one",
        "## 3. Later\nmore text",
    ]


def test_a_long_notebook_gets_one_session_break_at_a_section_start():
    nb = made_up((0, 6000, 6000, 6000), header_words=30)  # ~55 min each
    nb, minutes = times.apply(nb)
    assert minutes > times.SESSION
    marks = [
        i
        for i, c in enumerate(nb.cells)
        if times.BREAK_TAG in c.metadata.get("tags", [])
    ]
    assert len(marks) == 1
    assert nb.cells[marks[0] + 1].source.startswith("## 3. Part")
    assert "90-minute session can stop here" in nb.cells[marks[0]].source
    nb, _ = times.apply(nb)  # moved, never doubled
    assert (
        sum(times.BREAK_TAG in c.metadata.get("tags", []) for c in nb.cells)
        == 1
    )
    short, _ = times.apply(made_up())
    assert not any(
        times.BREAK_TAG in c.metadata.get("tags", []) for c in short.cells
    )


def test_a_header_without_a_time_line_is_an_error_naming_the_fix():
    nb = made_up()
    nb.cells[0].source = "# 99 · Test"
    with pytest.raises(ValueError, match=r"\*\*Time:\*\* about N minutes"):
        times.apply(nb)


def test_readme_states_the_rule_it_is_computed_with():
    text = README.read_text(encoding="utf-8")
    assert times.rule_sentence() in text, (
        f"README's time-estimate rule is not the one tools/times.py applies: {FIX}"
    )


@pytest.mark.parametrize("path", BOOKS, ids=[p.stem for p in BOOKS])
def test_header_and_readme_are_fresh(path):
    nb = nbformat.read(path, as_version=4)
    fresh, minutes = times.apply(copy.deepcopy(nb))
    assert nbformat.writes(fresh) == nbformat.writes(nb), (
        f"{path.name}: header time, by-section line or session-break marker is stale "
        f"(the rule gives {minutes} minutes): {FIX}"
    )
    text = README.read_text(encoding="utf-8")
    assert times.readme_text(text, {path.stem[:2]: minutes}) == text, (
        f"README's row for {path.stem[:2]} should say {minutes} min: {FIX}"
    )


def test_the_rule_stays_close_to_what_readers_take():
    """Calibration (issue 17): each estimate within 20% of the readers' range (17% at the last --fit)."""
    far = {}
    for path in BOOKS:
        key = path.stem[:2]
        if key in times.READER_MINUTES:
            minutes = times.estimate_minutes(nbformat.read(path, as_version=4))
            error = times.relative_error(minutes, times.READER_MINUTES[key])
            if error > 0.20:
                far[key] = (minutes, times.READER_MINUTES[key])
    assert not far, (
        f"estimates far from the readers' (minutes, readers' range): {far}; "
        "refit with `python -m tools.times --fit` and update RULE"
    )


def test_binder_note_states_the_measured_memory(tmp_path):
    """Every notebook after 00 tells Binder users to shut the previous kernel down, with the memory that
    binder.kernel_memory measured for one, two and three open kernels (the freshness test above keeps the
    headers equal to what apply() writes from the table)."""
    note = times.binder_note()
    for path in BOOKS[1:]:
        header = nbformat.read(path, as_version=4).cells[0].source
        assert note in header.splitlines(), (
            f"{path.name}: no Binder line; {FIX}"
        )
    table = times.KERNEL_MEMORY.read_text(encoding="utf-8")
    held = [int(m) for _, m in times.MEMORY_ROW.findall(table)]
    assert f"{max(held)} MiB" in note and "2048 MiB" in note
    partial = tmp_path / "memory.md"
    partial.write_text("| 06 | 1 | 734 | 1314 |\n", encoding="utf-8")
    with pytest.raises(
        ValueError, match=r"1, 2 and 3 open kernels.*binder.kernel_memory"
    ):
        times.binder_note(partial)
