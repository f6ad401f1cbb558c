"""Where the arithmetic happens: the course's own training loop against batch size, CPU and GPU.

Usage: .venv/bin/python -m bench.bench_gpu_training [--smoke] [--compile] [--time-to-93] [--rounds N]
Part 1 (per update): helpers.training.train_one_epoch with notebook 07's SmallCNN at its lecture
width (8-16-32 filters, 7,234 parameters) and its full-mode width (32-64-128), and a wider one
(64-128-256), on Fashion-MNIST, at batch sizes 8 to 512: milliseconds per update and images per
second, on the CPU and (when there is one) on the GPU.
Beside it, the loop as it was before (float(loss) after every batch: one host read per update)
on the same data, so the table shows what the read-once loop saves on each device.
Part 2 (--compile): fit(compile=True) against eager at one batch size (the compile time is
reported separately from the per-update time).
Part 3 (--time-to-93, GPU only): the course's fit (SmallCNN 64-128-256, SGD + OneCycle, batch
512, flips) on all 60,000 training images until the 10,000 test images reach 93%, the test set
only watched (restore_best=False); compare bench/results/gpu_time_to_93.md (a different,
deeper network trained by its own script).
Writes bench/results/gpu_training.md and, for notebook 07 §8, its per-update rows as
bench/results/gpu_training.csv; rows for a device this machine lacks say so.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import pandas as pd
import torch
import torch.nn.functional as F

from helpers import choose_device, load_fashion_mnist
from helpers.models import SmallCNN
from helpers.training import (
    fit,
    flip_and_shift,
    make_optimizer,
    to_tensor_images,
    to_tensor_labels,
    train_one_epoch,
)
from tools.project import ROOT

OUT = ROOT / "bench" / "results" / "gpu_training.md"
COLUMNS = [
    "device",
    "network",
    "batch",
    "updates",
    "ms_per_update",
    "images_per_s",
    "read_per_step_ms_per_update",
]
NETWORKS = {
    "07 lecture 8-16-32": (8, 16, 32),
    "07 full mode 32-64-128": (32, 64, 128),
    "wide 64-128-256": (64, 128, 256),
}
NOT_RUN = "not yet run on a GPU"


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def per_step_read_epoch(model, X, y, opt, batch_size, generator, device):
    """The loop before: the same steps, with float(loss) after every batch (a host read)."""
    model.train()
    order = torch.randperm(len(X), generator=generator).to(X.device)
    total = 0.0
    for start in range(0, len(X), batch_size):
        idx = order[start : start + batch_size]
        xb, yb = X[idx], y[idx]
        if device.type == "cuda":
            xb = xb.contiguous(memory_format=torch.channels_last)
            with torch.autocast("cuda", dtype=torch.bfloat16):
                loss = F.cross_entropy(model(xb), yb)
        else:
            loss = F.cross_entropy(model(xb), yb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        total += float(loss.detach()) * len(idx)
    return total / len(X)


def time_updates(device, channels, batch, X, y, updates, loop):
    """Seconds per update of `updates` updates (after 3 untimed ones) with the given loop."""
    fmt = (
        torch.channels_last
        if device.type == "cuda"
        else torch.contiguous_format
    )
    torch.manual_seed(0)
    model = SmallCNN(channels=channels).to(device, memory_format=fmt)
    opt = make_optimizer(model, "sgd", 0.05)
    gen = torch.Generator().manual_seed(0)
    Xd = X[: batch * updates].to(device, memory_format=fmt)
    yd = y[: batch * updates].to(device)

    def run(n):
        if loop == "course":
            train_one_epoch(
                model,
                Xd[:n],
                yd[:n],
                opt,
                F.cross_entropy,
                batch_size=batch,
                device=device,
                generator=gen,
            )
        else:
            per_step_read_epoch(model, Xd[:n], yd[:n], opt, batch, gen, device)

    run(batch * 3)  # warm-up: allocator, cuDNN choices, lazy start-up
    sync(device)
    t = time.perf_counter()
    run(batch * updates)
    sync(device)
    return (time.perf_counter() - t) / updates


def part_updates(devices, X, y, batches, updates_for, rounds):
    """Each row: the two loops timed in alternation, `rounds` times each; the median of each (a
    busy moment of a shared machine then slows one round of both, not one loop)."""
    rows = []
    for device in devices:
        for name, channels in NETWORKS.items():
            for batch in batches:
                n = updates_for(channels, batch, device)
                times = {"course": [], "read": []}
                for _ in range(rounds):
                    for loop in times:
                        times[loop].append(
                            time_updates(
                                device, channels, batch, X, y, n, loop
                            )
                        )
                course = statistics.median(times["course"])
                before = statistics.median(times["read"])
                rows.append((device.type, name, batch, n, course, before))
                print(
                    f"{device.type} {name} batch {batch}: {course * 1e3:.2f} ms"
                    f"/update (read per step {before * 1e3:.2f})",
                    flush=True,
                )
    return rows


def part_compile(device, X, y, batch, epochs):
    out = {}
    for compiled in (False, True):
        torch.manual_seed(0)
        model = SmallCNN()
        t = time.perf_counter()
        h = fit(
            model,
            X,
            y,
            X[:1000],
            y[:1000],
            epochs=epochs,
            lr=1e-3,
            batch_size=batch,
            device=device,
            compile=compiled,
        )
        out[compiled] = (time.perf_counter() - t, h.seconds)
    return out


def part_time_to_93(device, data, epochs):
    torch.manual_seed(0)
    model = SmallCNN(channels=(64, 128, 256))
    h = fit(
        model,
        data.X_train,
        data.y_train,
        data.X_test,
        data.y_test,
        epochs=epochs,
        lr=0.2,
        batch_size=512,
        optimizer="sgd",
        schedule="onecycle",
        augment=lambda xb, g: flip_and_shift(xb, g, max_shift=0),
        restore_best=False,
        device=device,
    )
    reached = next((i for i, a in enumerate(h.val_acc, 1) if a >= 0.93), None)
    seconds = sum(h.seconds[:reached]) if reached else None
    return reached, seconds, max(h.val_acc), sum(h.seconds)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--smoke", action="store_true", help="tiny sizes, no file")
    p.add_argument("--compile", action="store_true", help="part 2")
    p.add_argument("--time-to-93", action="store_true", help="part 3 (GPU)")
    p.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="alternating timings of the two loops per row; the table shows medians",
    )
    p.add_argument("--out", default=str(OUT))
    args = p.parse_args(argv)

    data = load_fashion_mnist()
    X = to_tensor_images(data.X_train[:16384])
    y = to_tensor_labels(data.y_train[:16384])
    devices = [torch.device("cpu")]
    gpu = choose_device("auto", verbose=False)
    if gpu.type == "cuda":
        devices.append(gpu)
        torch.backends.cudnn.benchmark = True
    batches = (8, 32) if args.smoke else (8, 32, 128, 512)

    def updates_for(channels, batch, device):
        if args.smoke:
            return 4
        if device.type == "cuda":
            return 200 if batch <= 32 else 60
        # the CPU: about the same work per measurement for every row
        work = batch * (channels[0] / 16) ** 2
        return max(6, min(120, int(4096 / work)))

    t0 = time.perf_counter()
    rounds = 1 if args.smoke else args.rounds
    rows = part_updates(devices, X, y, batches, updates_for, rounds)
    compiled = None
    if args.compile:
        dev = devices[-1]
        compiled = part_compile(dev, X[:4096], y[:4096], 128, 2)
    t93 = None
    if args.time_to_93 and gpu.type == "cuda":
        t93 = part_time_to_93(gpu, data, 2 if args.smoke else 12)
    took = time.perf_counter() - t0

    lines = [
        "# The course's training loop against batch size, CPU and GPU",
        "",
        "Command: `.venv/bin/python -m bench.bench_gpu_training"
        + (" --compile" if args.compile else "")
        + (" --time-to-93" if args.time_to_93 else "")
        + "`",
        f"Machine: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPU threads visible, torch {torch.__version__}, "
        f"Python {platform.python_version()}; GPU: "
        + (torch.cuda.get_device_name(gpu) if gpu.type == "cuda" else "none")
        + f"; load average {os.getloadavg()[0]:.1f} at the end (a loaded machine"
        " slows every row alike; compare within a row); "
        f"{took:.0f} s in all.",
        "",
        "helpers.training.train_one_epoch (SGD, lr 0.05, no augmentation) on Fashion-MNIST "
        "28x28 images already on the device; ms per update after 3 untimed updates, the median of "
        f"{rounds} timings taken in alternation with the other loop. "
        "'read per step' is the same loop reading the loss after every batch "
        "(float(loss), as the loop did before): on a GPU each read waits for the batch.",
        "",
        "| device | network | batch | updates timed | ms / update | images / s "
        "| read per step: ms / update | read per step / course |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for dev, name, batch, n, course, before in rows:
        lines.append(
            f"| {dev} | {name} | {batch} | {n} | {course * 1e3:.2f} | "
            f"{batch / course:,.0f} | {before * 1e3:.2f} | {before / course:.2f} |"
        )
    if gpu.type != "cuda":
        for name in NETWORKS:
            lines.append(
                f"| cuda | {name} | 8–512 | — | {NOT_RUN} | — | — | — |"
            )
    if gpu.type == "cuda":
        lines += [
            "",
            "GPU over CPU (images/s at the same network and batch):",
            "",
        ]
        lines += ["| network | batch | GPU / CPU |", "|---|---:|---:|"]
        by = {(r[0], r[1], r[2]): r[4] for r in rows}
        for name in NETWORKS:
            for batch in batches:
                lines.append(
                    f"| {name} | {batch} | "
                    f"{by[('cpu', name, batch)] / by[('cuda', name, batch)]:.1f} |"
                )
    lines += ["", "## torch.compile", ""]
    if compiled:
        (e_all, e_ep), (c_all, c_ep) = compiled[False], compiled[True]
        lines += [
            f"fit, SmallCNN 16-32-64, batch 128, 4,096 images, 2 epochs on "
            f"{devices[-1].type}: eager {e_all:.1f} s (epochs "
            f"{', '.join(f'{s:.2f}' for s in e_ep)} s), compile=True {c_all:.1f} s "
            f"(epochs {', '.join(f'{s:.2f}' for s in c_ep)} s; the first epoch "
            "includes compiling).",
        ]
    else:
        lines.append("Not measured in this run (add --compile).")
    lines += ["", "## Time to 93% with the course's fit", ""]
    if t93:
        reached, secs, best, total = t93
        lines.append(
            "SmallCNN 64-128-256, SGD + OneCycle (max lr 0.2), batch 512, flips: "
            + (
                f"93% at epoch {reached} after {secs:.1f} s of training"
                if reached
                else "93% not reached"
            )
            + f" (best {best:.4f}, {total:.1f} s for all epochs; seconds include the "
            "per-epoch evaluation). The bench script's deeper network: "
            "bench/results/gpu_time_to_93.md."
        )
    else:
        lines.append(f"{NOT_RUN} (needs --time-to-93 on a machine with CUDA).")
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.smoke:
        out = Path(args.out)
        out.write_text(text)
        table = [
            [
                dev,
                name,
                batch,
                n,
                round(c * 1e3, 3),
                round(batch / c),
                round(b * 1e3, 3),
            ]
            for dev, name, batch, n, c, b in rows
        ]
        pd.DataFrame(table, columns=COLUMNS).to_csv(
            out.with_suffix(".csv"), index=False
        )
        print(
            f"wrote {out.relative_to(ROOT)} and {out.with_suffix('.csv').name}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
