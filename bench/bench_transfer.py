"""Notebook 07's transfer-learning table, run longer: linear probe vs fine-tuning vs the same labels from scratch.

Usage: .venv/bin/python bench/bench_transfer.py [--per-class 30] [--size 112] [--test 2000] [--data-seeds 0,1,2]
                                                [--epochs 8] [--whole-epochs 4] [--whole-lr 1e-4] [--threads 1]
                                                [--methods probe,last,scratch,whole]
For each data seed, PER_CLASS labelled Fashion-MNIST training images per class are drawn (seed 0 = the
notebook's draw) and every method learns from exactly those images; all are tested on the first TEST
test images. Methods, as in notebook 07:
  probe        EfficientNet-Lite0 (helpers.load_imagenet_cnn) frozen; a linear layer on its 1,280 features
               (standardised; Adam 1e-3, weight decay 1e-3, 300 full-batch steps)
  last stage   the frozen trunk's output (stages 1-6) computed once for each image and its mirror image;
               the last stage, the 1x1 head convolution and a new classifier trained (Adam, lr 3e-4, batch 32,
               a random left-right flip per image per epoch), EPOCHS epochs
  whole net    every weight trained (Adam, lr WHOLE_LR, batch 32, flip_and_shift augmentation), WHOLE_EPOCHS
               epochs (data seed 0 only: it is the slow one on a CPU)
  scratch      SmallCNN(8-16-32, dropout 0.25) trained from scratch on the 28x28 images (Adam 3e-3, batch 32,
               15 epochs, flip_and_shift augmentation)
No validation split: epochs are fixed in advance and the test images are only used for the final number.
Writes bench/results/transfer.md and bench/results/transfer.csv (read by notebook 07).
"""

import argparse
import copy
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from helpers import load_fashion_mnist, load_imagenet_cnn
from helpers.training import SmallCNN, evaluate, fit, flip_and_shift
from helpers.weights import normalisation

ROOT = Path(__file__).resolve().parent.parent
OUT_MD = ROOT / "bench" / "results" / "transfer.md"
OUT_CSV = ROOT / "bench" / "results" / "transfer.csv"
LAST_STAGE = 6  # timm's EfficientNet-Lite0 has stages blocks[0..6]; "last stage" trains blocks[6:]


def draw_labelled(data, per_class, seed):
    rng = np.random.default_rng(seed)
    idx = np.concatenate(
        [
            rng.choice(
                np.flatnonzero(data.y_train == k), per_class, replace=False
            )
            for k in range(10)
        ]
    )
    rng.shuffle(idx)
    return data.X_train[idx], data.y_train[idx]


class Prepare(nn.Module):
    """uint8-derived gray (N, 1, 28, 28) in [0, 1] -> the pretrained CNN's input: resized, 3 channels, normalised."""

    def __init__(self, cnn, size):
        super().__init__()
        mean, std = normalisation(cnn)
        self.size = size
        self.register_buffer("mean", torch.tensor(mean).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(std).view(1, 3, 1, 1))

    def forward(self, x):
        x = F.interpolate(
            x,
            size=(self.size, self.size),
            mode="bilinear",
            align_corners=False,
        )
        return (x.expand(-1, 3, -1, -1) - self.mean) / self.std


def as_float(X):
    return torch.from_numpy(X.astype(np.float32) / 255).unsqueeze(1)


def trunk_output(cnn, prepare, X, mirror=False, batch_size=100):
    """The frozen stages' output for uint8 images X (N, 28, 28) (optionally mirrored left-right)."""
    out = []
    with torch.no_grad():
        for s in range(0, len(X), batch_size):
            x = prepare(as_float(X[s : s + batch_size]))
            if mirror:
                x = x.flip(-1)
            x = cnn.bn1(cnn.conv_stem(x))
            for block in cnn.blocks[:LAST_STAGE]:
                x = block(x)
            out.append(x)
    return torch.cat(out)


def tail_of(cnn, num_classes=10):
    return nn.Sequential(
        *copy.deepcopy(cnn.blocks[LAST_STAGE:]),
        copy.deepcopy(cnn.conv_head),
        copy.deepcopy(cnn.bn2),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(cnn.num_features, num_classes),
    )


