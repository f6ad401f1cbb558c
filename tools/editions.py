"""The student edition (also the one Binder and Colab open) and the course's launch addresses.

student/NN_topic.ipynb is generated from notebooks/NN_topic.ipynb: solutions removed, outputs
cleared, and a first code cell that does something only inside Google Colab (clone this
repository at the pinned ref, then tools.colab.setup: install `helpers` and what Colab lacks,
never upgrading what Colab has). Elsewhere (JupyterLab, Binder) that cell does nothing, so one
student edition serves every route.

The repository address and ref live in one place, pyproject.toml [tool.images-as-data]; the
README badges, the site's launch buttons and the Colab cell are all made from it.

Usage (from the course root):
  python -m tools.editions           write student/ (what `make editions` and `make course` do)
  python -m tools.editions --check   exit 1 if student/ differs from a fresh generation
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from functools import cache
from urllib.parse import quote

import nbformat

from tools.notebook_tools import ROOT, course_notebooks, student_edition

STUDENT_DIR = ROOT / "student"
COLAB_TAG = "colab-setup"


@cache
def settings() -> dict:
    """pyproject.toml [tool.images-as-data]: repository, ref."""
    conf = tomllib.loads(
        (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    )["tool"]["images-as-data"]
    repo = conf["repository"].rstrip("/")
    if not repo.startswith("https://github.com/") or repo.count("/") != 4:
        raise ValueError(
            f"[tool.images-as-data] repository must look like https://github.com/OWNER/NAME, got {repo!r}"
        )
    return {
        "repository": repo,
        "ref": conf["ref"],
    }


def github_slug() -> str:
    """OWNER/NAME of the repository."""
    return settings()["repository"].removeprefix("https://github.com/")


def binder_url(path: str) -> str:
    """mybinder.org opening `path` (relative to the repository root) in JupyterLab."""
    s = settings()
    return f"https://mybinder.org/v2/gh/{github_slug()}/{s['ref']}?labpath={quote(path, safe='')}"


def colab_url(path: str) -> str:
    s = settings()
    return f"https://colab.research.google.com/github/{github_slug()}/blob/{s['ref']}/{path}"


def github_url(path: str) -> str:
    s = settings()
    return f"{s['repository']}/blob/{s['ref']}/{path}"


def colab_cell_source() -> str:
    """The first code cell of every student notebook: on Colab, fetch the course and run tools.colab.setup
    (install only what Colab lacks, never upgrade what it has, say when a restart is needed)."""
    s = settings()
    name = github_slug().split("/")[1]
    return f'''# Only on Google Colab: fetch the course and install only what Colab lacks
# (never upgrading Colab's own packages). Elsewhere this cell does nothing.
import sys

if "google.colab" in sys.modules:
    import os
    import subprocess

    COURSE = "/content/{name}"
    REPOSITORY = "{s["repository"]}"
    if not os.path.isdir(COURSE):
        subprocess.run(
            ["git", "clone", "--quiet", "--depth", "1",
             "--branch", "{s["ref"]}", REPOSITORY, COURSE],
            check=True,
        )
    sys.path.insert(0, COURSE)
    from tools.colab import setup

    setup(COURSE)
    os.chdir(os.path.join(COURSE, "notebooks"))'''


def student_notebook(nb):
    """The student edition of an instructor notebook: solutions out, outputs cleared, the Colab cell first."""
    nb = student_edition(nb)
    cell = nbformat.v4.new_code_cell(
        colab_cell_source(), metadata={"tags": [COLAB_TAG]}
    )
    cell["id"] = COLAB_TAG  # a fixed id: regenerating gives the same file
    first_code = next(
        i for i, c in enumerate(nb.cells) if c.cell_type == "code"
    )
    nb.cells.insert(first_code, cell)
    return nb


def student_text(path) -> str:
    """The student edition of notebooks/<path> as the exact text student/ holds."""
    return (
        nbformat.writes(student_notebook(nbformat.read(path, as_version=4)))
        + "\n"
    )


def stale_student_files() -> list[str]:
    """Names under student/ that differ from a fresh generation, are missing, or have no source."""
    want = {p.name: student_text(p) for p in course_notebooks()}
    have = {p.name for p in STUDENT_DIR.glob("*.ipynb")}
    bad = [
        n
        for n, text in want.items()
        if not (STUDENT_DIR / n).is_file()
        or (STUDENT_DIR / n).read_text(encoding="utf-8") != text
    ]
    return sorted(bad + sorted(have - set(want)))


def write_student_edition() -> list[str]:
    """Regenerate student/ (and remove notebooks whose source is gone); return the files written."""
    STUDENT_DIR.mkdir(exist_ok=True)
    books = course_notebooks()
    for old in STUDENT_DIR.glob("*.ipynb"):
        if old.name not in {p.name for p in books}:
            old.unlink()
    written = []
    for path in books:
        text = student_text(path)
        target = STUDENT_DIR / path.name
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            written.append(target.name)
    return written


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Generate the student edition into student/."
    )
    ap.add_argument(
        "--check",
        action="store_true",
        help="only compare; exit 1 if student/ is stale",
    )
    args = ap.parse_args(argv)
    if args.check:
        stale = stale_student_files()
        if stale:
            print(
                f"editions: student/ is stale for {stale}; run make editions and commit student/"
            )
            return 1
        print("editions: student/ is up to date")
        return 0
    written = write_student_edition()
    print(
        f"editions: student/ ({len(course_notebooks())} notebooks; rewritten: {written or 'none'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
