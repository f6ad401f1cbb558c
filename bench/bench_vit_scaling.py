"""Notebook 09's ViT-vs-CNN scaling experiment, each model trained with its own recipe: the table the notebook shows.

Usage (two processes, one per core; each appends its runs, one JSON line each, to its part file as they finish,
so a partial run is usable; `report` merges the parts into vit_scaling.csv and vit_scaling.md):
  .venv/bin/python -m bench.bench_vit_scaling tune --models ViT --part tune-vit
  .venv/bin/python -m bench.bench_vit_scaling run --sizes 500,2000,10000,30000 --seeds 0,1,2 --models ViT --part b
  .venv/bin/python -m bench.bench_vit_scaling report --commands "the commands run; separated by semicolons"
  .venv/bin/python -m bench.bench_vit_scaling time     # seconds per epoch of each model, to plan a run

Models: TinyViT from helpers.vit (the class notebook 09 shows) and SmallCNN from helpers.training, at the
notebook's widths. Each is trained on the first n images of one fixed shuffled pool of Fashion-MNIST training
images and tested once, with its final weights, on all 10,000 test images.

Recipe, both models: AdamW, batch 128, a linear warm-up over the first 10% of updates then cosine decay to
zero, label smoothing 0.1, a fixed epoch budget per training-set size (EPOCHS; no early stopping). Weight
decay as each family is trained: 0.05 for the ViT on weight matrices only (not norms, biases, class token or
position embeddings, as in DeiT), 5e-4 for the CNN. The peak learning rate and the augmentation (light: flip
and shift by up to 2 px; strong: also rotation, scale, contrast and brightness jitter and random erasing) are
chosen per model by `tune` from a grid of the same size (GRID), on validation images only (2,000 training
images, seed 0); `run` takes the best from the tuning part files. The test images are never used to tune.

Plateau criterion, checked per run and printed in the table: the mean training loss over the last 10% of
epochs is within 2% of its mean over the 10% of epochs before them. A fixed budget with cosine decay ends with
small steps, so the table also gives how much validation accuracy moved over the last 20% of epochs. The
machine may be shared: seconds (training only: no loading, no validation, no testing) are indicative.
"""

import argparse
import json
import math
import os
import platform
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from helpers import load_fashion_mnist
from helpers.models import SmallCNN
from helpers.training import count_parameters, to_tensor_images
from helpers.vit import TinyViT
from tools.project import ROOT

OUT_MD = ROOT / "bench" / "results" / "vit_scaling.md"
OUT_CSV = ROOT / "bench" / "results" / "vit_scaling.csv"
# raw runs with per-epoch curves; not committed
PARTS = ROOT / ".cache" / "vit_scaling_parts"

# the notebook's widths (its parameters cell): ViT patch 7, width 48, depth 3, 4 heads; CNN 16-32-64
VIT = dict(patch_size=7, dim=48, depth=3, heads=4)
CNN_CHANNELS = (16, 32, 64)
POOL_SEED = 0  # the shuffled pool of training images (as notebook 09's SEED)
N_VAL = 2000
BATCH = 128
WARMUP = 0.1  # fraction of the updates spent warming up
LABEL_SMOOTHING = 0.1
WEIGHT_DECAY = {"ViT": 0.05, "CNN": 5e-4}
# epoch budget per training-set size (same for both models): fewer passes over more data
# (chosen to fit the CPU time of a shared 2-core machine; the plateau check below tests them)
EPOCHS = {500: 100, 2000: 50, 10000: 25, 30000: 12}
# the grid `tune` searches on validation images, the same size for both models
GRID = {
    "ViT": {"lr": (1e-3, 2e-3), "augment": ("light", "strong")},
    "CNN": {"lr": (1e-3, 3e-3), "augment": ("light", "strong")},
}
TUNE_N, TUNE_EPOCHS = 2000, 30
VAL_POINTS = (
    20  # validate about this many times per run (and after the last epoch)
)


# ---------------------------------------------------------------- augmentation


def augment_light(xb, g):
    """Left-right flip (p = 0.5) and a shift by up to 2 px (as helpers.training.flip_and_shift)."""
    n = len(xb)
    flip = torch.where(torch.rand(n, generator=g) < 0.5, -1.0, 1.0)
    shift = (torch.randint(-2, 3, (n, 2), generator=g) * 2 / 28).float()
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0], theta[:, 1, 1] = flip, 1.0
    theta[:, :, 2] = shift
    grid = F.affine_grid(theta, xb.shape, align_corners=False)
    return F.grid_sample(xb, grid, mode="nearest", align_corners=False)


