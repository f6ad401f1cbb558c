"""helpers.files: every kind of file (bad ones too) gives a clear error or a status code with its reason, never a crash,
one row per file; near-duplicate groups do not chain. The tagger's own tests are in tests/test_foldertag.py."""

import hashlib
import io
import os
import struct
import subprocess
import sys
import zlib

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from foldertag.demo import MIN_FILES, make_demo_corpus
from helpers.files import (
    STATUS,
    UnreadableImage,
    near_groups,
    read_image,
    scan_folder,
)
from tools.project import ROOT

N_FILES = MIN_FILES  # the session's demo corpus (tests/conftest.py)


@pytest.fixture(scope="module")
def corpus(demo_corpus):
    return demo_corpus


def files_on_disk(folder):
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() or p.is_symlink()
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
        "multi-page TIFF",
        "PDF, 2 pages",
        "HEIC",
        "macOS folder settings",
    ]:
        assert word in kinds, word
    assert (
        any(not p.isascii() for p in manifest["path"])
        and manifest["path"].str.count("/").max() >= 2
    )
    again = make_demo_corpus(tmp_path / "again", N_FILES, seed=0)

    def digest(root, rel):
        return hashlib.sha256((root / rel).read_bytes()).hexdigest()

    assert [digest(folder, r) for r in manifest["path"]] == [
        digest(tmp_path / "again", r) for r in again["path"]
    ]
    with pytest.raises(FileExistsError, match="not empty"):
        make_demo_corpus(folder, N_FILES)
    with pytest.raises(
        ValueError,
        match=rf"n=5; it must be an integer >= {MIN_FILES} \(the demo corpus needs one file of each kind of mess",
    ):
        make_demo_corpus(tmp_path / "small", 5)


def test_read_image_every_file_of_the_corpus(corpus):
    folder, manifest = corpus
    for rel, readable, kind in zip(
        manifest["path"], manifest["readable"], manifest["kind"], strict=True
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
    # orientation 6, 3, 8
    for name, k in [
        ("IMG_0001.JPG", -1),
        ("IMG_0002.JPG", 2),
        ("IMG_0003.JPG", 1),
    ]:
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
    # /257, not clipped
    np.testing.assert_array_equal(read_image(sixteen, mode="L"), page)
    # what naive Pillow code gets
    assert (np.asarray(Image.open(sixteen).convert("L")) == 255).mean() > 0.9
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
    # draft mode changes pixels a little, not the picture
    assert np.abs(small.astype(int) - reference).mean() < 3
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
    with pytest.raises(NotADirectoryError, match="is a file, not a folder"):
        scan_folder(path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        scan_folder(tmp_path / "nowhere")
    with pytest.raises(ValueError, match="page=-1"):
        read_image(path, page=-1)
    with pytest.raises(UnreadableImage, match="page=3 is out of range"):
        read_image(folder / "posters/sticker.gif", page=3)


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
    reason = table["reason"]
    assert "leaving the folder" in reason["leaves.jpg"] and pd.isna(
        table.loc["leaves.jpg", "sha256"]
    )
    assert "broken link" in reason["broken.jpg"]
    assert (
        "not followed" in reason["loop"]
        and "leaves the folder" in reason["away"]
    )
    assert "not a regular file" in reason["pipe.jpg"]
    assert set(table["status"]) == {"ok", "not_a_file"}
    assert table.loc["sub/inside.jpg", "status"] == "ok"
    assert (
        table.loc["sub/inside.jpg", "dup_group"]
        == table.loc["a.jpg", "dup_group"]
    )


def test_status_is_a_small_set_of_codes_with_the_reason_apart(corpus):
    folder, _ = corpus
    table = scan_folder(folder).set_index("path")
    assert set(table["status"]) == {
        "ok",
        "unreadable",
        "not_an_image",
        "system_file",
    } and set(table["status"]) <= set(STATUS)
    assert (table.loc[table["status"] == "ok", "reason"] == "").all()
    assert (table.loc[table["status"] != "ok", "reason"].str.len() > 5).all()
    system = table.index[table["status"] == "system_file"]
    assert sorted(system) == [
        ".DS_Store",
        "phone/._IMG_0001.JPG",
        "scans/Thumbs.db",
    ]
    assert table.loc["broken/not_really.jpg", "status"] == "not_an_image"
    assert table.loc["broken/truncated.jpg", "status"] == "unreadable"


def test_heic_pdf_and_multipage_files(corpus):
    from helpers.data import load_photo

    folder, _ = corpus
    table = scan_folder(folder).set_index("path")
    assert table.loc["phone/IMG_0004.HEIC", ["format", "status"]].tolist() == [
        "HEIF",
        "ok",
    ]
    heic = read_image(folder / "phone/IMG_0004.HEIC")
    assert heic.shape == (447, 672, 3) and 0.3 < heic.mean() / 255 < 0.8
    assert table.loc["scans/minutes_3pages.tif", "pages"] == 3
    assert table.loc["posters/sticker.gif", "pages"] == 2
    assert table.loc["scans/leaflet.pdf", ["format", "pages"]].tolist() == [
        "PDF",
        2,
    ]
    page, text = (load_photo(n, verbose=False) for n in ("page", "text"))
    tif = folder / "scans/minutes_3pages.tif"
    np.testing.assert_array_equal(read_image(tif, mode="L", page=1), text)
    np.testing.assert_array_equal(read_image(tif, mode="L"), page)
    # the PDF was written at 72 dpi: rendered at 144 dpi each side doubles
    first = read_image(folder / "scans/leaflet.pdf", dpi=144)
    assert first.shape[:2] == (2 * page.shape[0], 2 * page.shape[1])
    second = read_image(folder / "scans/leaflet.pdf", page=1, dpi=72)
    coffee = load_photo("coffee", verbose=False)
    assert second.shape == coffee.shape
    assert np.abs(second.astype(int) - coffee).mean() < 8  # JPEG inside


def test_near_groups_do_not_chain_and_report_their_spread():
    a = 0
    b = (1 << 8) - 1  # 8 bits from a
    c = (1 << 16) - 1  # 16 bits from a, 8 from b
    far = (1 << 64) - 1
    hexes = [f"{v:016x}" for v in (a, b, c, far)] + [None]
    group, spread = near_groups(hexes, threshold=10)
    assert group == [0, 0, None, None, None]  # c is near b, not near a
    assert spread == [8, 8, None, None, None]
    group, spread = near_groups(hexes[1:], threshold=10)
    assert group == [0, 0, None, None] and spread[:2] == [8, 8]
    group, spread = near_groups(hexes, threshold=16)
    assert group == [0, 0, 0, None, None] and spread[0] == 16


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
