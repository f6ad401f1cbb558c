"""Learning curve of notebook 05's pipeline: SVM on hist + GLCM + HOG vs training-set size.

Usage: .venv/bin/python -m bench.bench_learning_curve [MAX_N]   (default 55000)
The evidence behind notebook 05's "full mode comes near 0.90". The pipeline is the notebook's
(helpers.features defaults, StandardScaler, RBF SVC with default C). The last 5,000 images of
Fashion-MNIST's training part are held out for scoring; training sets are nested random subsets
(seed 0) of the other 55,000. The official test set is not touched. Each accuracy comes from
5,000 held-out images: a 95% interval of about +/-1 point. Writes bench/results/learning_curve.md.
"""

import platform
import sys
import time

import numpy as np
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from helpers import load_fashion_mnist
from helpers.features import extract_features
from tools.project import ROOT

N_HELD = 5000
SIZES = (500, 1000, 2000, 4000, 8000, 16000, 32000, 55000)


def main(argv):
    max_n = int(argv[1]) if len(argv) > 1 else 55000
    fashion = load_fashion_mnist(verbose=False)
    X, y = fashion.X_train, fashion.y_train
    held = np.arange(len(X) - N_HELD, len(X))
    pool = np.random.default_rng(0).permutation(len(X) - N_HELD)
    t0 = time.perf_counter()
    F_held, _ = extract_features(
        X[held] / 255.0, kinds=("hist", "glcm", "hog")
    )
    F_pool, _ = extract_features(
        X[pool[:max_n]] / 255.0, kinds=("hist", "glcm", "hog")
    )
    t_feat = time.perf_counter() - t0
    rows = []
    for n in [s for s in SIZES if s <= max_n]:
        t0 = time.perf_counter()
        model = make_pipeline(StandardScaler(), SVC()).fit(
            F_pool[:n], y[pool[:n]]
        )
        t_fit = time.perf_counter() - t0
        acc = model.score(F_held, y[held])
        half = 1.96 * np.sqrt(acc * (1 - acc) / N_HELD)
        rows.append((n, acc, half, t_fit))
        print(
            f"n={n}: accuracy {acc:.3f} +/- {half:.3f} (fit {t_fit:.0f} s)",
            flush=True,
        )
    lines = [
        "# Learning curve: notebook 05's SVM on hist + GLCM + HOG features vs training-set size",
        "",
        f"Scored on {N_HELD:,} held-out Fashion-MNIST *training* images (the last {N_HELD:,}; the official "
        "test set is not used); training sets are nested random subsets (seed 0) of the other 55,000. "
        "Features: helpers.features defaults (hist 32 bins, GLCM 8 levels, HOG 7x7 cells, L2-Hys), "
        "StandardScaler, RBF SVC (C=1). One run per size; 95% interval = 1.96 sqrt(a(1-a)/n_held).",
        f"Command: `.venv/bin/python -m bench.bench_learning_curve {max_n}` · Python "
        f"{platform.python_version()} · {platform.machine()} · features {t_feat:.0f} s. The machine was "
        "shared with other jobs: fit times are inflated and only show the growth with n.",
        "",
        "| training images | held-out accuracy | 95% interval | fit seconds |",
        "|---:|---:|---:|---:|",
    ]
    for n, acc, half, t_fit in rows:
        lines.append(f"| {n:,} | {acc:.3f} | ±{half:.3f} | {t_fit:.0f} |")
    out = ROOT / "bench" / "results" / "learning_curve.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("wrote", out.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
