"""A realistic messy demo folder, built from the course's offline images (notebook 10, the tests, the bench)."""

from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np

from helpers.files import ORIENTATION_TAG
from helpers.validate import check_int

MIN_FILES = 36  # one of each kind of mess
# the PDF's dates: same seed, same bytes
FIXED_DATE = time.gmtime(1_714_564_800)


def _jpeg_bytes(img: np.ndarray, quality: int, exif=None, **kw) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(img).save(
        buf,
        "JPEG",
        quality=quality,
        **({"exif": exif} if exif is not None else {}),
        **kw,
    )
    return buf.getvalue()


def _saved(im, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def _resized(img: np.ndarray, width: int, height: int) -> np.ndarray:
    from PIL import Image

    return np.asarray(
        Image.fromarray(img).resize((width, height), Image.Resampling.LANCZOS)
    )


def _scaled_to(img: np.ndarray, megapixels: float) -> np.ndarray:
    h, w = img.shape[:2]
    s = np.sqrt(megapixels * 1e6 / (h * w))
    return _resized(img, max(8, round(w * s)), max(8, round(h * s)))


def _heif_bytes(img: np.ndarray) -> bytes | None:
    """A HEIC file (pillow-heif), or None when pillow-heif is not installed."""
    try:
        import pillow_heif
    except ImportError:
        return None
    buf = io.BytesIO()
    pillow_heif.from_bytes(
        mode="RGB",
        size=img.shape[1::-1],
        data=np.ascontiguousarray(img).tobytes(),
    ).save(buf, quality=80)
    return buf.getvalue()


def make_demo_corpus(folder, n: int = 40, seed: int = 0):
    """Write a messy folder of n files from the course's offline images -> manifest (path, kind, source, readable).

    Photos at several sizes (up to 3 megapixels) and JPEG qualities, EXIF-rotated copies, exact and
    near duplicates (crop, smaller copy, recompression), a PNG with alpha, an animated palette GIF,
    16-bit, float and 1-bit TIFF/PNG scans, CMYK, BMP, WebP, grayscale, faces and Fashion-MNIST
    icons, a multi-page TIFF, a 2-page PDF, a HEIC photo, system files (.DS_Store, ._*, Thumbs.db), a
    zero-byte file, a truncated JPEG, a text file named .jpg, a notes file, nested subfolders
    and non-ASCII names. Deterministic for a given seed. n must be at least 36 (the
    fixed cases); the rest are more photos, icons and faces.
    """
    import pandas as pd
    from PIL import Image

    from helpers.data import load_face_patches, load_fashion_mnist, load_photo

    check_int(
        n,
        "n",
        f"the demo corpus needs one file of each kind of mess, e.g. n={MIN_FILES}",
        low=MIN_FILES,
    )
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(
            f"{folder} is not empty; give a new or empty folder for the demo corpus"
        )
    rng = np.random.default_rng(seed)
    photo = {
        name: load_photo(name, verbose=False)
        for name in (
            "chelsea",
            "astronaut",
            "coffee",
            "rocket",
            "hubble_deep_field",
            "immunohistochemistry",
            "camera",
            "coins",
            "page",
            "text",
            "moon",
        )
    }
    faces, face_y = load_face_patches(verbose=False)
    fashion = load_fashion_mnist(verbose=False)
    # path, bytes, kind, source, readable
    files: list[tuple[str, bytes, str, str, bool]] = []

    def add(path, data, kind, source, readable=True):
        files.append((path, data, kind, source, readable))

    def exif_orientation(value):
        exif = Image.Exif()
        exif[ORIENTATION_TAG] = value
        return exif.tobytes()

    cat = _scaled_to(photo["chelsea"], 2.0)
    rally = _jpeg_bytes(cat, 92)
    add("campaign/2024/rally.jpg", rally, "photo (2 MP)", "chelsea")
    add("campaign/2024/rally (1).jpg", rally, "exact duplicate", "chelsea")
    h, w = cat.shape[:2]
    add(
        "campaign/2024/rally_crop.jpg",
        _jpeg_bytes(cat[h // 25 : h - h // 25, w // 25 : w - w // 25], 85),
        "near duplicate: cropped 4% per side",
        "chelsea",
    )
    add(
        "campaign/2024/rally_small.jpg",
        _jpeg_bytes(_resized(cat, w // 4, h // 4), 60),
        "near duplicate: smaller, recompressed",
        "chelsea",
    )
    add(
        "downloads/rally_whatsapp.jpg",
        _jpeg_bytes(_resized(cat, w // 3, h // 3), 35),
        "near duplicate: recompressed at quality 35",
        "chelsea",
    )
    # a portrait (3:4) photo, stored landscape
    astro = _scaled_to(photo["astronaut"][:, 64:448], 3.0)
    add(
        "phone/IMG_0001.JPG",
        _jpeg_bytes(np.rot90(astro, 1).copy(), 90, exif=exif_orientation(6)),
        "EXIF orientation 6 (stored on its side)",
        "astronaut",
    )
    coffee = _scaled_to(photo["coffee"], 1.2)
    add(
        "phone/IMG_0002.JPG",
        _jpeg_bytes(np.rot90(coffee, 2).copy(), 90, exif=exif_orientation(3)),
        "EXIF orientation 3 (stored upside down)",
        "coffee",
    )
    add(
        "phone/IMG_0003.JPG",
        _jpeg_bytes(
            np.rot90(_scaled_to(photo["rocket"], 1.0), -1).copy(),
            88,
            exif=exif_orientation(8),
        ),
        "EXIF orientation 8",
        "rocket",
    )
    rocket = _scaled_to(photo["rocket"], 0.4)
    yy, xx = np.mgrid[: rocket.shape[0], : rocket.shape[1]]
    cy, cx = rocket.shape[0] / 2, rocket.shape[1] / 2
    alpha = (((yy - cy) / cy) ** 2 + ((xx - cx) / cx) ** 2 <= 1).astype(
        np.uint8
    ) * 255
    add(
        "posters/poster_alpha.png",
        _saved(Image.fromarray(np.dstack([rocket, alpha]), "RGBA"), "PNG"),
        "PNG with alpha (RGBA)",
        "rocket",
    )
    frames = [
        Image.fromarray(_scaled_to(photo["coffee"], 0.1)).quantize(64),
        Image.fromarray(_scaled_to(photo["chelsea"], 0.1)).quantize(64),
    ]
    add(
        "posters/sticker.gif",
        _saved(
            frames[0],
            "GIF",
            save_all=True,
            append_images=frames[1:],
            duration=500,
            loop=0,
        ),
        "animated palette GIF (2 frames)",
        "coffee, chelsea",
    )
    page16 = photo["page"].astype(np.uint16) * 257
    add(
        "scans/form_16bit.tif",
        _saved(Image.fromarray(page16), "TIFF"),
        "16-bit gray TIFF",
        "page",
    )
    add(
        "scans/form_float.tif",
        _saved(
            Image.fromarray(photo["coins"].astype(np.float32) / 255, "F"),
            "TIFF",
        ),
        "32-bit float TIFF in [0, 1]",
        "coins",
    )
    add(
        "scans/tally_1bit.png",
        _saved(Image.fromarray(photo["text"] > 100).convert("1"), "PNG"),
        "1-bit black and white PNG",
        "text",
    )
    add(
        "print/flyer_cmyk.jpg",
        _saved(
            Image.fromarray(
                _scaled_to(photo["immunohistochemistry"], 0.5)
            ).convert("CMYK"),
            "JPEG",
            quality=90,
        ),
        "CMYK JPEG (print file)",
        "immunohistochemistry",
    )
    add(
        "archive/camera_gray.jpg",
        _jpeg_bytes(photo["camera"], 80),
        "grayscale JPEG",
        "camera",
    )
    add(
        "archive/moon.bmp",
        _saved(Image.fromarray(photo["moon"]), "BMP"),
        "BMP",
        "moon",
    )
    add(
        "archive/coffee.webp",
        _saved(Image.fromarray(photo["coffee"]), "WEBP", quality=80),
        "WebP",
        "coffee",
    )
    add(
        "archive/hubble.png",
        _saved(Image.fromarray(photo["hubble_deep_field"]), "PNG"),
        "PNG",
        "hubble_deep_field",
    )
    add(
        "München/Kundgebung_Straße.jpg",
        _jpeg_bytes(_scaled_to(photo["astronaut"], 0.6), 85),
        "non-ASCII folder and file name",
        "astronaut",
    )
    add(
        "集会/写真_01.png",
        _saved(Image.fromarray(photo["coins"]), "PNG"),
        "non-ASCII (CJK) names",
        "coins",
    )
    add(
        "café.JPEG",
        _jpeg_bytes(_scaled_to(photo["coffee"], 0.3), 75),
        "non-ASCII name, .JPEG suffix",
        "coffee",
    )
    add("broken/empty.jpg", b"", "zero-byte file", "-", False)
    add(
        "broken/truncated.jpg",
        rally[: len(rally) * 3 // 5],
        "truncated JPEG (download stopped at 60%)",
        "chelsea",
        False,
    )
    add(
        "broken/not_really.jpg",
        b"<html><body>Access denied</body></html>\n",
        "text file named .jpg",
        "-",
        False,
    )
    damaged = bytearray(_saved(Image.fromarray(photo["coins"]), "PNG"))
    damaged[29] ^= 0xFF  # one flipped byte in the header's checksum
    add(
        "broken/damaged_header.png",
        bytes(damaged),
        "PNG with a damaged header",
        "coins",
        False,
    )
    add(
        "notes.txt",
        b"Folder from the 2024 campaign, photos by volunteers.\n",
        "a text file (not an image)",
        "-",
        False,
    )
    pages = [
        Image.fromarray(photo[name]).convert("L")
        for name in ("page", "text", "coins")
    ]
    add(
        "scans/minutes_3pages.tif",
        _saved(pages[0], "TIFF", save_all=True, append_images=pages[1:]),
        "multi-page TIFF (3 pages)",
        "page, text, coins",
    )
    add(
        "scans/leaflet.pdf",
        _saved(
            Image.fromarray(photo["page"]).convert("RGB"),
            "PDF",
            save_all=True,
            append_images=[Image.fromarray(photo["coffee"])],
            resolution=72,
            creationDate=FIXED_DATE,
            modDate=FIXED_DATE,
        ),
        "PDF, 2 pages (a scanned page and a photo)",
        "page, coffee",
    )
    heif = _heif_bytes(_scaled_to(photo["chelsea"], 0.3))
    if heif is not None:
        add(
            "phone/IMG_0004.HEIC",
            heif,
            "HEIC (an iPhone's default)",
            "chelsea",
        )
    add(
        ".DS_Store",
        b"\x00\x00\x00\x01Bud1" + bytes(64),
        "macOS folder settings",
        "-",
        False,
    )
    add(
        "phone/._IMG_0001.JPG",
        b"\x00\x05\x16\x07" + bytes(60),
        "macOS resource fork",
        "-",
        False,
    )
    add(
        "scans/Thumbs.db",
        bytes(range(256)),
        "Windows thumbnail cache",
        "-",
        False,
    )
    for i in range(2):
        face = (faces[i] * 255).round().astype(np.uint8)
        add(
            f"faces/face_{i:03d}.png",
            _saved(
                Image.fromarray(face).resize(
                    (100, 100), Image.Resampling.BICUBIC
                ),
                "PNG",
            ),
            "face patch (100 x 100 gray)",
            "lfw_subset",
        )
    for i in range(2):
        add(
            f"shop/item_{i:03d}.png",
            _saved(Image.fromarray(fashion.X_test[i]), "PNG"),
            "Fashion-MNIST icon (28 x 28)",
            "fashion-mnist",
        )
    fixed = len(files)
    rgb_names = [
        "chelsea",
        "astronaut",
        "coffee",
        "rocket",
        "hubble_deep_field",
        "immunohistochemistry",
    ]
    for i in range(n - fixed):
        roll = rng.random()
        if roll < 0.6:  # a photo: random crop, size and quality
            name = rgb_names[rng.integers(len(rgb_names))]
            img = photo[name]
            hh, ww = img.shape[:2]
            ch, cw = (
                int(hh * rng.uniform(0.5, 1)),
                int(ww * rng.uniform(0.5, 1)),
            )
            top, left = (
                rng.integers(0, hh - ch + 1),
                rng.integers(0, ww - cw + 1),
            )
            img = _scaled_to(
                img[top : top + ch, left : left + cw],
                float(rng.choice([0.1, 0.3, 0.5, 1.0, 1.5])),
            )
            add(
                f"volunteers/v{i % 3}/photo_{i:04d}.jpg",
                _jpeg_bytes(img, int(rng.integers(50, 96))),
                f"photo ({img.shape[1]} x {img.shape[0]})",
                name,
            )
        elif roll < 0.8:
            j = int(rng.integers(len(fashion.X_test)))
            add(
                f"shop/item_{i + 2:03d}.png",
                _saved(Image.fromarray(fashion.X_test[j]), "PNG"),
                "Fashion-MNIST icon (28 x 28)",
                "fashion-mnist",
            )
        elif roll < 0.92:
            j = int(rng.integers(len(faces)))
            face = (faces[j] * 255).round().astype(np.uint8)
            add(
                f"faces/face_{i + 2:03d}.png",
                _saved(
                    Image.fromarray(face).resize(
                        (100, 100), Image.Resampling.BICUBIC
                    ),
                    "PNG",
                ),
                "face patch (100 x 100 gray)",
                "lfw_subset",
            )
        else:  # someone saved the same file twice
            src = files[int(rng.integers(0, 3))]
            add(
                f"downloads/copy_{i:04d}.jpg",
                src[1],
                "exact duplicate",
                src[3],
            )
    rows = []
    for rel, data, kind, source, readable in files:
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        rows.append(
            {"path": rel, "kind": kind, "source": source, "readable": readable}
        )
    return pd.DataFrame(rows).sort_values("path", ignore_index=True)
