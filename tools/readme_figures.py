"""The README's benchmark figures, read from bench/results/ instead of typed by hand.

The paragraph between ``<!-- bench:start -->`` and ``<!-- bench:end -->`` in the README's "Budgets and
benchmarks" section is made here from bench/results/notebooks.md (what ``make bench`` writes) and the
budgets in tools/project.py. Usage: ``python -m tools.readme_figures`` (rewrite) or ``--check`` (exit 1
when stale). ``make notebook`` and ``make bench`` run it.
"""

from __future__ import annotations

import argparse
import re
import sys

from tools.project import (
    BENCH_RESULTS,
    BUDGET_CELL_S,
    BUDGET_KERNEL_MIB,
    BUDGET_TOTAL_S,
    README,
)

START, END = "<!-- bench:start -->", "<!-- bench:end -->"
NOTEBOOKS_TABLE = BENCH_RESULTS / "notebooks.md"
NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()


def _words(n: int) -> str:
    return NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)


def read_notebook_bench(text: str) -> dict:
    """The figures of bench/results/notebooks.md: notebooks, total s, slowest cell s, peak MiB, run info."""
    rows = re.findall(r"^\| (\d\d_\w+) \|", text, re.M)
    total = re.search(
        r"^\| \*\*total\*\* \| \*\*([\d.]+)\*\* \| [\d.]+ \| ([\d.]+) \| (\d+) \|",
        text,
        re.M,
    )
    run = re.search(
        r"· (\d{4}-\d\d-\d\d) · [^,]+, (\d+) CPUs, .*load average at end ([\d.]+)",
        text,
    )
    if not (rows and total and run):
        raise ValueError(
            f"{NOTEBOOKS_TABLE.name} does not look like bench_notebooks' table (notebook rows, a **total** "
            "row, the command line with date, CPUs and load average); rerun `make bench`"
        )
    return {
        "notebooks": len(rows),
        "total_s": float(total.group(1)),
        "slowest_cell_s": float(total.group(2)),
        "peak_mib": int(total.group(3)),
        "date": run.group(1),
        "cpus": int(run.group(2)),
        "load": float(run.group(3)),
        "empty_cache": "IMAGES_AS_DATA_CACHE=<empty folder>" in text,
    }


def budgets_paragraph(figures: dict) -> str:
    f = figures
    cache = ", empty cache" if f["empty_cache"] else ""
    return (
        f"Lecture mode is sized for a 2-core laptop. On the last measured run ({f['date']}, "
        f"{f['cpus']} CPUs,\nload average {f['load']:g} at the end{cache}, "
        f"`bench/results/notebooks.md`) the {_words(f['notebooks'])} notebooks\ntook "
        f"{f['total_s']:.0f} s in all (budget {BUDGET_TOTAL_S // 60} minutes), no cell took over "
        f"{f['slowest_cell_s']:g} s (budget {BUDGET_CELL_S} s)\nand no kernel peaked above "
        f"{f['peak_mib']} MiB (budget {BUDGET_KERNEL_MIB / 1024:g} GiB, Binder's limit)."
    )


def readme_text(text: str) -> str:
    """The README with the generated benchmark paragraph."""
    if text.count(START) != 1 or text.count(END) != 1:
        raise ValueError(
            f"README.md needs one {START} ... {END} block in 'Budgets and benchmarks' "
            "(where the generated figures go)"
        )
    figures = read_notebook_bench(NOTEBOOKS_TABLE.read_text(encoding="utf-8"))
    head, rest = text.split(START)
    _, tail = rest.split(END)
    return f"{head}{START}\n{budgets_paragraph(figures)}\n{END}{tail}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--check", action="store_true", help="exit 1 when README is stale"
    )
    args = ap.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    new = readme_text(text)
    if new == text:
        print("readme_figures: README's benchmark figures are up to date")
        return 0
    if args.check:
        print(
            "readme_figures: README's benchmark figures are stale; run python -m tools.readme_figures"
        )
        return 1
    README.write_text(new, encoding="utf-8")
    print(
        f"readme_figures: README's benchmark figures rewritten from {NOTEBOOKS_TABLE.name}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
