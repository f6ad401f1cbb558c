"""tag_folder: a folder of images -> one tidy, self-describing table, resumable and safe against mixed settings.

Results go to Parquet chunks under OUT/chunks as they come, each written whole or not at all, so a
rerun after a crash (even kill -9) skips the files already done (by sha256). Every chunk records the
key of the settings that determine its rows (see run_key); a rerun with other settings refuses
instead of mixing. When the run ends, OUT holds table.parquet, table.csv, datapackage.json (the
codebook: every column's name, type, unit and meaning) and provenance.json.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import threading
import time
import uuid
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from helpers.files import (
    PDF_DPI,
    UnreadableImage,
    _decode,
    _list_files,
    check_folder,
    near_groups,
    read_and_hash,
)
from helpers.validate import check_int, check_positive_int

from . import __version__

# features (notebook 05's extractor) on a 64 x 64 copy, 8 bins per channel
FEATURE_SIZE, HIST_BINS = (64, 8)
COARSE_MIN = 0.5  # below this summed probability the coarse tag is 'uncertain'
PAGES = ("first", "all")
KEY_FILE = "key.json"
KEY_META = b"foldertag.key"
OUTPUTS = (
    "table.parquet",
    "table.csv",
    "datapackage.json",
    "provenance.json",
    KEY_FILE,
)
FILE_COLUMNS = [
    "sha256",
    "page",
    "pages",
    "bytes",
    "format",
    "width",
    "height",
    "orientation",
    "status",
    "reason",
]


class SettingsChanged(RuntimeError):
    """OUT holds results made with other settings: rerun with restart=True (--restart) or another OUT."""


class Interrupted(RuntimeError):
    """The run was stopped (Ctrl-C); what was saved stays, the same command resumes."""

    def __init__(self, files_done: int):
        self.files_done = files_done
        super().__init__(
            f"stopped after {files_done} files; run the same command to resume"
        )


class OutputProblem(RuntimeError):
    """The output folder cannot be used (a file, not writable, the image folder itself)."""


# ---------------------------------------------------------------- the key of a run


def run_key(
    spec: dict,
    top_k: int,
    features,
    pages: str,
    pdf_dpi: int,
    coarse_min: float,
) -> dict:
    """Everything that determines the rows of a chunk -> a dict (its hash is stored with every chunk)."""
    from helpers.tagging import RESIZE_TO, TAG_SIZE

    return {
        "tool": f"foldertag {__version__}",
        "model": spec["model_name"],
        "weights_sha256": spec["weights_sha256"],
        "preprocessing": (
            f"read_image(size={RESIZE_TO}): EXIF orientation, RGB on white, JPEG draft decoding, bilinear; "
            f"centre crop {TAG_SIZE}; (x / 255 - mean) / std; mean={list(spec['mean'])} std={list(spec['std'])}"
        ),
        "engine": spec["engine"],
        "precision": spec["precision"]
        + (
            f" ({spec['int8_sha256'][:16]})" if spec.get("int8_sha256") else ""
        ),
        "top_k": int(top_k),
        "coarse": f"WordNet roll-up of data/imagenet_coarse_tags.csv; 'uncertain' below {coarse_min}",
        "features": ",".join(features) if features else "none",
        "feature_settings": f"{FEATURE_SIZE} x {FEATURE_SIZE} copy, hist_bins={HIST_BINS}"
        if features
        else "none",
        "pages": f"{pages} (PDFs: every page at {pdf_dpi} dpi)",
    }


def key_hash(key: dict) -> str:
    return hashlib.sha256(
        json.dumps(key, sort_keys=True).encode()
    ).hexdigest()[:16]


def _chunk_keys(chunks: Path) -> set:
    import pyarrow.parquet as pq

    keys = set()
    for f in sorted(chunks.glob("*.parquet")):
        meta = pq.read_schema(f).metadata or {}
        keys.add(
            meta.get(KEY_META, b"(none: made by an older version)").decode()
        )
    return keys


def _check_key(out: Path, key: dict, restart: bool) -> None:
    """Refuse to mix: chunks with another key -> SettingsChanged naming what changed; restart -> remove them."""
    chunks = out / "chunks"
    if restart:
        shutil.rmtree(chunks, ignore_errors=True)
        for name in OUTPUTS:
            (out / name).unlink(missing_ok=True)
    chunks.mkdir(parents=True, exist_ok=True)
    found = _chunk_keys(chunks)
    want = key_hash(key)
    if found and found != {want}:
        before = {}
        try:
            before = json.loads((out / KEY_FILE).read_text())["key"]
        except (OSError, ValueError, KeyError):
            pass
        changed = [
            f"{k}: {before.get(k, '?')} -> {key[k]}"
            for k in key
            if before.get(k) != key[k]
        ]
        what = (
            "; ".join(changed)
            if before
            else "the settings are not recorded (an older version made them)"
        )
        raise SettingsChanged(
            f"{out} holds results made with other settings ({what}). Mixing them would give a table that "
            f"looks right and is not. Either rerun with --restart (restart=True) to discard them, or give "
            f"another output folder"
        )
    tmp = out / f".{KEY_FILE}.tmp"
    tmp.write_text(json.dumps({"hash": want, "key": key}, indent=1))
    os.replace(tmp, out / KEY_FILE)


def _check_out(folder: Path, out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise OutputProblem(
            f"the output path {out} is a file; give a folder (it is created if missing)"
        )
    if out.resolve() == folder.resolve():
        raise OutputProblem(
            f"the output folder {out} is the image folder itself; give a separate folder"
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".write-test-{uuid.uuid4().hex[:8]}"
        probe.write_bytes(b"")
        probe.unlink()
    except PermissionError:
        raise OutputProblem(
            f"no permission to write into {out}; choose an output folder you can write to"
        ) from None


# ---------------------------------------------------------------- one file -> its records


def _prepare(rel: str, path: Path, problem, ctx: dict) -> list[dict]:
    """Runs in a decode thread: read, hash, skip if done, decode (each page if asked), build the model inputs."""
    from helpers.tagging import RESIZE_TO, crop_and_normalise

    rec = dict.fromkeys(FILE_COLUMNS)
    rec.update(path=rel, page=1, status="ok", reason="")
    if problem:
        rec["status"], rec["reason"] = problem
        return [rec]
    data = read_and_hash(path, rec)
    if data is None:
        return [rec]
    with ctx["lock"]:
        if rec["sha256"] in ctx["done"]:
            # done in an earlier run, or a duplicate earlier in this one
            return [dict(rec, reused=True)]
        ctx["done"].add(rec["sha256"])
    out, page, n_pages = [], 0, 1
    while page < n_pages:
        r = dict(rec, page=page + 1, todo=True)
        try:
            rgb, info = _decode(
                data, rel, "RGB", size=RESIZE_TO, page=page, dpi=ctx["pdf_dpi"]
            )
        except UnreadableImage as exc:
            r["status"], r["reason"] = exc.code, exc.reason
            out.append(r)
            break
        n_pages = (
            info["pages"]
            if (info["format"] == "PDF" or ctx["pages"] == "all")
            else 1
        )
        r.update(
            {
                k: info[k]
                for k in ("format", "pages", "width", "height", "orientation")
            }
        )
        from PIL import Image

        small = Image.fromarray(rgb)
        r["x"] = crop_and_normalise(rgb, ctx["mean"], ctx["std"])
        r["small"] = np.asarray(
            small.resize(
                (FEATURE_SIZE, FEATURE_SIZE), Image.Resampling.BILINEAR
            )
        )
        import imagehash

        r["phash"] = str(imagehash.phash(small.convert("L")))
        out.append(r)
        page += 1
    out[-1]["last"] = True
    return out


def _bounded_map(pool, fn, items, ahead: int):
    """pool.map that keeps at most `ahead` items in flight (memory stays flat on a million files), in order."""
    pending = deque()
    for item in items:
        pending.append(pool.submit(fn, *item))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def feature_names(features) -> list[str]:
    if not features:
        return []
    from helpers.features import feature_names as names

    return names(
        (FEATURE_SIZE, FEATURE_SIZE),
        tuple(features),
        rgb=True,
        hist_bins=HIST_BINS,
    )


def chunk_columns(top_k: int, features) -> list[str]:
    tags = [f"tag_{i}" for i in range(1, top_k + 1)] + [
        f"p_{i}" for i in range(1, top_k + 1)
    ]
    return (
        FILE_COLUMNS
        + ["phash"]
        + tags
        + ["coarse", "coarse_p"]
        + feature_names(features)
    )


def _write_chunk(rows: list, ctx: dict, chunks: Path, name: str) -> None:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(
        pd.DataFrame(rows, columns=ctx["columns"]), preserve_index=False
    )
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), KEY_META: ctx["key_hash"].encode()}
    )
    tmp = chunks / f".{name}.tmp"
    pq.write_table(table, tmp)
    # atomic: a kill leaves a whole chunk or none
    os.replace(tmp, chunks / name)


def _tag_files(
    files, chunks: Path, ctx: dict, prefix: str, progress=None
) -> tuple[dict, dict]:
    """Tag a list of (rel, path, problem) in batches, whole files to Parquet chunks -> (counts, {rel: sha256})."""
    from helpers.tagging import coarse_proba, top_k_tags

    from .engines import make_engine

    engine = ctx["engine"] if "engine" in ctx else make_engine(ctx["spec"])
    k, features, columns = ctx["top_k"], ctx["features"], ctx["columns"]
    counts = {"decoded": 0, "rows": 0, "reused": 0, "chunks": 0, "files": 0}
    batch, rows, seen = [], [], {}
    # rows[:complete[0]] belong to files whose every page is done
    complete = [0]

    def run_batch():
        if not batch:
            return
        proba = engine(np.stack([r["x"] for r in batch]))
        tags = top_k_tags(proba, ctx["names"], k=k)
        coarse, coarse_names = coarse_proba(proba, ctx["coarse_of"])
        feats = None
        if features:
            from helpers.features import extract_features

            feats, _ = extract_features(
                np.stack([r["small"] for r in batch]),
                kinds=tuple(features),
                hist_bins=HIST_BINS,
            )
        for i, r in enumerate(batch):
            row = {c: r.get(c) for c in FILE_COLUMNS + ["phash"]}
            for j, (tag, p) in enumerate(tags[i], 1):
                row[f"tag_{j}"], row[f"p_{j}"] = tag, p
            best = int(np.argmax(coarse[i]))
            p_best = float(coarse[i, best])
            row["coarse"] = (
                coarse_names[best]
                if p_best >= ctx["coarse_min"]
                else "uncertain"
            )
            row["coarse_p"] = p_best
            if feats is not None:
                row.update(
                    zip(
                        columns[len(columns) - feats.shape[1] :],
                        feats[i],
                        strict=True,
                    )
                )
            add_row(row, r)
        batch.clear()

    def add_row(row, rec):
        rows.append(row)
        if rec.get("last"):
            complete[0] = len(rows)
            counts["files"] += 1

    def write(final: bool = False):
        n = complete[0]
        if n and (final or n >= ctx["chunk_files"]):
            _write_chunk(
                rows[:n],
                ctx,
                chunks,
                f"{prefix}-{uuid.uuid4().hex[:8]}-{counts['chunks']:05d}.parquet",
            )
            counts["chunks"] += 1
            counts["rows"] += n
            del rows[:n]
            complete[0] = 0

    with ThreadPoolExecutor(max_workers=ctx["workers"]) as pool:
        try:
            for recs in _bounded_map(
                pool,
                lambda *f: _prepare(*f, ctx),
                files,
                ahead=2 * ctx["batch_size"] + 4,
            ):
                seen[recs[0]["path"]] = recs[0]["sha256"]
                for rec in recs:
                    if rec.get("reused"):
                        counts["reused"] += 1
                    elif "x" in rec:
                        batch.append(rec)
                        counts["decoded"] += rec["page"] == 1
                    # unreadable: its row is saved too, so a rerun skips it
                    elif rec.get("todo"):
                        if batch:
                            run_batch()
                        add_row({c: rec.get(c) for c in FILE_COLUMNS}, rec)
                if progress is not None:
                    progress(1)
                if len(batch) >= ctx["batch_size"]:
                    run_batch()
                write()
            run_batch()
            write(final=True)
        except KeyboardInterrupt:
            run_batch_safely = complete[0] > 0
            if run_batch_safely:
                write(final=True)  # keep what is finished
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return counts, seen


def _tag_partition(
    files, chunks: str, spec: dict, options: dict, prefix: str, done
):
    """One Dask task: build the engine on the worker, skip what is done, tag its files into its own chunks."""
    ctx = dict(options, spec=spec, done=set(done), lock=threading.Lock())
    return _tag_files(
        [(rel, Path(p), problem) for rel, p, problem in files],
        Path(chunks),
        ctx,
        prefix,
    )


def _done_shas(chunks: Path) -> set:
    import pyarrow.parquet as pq

    done = set()
    for f in sorted(chunks.glob("*.parquet")):
        done.update(
            pq.read_table(f, columns=["sha256"]).column("sha256").to_pylist()
        )
    return done


def _progress_bar(total: int, progress):
    """A tqdm.auto bar (files/s) when progress is True, or 'auto' in an interactive session; else None."""
    if progress == "auto":
        progress = (
            bool(os.environ.get("JPY_SESSION_NAME")) or sys.stderr.isatty()
        )
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit=" files", desc="tagging", smoothing=0.1)


def tag_folder(
    folder,
    out,
    *,
    top_k: int = 5,
    features=("hist", "glcm"),
    precision: str = "fp32",
    engine: str = "auto",
    pages: str = "first",
    pdf_dpi: int = PDF_DPI,
    coarse_min: float = COARSE_MIN,
    restart: bool = False,
    batch_size: int = 32,
    chunk_files: int = 256,
    client=None,
    workers: int | None = None,
    threads: int | None = None,
    partitions_per_worker: int = 4,
    timeout: float | None = None,
    onnx_model=None,
    progress="auto",
    verbose: bool = True,
    command: str | None = None,
):
    """Tag every image in folder -> pandas DataFrame, one row per file (per page with pages='all', and for PDFs).

    Writes OUT/table.parquet, OUT/table.csv, OUT/datapackage.json (the codebook: every column's name,
    type, unit and meaning; see foldertag.codebook) and OUT/provenance.json (command, settings key,
    package versions, date, counts by status, time taken). Columns: path, page, pages, sha256, bytes,
    format, width, height, orientation, status (ok, unreadable, not_an_image, system_file, not_a_file,
    not_tagged) and reason, dup_group, near_group, near_distance, tag_1..tag_k and p_1..p_k (ImageNet
    classes, most probable first), coarse (the WordNet roll-up of notebook 08, 'uncertain' when its summed
    probability coarse_p is below coarse_min) and coarse_p, then the features (notebook 05's extractor on
    a 64 x 64 copy: "hist", "glcm", "hog" or "pixels").

    Resume: rerun with the same settings and the files already in OUT/chunks (same sha256) are skipped.
    Other settings (model, weights, preprocessing, engine, precision, top_k, features, pages, tool
    version) raise SettingsChanged naming what changed; restart=True discards the old results.
    precision: 'fp32' or 'int8' (ONNX Runtime; bench/results/corpus.md measures speed and agreement).
    engine: 'auto' (ONNX Runtime when installed, else PyTorch), 'onnx' or 'torch'. pages: 'first' (one
    row per file; 'pages' says how many a TIFF or GIF has) or 'all' (one row per page or frame); PDFs
    always give one row per page, rendered at pdf_dpi. client: a dask.distributed Client (folder and out
    must be visible to every worker). workers: decoding threads; threads: the model's threads.
    table.attrs["run"] holds the provenance. Ctrl-C raises Interrupted (finished files are kept).
    """
    from helpers.data import load_coarse_tags
    from helpers.features import KINDS

    t0 = time.perf_counter()
    folder, out = check_folder(folder), Path(out)
    _check_out(folder, out)
    check_int(top_k, "top_k", "e.g. 5", high=1000)
    check_positive_int(batch_size, "batch_size", "e.g. 32")
    check_positive_int(chunk_files, "chunk_files", "e.g. 256")
    check_int(pdf_dpi, "pdf_dpi", "e.g. 100", low=10, high=1200)
    if pages not in PAGES:
        raise ValueError(
            f"pages={pages!r}; use 'first' (one row per file) or 'all' (one row per page or frame)"
        )
    if not isinstance(coarse_min, (int, float)) or not 0 <= coarse_min <= 1:
        raise ValueError(
            f"coarse_min={coarse_min!r} must be a probability in [0, 1], e.g. 0.5"
        )
    features = (
        (features,) if isinstance(features, str) else tuple(features or ())
    )
    if any(f not in KINDS for f in features):
        raise ValueError(
            f"features={features!r}: choose from {KINDS} (or () for none)"
        )
    files = _list_files(folder, skip=out)
    if not files:
        raise FileNotFoundError(
            f"the folder {folder} holds no files; check the path (or the folder's permissions)"
        )
    spec = _engine_spec(engine, precision, onnx_model, verbose)
    key = run_key(spec, top_k, features, pages, pdf_dpi, coarse_min)
    _check_key(out, key, restart)
    chunks = out / "chunks"
    coarse_table = load_coarse_tags(verbose=False)
    options = {
        "top_k": int(top_k),
        "features": features,
        "columns": chunk_columns(top_k, features),
        "batch_size": int(batch_size),
        "chunk_files": int(chunk_files),
        "names": list(coarse_table["name"]),
        "coarse_of": list(coarse_table["coarse"]),
        "coarse_min": float(coarse_min),
        "mean": spec["mean"],
        "std": spec["std"],
        "pages": pages,
        "pdf_dpi": int(pdf_dpi),
        "key_hash": key_hash(key),
        "workers": workers or os.cpu_count() or 1,
    }
    model = spec.pop("model", None)
    done_before = _done_shas(chunks)
    t_setup = time.perf_counter() - t0
    bar = _progress_bar(len(files), progress)
    try:
        if client is None:
            # the model gets all cores but one, which the decoding threads use meanwhile
            spec["threads"] = threads or max(1, (os.cpu_count() or 2) - 1)
            if spec["engine"] == "pytorch":
                from .engines import TorchEngine

                if threads:
                    import torch

                    # for PyTorch only when asked: it is a global setting
                    torch.set_num_threads(threads)
                engine_obj = TorchEngine(model)
            else:
                from .engines import make_engine

                engine_obj = make_engine(spec)
            ctx = dict(
                options,
                engine=engine_obj,
                done=set(done_before),
                lock=threading.Lock(),
            )
            counts, seen = _tag_files(
                files, chunks, ctx, "serial", bar.update if bar else None
            )
        else:
            counts, seen = _tag_on_cluster(
                client,
                files,
                chunks,
                spec,
                options,
                threads,
                partitions_per_worker,
                timeout,
                bar,
                done_before,
            )
    except KeyboardInterrupt:
        raise Interrupted(len(_done_shas(chunks))) from None
    finally:
        if bar is not None:
            bar.close()
    table = assemble(files, seen, chunks, options["columns"])
    seconds = time.perf_counter() - t0
    from .codebook import provenance, write_outputs

    run = provenance(
        command or f"tag_folder({str(folder)!r}, {str(out)!r}, ...)",
        key,
        table,
        counts,
        seconds=seconds,
        setup_seconds=t_setup,
        from_earlier_runs=int(table["sha256"].isin(done_before).sum()),
        dask_workers=None
        if client is None
        else len(client.scheduler_info()["workers"]),
    )
    write_outputs(table, out, run, top_k, features)
    table.attrs["run"] = run
    if verbose:
        by = run["counts_by_status"]
        print(
            f"{len(files)} files, {len(table)} rows: {by.get('ok', 0)} ok, "
            + ", ".join(f"{n} {s}" for s, n in by.items() if s != "ok")
            + f"; {run['from_earlier_runs']} rows were done in an earlier run; {seconds:.1f} s "
            f"({run['decoded_files_per_second']:.1f} decoded files/s) with {spec['engine']} {spec['precision']}"
            + (
                ""
                if client is None
                else f" on {run['dask_workers']} Dask workers"
            )
        )
    return table


def _engine_spec(engine, precision, onnx_model, verbose):
    from .engines import choose_engine

    return choose_engine(engine, precision, onnx_model, verbose)


def _tag_on_cluster(
    client,
    files,
    chunks,
    spec,
    options,
    threads,
    partitions_per_worker,
    timeout,
    bar,
    done_before,
):
    from distributed import as_completed

    n_workers = max(1, len(client.scheduler_info()["workers"]))
    # one thread per task: the workers are the parallelism
    spec = dict(spec, threads=threads or 1)
    options = dict(options, workers=1)
    n_parts = max(1, min(len(files), n_workers * partitions_per_worker))
    # one copy per worker, not per task
    [done] = client.scatter([frozenset(done_before)], broadcast=True)
    bounds = np.linspace(0, len(files), n_parts + 1).round().astype(int)
    futures = {}
    for i in range(n_parts):
        part = [
            (rel, str(p), problem)
            for rel, p, problem in files[bounds[i] : bounds[i + 1]]
        ]
        fut = client.submit(
            _tag_partition,
            part,
            str(chunks),
            spec,
            options,
            f"part{i:04d}",
            done,
            pure=False,
        )
        futures[fut] = len(part)
    counts = {"decoded": 0, "rows": 0, "reused": 0, "chunks": 0, "files": 0}
    seen = {}
    for fut in as_completed(list(futures), timeout=timeout):
        part_counts, part_seen = fut.result()
        for name, value in part_counts.items():
            counts[name] += value
        seen.update(part_seen)
        if bar is not None:
            bar.update(futures[fut])
    return counts, seen


def assemble(files, seen: dict, chunks: Path, columns: list[str]):
    """Every file's rows: its results from the chunks (by sha256), or its listing problem -> DataFrame by path, page."""
    import pandas as pd

    parts = [pd.read_parquet(f) for f in sorted(chunks.glob("*.parquet"))]
    parts = [p for p in parts if len(p)]
    results = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=columns)
    )
    results = results.drop_duplicates(["sha256", "page"]).sort_values(
        ["sha256", "page"]
    )
    by_sha = {
        sha: group.to_dict("records")
        for sha, group in results.groupby("sha256", sort=False)
    }
    rows = []
    for rel, _, problem in files:
        sha = seen.get(rel)
        if sha is not None and sha in by_sha:
            rows += [dict(r, path=rel) for r in by_sha[sha]]
            continue
        row = {"path": rel, "page": 1, "sha256": sha}
        if problem:
            row["status"], row["reason"] = problem
        else:
            row["status"], row["reason"] = (
                "not_tagged",
                "not tagged: the run was interrupted; run it again",
            )
        rows.append(row)
    table = pd.DataFrame(rows, columns=["path"] + columns)
    for col in ("page", "pages", "bytes", "width", "height", "orientation"):
        table[col] = pd.array(table[col], dtype="Int64")
    table["reason"] = table["reason"].fillna("")
    shas = list(table["sha256"].where(table["page"] == 1))
    first: dict = {}
    for i, s in enumerate(shas):
        if isinstance(s, str):
            first.setdefault(s, []).append(i)
    dup = [None] * len(table)
    number = 0
    for members in first.values():
        if len(members) > 1:
            for m in members:
                dup[m] = number
            number += 1
    table["dup_group"] = pd.array(dup, dtype="Int64")
    hashes = [h if isinstance(h, str) else None for h in table["phash"]]
    group, spread = near_groups(hashes, 10)
    table["near_group"] = pd.array(group, dtype="Int64")
    table["near_distance"] = pd.array(spread, dtype="Int64")
    order = (
        ["path"] + FILE_COLUMNS + ["dup_group", "near_group", "near_distance"]
    )
    table = table[
        order + [c for c in table.columns if c not in order and c != "phash"]
    ]
    return table.reset_index(drop=True)
