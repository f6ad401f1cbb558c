"""Your own images: read any image file, scan a folder into a status table (notebooks 01 and 10).

- ``read_image(path, mode="RGB", size=None, page=0)`` -> uint8 array, whatever the file (JPEG, PNG, GIF,
  BMP, TIFF, WebP, HEIC/HEIF, PDF pages; EXIF orientation applied; palette, alpha, CMYK, 16-bit, float and
  1-bit converted), or one error, ``UnreadableImage`` (a ValueError), naming the file and the reason.
- ``scan_folder(folder)`` -> one row per file found: size, sha256, format, pages, width, height, mode,
  EXIF orientation, status (a short code: ok, unreadable, not_an_image, system_file, not_a_file) and
  the reason, exact-duplicate and near-duplicate groups with each near group's largest distance.

Torch-free. Tagging a whole folder (models, chunks, resume, Dask, the command line) is the separate
``foldertag`` package of this repository: ``images-as-data tag FOLDER OUT`` or
``python -m foldertag tag FOLDER OUT``.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from .validate import check_int, check_positive_int

MAX_PIXELS = (
    89_478_485  # Pillow's own decompression-bomb limit (about 90 megapixels)
)
MODES = ("RGB", "L")
# EXIF "Orientation": 1 = upright, 3 = 180°, 6 = 90° clockwise, 8 = 90° anticlockwise
ORIENTATION_TAG = 0x0112
PDF_DPI = 100  # PDF pages are rendered at this resolution (an A4 page: 827 x 1169 pixels)

# The status codes of scan_folder and of the tagger's table (the reason goes into its own column).
STATUS = {
    "ok": "a readable image (or page)",
    "unreadable": "an image file that cannot be decoded: empty, truncated, corrupt or too large",
    "not_an_image": "a file that is not an image (text, HTML, a document Pillow cannot read)",
    "system_file": "a file the operating system writes (.DS_Store, Thumbs.db, desktop.ini, ._*): skipped",
    "not_a_file": "a link that is broken or leaves the folder, a folder link, a device, pipe or socket: not followed",
}
# Files operating systems and file managers leave in folders: never images, counted apart.
SYSTEM_NAMES = {
    ".ds_store",
    "thumbs.db",
    "desktop.ini",
    "ehthumbs.db",
    ".directory",
    "icon\r",
}


def is_system_file(name: str) -> bool:
    """True for .DS_Store, Thumbs.db, desktop.ini and macOS's ._* resource forks (any case)."""
    return name.lower() in SYSTEM_NAMES or name.startswith("._")


class UnreadableImage(ValueError):
    """A file that is not a readable image (empty, truncated, corrupt, not an image, too large); says which and why.

    ``code`` is 'unreadable' (an image that cannot be decoded) or 'not_an_image'.
    """

    def __init__(self, path, reason: str, code: str = "unreadable"):
        self.path = str(path)
        self.reason = reason
        self.code = code
        super().__init__(f"{self.path}: {reason}")


# ---------------------------------------------------------------- reading one file


def _check_mode(mode):
    if mode not in MODES:
        raise ValueError(
            f"mode={mode!r}; use 'RGB' (colour, (H, W, 3)) or 'L' (gray, (H, W))"
        )


def _check_size(size):
    if size is not None:
        check_positive_int(
            size,
            "size",
            "the shorter side in pixels, e.g. 256; or None for full size",
        )


SIGNATURES = {
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"BM": "BMP",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
    b"RIFF": "WebP",
}
HEIF_BRANDS = (
    b"heic",
    b"heix",
    b"hevc",
    b"heim",
    b"heis",
    b"mif1",
    b"msf1",
    b"avif",
)


def _describe_start(data: bytes) -> tuple[str, str]:
    """Why Pillow cannot open these bytes -> (code, reason)."""
    head = data[:16]
    for magic, fmt in SIGNATURES.items():
        if head.startswith(magic):
            return (
                "unreadable",
                f"corrupt {fmt} file: it starts like a {fmt}, but Pillow cannot read its header",
            )
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return (
            "unreadable",
            "HEIC/HEIF file that cannot be decoded (is pillow-heif installed? pip install pillow-heif)",
        )
    if head and all(32 <= b < 127 or b in (9, 10, 13) for b in head):
        return (
            "not_an_image",
            f"not an image: the file is text ({head.decode('ascii')[:12]!r}...)",
        )
    return (
        "not_an_image",
        f"not an image Pillow can read (it starts with bytes {head[:8].hex(' ')})",
    )


