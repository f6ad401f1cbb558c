"""Time estimates, by one rule, written into every notebook's header and the README's notebook table.

The rule (RULE below, stated in the README by this tool): reading the prose at RULE["words_per_minute"]
words a minute, plus RULE["minutes_per_code_line"] per line of code (reading it, running it, looking at
what it prints), RULE["minutes_per_figure"] per figure and RULE["minutes_per_exercise"] per exercise;
the whole notebook rounded to the nearest 5 minutes. Each ``##`` section gets its share (the header and
setup cells count towards the first section), and a notebook over SESSION minutes gets a marker cell where
a SESSION-minute session can stop: before the first section that would run past it.

What it rewrites (and nothing else):
- the header cell's ``**Time:** about N minutes`` and its ``*By section:*`` line (added when missing);
- the marker cell (a markdown cell tagged ``session-break``: removed, then added again where it belongs);
- a markdown cell with a ``##`` heading below its first line is split there, so sections start cells;
- the README's notebook-table time column and its sentence stating the rule.

Usage (from the course root): ``python -m tools.times [NB ...]`` (all notebooks when none); ``--check`` only
reports what is stale (exit status 1); ``--fit`` refits the rule's constants to the readers' estimates
(READER_MINUTES) and prints the fit, changing nothing. ``make notebook NB=03`` runs it after re-executing.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

from tools.project import README, ROOT, course_notebooks, find_notebooks

# Calibrated with --fit against READER_MINUTES (the reviews of 5 Dec 2026) on the notebooks of that day:
# among the rules on GRID with the smallest largest error, the one with a plausible reading speed for
# technical prose read while thinking (80 words a minute fits as well, but is slow reading). Rerun --fit
# after big changes to the notebooks.
RULE = {
    "words_per_minute": 110,
    "minutes_per_code_line": 0.06,
    "minutes_per_figure": 6,
    "minutes_per_exercise": 5,
}
SESSION = (
    90  # minutes; a notebook longer than this gets a session-break marker
)
ROUND_TO = 5
MIN_REST = 15  # minutes: no session-break marker that leaves less than this for the next session

# Readers' realistic estimates for a social scientist working alone: (low, high) minutes. From the two
# rounds of independent reviews of 5 Dec 2026 (the second on the revised notebooks; where the rounds
# differ, the range spans both).
READER_MINUTES = {
    "00": (10, 20),
    "01": (90, 110),
    "02": (100, 120),
    "03": (110, 130),
    "04": (150, 180),
    "05": (140, 180),
    "06": (130, 145),
    "07": (160, 200),
    "08": (110, 125),
    "09": (130, 180),
    "10": (100, 120),
    "11": (150, 200),
}

TIME_LINE = re.compile(r"\*\*Time:\*\* about (\d+) minutes")
BY_SECTION = "*By section:*"
BREAK_TAG = "session-break"
SECTION = re.compile(r"^## (?!What you'll learn)(.+)$")
README_ROW = re.compile(r"^(\| (\d\d) \|.*\| )(\d+)( min \|)$", re.M)
README_RULE = re.compile(
    r"a time estimate by one rule: .*?(?=\(`tests/test_time_estimates\.py`)",
    re.S,
)


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _generated(cell) -> bool:
    return BREAK_TAG in _tags(cell)


def _words(text: str) -> int:
    return len(
        [
            w
            for line in text.splitlines()
            if not line.startswith(BY_SECTION)
            for w in line.split()
        ]
    )


def _code_lines(source: str) -> int:
    return sum(
        1
        for line in source.splitlines()
        if line.strip() and not line.strip().startswith("#")
    )


def _figures(cell) -> int:
    return sum(
        "image/png" in o.get("data", {})
        or "image/svg+xml" in o.get("data", {})
        for o in cell.get("outputs", [])
    )


def counts(nb) -> list[dict]:
    """Per section: its title and what the rule counts in it (words, code_lines, figures, exercises).

    Section 0 holds what comes before the first ``##`` section heading (header, imports, parameters) and
    is merged into section 1 by ``section_minutes``. ``start`` is the cell index where a section begins.
    """
    sections = [
        {
            "title": "",
            "start": 0,
            "words": 0,
            "code_lines": 0,
            "figures": 0,
            "exercises": 0,
        }
    ]
    for index, cell in enumerate(nb.cells):
        if _generated(cell):
            continue
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                m = SECTION.match(line) if index > 0 else None
                if m:
                    sections.append(
                        {
                            "title": m.group(1).strip(),
                            "start": index,
                            "words": 0,
                            "code_lines": 0,
                            "figures": 0,
                            "exercises": 0,
                        }
                    )
                if not line.startswith(BY_SECTION):
                    sections[-1]["words"] += len(line.split())
        elif cell.cell_type == "code":
            sections[-1]["code_lines"] += _code_lines(cell.source)
            sections[-1]["figures"] += _figures(cell)
            sections[-1]["exercises"] += "exercise" in _tags(cell)
    return sections


def raw_minutes(section: dict, rule: dict = RULE) -> float:
    return (
        section["words"] / rule["words_per_minute"]
        + rule["minutes_per_code_line"] * section["code_lines"]
        + rule["minutes_per_figure"] * section["figures"]
        + rule["minutes_per_exercise"] * section["exercises"]
    )


def section_minutes(nb, rule: dict = RULE) -> list[tuple[str, int, float]]:
    """[(title, start cell, unrounded minutes)] per ``##`` section; the preamble counts towards the first."""
    parts = counts(nb)
    if len(parts) == 1:
        return [("", 0, raw_minutes(parts[0], rule))]
    first, rest = parts[1], parts[2:]
    merged = {k: parts[0][k] + first[k] for k in RULE_KEYS}
    out = [(first["title"], first["start"], raw_minutes(merged, rule))]
    return out + [(s["title"], s["start"], raw_minutes(s, rule)) for s in rest]