def run_probe(cnn, T_few, y_few, T_test, y_test, seed):
    tail = tail_of(cnn)[:-1].eval()
    with torch.no_grad():
        F_few, F_test = tail(T_few), tail(T_test)
    torch.manual_seed(seed)
    mu, sd = F_few.mean(0), F_few.std(0) + 1e-6
    probe = nn.Linear(F_few.shape[1], 10)
    opt = torch.optim.Adam(probe.parameters(), lr=1e-3, weight_decay=1e-3)
    y = torch.from_numpy(y_few)
    for _ in range(300):
        loss = F.cross_entropy(probe((F_few - mu) / sd), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        return float(
            (probe((F_test - mu) / sd).argmax(1) == torch.from_numpy(y_test))
            .float()
            .mean()
        )


def run_last_stage(
    cnn,
    T_few,
    T_mirror,
    y_few,
    T_test,
    y_test,
    epochs,
    seed,
    lr=3e-4,
    batch_size=32,
):
    torch.manual_seed(seed)
    model = tail_of(cnn)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    y = torch.from_numpy(y_few)
    for _ in range(epochs):
        model.train()
        flip = torch.rand(len(T_few), generator=gen) < 0.5
        feats = torch.where(flip[:, None, None, None], T_mirror, T_few)
        order = torch.randperm(len(feats), generator=gen)
        for s in range(0, len(order), batch_size):
            idx = order[s : s + batch_size]
            loss = F.cross_entropy(model(feats[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        pred = torch.cat(
            [
                model(T_test[s : s + 500]).argmax(1)
                for s in range(0, len(T_test), 500)
            ]
        )
    return float((pred == torch.from_numpy(y_test)).float().mean())


def run_whole(cnn, size, X_few, y_few, X_test, y_test, epochs, seed, lr):
    torch.manual_seed(seed)
    net = copy.deepcopy(cnn)
    net.reset_classifier(10)
    model = nn.Sequential(Prepare(cnn, size), net)
    model.num_classes = 10
    fit(
        model,
        X_few,
        y_few,
        X_test[:10],
        y_test[:10],
        epochs=epochs,
        lr=lr,
        batch_size=32,
        augment=flip_and_shift,
        restore_best=False,
        seed=seed,
        device="cpu",
    )  # 10 test images only to satisfy fit; never used to pick
    return evaluate(model, X_test, y_test, device="cpu", batch_size=100)


def run_scratch(X_few, y_few, X_test, y_test, seed):
    torch.manual_seed(seed)
    model = SmallCNN(channels=(8, 16, 32), dropout=0.25)
    fit(
        model,
        X_few,
        y_few,
        X_test[:10],
        y_test[:10],
        epochs=15,
        lr=3e-3,
        batch_size=32,
        augment=flip_and_shift,
        restore_best=False,
        seed=seed,
        device="cpu",
    )
    return evaluate(model, X_test, y_test, device="cpu")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-class", type=int, default=30)
    ap.add_argument("--size", type=int, default=112)
    ap.add_argument("--test", type=int, default=2000)
    ap.add_argument("--data-seeds", default="0,1,2")
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--whole-epochs", type=int, default=4)
    ap.add_argument("--whole-lr", type=float, default=1e-4)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument(
        "--methods",
        default="probe,last,scratch,whole",
        help="which rows to (re)compute; with fewer than all, rows of the others are kept from the csv",
    )
    args = ap.parse_args(argv)
    methods = set(args.methods.split(","))
    torch.set_num_threads(args.threads)
    load = os.getloadavg()
    t_all = time.perf_counter()
    data = load_fashion_mnist(verbose=False)
    cnn = load_imagenet_cnn(verbose=False).eval()
    prepare = Prepare(cnn, args.size)
    X_test, y_test = data.X_test[: args.test], data.y_test[: args.test]
    T_test = (
        trunk_output(cnn, prepare, X_test)
        if methods & {"probe", "last"}
        else None
    )
    rows = []

    def record(method, seed, acc, t0, epochs, lr):
        row = dict(
            method=method,
            data_seed=seed,
            labelled=10 * args.per_class,
            size=args.size,
            epochs=epochs,
            lr=lr,
            test_images=args.test,
            test_acc=round(acc, 4),
            seconds=round(time.perf_counter() - t0, 1),
        )
        rows.append(row)
        print(row, flush=True)

    for seed in [int(s) for s in args.data_seeds.split(",")]:
        X_few, y_few = draw_labelled(data, args.per_class, seed)
        if methods & {"probe", "last"}:
            T_few, T_mirror = (
                trunk_output(cnn, prepare, X_few),
                trunk_output(cnn, prepare, X_few, mirror=True),
            )
        if "probe" in methods:
            t0 = time.perf_counter()
            record(
                "linear probe (frozen network)",
                seed,
                run_probe(cnn, T_few, y_few, T_test, y_test, seed),
                t0,
                "300 steps",
                1e-3,
            )
        if "last" in methods:
            t0 = time.perf_counter()
            record(
                "fine-tune the last stage",
                seed,
                run_last_stage(
                    cnn,
                    T_few,
                    T_mirror,
                    y_few,
                    T_test,
                    y_test,
                    args.epochs,
                    seed,
                ),
                t0,
                args.epochs,
                3e-4,
            )
        if "scratch" in methods:
            t0 = time.perf_counter()
            record(
                "SmallCNN from scratch",
                seed,
                run_scratch(X_few, y_few, X_test, y_test, seed),
                t0,
                15,
                3e-3,
            )
        if "whole" in methods and seed == 0 and args.whole_epochs:
            t0 = time.perf_counter()
            record(
                "fine-tune the whole network",
                seed,
                run_whole(
                    cnn,
                    args.size,
                    X_few,
                    y_few,
                    X_test,
                    y_test,
                    args.whole_epochs,
                    seed,
                    args.whole_lr,
                ),
                t0,
                args.whole_epochs,
                args.whole_lr,
            )

    import pandas as pd

    df = pd.DataFrame(rows)
    if (
        methods != {"probe", "last", "scratch", "whole"} and OUT_CSV.is_file()
    ):  # keep the other methods' rows
        old = pd.read_csv(OUT_CSV)
        old = old[~old["method"].isin(df["method"].unique())]
        df = pd.concat([old, df], ignore_index=True)
        rows = df.to_dict("records")
    df.to_csv(OUT_CSV, index=False)
    summary = df.groupby("method", sort=False)["test_acc"].agg(
        ["mean", "min", "max", "count"]
    )
    cmd = "python bench/bench_transfer.py " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    lines = [
        "# Transfer learning on few labels: linear probe vs fine-tuning vs from scratch (notebook 07)",
        "",
        f"Command: `{cmd.strip()}`  ",
        f"Python {platform.python_version()} · torch {torch.__version__} · {os.cpu_count()} CPUs · torch threads "
        f"{args.threads} · load average at start {load[0]:.1f} (shared machine) · total {time.perf_counter() - t_all:.0f} s",
        "",
        f"{10 * args.per_class} labelled Fashion-MNIST images ({args.per_class} per class, drawn with each data seed; "
        f"seed 0 is notebook 07's draw), EfficientNet-Lite0 input {args.size}×{args.size} px, tested on the first "
        f"{args.test} test images. Recipes: see the docstring of bench/bench_transfer.py (the notebook's, run longer).",
        "",
        "| method | data seed | epochs | learning rate | test accuracy | seconds |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['method']} | {r['data_seed']} | {r['epochs']} | {r.get('lr', '')} | {r['test_acc']:.3f} "
            f"| {r['seconds']:.0f} |"
        )
    lines += [
        "",
        "Mean over data seeds (min–max):",
        "",
        "| method | runs | test accuracy, mean | min | max |",
        "|---|---:|---:|---:|---:|",
    ]
    for method, s in summary.iterrows():
        lines.append(
            f"| {method} | {int(s['count'])} | {s['mean']:.3f} | {s['min']:.3f} | {s['max']:.3f} |"
        )
    OUT_MD.write_text("\n".join(lines) + "\n")
    print(OUT_MD.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
