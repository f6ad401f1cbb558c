"""Facts about the course repository, stated once; tools, tests and benches read them from here.

- ``ROOT``: the course root (defined in ``helpers.sources``, which the notebooks use too).
- ``course_notebooks()``: the notebooks in course order, every ``notebooks/NN_topic.ipynb``. Adding a
  notebook is adding the file: the per-notebook tests, the editions, the site and the benches follow.
- ``supported_pythons()``, ``requirement_pins()``: from ``helpers.project`` (notebook 00 uses them too).
"""

from __future__ import annotations

from pathlib import Path

from helpers.project import pyproject, requirement_pins, supported_pythons
from helpers.sources import PROJECT_ROOT as ROOT

__all__ = [
    "BUDGET_CELL_S",
    "BUDGET_KERNEL_MIB",
    "BUDGET_TOTAL_S",
    "NOTEBOOK_DIR",
    "BENCH_RESULTS",
    "README",
    "ROOT",
    "STUDENT_DIR",
    "course_notebooks",
    "find_notebooks",
    "pyproject",
    "requirement_pins",
    "supported_pythons",
]

NOTEBOOK_DIR = ROOT / "notebooks"
STUDENT_DIR = ROOT / "student"
README = ROOT / "README.md"
BENCH_RESULTS = ROOT / "bench" / "results"

# Lecture mode's budgets (../shared/COURSE_DESIGN.md), on a 2-core laptop: the whole course, one cell,
# one kernel's peak memory (Binder's limit). bench/bench_notebooks.py measures against them and the
# README quotes them (tools/readme_figures.py).
BUDGET_TOTAL_S, BUDGET_CELL_S, BUDGET_KERNEL_MIB = 600, 20, 2048


def course_notebooks(folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """The course notebooks, in course order (NN_topic.ipynb)."""
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def find_notebooks(names) -> list[Path]:
    """The notebooks whose file names contain any of ``names`` (all when none), e.g. ["03"], ["autotaggers"].

    Raises ValueError listing what the names look like when nothing matches.
    """
    books = course_notebooks()
    chosen = [p for p in books if not names or any(n in p.name for n in names)]
    if not chosen:
        raise ValueError(
            f"no notebook matches {list(names)}; names look like "
            f"{[p.name for p in books[:3]]}: give e.g. NB=03 or NB=autotaggers"
        )
    return chosen