RULE_KEYS = ("words", "code_lines", "figures", "exercises")


def estimate_minutes(nb, rule: dict = RULE) -> int:
    """The whole notebook by the rule, rounded to the nearest 5 minutes (at least 5)."""
    raw = sum(m for _, _, m in section_minutes(nb, rule))
    return max(ROUND_TO, ROUND_TO * round(raw / ROUND_TO))


def _label(title: str) -> str:
    """'§3' for a numbered section ('3. Texture ...'), else its title ('Summary')."""
    m = re.match(r"(\d+)\.", title)
    return f"§{m.group(1)}" if m else title


def by_section_line(nb) -> str:
    parts = section_minutes(nb)
    return (
        f"{BY_SECTION} "
        + " · ".join(f"{_label(t)} {max(1, round(m))}" for t, _, m in parts)
        + " minutes"
    )


def break_index(nb) -> tuple[int, int, int] | None:
    """(cell index, minutes before, minutes after) of the session-break marker, or None when not needed.

    The marker goes at the section boundary nearest to SESSION minutes that leaves at least MIN_REST
    minutes for the next session (not before a closing summary).
    """
    if estimate_minutes(nb) <= SESSION:
        return None
    parts = section_minutes(nb)
    total = sum(m for _, _, m in parts)
    done, boundaries = 0.0, []
    for k, (_, start, minutes) in enumerate(parts):
        if k > 0 and total - done >= MIN_REST:
            boundaries.append((abs(done - SESSION), start, done))
        done += minutes
    if not boundaries:
        return None
    _, start, before = min(boundaries)
    return start, round(before), round(total - before)


def marker_text(before: int, after: int) -> str:
    return (
        f"> ⏸ **A {SESSION}-minute session can stop here.** About {before} minutes are behind you and about "
        f"{after} ahead. To resume later, run the cells above again first (Run → Run All Above Selected Cell), "
        "then carry on."
    )


def split_at_headings(nb) -> None:
    """Start every ``##`` section in a markdown cell of its own (after the header cell), so that a section
    boundary is a cell boundary: the text before the heading stays where it was, in its own cell."""
    cells = [nb.cells[0]]
    for cell in nb.cells[1:]:
        lines = cell.source.splitlines()
        cut = [
            i for i, line in enumerate(lines) if i > 0 and SECTION.match(line)
        ]
        if cell.cell_type != "markdown" or not cut:
            cells.append(cell)
            continue
        for a, b in zip([0, *cut], [*cut, len(lines)], strict=True):
            part = "\n".join(lines[a:b]).strip("\n")
            if a == 0:
                cell.source = part
                cells.append(cell)
            elif part:
                new = nbformat.v4.new_markdown_cell(
                    part, metadata=dict(cell.metadata)
                )
                new["id"] = f"{cell.get('id', 'cell')}-{a}"[:64]
                cells.append(new)
    nb.cells = cells


