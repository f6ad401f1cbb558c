"""How much of Binder's 2 GiB is left with one, two and three notebook kernels open.

A student on Binder runs a notebook top to bottom and moves on, often without shutting the kernel
down. This opens kernels one after another, keeps them open, runs each notebook's code cells top to
bottom in lecture mode (as a student would), and after each one measures the memory all open kernels
hold together: the proportional set size (PSS) of each kernel and its child processes (e.g. Dask
workers), so pages two kernels share are counted once, as the container's memory limit counts them.

Usage (from the course root): python -m binder.kernel_memory [NN NN NN ...] [--out bench/results/kernel_memory.md]
Each group of three notebooks is one scenario (default: 06 07 08, then 09 10 11). The Jupyter server
itself is not counted (its own memory comes on top on Binder).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time
from pathlib import Path

import nbformat
import psutil
from jupyter_client import KernelManager

from tools.project import ROOT

LIMIT_MIB = 2048  # mybinder.org's memory limit per user session


def tree_pss_mib(pid: int) -> float:
    """PSS of a process and all its descendants, MiB (RSS where PSS is unavailable)."""
    total = 0
    try:
        procs = [psutil.Process(pid)]
        procs += procs[0].children(recursive=True)
    except psutil.NoSuchProcess:
        return 0.0
    for p in procs:
        try:
            info = p.memory_full_info()
            total += getattr(info, "pss", info.rss)
        except psutil.NoSuchProcess:
            pass
    return total / 2**20


def run_notebook(name: str) -> tuple[KernelManager, float]:
    """Start a kernel in notebooks/, run the notebook's code cells in order, return (kernel, seconds)."""
    path = next((ROOT / "notebooks").glob(f"{name}_*.ipynb"))
    nb = nbformat.read(path, as_version=4)
    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(path.parent))
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)
    t0 = time.perf_counter()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        reply = kc.execute_interactive(
            cell.source, timeout=900, output_hook=lambda msg: None
        )
        if reply["content"]["status"] != "ok":
            raise RuntimeError(
                f"{path.name}: a cell failed: {reply['content'].get('ename')}"
            )
    kc.stop_channels()
    return km, time.perf_counter() - t0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "notebooks", nargs="*", default=["06", "07", "08", "09", "10", "11"]
    )
    ap.add_argument(
        "--out",
        type=Path,
        default=ROOT / "bench" / "results" / "kernel_memory.md",
    )
    args = ap.parse_args(argv)
    groups = [
        args.notebooks[i : i + 3] for i in range(0, len(args.notebooks), 3)
    ]
    rows = []
    for group in groups:
        kernels = []
        try:
            for n, name in enumerate(group, start=1):
                km, seconds = run_notebook(name)
                kernels.append(km)
                # let the kernel settle (garbage, worker start-up)
                time.sleep(2)
                held = sum(
                    tree_pss_mib(k.provisioner.process.pid) for k in kernels
                )
                rows.append(
                    (" → ".join(group[:n]), n, held, LIMIT_MIB - held, seconds)
                )
                print(
                    f"kernel_memory: {rows[-1][0]}: {held:.0f} MiB held, {LIMIT_MIB - held:.0f} MiB left",
                    flush=True,
                )
        finally:
            for km in kernels:
                km.shutdown_kernel(now=True)
    load = os.getloadavg()[0]
    lines = [
        "# Memory left on Binder with one, two and three kernels open",
        "",
        f"Command: `python -m binder.kernel_memory {' '.join(args.notebooks)}` · "
        f"{datetime.date.today()} · {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()} · load average at end {load:.1f} (a machine shared with other jobs: "
        "times are not comparable, memory is)",
        "",
        "Each notebook ran top to bottom in lecture mode in its own kernel; earlier kernels stay open. "
        "`held` = PSS of all open kernels and their child processes after the last notebook finished; "
        f"`left` = {LIMIT_MIB} MiB (Binder's limit) − held. The Jupyter server is not counted (it comes on top).",
        "",
        "| kernels open (notebooks run, in order) | kernels | held MiB | left of 2048 MiB |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {r[0]} | {r[1]} | {r[2]:.0f} | {r[3]:.0f} |" for r in rows]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"kernel_memory: wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
