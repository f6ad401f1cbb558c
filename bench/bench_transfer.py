"""Notebook 07's transfer-learning comparison, run fairly: from scratch vs linear probe vs fine-tuning, tuned alike.

Usage: .venv/bin/python -m bench.bench_transfer [--per-class 10,30] [--seeds 0,1,2] [--size 112] [--test 2000]
                                                [--max-epochs 60] [--threads 1] [--boot 2000] [--part PART.csv]
       .venv/bin/python -m bench.bench_transfer --merge PART.csv,PART.csv,... [--max-epochs N] [--note TEXT]
(--part writes one process's rows only, so that label budgets and seeds can run as separate processes on a
shared machine; --merge then writes the tables from the parts.)
For each labelled-set size (PER_CLASS images per class) and each label draw (seed; seed 0 at 30 per class is
notebook 07's draw), the labelled Fashion-MNIST images are drawn and every arm learns from exactly those images:
  augmentation  the same for every arm: each labelled image comes in 4 fixed views (itself, its mirror image,
                and both shifted by a random offset of up to 2 px); every epoch shows each image as one random
                view (scratch, fine-tuning); the probe is fitted on the features of all 4 views
  tuning        the same for every arm: a fifth of each class's labelled images is held out as a validation
                split; each arm picks its settings by validation accuracy (ties: lower validation loss), then
                is retrained on all labelled images with the chosen settings. Test images are never used to tune.
  scratch       SmallCNN(32-64-128, dropout 0.25, 98k weights) from scratch on the 28x28 images; Adam, batch 32;
                learning rate from {1e-3, 3e-3, 1e-2} and epochs from 1..MAX_EPOCHS
  probe         EfficientNet-Lite0 (helpers.load_imagenet_cnn) frozen, input SIZE px; multinomial logistic
                regression on its 1,280 standardised features; L2 strength C from {1e-3, 3e-3, ..., 0.1, 0.3}
  fine-tune     the same network: stem and stages 0-5 frozen, the last stage, the 1x1 head convolution and a
                new linear layer trained; Adam, batch 32; learning rate from {1e-4, 3e-4, 1e-3}, epochs 1..MAX_EPOCHS
All arms are tested on the same first TEST test images; paired differences (same test images, same label draw)
get a 95% paired bootstrap interval over test images and an exact McNemar test.
Writes bench/results/transfer.md and bench/results/transfer.csv (one row per arm and draw, with the test
predictions as digits separated by spaces, so that notebook 07 can compute the paired statistics itself).
"""

import argparse
import copy
import os
import platform
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from scipy.stats import binomtest
from sklearn.linear_model import LogisticRegression
from torch import nn

from helpers import load_fashion_mnist, load_imagenet_cnn
from helpers.models import SmallCNN
from helpers.training import count_parameters
from helpers.weights import normalisation
from tools.project import ROOT

OUT_MD = ROOT / "bench" / "results" / "transfer.md"
OUT_CSV = ROOT / "bench" / "results" / "transfer.csv"
LAST_STAGE = 6  # timm's EfficientNet-Lite0 has stages blocks[0..6]; fine-tuning trains blocks[6:]
ARMS = ("scratch", "probe", "fine-tune")
LR_GRID = {"scratch": (1e-3, 3e-3, 1e-2), "fine-tune": (1e-4, 3e-4, 1e-3)}
C_GRID = (1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3)
N_VIEWS = 4


def draw_labelled(data, per_class, seed):
    """PER_CLASS training images of each class, drawn with seed (as notebook 07 draws them)."""
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


def validation_split(y, seed, share=0.2):
    """Stratified: round(share * n_k) (at least 1) images of each class k held out -> (train_idx, val_idx)."""
    rng = np.random.default_rng(1000 + seed)
    val = []
    for k in np.unique(y):
        members = np.flatnonzero(y == k)
        val.extend(
            rng.choice(
                members,
                max(1, round(share * len(members))),
                replace=False,
            )
        )
    val = np.sort(np.array(val))
    return np.setdiff1d(np.arange(len(y)), val), val


def make_views(X, seed, max_shift=2):
    """uint8 (N, 28, 28) -> uint8 (4, N, 28, 28): the image, its mirror, both shifted by a random offset."""
    rng = np.random.default_rng(2000 + seed)
    mirror = X[:, :, ::-1]
    views = [X, mirror]
    for base in (X, mirror):
        shifted = np.zeros_like(base)
        padded = np.pad(base, ((0, 0), (max_shift,) * 2, (max_shift,) * 2))
        for i in range(len(base)):
            dy, dx = rng.integers(0, 2 * max_shift + 1, size=2)
            shifted[i] = padded[i, dy : dy + 28, dx : dx + 28]
        views.append(shifted)
    return np.stack(views)