KERNEL_MEMORY = ROOT / "bench" / "results" / "kernel_memory.md"
BINDER_LINE = "*On Binder:*"
MEMORY_ROW = re.compile(r"^\| [\d →]+ \| (\d) \| (\d+) \| -?\d+ \|$", re.M)


def binder_note(table: Path = KERNEL_MEMORY) -> str:
    """The header's Binder line, with the memory measured by binder.kernel_memory (one, two, three kernels)."""
    held: dict[int, list[int]] = {}
    for kernels, mib in MEMORY_ROW.findall(table.read_text(encoding="utf-8")):
        held.setdefault(int(kernels), []).append(int(mib))
    if sorted(held) != [1, 2, 3]:
        raise ValueError(
            f"{table}: expected rows for 1, 2 and 3 open kernels, found {sorted(held)}; "
            "rerun python -m binder.kernel_memory 06 07 08 09 10 11"
        )

    def span(k: int) -> str:
        lo, hi = min(held[k]), max(held[k])
        return f"{hi} MiB" if lo == hi else f"{lo} to {hi} MiB"

    return (
        f"{BINDER_LINE} shut down the previous notebook's kernel first (Kernel → Shut Down Kernel): "
        "Binder's 2048 MiB count every open kernel. Measured (bench/results/kernel_memory.md, notebooks "
        f"06 to 11 run in order, earlier kernels left open): one kernel held {span(1)}, two "
        f"{span(2)}, three {span(3)}, more than Binder allows."
    )


def apply(nb) -> tuple[object, int]:
    """Rewrite the header's time, its by-section line and the session-break marker. -> (nb, minutes)."""
    nb.cells = [c for c in nb.cells if not _generated(c)]
    split_at_headings(nb)
    header = nb.cells[0]
    # the Binder line first: its words count in the estimate below
    header.source = "\n".join(
        binder_note() if line.startswith(BINDER_LINE) else line
        for line in header.source.splitlines()
    )
    minutes = estimate_minutes(nb)
    if not TIME_LINE.search(header.source):
        raise ValueError(
            "the first cell has no '**Time:** about N minutes' line; add one under the title "
            "(see CONTRIBUTING.md, new-notebook checklist)"
        )
    lines = header.source.splitlines()
    # drop the old by-section line and the blank line before it
    for i in reversed(range(len(lines))):
        if lines[i].startswith(BY_SECTION):
            blank_before = i > 0 and not lines[i - 1].strip()
            del lines[i - blank_before : i + 1]
    at = next(i for i, line in enumerate(lines) if TIME_LINE.search(line))
    lines[at] = TIME_LINE.sub(f"**Time:** about {minutes} minutes", lines[at])
    lines[at + 1 : at + 1] = ["", by_section_line(nb)]
    header.source = "\n".join(lines)
    where = break_index(nb)
    if where:
        start, before, after = where
        cell = nbformat.v4.new_markdown_cell(
            marker_text(before, after), metadata={"tags": [BREAK_TAG]}
        )
        cell["id"] = "session-break"
        nb.cells.insert(start, cell)
    return nb, minutes


def rule_sentence(rule: dict = RULE) -> str:
    per_line = rule["minutes_per_code_line"]
    return (
        f"a time estimate by one rule: reading the prose at\n{rule['words_per_minute']} words a minute, plus "
        f"{per_line:g} minutes per line of code (about {round(1 / per_line)} lines a\nminute), "
        f"{rule['minutes_per_figure']} minutes per figure and {rule['minutes_per_exercise']} minutes per "
        f"exercise, rounded to the nearest {ROUND_TO}\nminutes. The header lists the minutes per section; a "
        f"notebook over {SESSION} minutes marks where a\n{SESSION}-minute session can stop "
    )


