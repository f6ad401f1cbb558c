"""helpers.files: every kind of bad file gives a clear error or status (never a crash, one row per file); tag_folder's
table survives kill -9, equals itself on a Dask LocalCluster, and ONNX Runtime agrees with PyTorch."""

import hashlib
import io
import os
import signal
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from helpers.files import (
    UnreadableImage,
    make_demo_corpus,
    read_image,
    scan_folder,
    tag_folder,
)

ROOT = Path(__file__).resolve().parent.parent
N_FILES = 34
PROBS = [f"p_{i}" for i in range(1, 6)]
TAGS = [f"tag_{i}" for i in range(1, 6)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus") / "photos"
    manifest = make_demo_corpus(folder, N_FILES, seed=0)
    return folder, manifest


@pytest.fixture(scope="module")
def onnx_table(corpus, tmp_path_factory):
    return tag_folder(
        corpus[0],
        tmp_path_factory.mktemp("out_onnx"),
        engine="onnx",
        batch_size=8,
        verbose=False,
    )


@pytest.fixture(scope="module")
def torch_table(corpus, tmp_path_factory):
    return tag_folder(
        corpus[0],
        tmp_path_factory.mktemp("out_torch"),
        engine="torch",
        batch_size=8,
        threads=1,
        verbose=False,
    )  # one thread: PyTorch's threads stall each other on a busy machine


def files_on_disk(folder):
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() or p.is_symlink()
    )


def assert_same_table(a, b, atol=1e-5):
    """Same rows, statuses and tags; probabilities and features equal to atol (batches may differ in the last bits)."""
    assert list(a["path"]) == list(b["path"])
    text = ["path", "sha256", "status", "coarse"] + [
        c for c in a.columns if c.startswith("tag_")
    ]
    pd.testing.assert_frame_equal(a[text].fillna("-"), b[text].fillna("-"))
    numbers = [c for c in a.columns if c not in text]
    np.testing.assert_allclose(
        a[numbers].astype(float).to_numpy(),
        b[numbers].astype(float).to_numpy(),
        atol=atol,
        equal_nan=True,
    )


# ---------------------------------------------------------------- read_image


def test_demo_corpus_is_messy_deterministic_and_complete(corpus, tmp_path):
    folder, manifest = corpus
    assert (
        files_on_disk(folder) == sorted(manifest["path"])
        and len(manifest) == N_FILES
    )
    kinds = " ".join(manifest["kind"])
    for word in [
        "EXIF orientation 6",
        "exact duplicate",
        "near duplicate",
        "alpha",
        "palette GIF",
        "16-bit",
        "grayscale",
        "zero-byte",
        "truncated JPEG",
        "text file named .jpg",
        "CMYK",
        "1-bit",
        "WebP",
    ]:
        assert word in kinds, word
    assert (
        any(not p.isascii() for p in manifest["path"])
        and manifest["path"].str.count("/").max() >= 2
    )
    again = make_demo_corpus(tmp_path / "again", N_FILES, seed=0)
    digest = lambda root, rel: hashlib.sha256(
        (root / rel).read_bytes()
    ).hexdigest()
    assert [digest(folder, r) for r in manifest["path"]] == [
        digest(tmp_path / "again", r) for r in again["path"]
    ]
    with pytest.raises(FileExistsError, match="not empty"):
        make_demo_corpus(folder, N_FILES)
    with pytest.raises(ValueError, match="at least 30"):
        make_demo_corpus(tmp_path / "small", 5)


def test_read_image_every_file_of_the_corpus(corpus):
    folder, manifest = corpus
    for rel, readable, kind in zip(
        manifest["path"], manifest["readable"], manifest["kind"]
    ):
        if readable:
            rgb, gray = (
                read_image(folder / rel),
                read_image(folder / rel, mode="L"),
            )
            assert (
                rgb.dtype == np.uint8 and rgb.ndim == 3 and rgb.shape[2] == 3
            ), (rel, rgb.shape)
            assert gray.dtype == np.uint8 and gray.shape == rgb.shape[:2], rel
        else:
            with pytest.raises(UnreadableImage) as err:
                read_image(folder / rel)
            assert isinstance(err.value, ValueError) and rel.split("/")[
                -1
            ] in str(err.value), kind
    reasons = {
        rel: pytest.raises(
            UnreadableImage, read_image, folder / rel
        ).value.reason
        for rel in manifest.loc[~manifest["readable"], "path"]
    }
    assert "0 bytes" in reasons["broken/empty.jpg"]
    assert "truncated" in reasons["broken/truncated.jpg"]
    assert (
        "text" in reasons["broken/not_really.jpg"]
        and "text" in reasons["notes.txt"]
    )
    assert "corrupt PNG" in reasons["broken/damaged_header.png"]


