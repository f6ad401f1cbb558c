"""Tagging a folder: ONNX Runtime (fp32, int8) vs eager PyTorch, the tagger vs a naive loop, Dask, resume.

Writes bench/results/corpus.md. The corpus (N JPEGs of 1 to 4 megapixels, from the course's sample photos:
random crops, sizes, qualities, some with EXIF orientation) is generated into a temporary folder, never
into the repository. Every ratio compares two measurements taken in the same run, one after the other.

int8 (foldertag --precision int8): speed against fp32 ONNX Runtime in the same run, and agreement with fp32
on held-out photos (random crops of the course's photos from another seed than the calibration crops, plus
the corpus's own files): top-1 overall and by fp32 confidence, the tags the tool writes, the coarse tags.

Usage: python -m bench.bench_corpus [--n 2000] [--folder /tmp/corpus_bench] [--naive 100] [--subset 400]
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from tools.project import ROOT

OUT = ROOT / "bench" / "results" / "corpus.md"
PHOTOS = [
    "chelsea",
    "astronaut",
    "coffee",
    "rocket",
    "hubble_deep_field",
    "immunohistochemistry",
]


def _write_some(args):
    start, stop, folder, seed = args
    from PIL import Image

    from helpers.data import load_photo
    from helpers.files import ORIENTATION_TAG

    photos = [load_photo(p, verbose=False) for p in PHOTOS]
    total = 0
    for i in range(start, stop):
        rng = np.random.default_rng([seed, i])
        img = photos[i % len(photos)]
        h, w = img.shape[:2]
        ch, cw = int(h * rng.uniform(0.6, 1)), int(w * rng.uniform(0.6, 1))
        top, left = rng.integers(0, h - ch + 1), rng.integers(0, w - cw + 1)
        crop = Image.fromarray(img[top : top + ch, left : left + cw])
        mp = rng.uniform(1.0, 4.0)
        s = np.sqrt(mp * 1e6 / (ch * cw))
        big = crop.resize(
            (round(cw * s), round(ch * s)), Image.Resampling.BILINEAR
        )
        kw = {"quality": int(rng.integers(70, 96))}
        if rng.random() < 0.2:
            exif = Image.Exif()
            exif[ORIENTATION_TAG] = int(rng.choice([3, 6, 8]))
            kw["exif"] = exif.tobytes()
        path = Path(folder) / f"batch_{i // 500:02d}" / f"photo_{i:05d}.jpg"
        path.parent.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        big.save(buf, "JPEG", **kw)
        path.write_bytes(buf.getvalue())
        total += big.size[0] * big.size[1]
    return total


def make_corpus(folder: Path, n: int, seed: int = 0) -> float:
    """n JPEGs of 1-4 MP under folder (reused when already there) -> mean megapixels."""
    marker = folder / ".complete"
    if marker.exists() and marker.read_text().strip() == f"{n} {seed}":
        return float((folder / ".megapixels").read_text())
    folder.mkdir(parents=True, exist_ok=True)
    cuts = np.linspace(0, n, 9).round().astype(int)
    with ProcessPoolExecutor(2) as pool:
        pixels = sum(
            pool.map(
                _write_some,
                [(cuts[i], cuts[i + 1], str(folder), seed) for i in range(8)],
            )
        )
    mp = pixels / n / 1e6
    (folder / ".megapixels").write_text(f"{mp:.3f}")
    marker.write_text(f"{n} {seed}")
    return mp


def files_of(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.jpg"))


def subset_folder(folder: Path, files: list[Path], name: str) -> Path:
    """A folder of symlinks to the first files (inside a temporary folder that holds them)."""
    sub = Path(tempfile.mkdtemp(prefix=f"bench_{name}_"))
    for f in files:
        target = sub / f.relative_to(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        # copies, not links: links would leave the folder
        target.write_bytes(f.read_bytes())
    return sub


def _duration(hours: float) -> str:
    """1.5 -> '1.5 h', 0.2 -> '12 min', 0.004 -> '15 s'."""
    if hours >= 1:
        return f"{hours:.1f} h"
    if hours * 60 >= 1:
        return f"{hours * 60:.0f} min"
    return f"{hours * 3600:.0f} s"


def load_avg() -> str:
    try:
        return "{:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg())
    except OSError:
        return "n/a"


def model_throughput(files: list[Path], n_images: int, threads: int) -> dict:
    """Images/s of the eager per-image PyTorch loop and of ONNX Runtime in batches of 32, same inputs."""
    import onnxruntime as ort
    import torch

    from foldertag.engines import onnx_tagger_path
    from helpers.files import read_image
    from helpers.tagging import preprocess
    from helpers.weights import load_imagenet_cnn

    torch.set_num_threads(threads)
    model = load_imagenet_cnn(verbose=False)
    x = preprocess([read_image(f, size=256) for f in files[:n_images]], model)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    # as in foldertag.engines
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(
        str(onnx_tagger_path(model, verbose=False)),
        options,
        providers=["CPUExecutionProvider"],
    )
    with torch.inference_mode():
        model(x[:1])  # warm-up
        t0 = time.perf_counter()
        p_torch = np.concatenate(
            [torch.softmax(model(xi[None]), dim=1).numpy() for xi in x]
        )
        t_torch = time.perf_counter() - t0
        t0 = time.perf_counter()
        p_torch_batch = np.concatenate(
            [
                torch.softmax(model(x[i : i + 32]), dim=1).numpy()
                for i in range(0, len(x), 32)
            ]
        )
        t_torch_batch = time.perf_counter() - t0
    session.run(None, {"images": x[:2].numpy()})
    t0 = time.perf_counter()
    p_onnx = np.concatenate(
        [
            session.run(None, {"images": x[i : i + 32].numpy()})[0]
            for i in range(0, len(x), 32)
        ]
    )
    t_onnx = time.perf_counter() - t0
    return {
        "n": len(x),
        "torch_loop": len(x) / t_torch,
        "torch_batch": len(x) / t_torch_batch,
        "onnx": len(x) / t_onnx,
        "same_top1": bool((p_torch.argmax(1) == p_onnx.argmax(1)).all()),
        "max_diff": float(np.abs(p_torch - p_onnx).max()),
        "max_diff_batch": float(np.abs(p_torch_batch - p_onnx).max()),
    }


def _speed(
    session_fp32, session_int8, x: np.ndarray, repeats: int = 2
) -> tuple[float, float]:
    """images/s of two ONNX Runtime sessions on the same batches of 32, interleaved (best of repeats each)."""
    best = {"fp32": 0.0, "int8": 0.0}
    for _ in range(repeats):
        for name, session in (("fp32", session_fp32), ("int8", session_int8)):
            t0 = time.perf_counter()
            for i in range(0, len(x), 32):
                session.run(None, {"images": x[i : i + 32]})
            best[name] = max(best[name], len(x) / (time.perf_counter() - t0))
    return best["fp32"], best["int8"]


def _agreement(
    p32: np.ndarray,
    p8: np.ndarray,
    names,
    coarse_of,
    threshold=0.1,
    coarse_min=0.5,
) -> dict:
    """Agreement of int8 with fp32: top-1 overall and by fp32 top-1 probability, written tags, coarse tags."""
    from helpers.tagging import coarse_proba, tags_over_threshold

    top32, top8 = p32.argmax(1), p8.argmax(1)
    conf = p32.max(1)
    same = top32 == top8
    bins = {}
    for lo, hi in ((0, 0.3), (0.3, 0.5), (0.5, 1.01)):
        m = (conf >= lo) & (conf < hi)
        bins[f"{lo}-{min(hi, 1)}"] = (
            int(m.sum()),
            float(same[m].mean()) if m.any() else float("nan"),
        )
    written32 = [
        frozenset(n for n, _ in t)
        for t in tags_over_threshold(p32, names, threshold)
    ]
    written8 = [
        frozenset(n for n, _ in t)
        for t in tags_over_threshold(p8, names, threshold)
    ]
    top5_32 = [frozenset(r) for r in np.argsort(-p32, axis=1)[:, :5]]
    top5_8 = [frozenset(r) for r in np.argsort(-p8, axis=1)[:, :5]]
    c32, cn = coarse_proba(p32, coarse_of)
    c8, _ = coarse_proba(p8, coarse_of)

    def coarse(c):
        best = c.argmax(1)
        return np.where(
            c.max(1) >= coarse_min, np.array(cn)[best], "uncertain"
        )

    near_tie = (
        np.sort(p32, axis=1)[:, -1] - np.sort(p32, axis=1)[:, -2]
    ) < 0.05
    return {
        "n": len(p32),
        "top1": float(same.mean()),
        "bins": bins,
        "written": float(
            np.mean([a == b for a, b in zip(written32, written8, strict=True)])
        ),
        "top5": float(
            np.mean([a == b for a, b in zip(top5_32, top5_8, strict=True)])
        ),
        "coarse": float((coarse(c32) == coarse(c8)).mean()),
        "near_tie_share_of_disagreements": float(near_tie[~same].mean())
        if (~same).any()
        else float("nan"),
        "max_diff": float(np.abs(p32 - p8).max()),
    }


def int8_comparison(files: list[Path], n_speed: int, n_heldout: int) -> dict:
    """int8 vs fp32 ONNX Runtime: speed at 2 and 1 threads; agreement on held-out crops and on corpus files."""
    import onnxruntime as ort

    from foldertag.engines import (
        calibration_batch,
        int8_tagger_path,
        onnx_tagger_path,
    )
    from helpers.data import load_coarse_tags
    from helpers.files import read_image
    from helpers.tagging import RESIZE_TO, crop_and_normalise
    from helpers.weights import load_imagenet_cnn, normalisation

    model = load_imagenet_cnn(verbose=False)
    mean, std = normalisation(model)
    paths = {"fp32": onnx_tagger_path(model, verbose=False)}
    t0 = time.perf_counter()
    paths["int8"] = int8_tagger_path(model, verbose=False)
    quantize_s = time.perf_counter() - t0
    table = load_coarse_tags(verbose=False)
    names, coarse_of = list(table["name"]), list(table["coarse"])
    # seed 0 calibrated the int8 model
    crops = calibration_batch(n_heldout, seed=1, mean=mean, std=std)
    corpus = np.stack(
        [
            crop_and_normalise(read_image(f, size=RESIZE_TO), mean, std)
            for f in files[:1000]
        ]
    )
    speed = {}
    for threads in (2, 1):
        sessions = {}
        for name, path in paths.items():
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            options.add_session_config_entry(
                "session.intra_op.allow_spinning", "0"
            )
            sessions[name] = ort.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"]
            )
            sessions[name].run(None, {"images": crops[:2]})
        speed[threads] = _speed(
            sessions["fp32"], sessions["int8"], crops[:n_speed]
        )
    run = {
        name: ort.InferenceSession(str(p), providers=["CPUExecutionProvider"])
        for name, p in paths.items()
    }

    def proba(name, x):
        return np.concatenate(
            [
                run[name].run(None, {"images": x[i : i + 64]})[0]
                for i in range(0, len(x), 64)
            ]
        )

    both = np.concatenate([crops, corpus])
    p32, p8 = proba("fp32", both), proba("int8", both)
    return {
        "speed": speed,
        "n_speed": min(n_speed, len(crops)),
        "quantize_s": quantize_s,
        "overall": _agreement(p32, p8, names, coarse_of),
        "crops": _agreement(
            p32[: len(crops)], p8[: len(crops)], names, coarse_of
        ),
        "corpus": _agreement(
            p32[len(crops) :], p8[len(crops) :], names, coarse_of
        ),
    }


def int8_lines(
    q: dict, fp32_s: float, int8_s: float, n_files: int, e2e_agree: float
) -> list[str]:
    s2, s1 = q["speed"][2], q["speed"][1]
    a = q["overall"]
    default_ok = s2[1] >= 400 and a["written"] >= 0.99
    rows = [
        "",
        "## int8 (`--precision int8`) against fp32 ONNX Runtime",
        "",
        "Static QDQ quantization (onnxruntime.quantization: every operator, weights per channel), calibrated "
        "on 256 random crops of the photos that ship with the course (seed 0), cached beside the fp32 export"
        + (
            f" (quantizing took {q['quantize_s']:.0f} s in this run)."
            if q["quantize_s"] > 1
            else " (from the cache)."
        ),
        "",
        "| engine | threads | images/s | int8 vs fp32 |",
        "|---|---|---|---|",
        f"| ONNX Runtime fp32, batches of 32 | 2 | {s2[0]:.1f} | 1.0× |",
        f"| ONNX Runtime int8, batches of 32 | 2 | {s2[1]:.1f} | {s2[1] / s2[0]:.1f}× |",
        f"| ONNX Runtime fp32, batches of 32 | 1 | {s1[0]:.1f} | 1.0× |",
        f"| ONNX Runtime int8, batches of 32 | 1 | {s1[1]:.1f} | {s1[1] / s1[0]:.1f}× |",
        f"| the tagger, fp32, no features | 2 | {n_files / fp32_s:.1f} files/s | 1.0× |",
        f"| the tagger, int8, no features | 2 | {n_files / int8_s:.1f} files/s | {fp32_s / int8_s:.1f}× |",
        "",
        f"{q['n_speed']} preprocessed images per speed row, fp32 and int8 interleaved, best of 2. On a shared "
        "machine the absolute rates move with the load; the ratios compare runs made side by side.",
        "",
        "Agreement of int8 with fp32 (share of images where both give the same answer):",
        "",
        "| photos | n | top-1 | top-1, fp32 p < 0.3 | top-1, 0.3 ≤ p < 0.5 | top-1, p ≥ 0.5 | tags written (p ≥ 0.1) "
        "| top-5 set | coarse tag (uncertain below 0.5) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, key in (
        ("held-out random crops (seed 1)", "crops"),
        ("corpus JPEGs (first 1000)", "corpus"),
        ("all", "overall"),
    ):
        g = q[key]
        b = list(g["bins"].values())
        rows.append(
            f"| {label} | {g['n']} | {g['top1']:.1%} | {b[0][1]:.1%} (n={b[0][0]}) | {b[1][1]:.1%} (n={b[1][0]}) | "
            f"{b[2][1]:.1%} (n={b[2][0]}) | {g['written']:.1%} | {g['top5']:.1%} | {g['coarse']:.1%} |"
        )
    rows += [
        "",
        f"Of the top-1 disagreements, {a['near_tie_share_of_disagreements']:.0%} are near-ties (fp32's first two "
        f"classes within 0.05 of each other); largest probability difference {a['max_diff']:.2f}. End to end on "
        f"{n_files} corpus files the int8 tagger's tag_1 equals fp32's on {e2e_agree:.1%}.",
        "",
        f"Default: int8 would need at least 400 images/s on 2 cores ({s2[1]:.0f} measured) and at least 99% "
        f"agreement on the tags written ({a['written']:.1%} measured): "
        + (
            "both hold, so int8 could be the default."
            if default_ok
            else "not met, so fp32 stays the default."
        )
        + " The table's provenance.json always says which precision made it.",
        "",
    ]
    return rows


def int8_only(args) -> int:
    """Measure the int8 section alone and put it into the existing table (replacing an older int8 section)."""
    folder = Path(args.folder)
    t_start, load_start = time.perf_counter(), load_avg()
    mp = make_corpus(folder, args.n)
    files = files_of(folder)
    q = int8_comparison(files, args.int8_images, args.heldout)
    print(
        f"[bench_corpus] int8: {q['speed']} agreement {q['overall']}",
        flush=True,
    )
    sub = subset_folder(folder, files[: args.subset], "int8")
    work = Path(tempfile.mkdtemp(prefix="bench_corpus_int8_"))
    fp32_table, fp32_s = timed_tag(
        sub, work / "fp32", precision="fp32", features=()
    )
    i8_table, i8_s = timed_tag(
        sub, work / "int8", precision="int8", features=()
    )
    ok = fp32_table["status"] == "ok"
    e2e_agree = float(
        (i8_table.loc[ok, "tag_1"] == fp32_table.loc[ok, "tag_1"]).mean()
    )
    load_end = load_avg()
    rows = int8_lines(q, fp32_s, i8_s, args.subset, e2e_agree)
    rows.insert(
        3,
        f"Measured on its own (`python -m bench.bench_corpus --int8-only --n {args.n} --subset {args.subset}`), "
        f"after the sections above, on {platform.machine()} with {os.cpu_count()} CPU cores shared with other jobs: "
        f"load average {load_start} at the start, {load_end} at the end, so absolute rates are low and noisy; "
        f"fp32 and int8 were measured side by side in this run. Corpus: the first {len(files)} JPEGs of the "
        f"bench corpus ({mp:.2f} megapixels on average). Time {time.perf_counter() - t_start:.0f} s.\n",
    )
    out = Path(args.out)
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    marker = "\n## int8 (`--precision int8`) against fp32 ONNX Runtime"
    text = text.split(marker)[0].rstrip("\n") + "\n"
    out.write_text(text + "\n".join(rows), encoding="utf-8")
    print("\n".join(rows))
    return 0


def naive_loop(files: list[Path], out_csv: Path, threads: int) -> float:
    """Open at full size, preprocess, eager model one image at a time, append a CSV row -> files/s."""
    import csv

    import torch

    torch.set_num_threads(threads)
    from PIL import Image

    from helpers.data import load_coarse_tags
    from helpers.tagging import preprocess
    from helpers.weights import load_imagenet_cnn

    model = load_imagenet_cnn(verbose=False)
    names = list(load_coarse_tags(verbose=False)["name"])
    t0 = time.perf_counter()
    with open(out_csv, "w", newline="") as fh, torch.inference_mode():
        writer = csv.writer(fh)
        for f in files:
            img = np.asarray(Image.open(f).convert("RGB"))
            p = torch.softmax(model(preprocess(img, model)), dim=1)[0].numpy()
            top = np.argsort(-p)[:5]
            writer.writerow(
                [f.name]
                + [names[j] for j in top]
                + [f"{p[j]:.6f}" for j in top]
            )
    return len(files) / (time.perf_counter() - t0)


def timed_tag(folder, out, **kw):
    from foldertag import tag_folder

    t0 = time.perf_counter()
    table = tag_folder(folder, out, verbose=False, progress=False, **kw)
    return table, time.perf_counter() - t0


def same_table(a, b, tol=1e-5):
    # numbers compared within tol, every other column (paths, codes, tags, formats) exactly
    numbers = [c for c in a.select_dtypes("number").columns if c in b.columns]
    words = [c for c in a.columns if c not in numbers]
    same = a[words].fillna("").equals(b[words].fillna(""))
    gap = float(
        np.nanmax(
            np.abs(a[numbers].to_numpy(float) - b[numbers].to_numpy(float))
        )
    )
    return bool(same), gap


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--n",
        type=int,
        default=2000,
        help="JPEGs in the generated corpus (>= 2000 for the table)",
    )
    ap.add_argument(
        "--folder",
        default=str(
            Path(tempfile.gettempdir()) / "images_as_data_corpus_bench"
        ),
    )
    ap.add_argument(
        "--model-images",
        type=int,
        default=64,
        help="images for the model-throughput row",
    )
    ap.add_argument(
        "--naive",
        type=int,
        default=60,
        help="files for the naive loop (it is slow)",
    )
    ap.add_argument(
        "--subset",
        type=int,
        default=400,
        help="files for the Dask and resume rows",
    )
    ap.add_argument(
        "--int8-images",
        type=int,
        default=256,
        help="images for the int8 vs fp32 speed rows",
    )
    ap.add_argument(
        "--heldout",
        type=int,
        default=1024,
        help="held-out random crops for int8 agreement (plus 1000 corpus files)",
    )
    ap.add_argument(
        "--int8-only",
        action="store_true",
        help="measure only the int8 section and replace it in --out (the other sections stay as they were)",
    )
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args(argv)
    if args.int8_only:
        return int8_only(args)
    from distributed import Client, LocalCluster

    folder = Path(args.folder)
    lines = []
    t_start = time.perf_counter()
    load_start = load_avg()
    print(
        f"[bench_corpus] load {load_start}; generating {args.n} JPEGs into {folder} ...",
        flush=True,
    )
    t0 = time.perf_counter()
    mp = make_corpus(folder, args.n)
    files = files_of(folder)
    size_mb = sum(f.stat().st_size for f in files) / 1e6
    print(
        f"[bench_corpus] corpus ready ({time.perf_counter() - t0:.0f} s): {len(files)} files, {mp:.2f} MP mean, "
        f"{size_mb:.0f} MB",
        flush=True,
    )
    work = Path(tempfile.mkdtemp(prefix="bench_corpus_out_"))

    # 1. model throughput
    model_rows = {}
    for threads in (2, 1):
        model_rows[threads] = model_throughput(
            files, args.model_images, threads
        )
        print(
            f"[bench_corpus] model, {threads} threads: {model_rows[threads]}",
            flush=True,
        )

    # 2. end to end: tag_folder (ONNX Runtime, decode threads, draft mode) on all files vs the naive loop
    e2e_table, e2e_s = timed_tag(
        folder, work / "e2e", engine="onnx", features=()
    )
    e2e_rate = len(files) / e2e_s
    e2e_setup = e2e_table.attrs["run"]["setup_seconds"]
    print(
        f"[bench_corpus] tag_folder on {len(files)}: {e2e_s:.1f} s ({e2e_rate:.1f} files/s)",
        flush=True,
    )
    feat_files = files[: args.subset]
    feat_folder = subset_folder(folder, feat_files, "features")
    feat_table, feat_s = timed_tag(feat_folder, work / "feat", engine="onnx")
    feat_rate = len(feat_files) / feat_s
    naive_rates = {
        t: naive_loop(files[: args.naive], work / "naive.csv", t)
        for t in (2, 1)
    }
    # the faster setting: the ratio is not flattered
    naive_rate = max(naive_rates.values())
    print(
        f"[bench_corpus] naive loop on {args.naive}: {naive_rates} files/s; with features {feat_rate:.1f}",
        flush=True,
    )

    # 3. Dask LocalCluster (2 worker processes, 1 thread each) vs serial, on the subset
    serial_table, serial_s = timed_tag(
        feat_folder, work / "serial", engine="onnx", features=()
    )
    t0 = time.perf_counter()
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
        ) as cluster,
        Client(cluster, timeout="60s") as client,
    ):
        cluster_start = time.perf_counter() - t0
        dask_table, dask_s = timed_tag(
            feat_folder,
            work / "dask",
            engine="onnx",
            features=(),
            client=client,
            timeout=1800,
        )
    dask_same, dask_gap = same_table(dask_table, serial_table)
    print(
        f"[bench_corpus] serial {serial_s:.1f} s, dask {dask_s:.1f} s (+{cluster_start:.1f} s start), "
        f"same {dask_same} {dask_gap:.1e}",
        flush=True,
    )

    # 4. resume: kill -9 a command-line run half way, rerun, compare with the uninterrupted serial table
    out = work / "resume"
    cmd = [
        sys.executable,
        "-m",
        "foldertag",
        "tag",
        str(feat_folder),
        str(out),
        "--engine",
        "onnx",
        "--features",
        "",
        "--batch-size",
        "32",
        "--chunk-files",
        "32",
        "--quiet",
    ]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    half = max(1, len(feat_files) // 2 // 32)
    while (
        proc.poll() is None
        and len(list((out / "chunks").glob("*.parquet"))) < half
    ):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done_chunks = len(list((out / "chunks").glob("*.parquet")))
    resumed, resume_s = timed_tag(feat_folder, out, engine="onnx", features=())
    resume_same, resume_gap = same_table(resumed, serial_table)
    reused = resumed.attrs["run"]["from_earlier_runs"]
    print(
        f"[bench_corpus] resume: killed after {done_chunks} chunks, rerun {resume_s:.1f} s, reused {reused}, "
        f"same {resume_same} {resume_gap:.1e}",
        flush=True,
    )
    # 5. int8 against fp32 ONNX Runtime: speed (same inputs, same run) and agreement on held-out photos
    q = int8_comparison(files, args.int8_images, args.heldout)
    print(
        f"[bench_corpus] int8: {q['speed']} agreement {q['overall']}",
        flush=True,
    )
    i8_table, i8_s = timed_tag(
        feat_folder, work / "int8", precision="int8", features=()
    )
    i8_same, _ = same_table(i8_table, serial_table)
    ok = serial_table["status"] == "ok"
    e2e_agree = float(
        (i8_table.loc[ok, "tag_1"] == serial_table.loc[ok, "tag_1"]).mean()
    )
    load_end = load_avg()

    m2, m1 = model_rows[2], model_rows[1]
    busy = any(
        float(v) > (os.cpu_count() or 1)
        for v in (load_start + " / " + load_end).split(" / ")
        if v.replace(".", "", 1).isdigit()
    )
    rate_steady = len(files) / max(e2e_s - e2e_setup, 1e-9)
    lines += [
        "# Tagging a folder: ONNX Runtime (fp32, int8), the tagger, Dask, resume",
        "",
        f"`python -m bench.bench_corpus --n {args.n}` on {platform.machine()} with {os.cpu_count()} CPU cores, "
        f"load average (1 / 5 / 15 min) {load_start} at the start, {load_end} at the end"
        f"{' (shared with other jobs: absolute rates are low and noisy)' if busy else ' (a quiet machine)'}; "
        f"every ratio compares two measurements from this run. "
        f"Corpus: {len(files)} JPEGs, {mp:.2f} megapixels on average (1 to 4), {size_mb:.0f} MB, generated "
        f"into a temporary folder from the course's sample photos (random crops, sizes, JPEG qualities; "
        f"a fifth with an EXIF orientation). Bench time {time.perf_counter() - t_start:.0f} s.",
        "",
        "## Tagger model (224 px inputs already preprocessed)",
        "",
        "| engine | threads | images/s | vs eager per-image loop |",
        "|---|---|---|---|",
    ]
    for threads, row in ((2, m2), (1, m1)):
        lines += [
            f"| PyTorch eager, one image at a time | {threads} | {row['torch_loop']:.1f} | 1.0× |",
            f"| PyTorch eager, batches of 32 | {threads} | {row['torch_batch']:.1f} | "
            f"{row['torch_batch'] / row['torch_loop']:.1f}× |",
            f"| ONNX Runtime, batches of 32 | {threads} | {row['onnx']:.1f} | {row['onnx'] / row['torch_loop']:.1f}× |",
        ]
    lines += [
        "",
        "When the machine is oversubscribed (load average above the number of cores), PyTorch with 2 threads "
        "collapses: its threads wait for each other at every layer. That inflates the 2-thread ratios; the "
        "1-thread rows are the fairer comparison on a shared machine.",
        "",
        f"{m2['n']} images. ONNX Runtime vs PyTorch (per-image loop): same top-1 on all: "
        f"{m2['same_top1'] and m1['same_top1']}; "
        f"largest probability difference {max(m2['max_diff'], m1['max_diff']):.1e}.",
        "",
        "## End to end (read, decode, resize, infer, write)",
        "",
        "| pipeline | files | files/s | vs the faster naive loop |",
        "|---|---|---|---|",
        f"| naive loop: open at full size, preprocess, eager PyTorch one image at a time, CSV row; 2 threads | "
        f"{args.naive} | {naive_rates[2]:.2f} | {naive_rates[2] / naive_rate:.1f}× |",
        f"| the same naive loop, 1 thread | {args.naive} | {naive_rates[1]:.2f} | {naive_rates[1] / naive_rate:.1f}× |",
        f"| `foldertag` (ONNX Runtime, draft-mode JPEG decoding in 2 threads, batches of 32, Parquet chunks, "
        f"final CSV), no features | {len(files)} | {e2e_rate:.1f} | {e2e_rate / naive_rate:.1f}× |",
        f"| the same after loading the model ({e2e_setup:.1f} s) | {len(files)} | {rate_steady:.1f} | "
        f"{rate_steady / naive_rate:.1f}× |",
        f"| `foldertag` with the default features (hist, glcm) | {len(feat_files)} | {feat_rate:.1f} | "
        f"{feat_rate / naive_rate:.1f}× |",
        "",
        "## Dask LocalCluster (2 worker processes, 1 thread each) vs serial",
        "",
        "| run | files | seconds | files/s |",
        "|---|---|---|---|",
        f"| serial `foldertag` | {len(feat_files)} | {serial_s:.1f} | {len(feat_files) / serial_s:.1f} |",
        f"| `tag_folder(client=...)`, 8 partitions | {len(feat_files)} | {dask_s:.1f} | "
        f"{len(feat_files) / dask_s:.1f} |",
        f"| starting the LocalCluster (once) | | {cluster_start:.1f} | |",
        "",
        f"Same table as the serial run: files, statuses and tags identical: {dask_same}; probabilities equal to "
        f"{dask_gap:.0e}.",
        "",
        "## Resume after kill -9",
        "",
        "| run | seconds | files reused |",
        "|---|---|---|",
        f"| uninterrupted (serial row above) | {serial_s:.1f} | 0 |",
        f"| rerun after `kill -9` of a command-line run that had saved {done_chunks} chunks | {resume_s:.1f} | "
        f"{reused} |",
        "",
        f"Final table identical to the uninterrupted one: files, statuses and tags {resume_same}; probabilities "
        f"equal to {resume_gap:.0e}. Time saved by resuming instead of starting again: "
        f"{serial_s - resume_s:.1f} s of {serial_s:.1f} s.",
        "",
        "## What 100,000 and 1,000,000 photos would take",
        "",
        f"From the end-to-end rate after loading the model ({rate_steady:.1f} files/s on this 2-core "
        f"machine; no features). A cluster of N such machines divides the time by N: the partitions are "
        f"independent, so the only costs are starting the workers and a disk that keeps up.",
        "",
        "| photos | this machine | 10 machines | 50 machines |",
        "|---|---|---|---|",
    ]
    for n in (100_000, 1_000_000):
        hours = n / rate_steady / 3600
        lines.append(
            f"| {n:,} | {_duration(hours)} | {_duration(hours / 10)} | {_duration(hours / 50)} |"
        )
    lines += [
        "",
        "Targets from the issue: ONNX Runtime at least 4× the eager per-image loop (2 threads): "
        f"{m2['onnx'] / m2['torch_loop']:.1f}× measured; tag_folder at least 3× the naive loop: "
        f"{e2e_rate / naive_rate:.1f}× measured (vs the faster of the two naive loops).",
        "",
    ]
    lines += int8_lines(q, serial_s, i8_s, len(feat_files), e2e_agree)
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    print(f"[bench_corpus] wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
