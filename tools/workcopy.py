"""A student's personal working copy of the student edition (what `make lab` opens).

student/ is regenerated from notebooks/ whenever the course changes, so a student who worked in
student/ would lose their answers at the next `git pull`. `make lab` therefore opens work/ (ignored
by git): made from student/ on the first run and never overwritten afterwards. A notebook that
appears in student/ later (a new one, or one the student deleted) is copied in; one the student has
is left as it is, even when the course has changed it. To take the course's new version of one
notebook, `make refresh NB=03` copies it in and keeps the old one beside it as a backup.

Usage (from the course root):
  python -m tools.workcopy sync [--work DIR]            copy in what is missing (make lab does this)
  python -m tools.workcopy refresh NN [--work DIR]      replace work/NN_*.ipynb, keep the old as a backup
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from tools.notebook_tools import ROOT

STUDENT_DIR = ROOT / "student"
WORK_DIR = ROOT / "work"
README = """# Your working copy of the course

These notebooks are yours: `make lab` made them from the student edition (student/) and never
overwrites them. New notebooks of the course are copied in when they appear. To replace one with
the course's current version: `make refresh NB=03` (your old file is kept as a backup beside it).
This folder is ignored by git, so `git pull` never touches it.
"""


def sync(student: Path = STUDENT_DIR, work: Path = WORK_DIR) -> list[str]:
    """Copy every student notebook that work/ lacks; never touch one it has. Returns the names copied."""
    sources = sorted(student.glob("[0-9][0-9]_*.ipynb"))
    if not sources:
        raise FileNotFoundError(
            f"no student notebooks in {student}; run `make editions` (or `git checkout student`) first"
        )
    work.mkdir(parents=True, exist_ok=True)
    if not (work / "README.md").exists():
        (work / "README.md").write_text(README, encoding="utf-8")
    copied = []
    for src in sources:
        target = work / src.name
        if not target.exists():
            shutil.copy2(src, target)
            copied.append(src.name)
    return copied


def refresh(
    number: str, student: Path = STUDENT_DIR, work: Path = WORK_DIR
) -> tuple[str, str | None]:
    """Replace work/NN_*.ipynb by the current student edition; the old file is kept as
    NN_topic.backup-YYYYmmdd-HHMMSS.ipynb. Returns (notebook, backup name or None)."""
    number = str(number).zfill(2)
    matches = sorted(student.glob(f"{number}_*.ipynb"))
    if len(matches) != 1:
        known = ", ".join(
            p.name[:2] for p in sorted(student.glob("[0-9][0-9]_*.ipynb"))
        )
        raise ValueError(
            f"no student notebook numbered {number!r}; use one of: {known} (e.g. make refresh NB=03)"
        )
    src = matches[0]
    work.mkdir(parents=True, exist_ok=True)
    target, backup = work / src.name, None
    if target.exists():
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = f"{src.stem}.backup-{stamp}.ipynb"
        n = 1
        while (work / backup).exists():  # two refreshes within a second
            n += 1
            backup = f"{src.stem}.backup-{stamp}-{n}.ipynb"
        target.rename(work / backup)
    shutil.copy2(src, target)
    return src.name, backup


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="The student's working copy of the student edition."
    )
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser(
        "sync", help="copy in the notebooks work/ lacks (never overwrites)"
    )
    r = sub.add_parser(
        "refresh", help="replace one notebook, keeping the old as a backup"
    )
    r.add_argument("number", help="the notebook's number, e.g. 03")
    for p in (s, r):
        p.add_argument(
            "--work",
            type=Path,
            default=WORK_DIR,
            help="the working copy (default work/)",
        )
    args = ap.parse_args(argv)
    work = args.work if args.work.is_absolute() else ROOT / args.work
    if args.command == "sync":
        copied = sync(work=work)
        print(
            f"workcopy: {work.relative_to(ROOT) if work.is_relative_to(ROOT) else work}: ",
            end="",
        )
        print(
            f"copied {', '.join(copied)}"
            if copied
            else "up to date (your notebooks are left as they are)"
        )
        return 0
    try:
        name, backup = refresh(args.number, work=work)
    except ValueError as e:
        print(f"workcopy: {e}", file=sys.stderr)
        return 2
    print(
        f"workcopy: {name} replaced by the course's current version"
        + (f"; your old one is {backup}" if backup else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
