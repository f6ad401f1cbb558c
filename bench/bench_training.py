"""Training speed on the CPU: the course's in-memory loop vs a naive PIL + DataLoader loop, and time to 90%.

Usage: .venv/bin/python -m bench.bench_training [--threads 1] [--images N]
         [--recipes W-W-W:EPOCHS:BATCH:LR,...] [--skip-throughput] [--skip-time-to-90]
Part 1 (throughput): the same SmallCNN, optimiser and batch size trained on the same N
Fashion-MNIST images (a) the course's way (helpers.training: uint8 -> one float tensor once,
batches by index) and (b) the naive way (a torch Dataset of PIL images, torchvision per-sample
transforms, DataLoader); plus the input pipeline alone (no model). Images/s, wall and CPU.
Part 2 (time to 90%): a compact CNN recipe trained on all 60,000 images until the 10,000-image
test accuracy reaches 0.90; evaluation time is excluded. Writes bench/results/training.md.
The machine may be shared: the load average is recorded; CPU seconds are the fairer figure.
"""

import argparse
import os
import platform
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from bench.common import clock, markdown_table, since, write_result
from helpers import load_fashion_mnist
from helpers.models import SmallCNN
from helpers.training import to_tensor_images, to_tensor_labels

# ---------------------------------------------------------------- part 1: throughput


