"""Benchmark: batched tagging vs a per-image loop, same model, same images, same run.

Tags N crops of the sample photos with EfficientNet-Lite0 twice: once one image per forward pass
(preprocess + predict in a Python loop), once BATCH images per pass (helpers.tagging.predict_proba).
Asserts both give identical top-1 tags, and writes bench/results/tagging.md.

Usage (from the course root):  .venv/bin/python -m bench.bench_tagging [--n 64] [--batch 32] [--size 224]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import numpy as np

from tools.project import ROOT

RESULTS = ROOT / "bench" / "results" / "tagging.md"


def sample_images(n: int, seed: int = 0) -> list[np.ndarray]:
    """n random square crops (at least 160 px) of the RGB sample photos, as uint8 (H, W, 3)."""
    from helpers import load_photo

    photos = [
        load_photo(name, verbose=False)
        for name in ("chelsea", "coffee", "rocket", "astronaut")
    ]
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        img = photos[i % len(photos)]
        side = int(rng.integers(160, min(img.shape[:2]) + 1))
        top = int(rng.integers(0, img.shape[0] - side + 1))
        left = int(rng.integers(0, img.shape[1] - side + 1))
        out.append(img[top : top + side, left : left + side])
    return out


def timed(fn, repeats: int):
    """Best wall time and matching CPU time of fn() over repeats runs -> (result, wall_s, cpu_s)."""
    best = (None, float("inf"), float("inf"))
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        result = fn()
        wall, cpu = time.perf_counter() - w, time.process_time() - c
        if wall < best[1]:
            best = (result, wall, cpu)
    return best


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=64, help="images to tag")
    parser.add_argument(
        "--batch",
        type=int,
        nargs="+",
        default=[8, 32],
        help="images per forward pass (one row each)",
    )
    parser.add_argument(
        "--size", type=int, default=224, help="input size in pixels"
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=2,
        help="runs of each variant; the fastest counts",
    )
    args = parser.parse_args(argv)

    import torch

    from helpers import load_imagenet_cnn
    from helpers.tagging import predict_proba

    model = load_imagenet_cnn(verbose=False)
    images = sample_images(args.n)
    # warm-up: first call allocates
    predict_proba(model, images[:2], batch_size=2, size=args.size)

    def loop():
        return np.concatenate(
            [
                predict_proba(model, img, batch_size=1, size=args.size)
                for img in images
            ]
        )

    p_loop, wall_loop, cpu_loop = timed(loop, args.repeats)
    rows, speedups, max_diff = [], [], 0.0
    for batch in args.batch:
        p_batch, wall_batch, cpu_batch = timed(
            lambda batch=batch: predict_proba(
                model, images, batch_size=batch, size=args.size
            ),
            args.repeats,
        )
        same = np.array_equal(p_loop.argmax(1), p_batch.argmax(1))
        assert same, f"batched (batch {batch}) and per-image top-1 tags differ"
        max_diff = max(max_diff, float(np.abs(p_loop - p_batch).max()))
        speedups.append(wall_loop / wall_batch)
        rows.append(
            f"| batched (batch {batch}) | {args.n / wall_batch:.1f} | {args.n / cpu_batch:.1f} | "
            f"{wall_batch:.2f} | {same} | {speedups[-1]:.1f}× |"
        )
    speedup = max(speedups)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        "# Tagging throughput: batched vs per-image loop",
        "",
        f"EfficientNet-Lite0 (ImageNet-1k), {args.n} crops of the sample photos at {args.size} px, "
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, {os.cpu_count()} CPUs "
        f"({platform.processor() or platform.machine()}), load average {load:.1f} when run "
        f"(a shared machine is slower and noisier: rerun on a quiet one).",
        "",
        "| variant | images/s (wall) | images per CPU-second | wall s "
        "| top-1 identical | speed-up vs loop |",
        "|---|---|---|---|---|---|",
        f"| per-image loop (batch 1) | {args.n / wall_loop:.1f} | "
        f"{args.n / cpu_loop:.1f} | {wall_loop:.2f} | - | 1.0× |",
        *rows,
        "",
        f"Best speed-up of batching: **{speedup:.1f}×** (target at least 2×: {'met' if speedup >= 2 else 'NOT met'}). "
        f"Largest probability difference between the two: {max_diff:.1e}.",
        "",
        f"Command: `.venv/bin/python -m bench.bench_tagging --n {args.n} "
        f"--batch {' '.join(map(str, args.batch))} --size {args.size} "
        f"--repeats {args.repeats}` (best of {args.repeats} run(s) per variant)",
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
