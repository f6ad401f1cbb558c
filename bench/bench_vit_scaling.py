"""Notebook 09's ViT-vs-CNN scaling experiment, trained to convergence: the table the notebook shows.

Usage: .venv/bin/python bench/bench_vit_scaling.py [--sizes 500,2000,10000] [--max-epochs 200] [--patience 8]
                                                    [--threads 1] [--seeds 0] [--append]
Both models are the notebook's own: the TinyViT code is executed from the notebook's model cell (so the
bench cannot drift from what students read) and the CNN is helpers.training.SmallCNN with the notebook's
widths. Each is trained on the first n images of one fixed shuffled pool of Fashion-MNIST training images,
with the same loop (helpers.training.fit: Adam, batch 64), the same light augmentation (flip_and_shift:
left-right flip, shift by up to 2 px), early stopping on the same validation images (patience epochs
without a lower validation loss, best epoch's weights kept), and tested on all 10,000 test images.
Writes bench/results/vit_scaling.md (the table, settings, command) and bench/results/vit_scaling.csv
(what notebook 09 reads). The machine may be shared: seconds are indicative only.
"""

import argparse
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import torch
from torch import nn

from helpers import load_fashion_mnist
from helpers.training import (
    SmallCNN,
    count_parameters,
    evaluate,
    fit,
    flip_and_shift,
)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "09_vision_transformers.ipynb"
OUT_MD = ROOT / "bench" / "results" / "vit_scaling.md"
OUT_CSV = ROOT / "bench" / "results" / "vit_scaling.csv"


