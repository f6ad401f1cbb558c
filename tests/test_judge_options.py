"""Judge exercises: the option letters a notebook prints are the letters its checker knows.

check_choice passes only when every defensible letter and no other is picked, so an option the
notebook lists but the checker lacks (or the reverse) makes the exercise unanswerable.
"""

import re

import nbformat
import pytest

from helpers.exercises import get_checker
from helpers.exercises.answers import AnswerError
from tools.project import ROOT

# "- **A.** ...", "- `"a"`: ...", "- a) ...", "- a. ..." or "- (a) ..."
OPTION = re.compile(
    r"""^\s*- (?:\*\*([A-Z])\.\*\*|`["']([a-zA-Z])["']`:|([a-zA-Z])\)|([a-z])\. |\(([a-z])\) )""",
    re.MULTILINE,
)
CHECK = re.compile(r"""check\(\s*["'](\d\d\.\w+)["']""")
KNOWN = re.compile(r"one or more of ([A-Z](?:, [A-Z])*)")


def exercises():
    """(notebook, exercise id, letters listed in the markdown cell before the exercise cell)."""
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        for i, cell in enumerate(cells):
            if cell.cell_type != "code" or i == 0:
                continue
            for exercise_id in CHECK.findall(cell.source):
                before = cells[i - 1]
                text = before.source if before.cell_type == "markdown" else ""
                letters = ["".join(m).upper() for m in OPTION.findall(text)]
                yield path.name, exercise_id, letters


def checker_letters(exercise_id):
    """The letters a check_choice checker accepts (from its error for an unknown letter), or None."""
    try:
        get_checker(exercise_id)("Q")
    except AnswerError as err:
        found = KNOWN.search(str(err))
        return found.group(1).split(", ") if found else None
    except (
        Exception
    ):  # a checker of another kind (a number, an array, a function ...)
        return None
    return None


EXERCISES = list(exercises())


def test_some_judge_exercises_are_found():
    judged = [
        i for _, i, letters in EXERCISES if letters and checker_letters(i)
    ]
    assert len(judged) >= 7, judged


@pytest.mark.parametrize(
    "notebook, exercise_id, listed",
    EXERCISES,
    ids=[exercise_id for _, exercise_id, _ in EXERCISES],
)
def test_listed_options_are_the_checkers_options(
    notebook, exercise_id, listed
):
    known = checker_letters(exercise_id)
    if (
        known is None
    ):  # not a check_choice exercise (a number, an array, a dict of labels ...)
        return
    assert listed == sorted(listed), (
        f"{notebook}: {exercise_id} options out of order"
    )
    assert listed == known, (
        f"{notebook}: {exercise_id} lists options {listed}, its checker knows {known}"
    )
