"""Cell times of notebooks executed by papermill (tools.execute_notebooks) -> a markdown table.

Usage: python -m tools.cell_times build/full/07_*.ipynb ... [--out bench/results/full_mode_gpu.md]
Per notebook: the parameters papermill injected, the cells run and not reached (a run stopped by a
time limit leaves the rest pending), the seconds of all cells run, and the slowest cells with their
first line. The device comes from the notebooks' own outputs when they print it (choose_device).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path

from bench.common import markdown_table, write_result
from tools.project import BENCH_RESULTS

OUT = BENCH_RESULTS / "full_mode_gpu.md"
SLOWEST = 5


def cell_times(nb: dict) -> dict:
    """What a papermill-executed notebook records of its run -> a summary dict."""
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    ran, pending, failed, running = [], 0, None, None
    for i, cell in enumerate(code):
        pm = cell.get("metadata", {}).get("papermill", {})
        source = "".join(cell["source"]).strip().splitlines()
        first = next((line for line in source if not line.startswith("#")), "")
        first = first[:70] or "(comments only)"
        if pm.get("exception"):
            failed = i
        if (
            pm.get("status") == "running"
        ):  # the time limit stopped the run here
            running = (i, first)
        if pm.get("duration") is None or pm.get("status") in (
            "pending",
            "running",
        ):
            pending += 1
            continue
        ran.append((float(pm["duration"]), i, first))
    if not code:
        raise ValueError("the notebook has no code cells")
    if len(ran) == 0 and pending == len(code):
        raise ValueError(
            "no cell carries papermill timings (metadata.papermill.duration): execute it with "
            "python -m tools.execute_notebooks --mode full first"
        )
    params = nb.get("metadata", {}).get("papermill", {}).get("parameters", {})
    device = next(
        (
            line.strip().removeprefix("device:").strip()
            for cell in code
            for out in cell.get("outputs", [])
            for line in "".join(out.get("text", "")).splitlines()
            if line.strip().startswith("device:")
        ),
        None,
    )
    return {
        "cells": len(code),
        "ran": len(ran),
        "pending": pending,
        "failed_cell": failed,
        "stopped_in": running,
        "seconds": sum(d for d, _, _ in ran),
        "slowest": sorted(ran, reverse=True)[:SLOWEST],
        "parameters": params,
        "device": device,
    }


def table(paths) -> list[str]:
    rows, details = [], []
    for path in paths:
        s = cell_times(json.loads(Path(path).read_text(encoding="utf-8")))
        done = (
            "no: cell failed"
            if s["failed_cell"] is not None
            else ("yes" if not s["pending"] else "no: stopped")
        )
        if s["stopped_in"]:
            i, first = s["stopped_in"]
            done += f" in code cell {i} (`{first.replace('|', '/')}`)"
        rows.append(
            [
                Path(path).name,
                f"{s['ran']} of {s['cells']}",
                s["pending"],
                f"{s['seconds']:.1f}",
                done,
            ]
        )
        details += [
            "",
            f"### {Path(path).name}",
            "",
            f"Device: {s['device'] or 'not printed'}. Parameters: "
            + (
                ", ".join(f"`{k} = {v!r}`" for k, v in s["parameters"].items())
                or "the lecture defaults"
            )
            + ".",
            "",
            *markdown_table(
                ["code cell", "seconds", "first line"],
                [
                    [i, f"{d:.1f}", f"`{first.replace('|', '/')}`"]
                    for d, i, first in s["slowest"]
                ],
                "rrl",
            ),
        ]
    header = [
        "notebook",
        "code cells run",
        "not run or stopped",
        "seconds (cells run)",
        "finished",
    ]
    return markdown_table(header, rows, "lrrrl") + details


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="+")
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args(argv)
    missing = [p for p in args.notebooks if not Path(p).is_file()]
    if missing:
        print(f"cell_times: no such notebook: {', '.join(missing)}")
        return 1
    try:
        body = table(args.notebooks)
    except ValueError as err:
        print(f"cell_times: {err}")
        return 1
    import torch  # the machine line: which GPU ran it

    gpu = (
        torch.cuda.get_device_name(0)
        if torch.cuda.is_available()
        else "none (not a GPU run)"
    )
    lines = [
        "# Notebooks in full mode: cell times",
        "",
        "Command: `bash bench/gpu_run.sh` (python -m tools.execute_notebooks --mode full 07 09 11, "
        "then python -m tools.cell_times). Full mode on a CUDA GPU adds course.gpu_parameters. "
        "Goal (issue 19): each notebook within 180 s on one H200-class GPU.",
        f"Machine: GPU {gpu}; torch {torch.__version__}; Python {platform.python_version()}.",
        "",
        *body,
    ]
    write_result(Path(args.out), lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