def notebook_model_classes():
    """Execute notebook 09's model cell (the one defining TinyViT) and return its namespace."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cells = [
        c.source
        for c in nb.cells
        if c.cell_type == "code" and "class TinyViT" in c.source
    ]
    if len(cells) != 1:
        raise RuntimeError(
            f"expected one cell defining TinyViT in {NOTEBOOK.name}, found {len(cells)}"
        )
    source = cells[0].split("\ndef make_vit")[
        0
    ]  # the classes only, not the notebook's helpers
    namespace = {"torch": torch, "nn": nn, "math": math, "np": np}
    exec(compile(source, f"{NOTEBOOK.name}:TinyViT", "exec"), namespace)
    return namespace


def notebook_parameters():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cell = next(
        c for c in nb.cells if "parameters" in c.metadata.get("tags", [])
    )
    params = {}
    exec(cell.source, {}, params)
    return params


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="500,2000,10000")
    ap.add_argument("--max-epochs", type=int, default=200)
    ap.add_argument("--patience", type=int, default=8)
    ap.add_argument("--n-val", type=int, default=2000)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seeds", default="0")
    ap.add_argument("--models", default="CNN,ViT")
    ap.add_argument(
        "--append",
        action="store_true",
        help="add these runs to the committed csv (replacing runs with the same model, size and seed)",
    )
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    sizes = [int(s) for s in args.sizes.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]
    p = notebook_parameters()
    ns = notebook_model_classes()
    TinyViT = ns["TinyViT"]

    data = load_fashion_mnist(verbose=False)
    order = np.random.default_rng(p["SEED"]).permutation(len(data.X_train))
    X_val, y_val = (
        data.X_train[order[: args.n_val]],
        data.y_train[order[: args.n_val]],
    )
    X_pool, y_pool = (
        data.X_train[order[args.n_val :]],
        data.y_train[order[args.n_val :]],
    )
    X_test, y_test = data.X_test, data.y_test

    def make(name, seed):
        torch.manual_seed(seed)
        if name == "ViT":
            return TinyViT(
                patch_size=p["PATCH_SIZE"],
                dim=p["VIT_DIM"],
                depth=p["VIT_DEPTH"],
                heads=p["VIT_HEADS"],
            )
        c = p["CNN_CHANNELS"]
        return SmallCNN(channels=(c, 2 * c, 4 * c))

    lrs = {"ViT": p["LR_VIT"], "CNN": p["LR_CNN"]}
    rows = []
    load = os.getloadavg()
    t_all = time.perf_counter()
    for n in sizes:
        for seed in seeds:
            for name in args.models.split(","):
                model = make(name, seed)
                t0 = time.perf_counter()
                h = fit(
                    model,
                    X_pool[:n],
                    y_pool[:n],
                    X_val,
                    y_val,
                    epochs=args.max_epochs,
                    lr=lrs[name],
                    batch_size=args.batch_size,
                    patience=args.patience,
                    augment=flip_and_shift,
                    seed=seed,
                    device="cpu",
                )
                secs = time.perf_counter() - t0
                acc = evaluate(model, X_test, y_test, device="cpu")
                row = dict(
                    model=name,
                    n_train=n,
                    seed=seed,
                    test_acc=round(acc, 4),
                    epochs_run=h.epochs,
                    best_epoch=h.best_epoch,
                    stopped_early=h.stopped_early,
                    updates=h.epochs * math.ceil(n / args.batch_size),
                    val_acc_best=round(h.best_val_acc, 4),
                    params=count_parameters(model),
                    lr=lrs[name],
                    seconds=round(secs, 1),
                )
                rows.append(row)
                print(json.dumps(row), flush=True)

    import pandas as pd

    df = pd.DataFrame(rows)
    commands = [
        f"python bench/bench_vit_scaling.py {' '.join(argv if argv is not None else sys.argv[1:])}".strip()
    ]
    if args.append and OUT_CSV.is_file():
        old = pd.read_csv(OUT_CSV)
        keep = ~old.set_index(["model", "n_train", "seed"]).index.isin(
            df.set_index(["model", "n_train", "seed"]).index
        )
        df = pd.concat([old[keep], df], ignore_index=True).sort_values(
            ["n_train", "seed", "model"]
        )
        rows = df.to_dict("records")
        if OUT_MD.is_file():
            commands = [
                line.split("`")[1]
                for line in OUT_MD.read_text().splitlines()
                if line.startswith("Command")
            ] + commands
    df.to_csv(OUT_CSV, index=False)
    mean = (
        df.groupby(["n_train", "model"])["test_acc"]
        .agg(["mean", "std", "count"])
        .unstack("model")
    )
    lines = [
        "# ViT vs CNN, trained to convergence, against training-set size (notebook 09)",
        "",
        *[
            f"Command{'' if k == 0 else f' {k + 1}'}: `{c}`  "
            for k, c in enumerate(commands)
        ],
        f"Python {platform.python_version()} · torch {torch.__version__} · {os.cpu_count()} CPUs · torch threads "
        f"{args.threads} · load average at start {load[0]:.1f} (shared machine) · total {time.perf_counter() - t_all:.0f} s",
        "",
        f"Models: notebook 09's TinyViT (patch {p['PATCH_SIZE']}, width {p['VIT_DIM']}, depth {p['VIT_DEPTH']}, "
        f"{p['VIT_HEADS']} heads) and SmallCNN ({p['CNN_CHANNELS']}-{2 * p['CNN_CHANNELS']}-{4 * p['CNN_CHANNELS']}). "
        f"Training: helpers.training.fit, Adam (lr ViT {lrs['ViT']}, CNN {lrs['CNN']}), batch {args.batch_size}, "
        f"augmentation flip_and_shift (left-right flip, shift ≤ 2 px), early stopping on {args.n_val} validation "
        f"images (patience {args.patience}, at most {args.max_epochs} epochs, best epoch's weights kept). "
        f"Test: all {len(y_test)} Fashion-MNIST test images. Training sets: the first n of one shuffled pool "
        f"(seed {p['SEED']}); the seed column sets the initial weights and batch order.",
        "",
        "| training images | seed | model | test accuracy | epochs run | best epoch | updates | seconds |",
        "|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['n_train']} | {r['seed']} | {r['model']} | {r['test_acc']:.3f} | {r['epochs_run']} "
            f"| {r['best_epoch']} | {r['updates']} | {r['seconds']:.0f} |"
        )
    lines += [
        "",
        "Gap (CNN − ViT test accuracy, mean over seeds; per-seed gaps in brackets):",
        "",
        "| training images | seeds | CNN | ViT | CNN − ViT |",
        "|---:|---:|---:|---:|---:|",
    ]
    wide = df.pivot_table(
        index=["n_train", "seed"], columns="model", values="test_acc"
    )
    for n in sorted(df["n_train"].unique()):
        c, v = mean.loc[n, ("mean", "CNN")], mean.loc[n, ("mean", "ViT")]
        gaps = (wide.loc[n, "CNN"] - wide.loc[n, "ViT"]).round(3).tolist()
        lines.append(
            f"| {n} | {len(gaps)} | {c:.3f} | {v:.3f} | {c - v:+.3f} ({', '.join(f'{g:+.3f}' for g in gaps)}) |"
        )
    OUT_MD.write_text("\n".join(lines) + "\n")
    print(OUT_MD.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