def test_exif_orientation_is_applied(corpus):
    folder, _ = corpus
    for name, k in [
        ("IMG_0001.JPG", -1),
        ("IMG_0002.JPG", 2),
        ("IMG_0003.JPG", 1),
    ]:  # orientation 6, 3, 8
        path = folder / "phone" / name
        stored = np.asarray(Image.open(path).convert("RGB"))
        upright = read_image(path)
        np.testing.assert_array_equal(upright, np.rot90(stored, k))
    scan = scan_folder(folder).set_index("path")
    assert scan.loc["phone/IMG_0001.JPG", "orientation"] == 6
    raw_w, raw_h = Image.open(folder / "phone/IMG_0003.JPG").size
    assert (
        scan.loc["phone/IMG_0003.JPG", "width"],
        scan.loc["phone/IMG_0003.JPG", "height"],
    ) == (raw_h, raw_w)


def test_modes_and_bit_depths(corpus):
    from helpers.data import load_photo

    folder, _ = corpus
    page = load_photo("page", verbose=False)
    sixteen = folder / "scans/form_16bit.tif"
    assert Image.open(sixteen).mode == "I;16"
    np.testing.assert_array_equal(
        read_image(sixteen, mode="L"), page
    )  # /257, not clipped
    assert (
        np.asarray(Image.open(sixteen).convert("L")) == 255
    ).mean() > 0.9  # what naive Pillow code gets
    coins = load_photo("coins", verbose=False)
    assert (
        np.abs(
            read_image(folder / "scans/form_float.tif", mode="L").astype(int)
            - coins
        ).max()
        <= 1
    )
    assert set(
        np.unique(read_image(folder / "scans/tally_1bit.png", mode="L"))
    ) <= {0, 255}
    poster = read_image(folder / "posters/poster_alpha.png")
    assert (poster[0, 0] == 255).all() and Image.open(
        folder / "posters/poster_alpha.png"
    ).mode == "RGBA"
    gif = Image.open(folder / "posters/sticker.gif")
    assert (
        gif.n_frames == 2
        and read_image(folder / "posters/sticker.gif").shape[:2]
        == gif.size[::-1]
    )
    assert read_image(folder / "print/flyer_cmyk.jpg").shape[2] == 3
    gray_jpeg = read_image(folder / "archive/camera_gray.jpg")
    assert (gray_jpeg[..., 0] == gray_jpeg[..., 2]).all()


def test_size_decodes_jpegs_at_reduced_scale(corpus):
    folder, _ = corpus
    path = folder / "campaign/2024/rally.jpg"
    full = read_image(path)
    small = read_image(path, size=256)
    assert min(small.shape[:2]) == 256
    assert (
        abs(small.shape[1] / small.shape[0] - full.shape[1] / full.shape[0])
        < 0.01
    )
    reference = np.asarray(
        Image.fromarray(full).resize(
            small.shape[1::-1], Image.Resampling.BILINEAR
        )
    )
    assert (
        np.abs(small.astype(int) - reference).mean() < 3
    )  # draft mode changes pixels a little, not the picture
    up = read_image(folder / "shop/item_000.png", size=100)
    assert up.shape == (100, 100, 3)


def _png_claiming(width, height):
    """A tiny valid-looking PNG whose header claims width x height pixels (a decompression bomb's header)."""
    buf = io.BytesIO()
    Image.new("L", (1, 1)).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