def _register_heif() -> None:
    """Let Pillow open HEIC/HEIF (the iPhone's default) through pillow-heif, when it is installed."""
    try:
        import pillow_heif
    # then HEIC files get the status 'unreadable' with the pip command
    except ImportError:
        return
    pillow_heif.register_heif_opener()


def _to_8bit(im):
    """16-bit, 32-bit int and float images -> mode 'L' (uint8), scaled, never clipped."""
    from PIL import Image

    a = np.asarray(im)
    if im.mode == "F":
        a = a.astype(np.float64)
        finite = a[np.isfinite(a)]
        lo, hi = (
            (float(finite.min()), float(finite.max()))
            if finite.size
            else (0.0, 1.0)
        )
        # the usual convention for float images: [0, 1]
        if lo >= 0 and hi <= 1:
            scaled = a * 255
        else:  # any other range: stretched to 0..255 (documented in read_image)
            scaled = (a - lo) / ((hi - lo) or 1.0) * 255
        out = np.nan_to_num(scaled, nan=0.0)
    else:  # 16 bits: 0..65535 -> 0..255 (divide by 257, round)
        a = a.astype(np.float64)
        # 32-bit ints outside 16 bits: stretch
        if a.min() < 0 or a.max() > 65535:
            out = (a - a.min()) / ((a.max() - a.min()) or 1.0) * 255
        else:
            out = a / 257
    return Image.fromarray(
        np.clip(np.round(out), 0, 255).astype(np.uint8), mode="L"
    )


def _to_mode(im, mode: str):
    """Any Pillow image -> mode 'RGB' or 'L': palette/alpha composited on white, CMYK/16-bit/float/1-bit converted."""
    from PIL import Image

    if im.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        im = _to_8bit(im)
    elif im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    elif im.mode == "PA":
        im = im.convert("RGBA")
    # transparent pixels become white, as a viewer shows them
    if im.mode in ("LA", "La", "RGBA", "RGBa"):
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(white, rgba).convert("RGB")
    if im.mode != mode:
        # L -> RGB repeats, RGB -> L uses ITU-R 601 luma; CMYK, 1, ... too
        im = im.convert(mode)
    return im


def _open_pdf_page(data: bytes, name, page: int, dpi: int):
    """Render one page of a PDF (pypdfium2) -> (Pillow RGB image, number of pages)."""
    try:
        import pypdfium2 as pdfium
    except ImportError:
        raise UnreadableImage(
            name,
            "a PDF, and pypdfium2 is not installed: pip install pypdfium2",
        ) from None
    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:
        raise UnreadableImage(
            name, f"corrupt PDF ({type(exc).__name__}: {exc})"
        ) from None
    try:
        n = len(pdf)
        if n == 0:
            raise UnreadableImage(name, "a PDF without pages")
        if not 0 <= page < n:
            raise UnreadableImage(
                name,
                f"page={page} is out of range: the PDF has {n} pages (0..{n - 1})",
            )
        im = pdf[page].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        pdf.close()
    return im, n