class Prepare(nn.Module):
    """float gray (N, 1, 28, 28) in [0, 1] -> the pretrained CNN's input: resized, 3 channels, normalised."""

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


def trunk_output(cnn, prepare, X, batch_size=100):
    """The frozen stem and stages 0-5 for uint8 images X (N, 28, 28) -> float (N, 192, h, w)."""
    out = []
    with torch.no_grad():
        for s in range(0, len(X), batch_size):
            x = prepare(as_float(X[s : s + batch_size]))
            x = cnn.bn1(cnn.conv_stem(x))
            for block in cnn.blocks[:LAST_STAGE]:
                x = block(x)
            out.append(x)
    return torch.cat(out)


def tail_of(cnn, num_classes=10):
    """The trainable part of fine-tuning: last stage, 1x1 head conv and its batch-norm, pooling, a new layer."""
    return nn.Sequential(
        *copy.deepcopy(cnn.blocks[LAST_STAGE:]),
        copy.deepcopy(cnn.conv_head),
        copy.deepcopy(cnn.bn2),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(cnn.num_features, num_classes),
    )


def predict_logits(model, Z, batch_size=500):
    model.eval()
    with torch.no_grad():
        return torch.cat(
            [
                model(Z[s : s + batch_size])
                for s in range(0, len(Z), batch_size)
            ]
        )