@pytest.mark.parametrize(
    "case",
    ["bomb", "limit", "missing", "folder", "garbage", "half_gif", "html_png"],
)
def test_other_bad_files_give_one_clear_error(tmp_path, corpus, case):
    path = tmp_path / f"{case}.png"
    kwargs = {}
    if case == "bomb":
        path.write_bytes(_png_claiming(30000, 30000))
        match = "pixels"
    elif case == "limit":
        path = corpus[0] / "campaign/2024/rally.jpg"
        kwargs["max_pixels"] = 10_000
        match = "max_pixels"
    elif case == "missing":
        match = "no such file"
    elif case == "folder":
        path = tmp_path
        match = "folder"
    elif case == "garbage":
        path.write_bytes(
            bytes(
                np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8)
            )
        )
        match = "not an image"
    elif case == "half_gif":
        data = (corpus[0] / "posters/sticker.gif").read_bytes()
        path.write_bytes(data[: len(data) // 3])
        match = "truncated|corrupt|broken|data"
    else:
        path.write_text("<html>404 Not Found</html>")
        match = "text"
    with pytest.raises(UnreadableImage, match=match) as err:
        read_image(path, **kwargs)
    assert str(path.name) in str(err.value)


def test_bad_arguments_name_the_value_and_the_fix(corpus, tmp_path):
    folder, _ = corpus
    path = folder / "campaign/2024/rally.jpg"
    with pytest.raises(ValueError, match="mode='RGBA'.*'RGB'"):
        read_image(path, mode="RGBA")
    with pytest.raises(ValueError, match="size=0"):
        read_image(path, size=0)
    with pytest.raises(NotADirectoryError, match="not a folder"):
        scan_folder(path)
    with pytest.raises(ValueError, match="image folder itself"):
        tag_folder(folder, folder)
    with pytest.raises(ValueError, match="features=.*choose from"):
        tag_folder(folder, tmp_path / "o", features=("sift",))
    with pytest.raises(ValueError, match="top_k=0"):
        tag_folder(folder, tmp_path / "o", top_k=0)


# ---------------------------------------------------------------- scan_folder


def test_scan_folder_one_row_per_file_with_status_and_groups(corpus):
    folder, manifest = corpus
    table = scan_folder(folder)
    assert list(table["path"]) == files_on_disk(folder)
    status = table.set_index("path")["status"]
    readable = manifest.set_index("path")["readable"]
    assert ((status == "ok") == readable.reindex(status.index)).all()
    ok = table[table["status"] == "ok"]
    assert (
        ok[["format", "width", "height", "mode", "sha256", "phash"]]
        .notna()
        .all()
        .all()
    )
    groups = table.set_index("path")
    rally = groups.loc["campaign/2024/rally.jpg"]
    assert (
        groups.loc["campaign/2024/rally (1).jpg", "dup_group"]
        == rally["dup_group"]
    )
    assert (
        pd.isna(groups.loc["campaign/2024/rally_crop.jpg", "dup_group"])
        or groups.loc["campaign/2024/rally_crop.jpg", "dup_group"]
        != rally["dup_group"]
    )
    for near in [
        "campaign/2024/rally_crop.jpg",
        "campaign/2024/rally_small.jpg",
        "downloads/rally_whatsapp.jpg",
    ]:
        assert groups.loc[near, "near_group"] == rally["near_group"], near
    assert (
        groups.loc["archive/camera_gray.jpg", "near_group"] is pd.NA
        or groups.loc["archive/camera_gray.jpg", "near_group"]
        != rally["near_group"]
    )
    assert (table.loc[table["status"] != "ok", "near_group"].isna()).all()


@pytest.mark.skipif(
    not hasattr(os, "mkfifo"), reason="needs symlinks and named pipes (POSIX)"
)
def test_scan_folder_reports_links_and_odd_files_without_following(
    tmp_path, corpus
):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.jpg").write_bytes(
        (corpus[0] / "campaign/2024/rally.jpg").read_bytes()
    )
    folder = tmp_path / "mine"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.jpg").write_bytes((corpus[0] / "café.JPEG").read_bytes())
    (folder / "leaves.jpg").symlink_to(outside / "secret.jpg")
    (folder / "broken.jpg").symlink_to(tmp_path / "nowhere.jpg")
    (folder / "sub" / "inside.jpg").symlink_to(folder / "a.jpg")
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "away").symlink_to(outside, target_is_directory=True)
    os.mkfifo(folder / "pipe.jpg")  # reading it would block forever
    table = scan_folder(folder).set_index("path")
    assert sorted(table.index) == [
        "a.jpg",
        "away",
        "broken.jpg",
        "leaves.jpg",
        "loop",
        "pipe.jpg",
        "sub/inside.jpg",
    ]
    assert "leaving the folder" in table.loc[
        "leaves.jpg", "status"
    ] and pd.isna(table.loc["leaves.jpg", "sha256"])
    assert "broken link" in table.loc["broken.jpg", "status"]
    assert (
        "not followed" in table.loc["loop", "status"]
        and "leaves the folder" in table.loc["away", "status"]
    )
    assert "not a regular file" in table.loc["pipe.jpg", "status"]
    assert table.loc["sub/inside.jpg", "status"] == "ok"
    assert (
        table.loc["sub/inside.jpg", "dup_group"]
        == table.loc["a.jpg", "dup_group"]
    )
    tags = tag_folder(folder, tmp_path / "out", features=(), verbose=False)
    assert (
        list(tags["path"]) == sorted(table.index)
        and (tags["status"] == table["status"].sort_index().values).all()
    )


