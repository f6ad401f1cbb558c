"""Large batches need a larger learning rate: which rule keeps notebook 07's accuracy at batch 512?

Usage: .venv/bin/python -m bench.bench_batch_scaling [--smoke] [--seeds 0,1] [--epochs 5] [--workers 2]
Full mode on a GPU trains with batches of 256-512 (course.gpu_parameters in notebooks 07, 09
and 11) instead of the 32 the learning rates were chosen at. This bench trains notebook 07's
SmallCNN (lecture width 8-16-32) with the course's fit on 55,000 Fashion-MNIST training images
for the same number of epochs, at batch 32 with 07's rates (Adam 0.003, SGD with momentum 0.05)
and at batch 512 with the rate carried over by helpers.training.scale_lr: "none", "sqrt"
(x4), "linear" (x16), each with and without a one-epoch linear warm-up. It scores the 5,000
held-out training images (validation: this chooses a setting; the test set is not used).
Each seed draws the initial weights and the order of the batches; one thread per run.
Writes bench/results/batch_scaling.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from bench.common import machine_line, markdown_table, write_result

BASE_BATCH, BIG_BATCH = 32, 512
RATES = {
    "adam": 0.003,
    "sgd": 0.05,
}  # notebook 07's LR_ADAM and LR_SGD at batch 32
CHANNELS = (8, 16, 32)
N_TRAIN, N_VAL = 55_000, 5_000


def arms():
    """(optimizer, batch, rule, warm-up epochs) of every run, the batch-32 reference first."""
    out = []
    for opt in RATES:
        out.append((opt, BASE_BATCH, "none", 0))
        for rule in ("none", "sqrt", "linear"):
            for warm in (0, 1):
                out.append((opt, BIG_BATCH, rule, warm))
    return out


def run(job):
    """One training run -> a result dict (runs in a worker process, one thread)."""
    import torch

    from helpers import load_fashion_mnist
    from helpers.models import SmallCNN
    from helpers.training import fit, scale_lr

    (opt, batch, rule, warm), seed, epochs, n_train, n_val = job
    torch.set_num_threads(1)
    data = load_fashion_mnist()
    X, y = data.X_train, data.y_train
    lr = scale_lr(RATES[opt], batch, BASE_BATCH, rule)
    torch.manual_seed(seed)
    model = SmallCNN(channels=CHANNELS)
    t0 = time.perf_counter()
    h = fit(
        model,
        X[:n_train],
        y[:n_train],
        X[-n_val:],
        y[-n_val:],
        epochs=epochs,
        lr=lr,
        batch_size=batch,
        optimizer=opt,
        warmup_epochs=warm,
        seed=seed,
        device="cpu",
    )
    best, train_loss = h.best_val_acc, h.train_loss[-1]
    seconds = time.perf_counter() - t0
    print(
        f"{opt} batch {batch} {rule} warm-up {warm} seed {seed}: best val acc {best:.4f} "
        f"({seconds:.0f} s)",
        flush=True,
    )
    return dict(
        opt=opt,
        batch=batch,
        rule=rule,
        warm=warm,
        seed=seed,
        lr=lr,
        best=best,
        train_loss=train_loss,
        updates=epochs * -(-n_train // batch),
    )


def table(results, seeds):
    """Markdown rows: one per arm, accuracies per seed, mean, and the gap to the batch-32 run."""
    by = {
        (r["opt"], r["batch"], r["rule"], r["warm"], r["seed"]): r
        for r in results
    }
    rows = []
    for opt, batch, rule, warm in arms():
        mine = [by[(opt, batch, rule, warm, s)] for s in seeds]
        ref = [by[(opt, BASE_BATCH, "none", 0, s)] for s in seeds]
        gaps = [m["best"] - r["best"] for m, r in zip(mine, ref, strict=True)]
        rows.append(
            [
                opt,
                batch,
                "—" if batch == BASE_BATCH else rule,
                "—"
                if batch == BASE_BATCH
                else ("1 epoch" if warm else "none"),
                f"{mine[0]['lr']:.4g}",
                f"{mine[0]['updates']:,}",
                " / ".join(f"{m['best']:.4f}" for m in mine),
                f"{np.mean([m['best'] for m in mine]):.4f}",
                "—"
                if batch == BASE_BATCH
                else " / ".join(f"{g:+.4f}" for g in gaps),
                f"{np.mean([m['train_loss'] for m in mine]):.3f}",
            ]
        )
    return markdown_table(
        [
            "optimizer",
            "batch",
            "rule",
            "warm-up",
            "lr",
            "updates",
            "val acc per seed",
            "mean",
            "minus batch 32, per seed",
            "final train loss",
        ],
        rows,
        "llllrrrrrr",
    )


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--smoke", action="store_true", help="tiny sizes, no file")
    p.add_argument("--seeds", default="0,1")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    n_train, n_val, epochs = (
        (1024, 256, 1) if args.smoke else (N_TRAIN, N_VAL, args.epochs)
    )
    jobs = [(arm, s, epochs, n_train, n_val) for arm in arms() for s in seeds]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(run, jobs))
    took = time.perf_counter() - t0
    lines = table(results, seeds)
    if args.smoke:
        print("\n".join(lines))
        return 0
    se = (0.9 * 0.1 / n_val) ** 0.5
    header = [
        "# Batch 512 with a carried-over learning rate against batch 32 (notebook 07's network)",
        "",
        f"Command: `.venv/bin/python -m bench.bench_batch_scaling --seeds {args.seeds} "
        f"--epochs {epochs} --workers {args.workers}`",
        f"Machine: {machine_line()}; {took / 60:.1f} min in all, {args.workers} runs at a time, "
        "one thread each.",
        "",
        f"helpers.training.fit, SmallCNN {'-'.join(map(str, CHANNELS))} (notebook 07's lecture "
        f"width), {n_train:,} Fashion-MNIST training images, {epochs} epochs at every batch size "
        f"(so batch {BIG_BATCH} makes 1/16 of the updates), no augmentation, no schedule. "
        f"Scored on {n_val:,} held-out training images (validation; the test set is not used): "
        "'val acc' is the best epoch's, as fit keeps it. lr: 07's rate at batch 32 "
        f"(Adam {RATES['adam']}, SGD with momentum 0.9 {RATES['sgd']}) carried over by "
        "helpers.training.scale_lr; warm-up: fit(warmup_epochs=1), the rate climbing linearly "
        "over the first epoch's updates. Seeds draw the initial weights and the batch order; "
        f"one accuracy near 0.9 on {n_val:,} images has a standard error of about {se:.4f}, "
        "and a paired gap (same images) less.",
        "",
    ]
    write_result("batch_scaling.md", header + lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