def readme_text(text: str, minutes: dict[str, int]) -> str:
    """The README with the table's time column (for the notebooks in ``minutes``) and the rule sentence."""
    text = README_ROW.sub(
        lambda m: (
            f"{m.group(1)}{minutes[m.group(2)]}{m.group(4)}"
            if m.group(2) in minutes
            else m.group(0)
        ),
        text,
    )
    if not README_RULE.search(text):
        raise ValueError(
            "README: the sentence 'a time estimate by one rule: ... (`tests/test_time_estimates.py` ...' "
            "is missing; put it back in 'The notebooks' section"
        )
    return README_RULE.sub(lambda m: rule_sentence(), text)


GRID = {
    "words_per_minute": (80, 90, 100, 110, 120, 130, 140, 150, 160, 180, 200),
    "minutes_per_code_line": (0.02, 0.04, 0.05, 0.06, 0.08, 0.1, 0.12, 0.15),
    "minutes_per_figure": (0, 1, 2, 3, 4, 5, 6),
    "minutes_per_exercise": (3, 4, 5, 6, 8, 10),
}


def fit(books=None) -> list[tuple[float, float, dict]]:
    """Every rule on GRID, best first: (largest error, mean error, rule), the error of a notebook being
    its estimate's distance outside the readers' range (READER_MINUTES) relative to that range's end."""
    import itertools

    books = [
        p for p in books or course_notebooks() if p.stem[:2] in READER_MINUTES
    ]
    totals = []
    for path in books:
        sections = counts(nbformat.read(path, as_version=4))
        totals.append({k: sum(s[k] for s in sections) for k in RULE_KEYS})
    results = []
    for values in itertools.product(*GRID.values()):
        rule = dict(zip(GRID, values, strict=True))
        errors = []
        for path, total in zip(books, totals, strict=True):
            raw = raw_minutes(total, rule)
            minutes = max(ROUND_TO, ROUND_TO * round(raw / ROUND_TO))
            errors.append(
                relative_error(minutes, READER_MINUTES[path.stem[:2]])
            )
        results.append((max(errors), sum(errors) / len(errors), rule))
    results.sort(key=lambda r: (r[0], r[1]))
    return results


def relative_error(minutes: int, reader: tuple[int, int]) -> float:
    """0 inside the readers' range, else the distance to its nearer end over that end."""
    lo, hi = reader
    if lo <= minutes <= hi:
        return 0.0
    end = lo if minutes < lo else hi
    return abs(minutes - end) / end


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "names", nargs="*", help="parts of notebook names (default: all)"
    )
    ap.add_argument(
        "--check", action="store_true", help="report stale files, change none"
    )
    ap.add_argument(
        "--fit",
        action="store_true",
        help="refit the rule to READER_MINUTES and print it",
    )
    args = ap.parse_args(argv)
    try:
        books = find_notebooks(args.names)
    except ValueError as err:
        print(f"times: {err}", file=sys.stderr)
        return 2
    if args.fit:
        for worst, mean, rule in fit()[:5]:
            print(f"largest error {worst:.0%}, mean {mean:.1%}: {rule}")
        print("\nnb  minutes (current RULE)  readers  error")
        for path in course_notebooks():
            key = path.stem[:2]
            if key in READER_MINUTES:
                now = estimate_minutes(nbformat.read(path, as_version=4))
                lo, hi = READER_MINUTES[key]
                print(
                    f"{key}  {now:4d}  {lo}-{hi}  "
                    f"{relative_error(now, (lo, hi)):.0%}"
                )
        return 0
    stale, minutes = [], {}
    for path in books:
        nb = nbformat.read(path, as_version=4)
        before = nbformat.writes(nb)
        nb, minutes[path.stem[:2]] = apply(nb)
        if nbformat.writes(nb) != before:
            stale.append(path.name)
            if not args.check:
                nbformat.write(nb, path)
    text = README.read_text(encoding="utf-8")
    new = readme_text(text, minutes)
    if new != text:
        stale.append("README.md")
        if not args.check:
            README.write_text(new, encoding="utf-8")
    verb = "stale" if args.check else "rewrote"
    print(
        f"times: {verb} {', '.join(stale) if stale else 'nothing'} "
        f"({', '.join(f'{k}: {v} min' for k, v in minutes.items())})"
    )
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