# ---------------------------------------------------------------- tag_folder


def test_tag_folder_one_row_per_file_nothing_dropped(
    corpus, onnx_table, tmp_path
):
    folder, manifest = corpus
    table = onnx_table
    assert list(table["path"]) == files_on_disk(folder)
    ok = table["status"] == "ok"
    assert (
        ok.to_numpy()
        == manifest.set_index("path").loc[table["path"], "readable"].to_numpy()
    ).all()
    assert (
        table.loc[ok, TAGS + PROBS + ["coarse", "coarse_p"]]
        .notna()
        .all()
        .all()
    )
    assert table.loc[~ok, TAGS + ["coarse"]].isna().all().all()
    p = table.loc[ok, PROBS].to_numpy(float)
    assert (
        (np.diff(p, axis=1) <= 0).all()
        and (p > 0).all()
        and (p.sum(axis=1) <= 1 + 1e-6).all()
    )
    assert (
        table.loc[ok, "coarse_p"] >= table.loc[ok, "p_1"] - 1e-6
    ).all()  # a coarse tag sums its classes
    assert (
        table.filter(like="hist_r_").shape[1] == 8
        and table.filter(like="glcm_entropy").shape[1] == 4
    )
    cat = table.set_index("path").loc["campaign/2024/rally.jpg"]
    assert cat["coarse"] == "animal" and "cat" in cat["tag_1"]
    dup = table.set_index("path").loc["campaign/2024/rally (1).jpg"]
    assert dup["tag_1"] == cat["tag_1"] and dup["p_1"] == cat["p_1"]


