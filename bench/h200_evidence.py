"""What the one run of the course on an NVIDIA H200 (2026-12-04) measured, as tables.

Usage: .venv/bin/python -m bench.h200_evidence
Reads the two notebooks that run left (bench/results/h200_2026-12-04/: notebooks 07 and 09 in full
mode, stopped by a time limit; papermill stored each cell's seconds and outputs) and writes
bench/results/h200_evidence.md and .csv: the time per update of notebook 07's network at several
batch sizes on that GPU, taken from the notebook's own printed tables, and the cell times. That run
used the course as it was then (the training loops read the loss after every batch), torch 2.11.
Notebook 07 §8 shows these rows beside the CPU rows of bench/results/gpu_training.csv.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path

import nbformat
import pandas as pd

from bench.common import markdown_table, write_result
from tools.cell_times import table as cell_time_table
from tools.notebook_tools import parameter_defaults
from tools.project import BENCH_RESULTS

RUN = BENCH_RESULTS / "h200_2026-12-04"
OUT = BENCH_RESULTS / "h200_evidence.md"
COLUMNS = [
    "device",
    "network",
    "loop",
    "batch",
    "updates",
    "seconds",
    "ms_per_update",
    "images_per_s",
]


def _code_cell(nb: dict, starts: str) -> dict:
    """The one code cell whose source starts with `starts`."""
    found = [
        c
        for c in nb["cells"]
        if c["cell_type"] == "code"
        and "".join(c["source"]).lstrip().startswith(starts)
    ]
    if len(found) != 1:
        raise ValueError(
            f"{len(found)} code cells start with {starts!r}; expected one "
            "(is this notebook 07 as the H200 run stored it?)"
        )
    return found[0]


def _text(cell: dict) -> str:
    """A cell's printed and displayed text, joined."""
    parts = []
    for out in cell.get("outputs", []):
        if "text" in out:
            parts.append("".join(out["text"]))
        elif "text/plain" in out.get("data", {}):
            parts.append("".join(out["data"]["text/plain"]))
    return "\n".join(parts)


def parameter(nb, name: str):
    """A parameter's value in that run: papermill's injected value, else the parameters cell's."""
    values = parameter_defaults(nb) | dict(
        nb.metadata.get("papermill", {}).get("parameters", {})
    )
    if name not in values:
        raise ValueError(f"the run's parameters do not set {name}")
    return values[name]


def rows_07(nb: dict) -> list[list]:
    """Per-update rows from notebook 07's own printed results."""
    device = re.search(r"device: (.+)", _text(_code_cell(nb, "device =")))
    device = device.group(1).strip() if device else "cuda"
    width = int(parameter(nb, "CHANNELS"))
    network = f"07 SmallCNN {width}-{2 * width}-{4 * width}"
    rows = []
    # the batch-size experiment: helpers.training.fit (Adam), EXP_N images, EXP_EPOCHS epochs
    text = _text(_code_cell(nb, "rows = {}\nfor bs in"))
    for line in text.splitlines():
        cols = line.split()
        if len(cols) == 6 and cols[0].isdigit():
            batch, seconds, updates = (
                int(cols[0]),
                float(cols[4]),
                int(cols[5]),
            )
            rows.append(
                [device, network, "fit (Adam)", batch, updates, seconds]
            )
    if len(rows) < 2:
        raise ValueError(
            "no batch-size rows found in the run's batch-size table"
        )
    # SGD against Adam: the notebook's hand-written loop, N_TRAIN images, EPOCHS epochs
    n_train, batch = (
        int(parameter(nb, "N_TRAIN")),
        int(parameter(nb, "BATCH_SIZE")),
    )
    text = _text(_code_cell(nb, "histories = {}"))
    for name, epochs, seconds in re.findall(
        r"(SGD|Adam): (\d+) epochs in ([0-9.]+) s", text
    ):
        updates = int(epochs) * math.ceil(n_train / batch)
        rows.append(
            [
                device,
                network,
                f"07 train ({name})",
                batch,
                updates,
                float(seconds),
            ]
        )
    for row in rows:
        seconds, updates, batch = row[5], row[4], row[3]
        row += [
            round(seconds / updates * 1e3, 2),
            round(batch * updates / seconds),
        ]
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--run", default=str(RUN))
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args(argv)
    run = Path(args.run)
    nb07 = nbformat.read(run / "07_full_mode_partial.ipynb", as_version=4)
    rows = rows_07(nb07)
    out = Path(args.out)
    pd.DataFrame(rows, columns=COLUMNS).to_csv(
        out.with_suffix(".csv"), index=False
    )
    lines = [
        "# The course on one NVIDIA H200, 2026-12-04: what it measured",
        "",
        "Command: `.venv/bin/python -m bench.h200_evidence` (reads the stored run in "
        f"`bench/results/{run.name}/`; `run.sh` there made it: the course at commit dab66f5, "
        "torch 2.11.0+cu130, `python -m tools.execute_notebooks --mode full 07` and `09`, stopped "
        "by time limits of 230 s and 170 s).",
        "",
        "## Time per update on the GPU (notebook 07, full mode)",
        "",
        "From the notebook's own printed results: the batch-size experiment (helpers.training.fit "
        "with Adam on 10,000 images, 5 epochs; seconds are fit's seconds per epoch summed: training "
        "plus each epoch's validation on 5,000 images) and the SGD/Adam "
        "comparison (the notebook's hand-written loop, 15 epochs on 55,000 images; seconds include "
        "its per-epoch validation). Both loops then read the loss after every batch.",
        "",
        *markdown_table(
            [c.replace("_per_", " / ").replace("_", " ") for c in COLUMNS],
            [
                [*r[:5], f"{r[5]:.1f}", f"{r[6]:.2f}", f"{r[7]:,}"]
                for r in rows
            ],
            "lllrrrrr",
        ),
        "",
        "## Cell times",
        "",
        *cell_time_table(sorted(run.glob("*.ipynb"))),
    ]
    write_result(out, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