def course_epoch(model, opt, X_uint8, y, batch_size, seed=0):
    """One epoch the course's way: convert once, batch by index."""
    X, y = to_tensor_images(X_uint8), to_tensor_labels(y)
    order = torch.randperm(
        len(X), generator=torch.Generator().manual_seed(seed)
    )
    if model is not None:
        model.train()
    for start in range(0, len(X), batch_size):
        idx = order[start : start + batch_size]
        xb, yb = X[idx], y[idx]
        if model is None:
            continue
        loss = F.cross_entropy(model(xb), yb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()


class PILDataset(torch.utils.data.Dataset):
    """The textbook dataset: one PIL image per item, transformed per sample."""

    def __init__(self, X_uint8, y, transform):
        from PIL import Image

        self.images = [Image.fromarray(img, mode="L") for img in X_uint8]
        self.labels = [int(v) for v in y]
        self.transform = transform

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        return self.transform(self.images[i]), self.labels[i]


def naive_epoch(model, opt, X_uint8, y, batch_size, seed=0):
    """One epoch the naive way: Dataset of PIL images, ToTensor per sample, DataLoader collation."""
    from torchvision import transforms

    ds = PILDataset(X_uint8, y, transforms.Compose([transforms.ToTensor()]))
    loader = torch.utils.data.DataLoader(
        ds,
        batch_size=batch_size,
        shuffle=True,
        generator=torch.Generator().manual_seed(seed),
    )
    if model is not None:
        model.train()
    for xb, yb in loader:
        if model is None:
            continue
        loss = F.cross_entropy(model(xb), yb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()


def throughput(X, y, batch_size, repeats=2):
    rows = []
    for label, epoch_fn in [
        ("course loop (tensors, batches by index)", course_epoch),
        (
            "naive loop (PIL Dataset + per-sample ToTensor + DataLoader)",
            naive_epoch,
        ),
    ]:
        for with_model in (True, False):
            best = None
            for r in range(repeats):
                torch.manual_seed(0)
                model = SmallCNN() if with_model else None
                opt = (
                    torch.optim.Adam(model.parameters(), lr=1e-3)
                    if with_model
                    else None
                )
                t = clock()
                epoch_fn(model, opt, X, y, batch_size, seed=r)
                wall, cpu = since(t)
                best = (wall, cpu) if best is None or wall < best[0] else best
            what = "training" if with_model else "input pipeline only"
            rows.append(
                (
                    label,
                    what,
                    best[0],
                    best[1],
                    len(X) / best[0],
                    len(X) / best[1],
                )
            )
            print(
                f"{label[:40]:40s} {what:20s} {len(X) / best[0]:9.0f} img/s wall {len(X) / best[1]:9.0f} img/s CPU"
            )
    return rows


# ---------------------------------------------------------------- part 2: time to 90%


class FastCNN(nn.Module):
    """Compact CNN for 28x28: conv -> max-pool -> BN -> ReLU (pooling before the elementwise work)."""

    def __init__(self, widths=(16, 32, 64), num_classes=10):
        super().__init__()
        c1, c2, c3 = widths
        self.net = nn.Sequential(
            nn.Conv2d(1, c1, 3, padding=1, bias=False),
            nn.MaxPool2d(2),
            nn.BatchNorm2d(c1),
            nn.ReLU(),  # 14x14
            nn.Conv2d(c1, c2, 3, padding=1, bias=False),
            nn.MaxPool2d(2),
            nn.BatchNorm2d(c2),
            nn.ReLU(),  # 7x7
            nn.Conv2d(c2, c3, 3, padding=1, bias=False),
            nn.MaxPool2d(2),
            nn.BatchNorm2d(c3),
            nn.ReLU(),  # 3x3
            nn.Flatten(),
            nn.Linear(c3 * 9, num_classes),
        )

    def forward(self, x):
        return self.net(x)


def accuracy(model, X, y, batch_size=2000):
    model.eval()
    with torch.no_grad():
        pred = torch.cat(
            [
                model(X[i : i + batch_size]).argmax(1)
                for i in range(0, len(X), batch_size)
            ]
        )
    return float((pred == y).float().mean())


def time_to_90(
    data,
    widths,
    epochs,
    batch_size,
    lr,
    target=0.90,
    evals_per_epoch=4,
    seed=0,
):
    """Train FastCNN with Adam + OneCycle; test after every quarter epoch; -> dict of results."""
    torch.manual_seed(seed)
    X, y = to_tensor_images(data.X_train), to_tensor_labels(data.y_train)
    Xt, yt = to_tensor_images(data.X_test), to_tensor_labels(data.y_test)
    model = FastCNN(widths)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    steps_per_epoch = int(np.ceil(len(X) / batch_size))
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=lr, total_steps=epochs * steps_per_epoch, pct_start=0.25
    )
    gen = torch.Generator().manual_seed(seed)
    train_wall = train_cpu = 0.0
    reached, trace = None, []
    eval_every = max(1, steps_per_epoch // evals_per_epoch)
    step = 0
    for _ in range(epochs):
        order = torch.randperm(len(X), generator=gen)
        for start in range(0, len(X), batch_size):
            model.train()
            t = clock()
            idx = order[start : start + batch_size]
            loss = F.cross_entropy(model(X[idx]), y[idx], label_smoothing=0.1)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            w, c = since(t)
            train_wall += w
            train_cpu += c
            step += 1
            if step % eval_every == 0 or step == epochs * steps_per_epoch:
                acc = accuracy(model, Xt, yt)
                trace.append(
                    (step / steps_per_epoch, acc, train_wall, train_cpu)
                )
                if reached is None and acc >= target:
                    reached = trace[-1]
    final = trace[-1]
    return {
        "widths": widths,
        "epochs": epochs,
        "batch_size": batch_size,
        "lr": lr,
        "reached": reached,
        "final_acc": final[1],
        "train_wall": final[2],
        "train_cpu": final[3],
        "trace": trace,
    }


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--images", type=int, default=6000, help="images per throughput epoch"
    )
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch threads (default: torch's choice)",
    )
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-time-to-90", action="store_true")
    parser.add_argument(
        "--recipes",
        default="12-24-48:2:512:0.01,16-32-64:2:512:0.01",
        help="comma-separated widths:epochs:batch:lr, e.g. 16-32-64:2:512:0.01",
    )
    args = parser.parse_args(argv[1:])
    if args.threads:
        torch.set_num_threads(args.threads)
    load_before = os.getloadavg()
    data = load_fashion_mnist()
    lines = [
        "# Training speed on the CPU",
        "",
        f"Command: `{' '.join(['.venv/bin/python -m bench.bench_training'] + argv[1:])}`",
        f"Python {platform.python_version()} · torch {torch.__version__} · {platform.machine()} · "
        f"{os.cpu_count()} CPUs · torch threads {torch.get_num_threads()} · "
        f"load average at start {load_before[0]:.1f} (1 min), {load_before[1]:.1f} (5 min)",
        "",
    ]
    if not args.skip_throughput:
        X, y = data.X_train[: args.images], data.y_train[: args.images]
        rows = throughput(X, y, args.batch_size)
        course = {r[1]: r for r in rows if r[0].startswith("course")}
        naive = {r[1]: r for r in rows if r[0].startswith("naive")}
        lines += [
            f"## 1. Throughput: {args.images} images, batch {args.batch_size}, "
            "SmallCNN() (16-32-64), Adam, best of 2",
            "",
        ]
        lines += markdown_table(
            [
                "loop",
                "what is timed",
                "wall s",
                "CPU s",
                "images/s (wall)",
                "images/s (CPU)",
            ],
            [
                [a, b, f"{c:.2f}", f"{d:.2f}", f"{e:.0f}", f"{f:.0f}"]
                for a, b, c, d, e, f in rows
            ],
            align="llrrrr",
        )
        for what in ("training", "input pipeline only"):
            lines.append(
                f"\nSpeed-up of the course loop, {what}: **{naive[what][2] / course[what][2]:.2f}×** (wall), "
                f"{naive[what][3] / course[what][3]:.2f}× (CPU)."
            )
        lines += [
            "",
            "Target: 3× for training. On a CPU the convolutions dominate the training time, so the input "
            "pipeline (the only part that differs) can at most save its own share; the pipeline alone is where "
            "the in-memory loop wins by an order of magnitude. On a GPU, where the model step is fast, that "
            "pipeline share becomes the bottleneck of the naive loop (not measured here: no GPU).",
            "",
        ]
    if not args.skip_time_to_90:
        lines += [
            "## 2. Time to 90% Fashion-MNIST test accuracy (all 60,000 training images, 10,000 test images)",
            "",
            "FastCNN (conv 3x3 → max-pool → BatchNorm → ReLU, three blocks, linear head), Adam + OneCycle, "
            "label smoothing 0.1, batches by index from in-memory tensors. Test accuracy checked every "
            "quarter epoch; evaluation time excluded from the training seconds.",
            "",
            *markdown_table(
                [
                    "widths",
                    "epochs",
                    "batch",
                    "max lr",
                    "reached 0.90 at epoch",
                    "train wall s to 0.90",
                    "train CPU s to 0.90",
                    "final test acc",
                    "total train wall s",
                    "total train CPU s",
                ],
                [],
                align="l" + "r" * 9,
            ),
        ]
        for recipe in args.recipes.split(","):
            w, e, b, lr = recipe.split(":")
            widths = tuple(int(v) for v in w.split("-"))
            r = time_to_90(data, widths, int(e), int(b), float(lr))
            reached = r["reached"]
            at = f"{reached[0]:.2f}" if reached else "not reached"
            tw = f"{reached[2]:.1f}" if reached else "—"
            tc = f"{reached[3]:.1f}" if reached else "—"
            lines.append(
                f"| {w} | {e} | {b} | {lr} | {at} | {tw} | {tc} | {r['final_acc']:.4f} | "
                f"{r['train_wall']:.1f} | {r['train_cpu']:.1f} |"
            )
            print(
                recipe,
                "reached",
                reached,
                "final",
                r["final_acc"],
                "trace",
                [
                    (round(a, 2), round(b, 4), round(c, 1))
                    for a, b, c, _ in r["trace"]
                ],
            )
    load_after = os.getloadavg()
    if not args.skip_time_to_90:
        lines += [
            "",
            "Target: ≤ 60 s wall to 0.90 on a quiet 2-core machine. Measured with `--threads 1`: on this "
            "shared 2-core machine two torch threads were several times slower than one for these small models "
            "(threads wait on each other when another job holds a core); on two truly idle cores two threads "
            "may be somewhat faster.",
        ]
    lines += [
        "",
        f"Load average at the end: {load_after[0]:.1f} (1 min). On a shared machine wall seconds are "
        "inflated: wall seconds well above CPU seconds mean other jobs slowed the run.",
    ]
    write_result("training.md", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