def test_final_csv_is_the_returned_table(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    table = tag_folder(
        corpus[0],
        out,
        top_k=2,
        features=("hist",),
        batch_size=8,
        chunk_files=10,
        verbose=False,
        progress=True,
    )
    bar = capsys.readouterr().err.split("\r")[-1]
    assert f"{N_FILES}/{N_FILES}" in bar and "files/s" in bar, (
        bar
    )  # the progress bar counted every file
    assert list(table.columns[:9]) == [
        "path",
        "sha256",
        "bytes",
        "status",
        "width",
        "height",
        "tag_1",
        "tag_2",
        "p_1",
    ]
    assert sorted(p.name for p in out.iterdir()) == [
        "chunks",
        "table.csv",
    ] and list((out / "chunks").glob("*.parquet"))
    sizes = [
        len(pd.read_parquet(f))
        for f in sorted((out / "chunks").glob("*.parquet"))
    ]
    assert (
        len(sizes) >= 2 and sum(sizes) == table["sha256"].nunique()
    )  # each distinct file once, in chunks
    assert (
        sum(n < 10 for n in sizes) <= 1
    )  # chunks of at least chunk_files rows, but for the last
    back = pd.read_csv(out / "table.csv", keep_default_na=True)
    assert_same_table(table, back, atol=1e-9)


def test_onnx_runtime_agrees_with_pytorch(onnx_table, torch_table):
    ok = onnx_table["status"] == "ok"
    assert ok.sum() >= 20
    assert (onnx_table.loc[ok, "tag_1"] == torch_table.loc[ok, "tag_1"]).all()
    diff = np.abs(
        onnx_table.loc[ok, PROBS].to_numpy(float)
        - torch_table.loc[ok, PROBS].to_numpy(float)
    )
    assert diff.max() < 1e-4, diff.max()


def test_onnx_file_is_cached_under_a_key_of_the_weights():
    import torch

    from helpers.files import _state_key, onnx_tagger_path
    from helpers.sources import cache_dir
    from helpers.weights import load_imagenet_cnn

    model = load_imagenet_cnn(verbose=False)
    path = onnx_tagger_path(model, verbose=False)
    assert path.parent == cache_dir() / "weights" and path.name.startswith(
        "tf_efficientnet_lite0-"
    )
    assert _state_key(model)[:16] in path.name
    with torch.no_grad():
        model.conv_stem.weight[0, 0, 0, 0] += (
            1  # other weights -> another file, never the stale one
        )
    assert _state_key(model) != _state_key(load_imagenet_cnn(verbose=False))


def test_resume_after_kill_9_equals_an_uninterrupted_run(
    corpus, onnx_table, tmp_path, capsys
):
    folder, _ = corpus
    out = tmp_path / "killed"
    cmd = [
        sys.executable,
        "-m",
        "helpers.files",
        "tag",
        str(folder),
        str(out),
        "--batch-size",
        "1",
        "--chunk-files",
        "1",
        "--engine",
        "onnx",
    ]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 120
        while not list((out / "chunks").glob("*.parquet")):
            assert proc.poll() is None, (
                f"the run ended before writing a chunk: {proc.stderr.read().decode()[-2000:]}"
            )
            assert time.monotonic() < deadline, "no chunk after 120 s"
            time.sleep(0.02)
        os.kill(
            proc.pid, signal.SIGKILL
        )  # no cleanup, no finally blocks: like a power cut
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    done = len(list((out / "chunks").glob("*.parquet")))
    assert 1 <= done and not (out / "table.csv").exists(), (
        "killed before the end: no final table yet"
    )
    resumed = tag_folder(folder, out, engine="onnx", batch_size=8)
    assert "were done in an earlier run" in capsys.readouterr().out
    reused = resumed.attrs["timing"]["from_earlier_runs"]
    assert 1 <= reused < len(resumed)
    assert_same_table(resumed, onnx_table)
    again = tag_folder(
        folder, out, engine="onnx", verbose=False
    )  # a third run has nothing left to do
    assert (
        again.attrs["timing"]["from_earlier_runs"] == len(again)
        and again.attrs["timing"]["tagged"] == 0
    )
    assert_same_table(again, onnx_table)


def test_dask_local_cluster_equals_serial(corpus, onnx_table, tmp_path):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            dashboard_address=None,
            silence_logs=40,
        ) as cluster,
        distributed.Client(cluster, timeout="30s") as client,
    ):
        table = tag_folder(
            corpus[0],
            tmp_path / "dask",
            engine="onnx",
            batch_size=8,
            client=client,
            partitions_per_worker=2,
            timeout=120,
            verbose=False,
        )
    chunks = sorted(
        p.name for p in (tmp_path / "dask" / "chunks").glob("*.parquet")
    )
    assert len({name.split("-")[0] for name in chunks}) == 4, (
        chunks
    )  # 2 workers x 2 partitions, own chunks each
    assert_same_table(table, onnx_table)


def test_import_is_light():
    """Importing helpers.files loads no model, GPU or cluster library (they come in when a function needs them)."""
    code = (
        "import sys, helpers.files; print(sorted(m for m in ('torch', 'timm', 'onnxruntime', 'distributed', "
        "'pandas', 'cv2', 'matplotlib.pyplot') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == 0 and out.stdout.strip() == "[]", (
        out.stdout + out.stderr
    )