def _decode(
    data: bytes,
    name,
    mode: str = "RGB",
    size: int | None = None,
    max_pixels: int = MAX_PIXELS,
    page: int = 0,
    dpi: int = PDF_DPI,
):
    """Bytes of one file -> (uint8 array, info: format, pages, width, height, mode, orientation) or UnreadableImage.

    page: which page or frame (0 = the first) of a multi-page TIFF, an animated GIF or a PDF.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    if len(data) == 0:
        raise UnreadableImage(name, "empty file (0 bytes)")
    if data[:5] == b"%PDF-":
        im, n_pages = _open_pdf_page(data, name, page, dpi)
    else:
        _register_heif()
        try:
            im = Image.open(io.BytesIO(data))
        except UnidentifiedImageError:
            code, reason = _describe_start(data)
            raise UnreadableImage(name, reason, code) from None
        except Image.DecompressionBombError as exc:
            raise UnreadableImage(
                name, f"too many pixels (decompression bomb?): {exc}"
            ) from None
        except Exception as exc:  # corrupt headers raise many types (SyntaxError, struct.error, ...)
            raise UnreadableImage(
                name, f"corrupt image header ({type(exc).__name__}: {exc})"
            ) from None
        n_pages = int(getattr(im, "n_frames", 1) or 1)
    with im:
        fmt = "PDF" if data[:5] == b"%PDF-" else im.format
        raw_mode = im.mode
        w, h = im.size
        if w * h > max_pixels:
            raise UnreadableImage(
                name,
                f"{w} x {h} = {w * h:,} pixels is over max_pixels={max_pixels:,} "
                f"(a decompression bomb?); pass a larger max_pixels= if you trust the file",
            )
        if fmt != "PDF" and not 0 <= page < n_pages:
            raise UnreadableImage(
                name,
                f"page={page} is out of range: the file has {n_pages} page(s)",
            )
        try:
            orientation = int(im.getexif().get(ORIENTATION_TAG, 1) or 1)
        except Exception:  # a broken EXIF block: the pixels may still be fine
            orientation = 1
        try:
            if size is not None and fmt == "JPEG" and min(w, h) > 2 * size:
                # decode at 1/2, 1/4 or 1/8 scale (DCT scaling): never below size on the shorter side
                scale = min(w, h) / size
                im.draft(
                    im.mode, (int(np.ceil(w / scale)), int(np.ceil(h / scale)))
                )
            if fmt != "PDF":
                # multi-page TIFFs and animations: the page asked for (the first by default)
                im.seek(page)
            im.load()
            if fmt != "PDF" and page:
                raw_mode = im.mode
            im = ImageOps.exif_transpose(im) if orientation != 1 else im
            im = _to_mode(im, mode)
            if size is not None:
                iw, ih = im.size
                scale = size / min(iw, ih)
                new = (max(1, round(iw * scale)), max(1, round(ih * scale)))
                if new != im.size:
                    # antialiased when shrinking
                    im = im.resize(new, Image.Resampling.BILINEAR)
            arr = np.array(im, dtype=np.uint8)
        except OSError as exc:
            reason = str(exc)
            if "truncated" in reason:
                reason = f"truncated file: {reason}"
            raise UnreadableImage(name, reason) from None
        except Exception as exc:
            raise UnreadableImage(
                name, f"corrupt image data ({type(exc).__name__}: {exc})"
            ) from None
    if orientation in (5, 6, 7, 8):
        w, h = h, w  # as displayed
    return arr, {
        "format": fmt,
        "pages": n_pages,
        "width": w,
        "height": h,
        "mode": raw_mode,
        "orientation": orientation,
    }


def read_image(
    path,
    mode: str = "RGB",
    size: int | None = None,
    max_pixels: int = MAX_PIXELS,
    page: int = 0,
    dpi: int = PDF_DPI,
) -> np.ndarray:
    """Read an image file -> uint8 array (H, W, 3) for mode='RGB' or (H, W) for 'L', upright as a viewer shows it.

    JPEG, PNG, GIF, BMP, TIFF, WebP (anything Pillow reads), HEIC/HEIF (with pillow-heif) and PDF pages
    (rendered by pypdfium2 at dpi dots per inch, 100 by default): the EXIF orientation is applied; palette
    images, alpha (composited on white), CMYK, 1-bit, 16-bit (divided by 257) and float TIFFs (x 255 when
    in [0, 1], else stretched min..max) are converted. page: which page of a multi-page TIFF or PDF, or
    which frame of an animated GIF (0 = the first; scan_folder's 'pages' column says how many there are).
    size=S resizes so that the shorter side is S pixels (aspect ratio kept); large JPEGs are then decoded
    at 1/2, 1/4 or 1/8 scale first (Pillow's draft mode), which is several times faster. Raises
    UnreadableImage (a ValueError) naming the file and the reason for empty, truncated, corrupt, non-image
    and too large (over max_pixels) files.
    """
    _check_mode(mode)
    _check_size(size)
    check_int(page, "page", "0 = the first page or frame", low=0)
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableImage(
            path,
            "no such file; check the path (Path.cwd() is where relative paths start)",
        ) from None
    except IsADirectoryError:
        raise UnreadableImage(
            path,
            "this is a folder, not a file; use scan_folder(folder) for folders",
        ) from None
    except OSError as exc:
        raise UnreadableImage(
            path, f"cannot read the file: {exc.strerror or exc}"
        ) from None
    return _decode(
        data, path, mode, size, max_pixels, page=int(page), dpi=dpi
    )[0]


# ---------------------------------------------------------------- listing a folder


def _list_files(
    folder: Path, recursive: bool = True, skip: Path | None = None
) -> list[tuple[str, Path, tuple[str, str] | None]]:
    """Every file under folder, sorted -> [(relative posix path, path, (code, reason) or None)].

    Links leaving the folder are not followed; system files (.DS_Store, ...) are listed with their code.
    """
    root = folder.resolve()
    skip = skip.resolve() if skip is not None else None
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirpath)
        if skip is not None and here.resolve() == skip:
            dirnames[:] = []
            continue
        keep = []
        for d in sorted(dirnames):
            p = here / d
            if skip is not None and p.resolve() == skip:
                continue
            # never followed: it could loop, or leave the folder
            if p.is_symlink():
                target = os.readlink(p)
                inside = p.resolve().is_relative_to(root)
                reason = f"link to a folder ({target}), not followed" + (
                    "" if inside else ": it leaves the folder"
                )
                found.append(
                    (
                        p.relative_to(folder).as_posix(),
                        p,
                        ("not_a_file", reason),
                    )
                )
            else:
                keep.append(d)
        dirnames[:] = keep if recursive else []
        for f in filenames:
            p = here / f
            rel = p.relative_to(folder).as_posix()
            problem = None
            if p.is_symlink():
                target = p.resolve()
                if not target.exists():
                    problem = (
                        "not_a_file",
                        f"broken link (to {os.readlink(p)})",
                    )
                elif not target.is_relative_to(root):
                    problem = (
                        "not_a_file",
                        f"link leaving the folder (to {os.readlink(p)}), not followed",
                    )
            elif not p.is_file():
                problem = (
                    "not_a_file",
                    "not a regular file (a device, pipe or socket)",
                )
            elif is_system_file(f):
                problem = (
                    "system_file",
                    f"written by the operating system ({f}), not an image",
                )
            found.append((rel, p, problem))
    return sorted(found, key=lambda t: t[0])


def check_folder(folder) -> Path:
    """folder -> Path, or an error naming it and the fix (missing, or a file)."""
    folder = Path(folder)
    if not folder.exists():
        raise FileNotFoundError(
            f"the folder {folder} does not exist; check the path (relative paths start at {Path.cwd()})"
        )
    if not folder.is_dir():
        raise NotADirectoryError(
            f"{folder} is a file, not a folder; give the folder that holds your images"
        )
    return folder


# ---------------------------------------------------------------- scanning a folder


def read_and_hash(path: Path, record: dict) -> bytes | None:
    """Read a file's bytes, put their size and sha256 into record; on a read error its status and reason, and None."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        record["status"], record["reason"] = (
            "unreadable",
            f"cannot read the file: {exc.strerror or exc}",
        )
        return None
    record.update(bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    return data


SCAN_COLUMNS = [
    "path", "bytes", "sha256", "format", "pages", "width", "height", "mode", "orientation",
    "status", "reason", "phash",
]  # fmt: skip


def _scan_one(rel: str, path: Path, problem) -> dict:
    row = dict.fromkeys(SCAN_COLUMNS)
    row.update(path=rel, status="ok", reason="")
    if problem:
        row["status"], row["reason"] = problem
        return row
    data = read_and_hash(path, row)
    if data is None:
        return row
    try:
        # every pixel decoded (truncation shows), at 1/8 scale
        small, info = _decode(data, rel, "L", size=64)
    except UnreadableImage as exc:
        row["status"], row["reason"] = exc.code, exc.reason
        return row
    import imagehash
    from PIL import Image

    row.update(info)
    # 64 bits, as 16 hex digits
    row["phash"] = str(imagehash.phash(Image.fromarray(small)))
    return row


def _groups(keys: list, linked) -> list:
    """Connected groups of items (union-find) -> group number per item (0, 1, ... by first member), None if alone."""
    parent = list(range(len(keys)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in linked:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    roots = [find(i) for i in range(len(keys))]
    sizes = Counter(roots)
    numbers: dict[int, int] = {}
    out = []
    for i, r in enumerate(roots):
        if keys[i] is None or sizes[r] < 2:
            out.append(None)
        else:
            out.append(numbers.setdefault(r, len(numbers)))
    return out


def _hash_ints(hex_hashes: list) -> tuple[np.ndarray, np.ndarray]:
    index = np.array(
        [i for i, h in enumerate(hex_hashes) if h is not None], dtype=np.intp
    )
    return index, np.array(
        [int(hex_hashes[i], 16) for i in index], dtype=np.uint64
    )


def near_groups(hex_hashes: list, threshold: int) -> tuple[list, list]:
    """Near-duplicate groups that do not chain -> (group number or None per item, the group's largest distance).

    Leader grouping, in the order given: the first image not yet in a group starts one, and every later
    image within threshold bits *of that first image* joins it. So A ~ B and B ~ C never put A and C
    together unless C is close to A too (union-find would chain them); within a group two members differ
    in at most 2 x threshold bits, and the largest distance actually found is reported.
    """
    index, ints = _hash_ints(hex_hashes)
    group: list = [None] * len(hex_hashes)
    spread: list = [None] * len(hex_hashes)
    free = np.ones(len(ints), bool)
    number = 0
    for a in range(len(ints)):
        if not free[a]:
            continue
        dist = np.bitwise_count(ints[a] ^ ints)
        members = np.flatnonzero(free & (dist <= threshold))
        if len(members) < 2:
            continue
        free[members] = False
        sub = ints[members]
        largest = int(np.bitwise_count(sub[:, None] ^ sub[None, :]).max())
        for m in members:
            group[index[m]], spread[index[m]] = number, largest
        number += 1
    return group, spread


def scan_folder(
    folder,
    recursive: bool = True,
    near_threshold: int = 10,
    workers: int | None = None,
):
    """Scan a folder -> pandas DataFrame, one row per file found (images or not), sorted by path.

    Columns: path (relative, '/'), bytes, sha256, format, pages (frames of a GIF, pages of a TIFF or
    PDF), width, height (as displayed, after EXIF orientation), mode (Pillow's, e.g. 'RGB', 'P',
    'I;16'), orientation (EXIF, 1 = upright), status (a code of STATUS: ok, unreadable, not_an_image,
    system_file, not_a_file) and reason (why, in words; empty when ok), phash (perceptual hash,
    imagehash.phash), dup_group (files with the same sha256: identical bytes), near_group (images whose
    phash differs in at most near_threshold of the 64 bits from the group's first image: crops, resized
    or recompressed copies; groups do not chain, see near_groups) and near_distance (the largest
    distance, in bits, between two members of that near group). Groups are numbered 0, 1, ... and empty
    (<NA>) for files without a partner. Caution: near duplicates are pictures that *look* alike, so scans
    of one printed form, filled in differently, collide too. A bad file never stops the scan.
    """
    import pandas as pd

    folder = check_folder(folder)
    check_int(
        near_threshold,
        "near_threshold",
        "bits that may differ, e.g. 10",
        low=0,
    )
    files = _list_files(folder, recursive)
    with ThreadPoolExecutor(
        max_workers=workers or min(8, os.cpu_count() or 1)
    ) as pool:
        rows = list(pool.map(lambda f: _scan_one(*f), files))
    table = pd.DataFrame(rows, columns=SCAN_COLUMNS)
    for col in ("bytes", "pages", "width", "height", "orientation"):
        table[col] = table[col].astype("Int64")
    shas = [s if isinstance(s, str) else None for s in table["sha256"]]
    first = {}
    exact = [
        (first.setdefault(s, i), i)
        for i, s in enumerate(shas)
        if s is not None
    ]
    table["dup_group"] = pd.array(_groups(shas, exact), dtype="Int64")
    hashes = [h if isinstance(h, str) else None for h in table["phash"]]
    group, spread = near_groups(hashes, near_threshold)
    table["near_group"] = pd.array(group, dtype="Int64")
    table["near_distance"] = pd.array(spread, dtype="Int64")
    return table