def augment_strong(xb, g):
    """Flip, rotation ±15°, scale 0.9–1.1, shift ≤ 3 px, contrast/brightness jitter, random erasing (p = 0.25)."""
    n, _, h, w = xb.shape
    u = torch.rand(n, 6, generator=g)
    flip = torch.where(u[:, 0] < 0.5, -1.0, 1.0)
    angle = (u[:, 1] - 0.5) * 2 * math.radians(15)
    scale = 0.9 + 0.2 * u[:, 2]
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = flip * torch.cos(angle) / scale
    theta[:, 0, 1] = -torch.sin(angle) / scale
    theta[:, 1, 0] = flip * torch.sin(angle) / scale
    theta[:, 1, 1] = torch.cos(angle) / scale
    theta[:, :, 2] = (u[:, 3:5] - 0.5) * 2 * 3 * 2 / 28
    grid = F.affine_grid(theta, xb.shape, align_corners=False)
    xb = F.grid_sample(xb, grid, mode="bilinear", align_corners=False)
    contrast = 0.7 + 0.6 * torch.rand(n, 1, 1, 1, generator=g)
    bright = (torch.rand(n, 1, 1, 1, generator=g) - 0.5) * 0.2
    xb = (xb * contrast + bright).clamp(0, 1)
    # random erasing: a rectangle of 4-12 px sides set to noise, on a quarter of the images
    erase = torch.rand(n, generator=g) < 0.25
    eh = torch.randint(4, 13, (n,), generator=g)
    ew = torch.randint(4, 13, (n,), generator=g)
    y0 = (torch.rand(n, generator=g) * (h - eh + 1)).long()
    x0 = (torch.rand(n, generator=g) * (w - ew + 1)).long()
    rows = torch.arange(h)[None, :, None]
    cols = torch.arange(w)[None, None, :]
    box = (
        (rows >= y0[:, None, None])
        & (rows < (y0 + eh)[:, None, None])
        & (cols >= x0[:, None, None])
        & (cols < (x0 + ew)[:, None, None])
        & erase[:, None, None]
    )[:, None]
    noise = torch.rand(xb.shape, generator=g)
    return torch.where(box, noise, xb)


AUGMENT = {"light": augment_light, "strong": augment_strong}


# ---------------------------------------------------------------- training


def make_model(name, seed):
    torch.manual_seed(seed)
    if name == "ViT":
        return TinyViT(**VIT)
    if name == "CNN":
        return SmallCNN(channels=CNN_CHANNELS)
    raise ValueError(f"model {name!r}; choose ViT or CNN")


def param_groups(model, weight_decay):
    """Weight decay on weight matrices and conv kernels only (not norms, biases, class token, positions)."""
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        skip = p.ndim < 2 or name in ("cls_token", "pos_embed")
        (no_decay if skip else decay).append(p)
    return [
        {"params": decay, "weight_decay": weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]


def warmup_cosine(total_steps, warmup=WARMUP):
    """Learning-rate factor per update: linear warm-up over `warmup` of the updates, then cosine to 0."""
    w = max(1, round(warmup * total_steps))

    def factor(step):
        if step < w:
            return (step + 1) / w
        t = (step - w) / max(1, total_steps - w)
        return 0.5 * (1 + math.cos(math.pi * min(t, 1.0)))

    return factor


def accuracy_and_loss(model, X, y, batch=1000):
    model.eval()
    correct, total = 0, 0.0
    with torch.no_grad():
        for s in range(0, len(X), batch):
            logits = model(X[s : s + batch])
            correct += int((logits.argmax(1) == y[s : s + batch]).sum())
            total += float(
                F.cross_entropy(logits, y[s : s + batch], reduction="sum")
            )
    return correct / len(X), total / len(X)


def train(name, X, y, X_val, y_val, *, epochs, lr, augment, seed):
    """Train one model with its recipe -> (model, per-epoch history, training seconds)."""
    model = make_model(name, seed)
    opt = torch.optim.AdamW(
        param_groups(model, WEIGHT_DECAY[name]), lr=lr, betas=(0.9, 0.999)
    )
    steps = epochs * math.ceil(len(X) / BATCH)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, warmup_cosine(steps))
    g = torch.Generator().manual_seed(seed)
    aug = AUGMENT[augment]
    hist = {"train_loss": [], "val_epoch": [], "val_acc": [], "seconds": []}
    every = math.ceil(epochs / VAL_POINTS)
    for epoch in range(1, epochs + 1):
        t0 = time.perf_counter()
        model.train()
        order = torch.randperm(len(X), generator=g)
        total = 0.0
        for s in range(0, len(X), BATCH):
            idx = order[s : s + BATCH]
            loss = F.cross_entropy(
                model(aug(X[idx], g)),
                y[idx],
                label_smoothing=LABEL_SMOOTHING,
            )
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss.detach()) * len(idx)
        hist["seconds"].append(time.perf_counter() - t0)
        hist["train_loss"].append(total / len(X))
        if epoch % every == 0 or epoch == epochs:
            hist["val_epoch"].append(epoch)
            hist["val_acc"].append(accuracy_and_loss(model, X_val, y_val)[0])
    return model, hist, sum(hist["seconds"])


