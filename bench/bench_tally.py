"""Time helpers.tally.make_tally_sheets: sheets per second, chunked (the shipped route) against one sheet at a time.

Usage: .venv/bin/python bench/bench_tally.py [N_SHEETS] [REPEATS]   (defaults 2000, 3)
The reference is the same generator with its chunk size set to 1, so that the paper, ink, fluid,
lighting and noise arrays are composed sheet by sheet instead of 256 sheets at once; both run in
the same process. Reports the best of REPEATS runs (wall clock and CPU time) for each difficulty
and writes bench/results/tally.md.
"""

import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

import helpers.tally as tally  # noqa: E402


def best_time(fn, repeats):
    """Run fn() `repeats` times -> (best wall seconds, best CPU seconds)."""
    walls, cpus = [], []
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus)


def main(argv):
    n = int(argv[1]) if len(argv) > 1 else 2000
    repeats = int(argv[2]) if len(argv) > 2 else 3
    tally.make_tally_sheets(
        10, verbose=False
    )  # digit bank and printed form: one-off costs
    chunk = tally._CHUNK
    rows = []
    for difficulty in ("easy", "hard"):
        for label, size in (
            ("chunked (shipped)", chunk),
            ("one sheet at a time", 1),
        ):
            tally._CHUNK = size
            try:
                wall, cpu = best_time(
                    lambda: tally.make_tally_sheets(
                        n, difficulty=difficulty, verbose=False
                    ),
                    repeats,
                )
            finally:
                tally._CHUNK = chunk
            rows.append((difficulty, label, wall, cpu))
    lines = [
        f"# make_tally_sheets: {n} sheets of {tally.SHEET_SHAPE[0]}x{tally.SHEET_SHAPE[1]} px",
        "",
        f"`{' '.join(['python', 'bench/bench_tally.py'] + argv[1:])}`, best of {repeats}; "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}. "
        f"Wall times depend on what else runs on the machine; compare the ratio within one run.",
        "",
        "| difficulty | route | wall s | CPU s | sheets / s (wall) | CPU ratio vs chunked |",
        "|---|---|---|---|---|---|",
    ]
    for difficulty in ("easy", "hard"):
        ref = next(
            r
            for r in rows
            if r[0] == difficulty and r[1].startswith("chunked")
        )
        for d, label, wall, cpu in rows:
            if d == difficulty:
                lines.append(
                    f"| {d} | {label} | {wall:.2f} | {cpu:.2f} | {n / wall:.0f} | {cpu / ref[3]:.2f} |"
                )
    text = "\n".join(lines) + "\n"
    out = ROOT / "bench" / "results" / "tally.md"
    out.write_text(text, encoding="utf-8")
    print(text)
    print("written", out.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
