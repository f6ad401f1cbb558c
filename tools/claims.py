"""Numbers in a notebook's prose that nothing backs: the project's own check (tests/test_conventions.py).

A decimal number or a percentage in a markdown cell (0.717, 45.5 s, 93 %) must be one of:
- a value the notebook printed (any stored output), shown with the same or up to two more decimals
  (a percentage may come from a share printed as 0.xxx);
- a value in a committed bench table (bench/results/*.md), when the cell points to the benchmarks
  (it says "bench");
- a figure quoted from the lecture or the literature with its source in the cell, or an input a prompt
  gives, listed with the reason in QUOTED below (per notebook).
Inline code, maths, links, URLs and DOIs are not prose. Usage: ``python -m tools.claims [NB ...]`` lists
the unbacked numbers per cell (exit status 1 when there are any).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

from tools.project import BENCH_RESULTS, find_notebooks

CLAIM = re.compile(r"(?<![\w.])(\d+\.\d+|\d+(?:\.\d+)?(?=\s?%))(?![\w.])")
VALUE = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?!\w)")
NOT_PROSE = re.compile(
    r"```.*?```|`[^`]*`|\$\$.*?\$\$|\$[^$]*\$|https?://\S+|doi:\S+|\[[^\]]*\]\([^)]*\)",
    re.S,
)
# Numbers a notebook states without printing them, each with its source: (notebook number, number).
QUOTED = {
    (
        "01",
        "3.7",
    ): "the slides: YouTube videos uploaded per day, millions (Adavelli & Tonogbanua 2023)",
    (
        "01",
        "1.3",
    ): "the slides: Instagram images uploaded per day, billions (Growcoot 2023)",
    (
        "06",
        "80",
    ): "exercise 4's input: a county 80% white (the prompt gives it)",
    (
        "09",
        "1.3",
    ): "ImageNet-1k's training images, millions (Dosovitskiy et al. 2021, cited in the cell)",
}


def values(text: str) -> list[tuple[float, int]]:
    """Every number in ``text`` as (value, decimals shown)."""
    return [(float(t), len(t.partition(".")[2])) for t in VALUE.findall(text)]


def is_backed(claim: str, evidence, percent: bool) -> bool:
    """The claim rounds from a value shown with as many or up to two more decimals."""
    want, decimals = float(claim), len(claim.partition(".")[2])
    for value, shown in evidence:
        scaled = [(value, shown)]
        if percent:
            scaled.append((value * 100, shown - 2))
        for v, d in scaled:
            if decimals <= d <= decimals + 2 and round(v, decimals) == want:
                return True
    return False


def output_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            data = out.get("data", {})
            parts += [
                data.get(m, "")
                for m in ("text/plain", "text/html", "text/markdown")
            ]
    return "\n".join(p if isinstance(p, str) else "".join(p) for p in parts)


def bench_values(folder: Path = BENCH_RESULTS) -> list[tuple[float, int]]:
    return values(
        "\n".join(
            p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))
        )
    )


def unbacked(nb, bench=None, key="") -> list[tuple[int, list[str]]]:
    """[(cell index, [numbers])] for the markdown cells with numbers that nothing backs.

    key: the notebook's number ("01"), for its QUOTED figures.
    """
    bench = bench_values() if bench is None else bench
    own = values(output_text(nb))
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        prose = NOT_PROSE.sub(" ", cell.source)
        evidence = own + bench if "bench" in cell.source.lower() else own
        loose = [
            m.group(1)
            for m in CLAIM.finditer(prose)
            if (key, m.group(1)) not in QUOTED
            and not is_backed(
                m.group(1),
                evidence,
                prose[m.end() :].lstrip().startswith("%"),
            )
        ]
        if loose:
            found.append((index, list(dict.fromkeys(loose))))
    return found


def main(argv=None) -> int:
    names = sys.argv[1:] if argv is None else argv
    bench, total = bench_values(), 0
    for path in find_notebooks(names):
        nb = nbformat.read(path, as_version=4)
        for index, numbers in unbacked(nb, bench, path.stem[:2]):
            total += len(numbers)
            print(f"{path.name} [{index}]: {', '.join(numbers)}")
    print(
        f"claims: {total} number(s) in prose with no output, bench table or lecture figure behind them"
    )
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