def plateau(hist):
    """(relative change of the mean training loss, last 10% of epochs vs the 10% before; val-acc change, last 20%)."""
    loss = np.array(hist["train_loss"])
    k = max(1, len(loss) // 10)
    last, before = loss[-k:].mean(), loss[-2 * k : -k].mean()
    ep, acc = np.array(hist["val_epoch"]), np.array(hist["val_acc"])
    start = np.flatnonzero(ep <= ep[-1] - max(1, ep[-1] // 5))[-1]
    return float((before - last) / before), float(acc[-1] - acc[start])


def recipes():
    """The peak lr and augmentation per model with the best final validation accuracy in `tune`."""
    tune = [r for r in read_parts() if r["phase"] == "tune"]
    chosen = {}
    for name in GRID:
        rows = [r for r in tune if r["model"] == name]
        if len(rows) == len(GRID[name]["lr"]) * len(GRID[name]["augment"]):
            best = max(rows, key=lambda r: r["val_acc"])
            chosen[name] = {"lr": best["lr"], "augment": best["augment"]}
    return chosen


# ---------------------------------------------------------------- commands


def load_data():
    data = load_fashion_mnist(verbose=False)
    order = np.random.default_rng(POOL_SEED).permutation(len(data.X_train))
    Xtr, ytr = data.X_train[order], data.y_train[order]
    t = dict(
        X_val=to_tensor_images(Xtr[:N_VAL]),
        y_val=torch.as_tensor(ytr[:N_VAL], dtype=torch.long),
        X_pool=to_tensor_images(Xtr[N_VAL:]),
        y_pool=torch.as_tensor(ytr[N_VAL:], dtype=torch.long),
        X_test=to_tensor_images(data.X_test),
        y_test=torch.as_tensor(data.y_test, dtype=torch.long),
    )
    return t


def write_part(part, row):
    PARTS.mkdir(parents=True, exist_ok=True)
    with open(PARTS / f"{part}.jsonl", "a") as f:
        f.write(json.dumps(row) + "\n")
    brief = {k: v for k, v in row.items() if k not in ("history",)}
    print(json.dumps(brief), flush=True)


def cmd_tune(args):
    d = load_data()
    X, y = d["X_pool"][:TUNE_N], d["y_pool"][:TUNE_N]
    for name in args.models.split(","):
        for lr in GRID[name]["lr"]:
            for augment in GRID[name]["augment"]:
                _, hist, secs = train(
                    name, X, y, d["X_val"], d["y_val"],
                    epochs=TUNE_EPOCHS, lr=lr, augment=augment, seed=0,
                )  # fmt: skip
                write_part(
                    args.part,
                    dict(
                        phase="tune", model=name, n_train=TUNE_N, seed=0,
                        lr=lr, augment=augment, epochs=TUNE_EPOCHS,
                        val_acc=hist["val_acc"][-1],
                        seconds=round(secs, 1), history=hist,
                    ),
                )  # fmt: skip


EDGE_MD = ROOT / "bench" / "results" / "vit_grid_edge.md"


def cmd_edge(args):
    """Past the grid's edge: both models chose the top learning rate of their grid, so train each at that
    rate and at multiples of it (--factors; the tuning set-up: 2,000 images, 30 epochs, seed 0, light
    augmentation)."""
    d = load_data()
    X, y = d["X_pool"][:TUNE_N], d["y_pool"][:TUNE_N]
    for name in args.models.split(","):
        top = max(GRID[name]["lr"])
        for lr in [top * float(f) for f in args.factors.split(",")]:
            _, hist, secs = train(
                name, X, y, d["X_val"], d["y_val"],
                epochs=TUNE_EPOCHS, lr=lr, augment="light", seed=0,
            )  # fmt: skip
            print(f"{name} lr {lr:g}: validation {hist['val_acc'][-1]:.3f}")
            write_part(
                args.part,
                dict(
                    phase="edge", model=name, lr=lr, augment="light",
                    val_acc=hist["val_acc"][-1], seconds=round(secs, 1),
                    history=hist,
                ),
            )  # fmt: skip


def cmd_edge_report(args):
    rows = [r for r in read_parts() if r["phase"] == "edge"]
    lines = [
        "# ViT and CNN past the edge of their learning-rate grids (notebook 09)",
        "",
        f"Command: {args.commands or '`python -m bench.bench_vit_scaling edge`'}  ",
        "Both models chose the top learning rate of their grid in `vit_scaling.md` (ViT 0.002, CNN 0.003), "
        "so the grid may have stopped too early. Each model trained again at that rate and at multiples of it, "
        f"as in the tuning: {TUNE_N} training images, {TUNE_EPOCHS} epochs, seed 0, light augmentation, "
        "validation images only (one torch thread per process, CPU).",
        "",
        "| model | peak lr | validation accuracy (final epoch) | training s |",
        "|---|---:|---:|---:|",
    ]
    for r in sorted(rows, key=lambda r: (r["model"], r["lr"])):
        lines.append(
            f"| {r['model']} | {r['lr']:g} | {r['val_acc']:.3f} | {r['seconds']:.0f} |"
        )
    lines.append("")
    for name in sorted({r["model"] for r in rows}):
        mine = [r for r in rows if r["model"] == name]
        top = max(GRID[name]["lr"])
        at_top = max(r["val_acc"] for r in mine if r["lr"] == top)
        best = max(mine, key=lambda r: r["val_acc"])
        if best["lr"] == top:
            lines.append(
                f"- {name}: best at the grid's choice ({top:g}); the rates past it do no better."
            )
        else:
            lines.append(
                f"- {name}: best at {best['lr']:g}, {best['val_acc'] - at_top:+.3f} on validation over the "
                f"grid's choice {top:g}; the runs in `vit_scaling.md` used {top:g}."
            )
    EDGE_MD.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {EDGE_MD}")


def cmd_run(args):
    d = load_data()
    sizes = [int(s) for s in args.sizes.split(",")]
    for n in sizes:
        if n > len(d["X_pool"]):
            raise ValueError(
                f"size {n} > the {len(d['X_pool'])} images in the pool"
            )
        epochs = args.epochs or EPOCHS[n]
        for seed in [int(s) for s in args.seeds.split(",")]:
            for name in args.models.split(","):
                r = recipes().get(name)
                if r is None:
                    raise RuntimeError(
                        f"no complete tuning results for {name} in {PARTS}; "
                        f"run: bench_vit_scaling.py tune --models {name}"
                    )
                model, hist, secs = train(
                    name, d["X_pool"][:n], d["y_pool"][:n],
                    d["X_val"], d["y_val"],
                    epochs=epochs, lr=r["lr"], augment=r["augment"],
                    seed=seed,
                )  # fmt: skip
                test_acc, _ = accuracy_and_loss(
                    model, d["X_test"], d["y_test"]
                )
                loss_change, acc_change = plateau(hist)
                write_part(
                    args.part,
                    dict(
                        phase=args.phase, model=name, n_train=n, seed=seed,
                        lr=r["lr"], augment=r["augment"], epochs=epochs,
                        test_acc=round(test_acc, 4),
                        val_acc=round(hist["val_acc"][-1], 4),
                        train_loss_final=round(
                            float(np.mean(hist["train_loss"][-max(1, epochs // 10):])), 4),
                        train_loss_change_last10=round(loss_change, 4),
                        val_acc_change_last20=round(acc_change, 4),
                        plateaued=bool(loss_change < 0.02),
                        updates=epochs * math.ceil(n / BATCH),
                        params=count_parameters(model),
                        train_seconds=round(secs, 1),
                        seconds_per_epoch=round(secs / epochs, 2),
                        load_avg=round(os.getloadavg()[0], 1),
                        history=hist,
                    ),
                )  # fmt: skip


def cmd_time(args):
    """Seconds per epoch of each model at 2,000 images (to plan the budget)."""
    d = load_data()
    for name in args.models.split(","):
        for augment in ("light", "strong"):
            _, hist, secs = train(
                name, d["X_pool"][:2000], d["y_pool"][:2000],
                d["X_val"], d["y_val"], epochs=2, lr=1e-3,
                augment=augment, seed=0,
            )  # fmt: skip
            print(
                f"{name} {augment}: {secs / 2:.2f} s per epoch of 2,000 images "
                f"({1000 * secs / 2 / 2000:.3f} ms per image), load {os.getloadavg()[0]:.1f}",
                flush=True,
            )


def read_parts():
    rows = []
    for f in sorted(PARTS.glob("*.jsonl")):
        rows += [json.loads(line) for line in f.read_text().splitlines()]
    return rows


def cmd_report(args):
    import pandas as pd

    rows = read_parts()
    tune = pd.DataFrame([r for r in rows if r["phase"] == "tune"])
    runs = pd.DataFrame([r for r in rows if r["phase"] == "run"])
    runs = runs.drop_duplicates(["model", "n_train", "seed"], keep="last")
    runs = runs.sort_values(["n_train", "seed", "model"])
    runs["weight_decay"] = runs["model"].map(WEIGHT_DECAY)
    runs["label_smoothing"], runs["warmup"] = LABEL_SMOOTHING, WARMUP
    runs["batch"] = BATCH
    cols = [
        "phase", "model", "n_train", "seed", "test_acc", "val_acc", "epochs",
        "updates", "lr", "augment", "weight_decay", "label_smoothing",
        "warmup", "batch", "train_loss_final",
        "train_loss_change_last10", "val_acc_change_last20", "plateaued",
        "params", "train_seconds", "seconds_per_epoch", "load_avg",
    ]  # fmt: skip
    double = pd.DataFrame([r for r in rows if r["phase"] == "double"])
    if len(double):
        double = double.drop_duplicates(
            ["model", "n_train", "seed"], keep="last"
        )
        for key, value in (
            ("label_smoothing", LABEL_SMOOTHING),
            ("warmup", WARMUP),
            ("batch", BATCH),
        ):
            double[key] = value
        double["weight_decay"] = double["model"].map(WEIGHT_DECAY)
    # the table's runs, then the longer-budget checks (phase "double"); the tuning grid is in the md
    pd.concat([runs[cols], double[cols] if len(double) else None]).to_csv(
        OUT_CSV, index=False
    )
    commands = [c.strip() for c in args.commands.split(";") if c.strip()]
    chosen = recipes()
    lines = [
        "# ViT vs CNN against training-set size, each with its own recipe (notebook 09)",
        "",
        *[f"Command {k + 1}: `{c}`  " for k, c in enumerate(commands)],
        f"Python {platform.python_version()} · torch {torch.__version__} · {os.cpu_count()} CPUs, "
        f"shared with other jobs (load average at the end of each run in the csv) · one torch thread "
        f"per process, two to four processes at a time (the part files) · CPU only, no GPU",
        "",
        f"Models: TinyViT from helpers.vit (patch {VIT['patch_size']}, width {VIT['dim']}, depth "
        f"{VIT['depth']}, {VIT['heads']} heads) and SmallCNN ({'-'.join(map(str, CNN_CHANNELS))}). "
        f"Data: the first n images of one shuffled pool of Fashion-MNIST training images (seed "
        f"{POOL_SEED}); {N_VAL} other training images for validation; all 10,000 test images, used once "
        f"per run with the final weights. The seed sets the initial weights, batch order and augmentation.",
        "",
        f"Recipe, both models: AdamW, batch {BATCH}, linear warm-up over the first {WARMUP:.0%} of "
        f"updates then cosine decay to 0, label smoothing {LABEL_SMOOTHING}, a fixed epoch budget per "
        f"size ({', '.join(f'{n:,}: {e}' for n, e in EPOCHS.items())}), no early stopping. ViT: weight "
        f"decay {WEIGHT_DECAY['ViT']} on weight matrices only (not norms, biases, class token, "
        f"positions); CNN: weight decay {WEIGHT_DECAY['CNN']} on weights. Chosen on validation: "
        f"ViT peak lr {chosen['ViT']['lr']}, {chosen['ViT']['augment']} augmentation; CNN peak lr "
        f"{chosen['CNN']['lr']}, {chosen['CNN']['augment']} augmentation (light: flip, shift ≤ 2 px; "
        f"strong: flip, rotation ±15°, scale 0.9–1.1, shift ≤ 3 px, contrast/brightness jitter, "
        f"random erasing on 25% of images).",
        "",
        "Plateau criterion: the mean training loss over the last 10% of epochs is within 2% of its "
        "mean over the 10% before (column 'loss change'); 'val change' is the change in validation "
        "accuracy over the last 20% of epochs. Seconds: training only (no loading, no testing), on a "
        "shared machine.",
        "",
    ]
    if len(tune):
        lines += [
            f"## Tuning on validation ({TUNE_N:,} training images, {TUNE_EPOCHS} epochs, seed 0)",
            "",
            "| model | peak lr | augmentation | validation accuracy (final epoch) |",
            "|---|---:|---|---:|",
        ]
        for r in tune.sort_values(["model", "lr", "augment"]).itertuples():
            lines.append(
                f"| {r.model} | {r.lr:g} | {r.augment} | {r.val_acc:.3f} |"
            )
        lines.append("")
    lines += [
        "## Runs",
        "",
        "| training images | seed | model | test accuracy | epochs | updates "
        "| loss change | val change | plateaued | training s |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in runs.itertuples():
        lines.append(
            f"| {r.n_train} | {r.seed} | {r.model} | {r.test_acc:.3f} | {r.epochs} | {r.updates} "
            f"| {r.train_loss_change_last10:.1%} | {r.val_acc_change_last20:+.3f} "
            f"| {'yes' if r.plateaued else 'no'} | {r.train_seconds:.0f} |"
        )
    if len(double):
        lines += [
            "",
            "## Does a longer budget help? (the same runs with twice the epochs)",
            "",
            "| training images | seed | model | epochs | test accuracy | with the table's budget | change |",
            "|---:|---:|---|---:|---:|---:|---:|",
        ]
        for r in double.itertuples():
            base = runs[
                (runs.model == r.model)
                & (runs.n_train == r.n_train)
                & (runs.seed == r.seed)
            ]
            if len(base):
                b = base.iloc[0]
                lines.append(
                    f"| {r.n_train} | {r.seed} | {r.model} | {r.epochs} | {r.test_acc:.3f} "
                    f"| {b.test_acc:.3f} ({b.epochs} epochs) | {r.test_acc - b.test_acc:+.3f} |"
                )
    wide = runs.pivot_table(
        index=["n_train", "seed"], columns="model", values="test_acc"
    ).dropna()
    lines += [
        "",
        "Gap (CNN − ViT test accuracy; seeds with both models; mean, and per seed in brackets):",
        "",
        "| training images | seeds | CNN | ViT | CNN − ViT |",
        "|---:|---:|---:|---:|---:|",
    ]
    for n in sorted(wide.index.get_level_values(0).unique()):
        w = wide.loc[n]
        gaps = (w["CNN"] - w["ViT"]).tolist()
        lines.append(
            f"| {n} | {len(w)} | {w['CNN'].mean():.3f} | {w['ViT'].mean():.3f} "
            f"| {np.mean(gaps):+.3f} ({', '.join(f'{g:+.3f}' for g in gaps)}) |"
        )
    OUT_MD.write_text("\n".join(lines) + "\n")
    print(OUT_MD.read_text())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "command",
        choices=("tune", "run", "time", "report", "edge", "edge-report"),
    )
    ap.add_argument("--sizes", default="500,2000,10000,30000")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--models", default="CNN,ViT")
    ap.add_argument("--epochs", type=int, default=None, help="override EPOCHS")
    ap.add_argument("--part", default="main", help="name of the parts file")
    ap.add_argument(
        "--phase",
        default="run",
        help="run: the table; double: a check with --epochs twice the budget",
    )
    ap.add_argument(
        "--commands", default="", help="report: the commands, ';'-separated"
    )
    ap.add_argument(
        "--factors",
        default="1,2",
        help="edge: multiples of the grid's top learning rate to train at",
    )
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    {
        "tune": cmd_tune,
        "run": cmd_run,
        "time": cmd_time,
        "edge": cmd_edge,
        "edge-report": cmd_edge_report,
    }.get(args.command, cmd_report)(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