def train(
    model, views, y, epochs, lr, seed, val=None, batch_size=32, max_epochs=None
):
    """Adam on inputs views (V, N, ...): every epoch each image is shown as one random view.

    With val=(Z_val, y_val): returns per-epoch (val accuracy, val loss) lists. Same loop for scratch and fine-tuning.
    """
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    y = torch.from_numpy(np.asarray(y, dtype=np.int64))
    n = views.shape[1]
    accs, losses = [], []
    for _ in range(epochs):
        model.train()
        pick = torch.randint(0, views.shape[0], (n,), generator=gen)
        order = torch.randperm(n, generator=gen)
        for s in range(0, n, batch_size):
            idx = order[s : s + batch_size]
            # batch-norm needs 2 images; never happens with the sizes used here
            if len(idx) < 2:
                continue
            loss = F.cross_entropy(model(views[pick[idx], idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if val is not None:
            logits = predict_logits(model, val[0])
            yv = torch.from_numpy(val[1])
            accs.append(float((logits.argmax(1) == yv).float().mean()))
            losses.append(float(F.cross_entropy(logits, yv)))
    return accs, losses


def choose(candidates):
    """candidates: list of (setting, val_acc, val_loss) -> the best: highest accuracy, ties by lower loss."""
    return max(candidates, key=lambda c: (c[1], -c[2]))


def run_trained_arm(arm, make_model, views, y, tr, va, Z_test, args, seed):
    """Tune learning rate and epochs on the validation split, retrain on all labelled images, predict the test set."""
    candidates = []
    for lr in LR_GRID[arm]:
        torch.manual_seed(seed)  # the same initial weights for every setting
        accs, losses = train(
            make_model(),
            views[:, tr],
            y[tr],
            args.max_epochs,
            lr,
            seed,
            val=(views[0, va], y[va]),
        )
        candidates += [
            ((lr, e + 1), a, loss)
            for e, (a, loss) in enumerate(zip(accs, losses, strict=True))
        ]
    (lr, epochs), val_acc, _ = choose(candidates)
    torch.manual_seed(seed)
    model = make_model()
    train(model, views, y, epochs, lr, seed)
    pred = predict_logits(model, Z_test).argmax(1).numpy()
    return dict(setting=f"lr {lr:g}, {epochs} epochs", val_acc=val_acc), pred


def run_probe(F_views, y, tr, va, F_test):
    """Logistic regression on frozen features of all views; C chosen on the validation split, then refitted."""

    def fit(rows, labels, C):
        mu, sd = rows.mean(0), rows.std(0) + 1e-6
        clf = LogisticRegression(C=C, max_iter=1000)
        clf.fit((rows - mu) / sd, labels)
        return lambda Fx: clf.predict_proba((Fx - mu) / sd)

    V = F_views.shape[0]
    rows_tr = F_views[:, tr].reshape(-1, F_views.shape[-1])
    candidates = []
    for C in C_GRID:
        proba = fit(rows_tr, np.tile(y[tr], V), C)(F_views[0, va])
        acc = float((proba.argmax(1) == y[va]).mean())
        loss = float(-np.log(proba[np.arange(len(va)), y[va]] + 1e-12).mean())
        candidates.append((C, acc, loss))
    C, val_acc, _ = choose(candidates)
    rows = F_views.reshape(-1, F_views.shape[-1])
    pred = fit(rows, np.tile(y, V), C)(F_test).argmax(1)
    return dict(setting=f"C {C:g}", val_acc=val_acc), pred


def paired(correct_a, correct_b, n_boot, seed=0):
    """Accuracy difference a - b on the same test images: estimate, 95% paired bootstrap interval, McNemar p."""
    diff = correct_a.astype(float) - correct_b.astype(float)
    rng = np.random.default_rng(seed)
    boot = np.array(
        [
            diff[rng.integers(0, len(diff), len(diff))].mean()
            for _ in range(n_boot)
        ]
    )
    only_a = int((correct_a & ~correct_b).sum())
    only_b = int((~correct_a & correct_b).sum())
    p = (
        binomtest(only_a, only_a + only_b, 0.5).pvalue
        if only_a + only_b
        else 1.0
    )
    lo, hi = np.percentile(boot, [2.5, 97.5])
    return diff.mean(), lo, hi, only_a, only_b, p


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-class", default="10,30")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--size", type=int, default=112)
    ap.add_argument("--test", type=int, default=2000)
    ap.add_argument("--max-epochs", type=int, default=60)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--boot", type=int, default=2000)
    ap.add_argument(
        "--part",
        help="write only this run's rows to PART (a csv), e.g. one process per seed on a shared machine",
    )
    ap.add_argument(
        "--merge",
        help="comma-separated part csvs: write the tables from them, train nothing",
    )
    ap.add_argument(
        "--note",
        default="",
        help="a line for the table header (how the parts were run)",
    )
    args = ap.parse_args(argv)
    if args.merge:
        import pandas as pd

        parts = [
            pd.read_csv(p, dtype={"pred": str}) for p in args.merge.split(",")
        ]
        df = pd.concat(parts, ignore_index=True).sort_values(
            ["labelled", "seed"], kind="stable"
        )
        df.to_csv(OUT_CSV, index=False)
        write_tables(df, args, argv, load=None, seconds=None)
        return 0
    torch.set_num_threads(args.threads)
    load = os.getloadavg()
    t_all = time.perf_counter()
    data = load_fashion_mnist(verbose=False)
    cnn = load_imagenet_cnn(verbose=False).eval()
    for p in cnn.parameters():
        p.requires_grad_(False)
    prepare = Prepare(cnn, args.size)
    X_test, y_test = data.X_test[: args.test], data.y_test[: args.test]
    T_test = trunk_output(cnn, prepare, X_test)
    head = tail_of(cnn)[:-1].eval()
    F_test = predict_logits(head, T_test).numpy()
    scratch_test = as_float(X_test)

    def make_scratch():
        return SmallCNN(channels=(32, 64, 128), dropout=0.25)

    def make_tail():
        m = tail_of(cnn)
        for p in m.parameters():
            p.requires_grad_(True)
        return m

    rows = []
    for per_class in [int(s) for s in args.per_class.split(",")]:
        for seed in [int(s) for s in args.seeds.split(",")]:
            X, y = draw_labelled(data, per_class, seed)
            tr, va = validation_split(y, seed)
            views = make_views(X, seed)
            t0 = time.perf_counter()
            T_views = torch.stack(
                [trunk_output(cnn, prepare, v) for v in views]
            )
            F_views = np.stack(
                [predict_logits(head, T).numpy() for T in T_views]
            )
            t_frozen = time.perf_counter() - t0
            S_views = torch.stack([as_float(v) for v in views])
            for arm in ARMS:
                t0 = time.perf_counter()
                if arm == "probe":
                    info, pred = run_probe(F_views, y, tr, va, F_test)
                elif arm == "scratch":
                    info, pred = run_trained_arm(
                        arm, make_scratch, S_views, y, tr, va, scratch_test,
                        args, seed,
                    )  # fmt: skip
                else:
                    info, pred = run_trained_arm(
                        arm, make_tail, T_views, y, tr, va, T_test, args, seed
                    )
                row = dict(
                    arm=arm,
                    per_class=per_class,
                    labelled=10 * per_class,
                    seed=seed,
                    setting=info["setting"],
                    val_images=len(va),
                    val_acc=round(info["val_acc"], 4),
                    test_images=args.test,
                    test_acc=round(float((pred == y_test).mean()), 4),
                    seconds=round(
                        time.perf_counter()
                        - t0
                        + (t_frozen if arm != "scratch" else 0),
                        1,
                    ),
                    pred=" ".join(map(str, pred.tolist())),
                )
                rows.append(row)
                print(
                    {k: v for k, v in row.items() if k != "pred"}, flush=True
                )
            import pandas as pd

            # after every draw: a partial run leaves its rows
            pd.DataFrame(rows).to_csv(args.part or OUT_CSV, index=False)

    import pandas as pd

    df = pd.DataFrame(rows)
    df.to_csv(args.part or OUT_CSV, index=False)
    if args.part:
        print(
            f"rows written to {args.part}; total {time.perf_counter() - t_all:.0f} s"
        )
        return 0
    write_tables(df, args, argv, load, time.perf_counter() - t_all)
    return 0


def write_tables(df, args, argv, load, seconds):
    """bench/results/transfer.md from the rows df (one per arm and draw)."""
    rows = df.to_dict("records")
    X_test_labels = load_fashion_mnist(verbose=False).y_test
    y_test = X_test_labels[: int(df["test_images"].iloc[0])]
    n_scratch = count_parameters(SmallCNN(channels=(32, 64, 128)))
    per_class = " and ".join(str(v) for v in sorted(df["per_class"].unique()))
    seeds = ", ".join(str(v) for v in sorted(df["seed"].unique()))
    cmd = "python -m bench.bench_transfer " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    lines = [
        "# Transfer learning on few labels: from scratch vs linear probe vs fine-tuning, tuned alike (notebook 07)",
        "",
        f"Command: `{cmd.strip()}`  ",
        *([args.note, ""] if args.note else []),
        f"Python {platform.python_version()} · torch {torch.__version__} · {os.cpu_count()} CPUs (shared with other "
        f"jobs{f': load average at start {load[0]:.1f}' if load else ''}) · torch threads {args.threads}"
        + (f" · total {seconds:.0f} s" if seconds else ""),
        "",
        f"Fashion-MNIST, {per_class} labelled images per class, label draws (seeds) {seeds}; "
        f"every arm learns from the same labelled images with the same augmentation (4 fixed views: "
        f"image, mirror image, both shifted by up to 2 px) and the same tuning: a stratified fifth of the labelled "
        f"images is the validation split, each arm picks its settings there (scratch: learning rate of 3 and epochs "
        f"1..{args.max_epochs}; fine-tuning: learning rate of 3 and epochs 1..{args.max_epochs}; probe: L2 strength C "
        f"of {len(C_GRID)}), then is retrained on all labelled images. Scratch is SmallCNN 32-64-128 "
        f"({n_scratch:,} weights) on 28×28 px; probe and fine-tuning use EfficientNet-Lite0 (ImageNet) at "
        f"{args.size}×{args.size} px (fine-tuning trains its last stage and head). All tested on the same first "
        f"{len(y_test)} test images, never used to tune. Recipes: the docstring of bench/bench_transfer.py.",
        "",
        "| labelled | seed | arm | chosen setting | validation accuracy | test accuracy | seconds |",
        "|---:|---:|---|---|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['labelled']} | {r['seed']} | {r['arm']} | {r['setting']} | {r['val_acc']:.3f} "
            f"({r['val_images']} images) | {r['test_acc']:.3f} | {r['seconds']:.0f} |"
        )
    lines += [
        "",
        "Per arm, over the label draws: mean test accuracy, standard deviation and range.",
        "",
        "| labelled | arm | draws | mean | sd | min | max |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for (labelled, arm), g in df.groupby(["labelled", "arm"], sort=False):
        a = g["test_acc"]
        lines.append(
            f"| {labelled} | {arm} | {len(a)} | {a.mean():.3f} | {a.std():.3f} | {a.min():.3f} | {a.max():.3f} |"
        )
    lines += [
        "",
        "Paired differences (same label draw, same test images): difference in test accuracy with a 95% paired "
        f"bootstrap interval over the {len(y_test)} test images ({args.boot} resamples), the discordant counts "
        "(test images only the first arm gets right / only the second) and McNemar's exact p.",
        "",
        "| labelled | comparison | seed | difference | 95% interval | only first right | only second right "
        "| McNemar p |",
        "|---:|---|---:|---:|---|---:|---:|---:|",
    ]
    correct = {
        (r["labelled"], r["arm"], r["seed"]): np.array(
            r["pred"].split(), dtype=int
        )
        == y_test
        for r in rows
    }
    for labelled in df["labelled"].unique():
        for a, b in [
            ("fine-tune", "scratch"),
            ("probe", "scratch"),
            ("fine-tune", "probe"),
        ]:
            diffs = []
            for seed in df.loc[df["labelled"] == labelled, "seed"].unique():
                d, lo, hi, oa, ob, p = paired(
                    correct[(labelled, a, seed)],
                    correct[(labelled, b, seed)],
                    args.boot,
                )
                diffs.append(d)
                lines.append(
                    f"| {labelled} | {a} − {b} | {seed} | {d:+.3f} | {lo:+.3f} to {hi:+.3f} | {oa} | {ob} "
                    f"| {p:.3g} |"
                )
            lines.append(
                f"| {labelled} | {a} − {b} | mean | {np.mean(diffs):+.3f} | draws from {min(diffs):+.3f} to "
                f"{max(diffs):+.3f} | | | |"
            )
    OUT_MD.write_text("\n".join(lines) + "\n")
    print(OUT_MD.read_text())


if __name__ == "__main__":
    sys.exit(main())
