"""Time helpers.features.extract_features against the plain per-image scikit-image loop.

Usage: .venv/bin/python -m bench.bench_features [N_IMAGES] [REPEATS]   (defaults 2000, 3)
Both routes run in the same process on the same Fashion-MNIST 28x28 images, kinds
("hist", "glcm", "hog") and, separately, each kind alone. Reports the best of REPEATS runs
(wall clock and CPU time) and writes bench/results/features.md.
"""

import platform
import sys

import numpy as np

from bench.common import best_time, markdown_table, write_result
from helpers import load_fashion_mnist
from helpers.features import extract_features, extract_features_loop


def main(argv):
    n = int(argv[1]) if len(argv) > 1 else 2000
    repeats = int(argv[2]) if len(argv) > 2 else 3
    images = load_fashion_mnist().X_train[:n]
    # imports and first-call costs
    extract_features(images[:10])
    extract_features_loop(images[:10])
    rows = []
    for kinds in [("hist", "glcm", "hog"), ("hist",), ("glcm",), ("hog",)]:
        loop_wall, loop_cpu, (X_loop, _) = best_time(
            lambda kinds=kinds: extract_features_loop(images, kinds), repeats
        )
        batch_wall, batch_cpu, (X_batch, _) = best_time(
            lambda kinds=kinds: extract_features(images, kinds), repeats
        )
        same = np.allclose(X_batch, X_loop)
        max_diff = float(np.abs(X_batch - X_loop).max())
        label = " + ".join(kinds)
        rows.append(
            (
                label,
                "per-image skimage loop",
                loop_wall,
                loop_cpu,
                n / loop_wall,
                1.0,
                X_loop.shape[1],
                "reference",
            )
        )
        rows.append(
            (
                label,
                "batched extract_features",
                batch_wall,
                batch_cpu,
                n / batch_wall,
                loop_wall / batch_wall,
                X_batch.shape[1],
                f"allclose={same}, max |diff|={max_diff:.1e}",
            )
        )
        print(
            f"{label:20s} loop {loop_wall:.3f} s  batched {batch_wall:.3f} s  "
            f"ratio {loop_wall / batch_wall:.1f}x (CPU {loop_cpu / batch_cpu:.1f}x)  allclose={same}"
        )
    lines = [
        "# Batch feature extraction: helpers.features vs a per-image scikit-image loop",
        "",
        f"{n} Fashion-MNIST training images (28x28 uint8), same process, best of {repeats} runs. "
        "Defaults: hist 32 bins; GLCM 8 levels, distance 1, 4 angles, 6 properties (incl. entropy); "
        "HOG 9 orientations, 7x7-pixel cells, 2x2-cell blocks, L2-Hys.",
        f"Command: `.venv/bin/python -m bench.bench_features {n} {repeats}` · "
        f"Python {platform.python_version()} · numpy {np.__version__} · {platform.machine()}",
        "",
        "Ratio = loop seconds / method seconds (wall clock; CPU-time ratio in brackets). The machine was shared "
        "with other jobs, so absolute seconds are inflated; the ratio compares both routes in the same run.",
        "",
    ]
    table = []
    for label, method, wall, cpu, ips, ratio, dim, note in rows:
        cpu_ratio = ""
        if method.startswith("batched"):
            loop_cpu = next(
                r[3]
                for r in rows
                if r[0] == label and r[1].startswith("per-image")
            )
            cpu_ratio = f" ({loop_cpu / cpu:.1f}x)"
        table.append(
            [
                label,
                method,
                f"{wall:.3f}",
                f"{cpu:.3f}",
                f"{ips:,.0f}",
                f"{ratio:.1f}x{cpu_ratio}",
                dim,
                note,
            ]
        )
    header = (
        "features,method,seconds,CPU seconds,images/s,ratio vs loop,D,check"
    )
    lines += markdown_table(header.split(","), table, align="llrrrrrl")
    write_result("features.md", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
