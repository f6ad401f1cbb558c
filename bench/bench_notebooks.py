"""Benchmark (not a test): run every notebook in lecture mode and measure it.

For each notebook: wall seconds, slowest cell seconds, and peak kernel memory (max RSS of the
kernel process and its children, read inside the kernel at the end). A fixed NumPy/PyTorch
reference workload is timed in the same run, so results from noisy machines can be compared as
ratios. Writes bench/results/notebooks.md (and prints it).

Usage: python -m bench.bench_notebooks [NAME_FRAGMENT ...]   (then python -m tools.readme_figures;
``make bench`` does both). Budgets (design doc, tools/project.py): whole course <= 600 s on 2 cores,
no cell > 20 s, peak <= 2048 MiB per notebook.
"""

import datetime as dt
import os
import platform
import sys
import time

import nbformat

from bench.common import markdown_table, write_result
from tools.notebook_tools import execute
from tools.project import (
    BUDGET_CELL_S,
    BUDGET_KERNEL_MIB,
    BUDGET_TOTAL_S,
    find_notebooks,
)

BUDGET_TOTAL, BUDGET_CELL, BUDGET_MIB = (
    BUDGET_TOTAL_S,
    BUDGET_CELL_S,
    BUDGET_KERNEL_MIB,
)
RESULT = "notebooks.md"

# Peak resident memory of the kernel. On Linux, VmHWM (reset at exec) is exact for the kernel itself;
# ru_maxrss would also count the parent process it was forked from. Children (e.g. DataLoader workers)
# are added through RUSAGE_CHILDREN.
PEAK_CELL = """import resource as _r
try:
    _self = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0])
except OSError:
    _self = _r.getrusage(_r.RUSAGE_SELF).ru_maxrss  # KiB on Linux; macOS reports bytes
print("PEAK_RSS_KIB", max(_self, _r.getrusage(_r.RUSAGE_CHILDREN).ru_maxrss))"""


def reference_seconds():
    """A fixed CPU workload (matrix products and a small conv net forward/backward): machine speed now."""
    import numpy as np
    import torch

    rng = np.random.default_rng(0)
    a = rng.standard_normal((600, 600))
    conv = torch.nn.Sequential(
        torch.nn.Conv2d(1, 16, 3),
        torch.nn.ReLU(),
        torch.nn.Flatten(),
        torch.nn.LazyLinear(10),
    )
    x = torch.randn(128, 1, 28, 28)
    conv(x)
    t0 = time.perf_counter()
    for _ in range(8):
        a = np.tanh(a @ a.T / 600)
    for _ in range(4):
        conv(x).sum().backward()
    return time.perf_counter() - t0


def cell_seconds(cell):
    meta = cell.get("metadata", {}).get("execution", {})
    start, end = (
        meta.get("iopub.execute_input"),
        meta.get("shell.execute_reply"),
    )
    if not start or not end:
        return 0.0

    def parse(stamp):
        return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))

    return (parse(end) - parse(start)).total_seconds()


def measure(path):
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_CELL))
    t0 = time.perf_counter()
    execute(nb, record_timing=True)
    wall = time.perf_counter() - t0
    peak_kib = int(
        next(
            o.text.split()[1]
            for o in nb.cells[-1].outputs
            if "PEAK_RSS_KIB" in o.get("text", "")
        )
    )
    code = [c for c in nb.cells[:-1] if c.cell_type == "code"]
    times = [cell_seconds(c) for c in code]
    slowest = max(range(len(times)), key=times.__getitem__)
    return wall, times[slowest], code[slowest].execution_count, peak_kib / 1024


def main(argv):
    wanted = argv[1:]
    books = find_notebooks(wanted)
    ref_before = reference_seconds()
    rows = []
    for path in books:
        wall, slow, slow_n, mib = measure(path)
        rows.append((path.stem, wall, slow, slow_n, mib))
        print(
            f"{path.stem}: {wall:.1f} s, slowest cell [{slow_n}] {slow:.1f} s, peak {mib:.0f} MiB",
            flush=True,
        )
    ref_after = reference_seconds()
    ref = (ref_before + ref_after) / 2
    total = sum(r[1] for r in rows)

    def ok(good):
        return "✓" if good else "✗ over"

    cache = (
        "IMAGES_AS_DATA_CACHE=<empty folder> "
        if os.environ.get("IMAGES_AS_DATA_CACHE")
        else ""
    )
    table = [
        [
            name,
            f"{wall:.1f}",
            f"{wall / ref:.1f}",
            f"{slow:.1f} ({slow_n})",
            f"{mib:.0f}",
            ok(slow <= BUDGET_CELL and mib <= BUDGET_MIB),
        ]
        for name, wall, slow, slow_n, mib in rows
    ]
    table.append(
        [
            "**total**",
            f"**{total:.1f}**",
            f"{total / ref:.1f}",
            f"{max(r[2] for r in rows):.1f}",
            f"{max(r[4] for r in rows):.0f}",
            f"{ok(total <= BUDGET_TOTAL)} (≤ {BUDGET_TOTAL} s)",
        ]
    )
    lines = [
        "# Notebook benchmark (lecture mode)",
        "",
        f"Command: `{cache}python -m bench.bench_notebooks` · {dt.date.today()} · {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()} · load average at end "
        f"{os.getloadavg()[0]:.1f}",
        "",
        f"Reference workload (fixed NumPy + PyTorch CPU work, same run): {ref_before:.2f} s before, "
        f"{ref_after:.2f} s after. `× ref` = notebook wall time / reference time, comparable across machines.",
        "",
        *markdown_table(
            [
                "notebook",
                "wall s",
                "× ref",
                "slowest cell s (cell #)",
                "peak kernel MiB",
                "within budget",
            ],
            table,
            align="lrrrrl",
        ),
        "",
        f"Budgets: whole course ≤ {BUDGET_TOTAL} s on 2 cores, no cell > {BUDGET_CELL} s, "
        f"peak ≤ {BUDGET_MIB} MiB per notebook.",
    ]
    if not wanted:
        write_result(RESULT, lines)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
