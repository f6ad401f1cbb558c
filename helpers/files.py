"""Your own images: read any image file, scan a folder into a status table, tag a folder into one tidy table.

- ``read_image(path, mode="RGB", size=None)`` -> uint8 array, whatever the file (JPEG, PNG, GIF, BMP, TIFF,
  WebP; EXIF orientation applied; palette, alpha, CMYK, 16-bit, float and 1-bit converted), or one error,
  ``UnreadableImage`` (a ValueError), naming the file and the reason.
- ``scan_folder(folder)`` -> one row per file found: size, sha256, format, width, height, mode, EXIF
  orientation, status ("ok" or the reason), exact-duplicate and near-duplicate groups.
- ``tag_folder(folder, out)`` -> one row per file: ImageNet tags, the coarse roll-up (notebook 08) and
  features (notebook 05's extractor). Results go to Parquet chunks under ``out`` as they come, so a rerun
  after a crash (even ``kill -9``) skips the files already done (by sha256); the final table is also
  written as ``out/table.csv``. ONNX Runtime runs the tagger when it is installed (an export of the
  PyTorch model, cached with the other weights); decoding runs in threads while the model runs; with
  ``client=`` (a dask.distributed Client) the folder is split into partitions that the workers tag.
- ``make_demo_corpus(folder, n)`` writes a realistic messy folder from the course's offline images.

Command line (to run in the background and resume later): ``python -m helpers.files tag FOLDER OUT``;
also ``scan FOLDER`` and ``demo FOLDER N``. Used by 10_your_own_images; bench/bench_corpus.py times it.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
import threading
import time
import uuid
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

IMAGE_SUFFIXES = (
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".bmp",
    ".tif",
    ".tiff",
    ".webp",
)
MAX_PIXELS = (
    89_478_485  # Pillow's own decompression-bomb limit (about 90 megapixels)
)
MODES = ("RGB", "L")
# EXIF "Orientation": 1 = upright, 3 = 180°, 6 = 90° clockwise, 8 = 90° anticlockwise
ORIENTATION_TAG = 0x0112
# bump when the exported graph changes (new outputs, opset): old files are not reused
EXPORT_VERSION = 1


class UnreadableImage(ValueError):
    """A file that is not a readable image (empty, truncated, corrupt, not an image, too large); says which and why."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


# ---------------------------------------------------------------- reading one file


def _check_mode(mode):
    if mode not in MODES:
        raise ValueError(
            f"mode={mode!r}; use 'RGB' (colour, (H, W, 3)) or 'L' (gray, (H, W))"
        )


def _check_size(size):
    if size is not None and (
        not isinstance(size, (int, np.integer))
        or isinstance(size, bool)
        or size < 1
    ):
        raise ValueError(
            f"size={size!r} must be None (full size) or a positive int: the shorter side in pixels, e.g. 256"
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


def _describe_start(data: bytes) -> str:
    head = data[:16]
    for magic, fmt in SIGNATURES.items():
        if head.startswith(magic):
            return f"corrupt {fmt} file: it starts like a {fmt}, but Pillow cannot read its header"
    if head and all(32 <= b < 127 or b in (9, 10, 13) for b in head):
        return f"not an image: the file is text ({head.decode('ascii')[:12]!r}...)"
    return f"not an image Pillow can read (it starts with bytes {head[:8].hex(' ')})"


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
        if (
            lo >= 0 and hi <= 1
        ):  # the usual convention for float images: [0, 1]
            scaled = a * 255
        else:  # any other range: stretched to 0..255 (documented in read_image)
            scaled = (a - lo) / ((hi - lo) or 1.0) * 255
        out = np.nan_to_num(scaled, nan=0.0)
    else:  # 16 bits: 0..65535 -> 0..255 (divide by 257, round)
        a = a.astype(np.float64)
        if (
            a.min() < 0 or a.max() > 65535
        ):  # 32-bit ints outside 16 bits: stretch
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
    if im.mode in (
        "LA",
        "La",
        "RGBA",
        "RGBa",
    ):  # transparent pixels become white, as a viewer shows them
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(white, rgba).convert("RGB")
    if im.mode != mode:
        im = im.convert(
            mode
        )  # L -> RGB repeats, RGB -> L uses ITU-R 601 luma; CMYK, 1, ... too
    return im


def _decode(
    data: bytes,
    name,
    mode: str = "RGB",
    size: int | None = None,
    max_pixels: int = MAX_PIXELS,
):
    """Bytes of one file -> (uint8 array, info dict: format, width, height, mode, orientation) or UnreadableImage."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if len(data) == 0:
        raise UnreadableImage(name, "empty file (0 bytes)")
    try:
        im = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise UnreadableImage(name, _describe_start(data)) from None
    except Image.DecompressionBombError as exc:
        raise UnreadableImage(
            name, f"too many pixels (decompression bomb?): {exc}"
        ) from None
    except Exception as exc:  # corrupt headers raise many types (SyntaxError, struct.error, ...)
        raise UnreadableImage(
            name, f"corrupt image header ({type(exc).__name__}: {exc})"
        ) from None
    with im:
        fmt, raw_mode = im.format, im.mode
        w, h = im.size
        if w * h > max_pixels:
            raise UnreadableImage(
                name,
                f"{w} x {h} = {w * h:,} pixels is over max_pixels={max_pixels:,} "
                f"(a decompression bomb?); pass a larger max_pixels= if you trust the file",
            )
        try:
            orientation = int(im.getexif().get(ORIENTATION_TAG, 1) or 1)
        except Exception:  # a broken EXIF block: the pixels may still be fine
            orientation = 1
        try:
            if size is not None and fmt == "JPEG" and min(w, h) > 2 * size:
                # decode at 1/2, 1/4 or 1/8 scale (DCT scaling): never below size on the shorter
                # side
                scale = min(w, h) / size
                im.draft(
                    im.mode, (int(np.ceil(w / scale)), int(np.ceil(h / scale)))
                )
            im.seek(0)  # animations: the first frame
            im.load()
            im = ImageOps.exif_transpose(im) if orientation != 1 else im
            im = _to_mode(im, mode)
            if size is not None:
                iw, ih = im.size
                scale = size / min(iw, ih)
                new = (max(1, round(iw * scale)), max(1, round(ih * scale)))
                if new != im.size:
                    im = im.resize(
                        new, Image.Resampling.BILINEAR
                    )  # antialiased when shrinking
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
) -> np.ndarray:
    """Read an image file -> uint8 array (H, W, 3) for mode='RGB' or (H, W) for 'L', upright as a viewer shows it.

    JPEG, PNG, GIF, BMP, TIFF, WebP (anything Pillow reads): the EXIF orientation is applied; palette
    images, alpha (composited on white), CMYK, 1-bit, 16-bit (divided by 257) and float TIFFs (x 255 when
    in [0, 1], else stretched min..max) are converted; animations give their first frame. size=S resizes
    so that the shorter side is S pixels (aspect ratio kept); large JPEGs are then decoded at 1/2, 1/4 or
    1/8 scale first (Pillow's draft mode), which is several times faster. Raises UnreadableImage (a
    ValueError) naming the file and the reason for empty, truncated, corrupt, non-image and too large
    (over max_pixels) files.
    """
    _check_mode(mode)
    _check_size(size)
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
    return _decode(data, path, mode, size, max_pixels)[0]


# ---------------------------------------------------------------- listing a folder


def _list_files(
    folder: Path, recursive: bool = True, skip: Path | None = None
) -> list[tuple[str, Path, str | None]]:
    """Every file under folder, sorted -> [(relative posix path, path, problem or None)]; links leaving it are not followed."""
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
            if (
                p.is_symlink()
            ):  # never followed: it could loop, or leave the folder
                target = os.readlink(p)
                inside = p.resolve().is_relative_to(root)
                found.append(
                    (
                        p.relative_to(folder).as_posix(),
                        p,
                        f"link to a folder ({target}), not followed"
                        + ("" if inside else ": it leaves the folder"),
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
                    problem = f"broken link (to {os.readlink(p)})"
                elif not target.is_relative_to(root):
                    problem = f"link leaving the folder (to {os.readlink(p)}), not followed"
            elif not p.is_file():
                problem = "not a regular file (a device, pipe or socket)"
            found.append((rel, p, problem))
    return sorted(found, key=lambda t: t[0])


def _check_folder(folder) -> Path:
    folder = Path(folder)
    if not folder.is_dir():
        raise NotADirectoryError(
            f"{folder} is not a folder; give the folder that holds your images"
        )
    return folder


# ---------------------------------------------------------------- scanning a folder


def _read_and_hash(path: Path, record: dict) -> bytes | None:
    """Read a file's bytes and put their size and sha256 into record; on a read error, its status, and None."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        record["status"] = f"cannot read the file: {exc.strerror or exc}"
        return None
    record.update(bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    return data


def _scan_one(rel: str, path: Path, problem: str | None) -> dict:
    row = {
        "path": rel,
        "bytes": None,
        "sha256": None,
        "format": None,
        "width": None,
        "height": None,
        "mode": None,
        "orientation": None,
        "status": problem or "ok",
        "phash": None,
    }
    data = None if problem else _read_and_hash(path, row)
    if data is None:
        return row
    try:
        small, info = _decode(
            data, rel, "L", size=64
        )  # every pixel decoded (truncation shows), at 1/8 scale
    except UnreadableImage as exc:
        row["status"] = exc.reason
        return row
    import imagehash
    from PIL import Image

    row.update(info)
    row["phash"] = str(
        imagehash.phash(Image.fromarray(small))
    )  # 64 bits, as 16 hex digits
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


def scan_folder(
    folder,
    recursive: bool = True,
    near_threshold: int = 10,
    workers: int | None = None,
):
    """Scan a folder -> pandas DataFrame, one row per file found (images or not), sorted by path.

    Columns: path (relative, '/'), bytes, sha256, format, width, height (as displayed, after EXIF
    orientation), mode (Pillow's, e.g. 'RGB', 'P', 'I;16'), orientation (EXIF, 1 = upright), status
    ('ok' or why the file cannot be used), phash (perceptual hash, imagehash.phash), dup_group (files
    with the same sha256: identical bytes) and near_group (images whose phashes differ in at most
    near_threshold of the 64 bits: crops, resized or recompressed copies); both groups are
    numbered 0, 1, ... and empty (<NA>) for files without a partner. Links that leave the folder, broken
    links and files that cannot be read get a row with the reason; a bad file never stops the scan.
    """
    import pandas as pd

    folder = _check_folder(folder)
    if not isinstance(near_threshold, (int, np.integer)) or near_threshold < 0:
        raise ValueError(
            f"near_threshold={near_threshold!r} must be an int >= 0 (bits that may differ, e.g. 10)"
        )
    files = _list_files(folder, recursive)
    with ThreadPoolExecutor(
        max_workers=workers or min(8, os.cpu_count() or 1)
    ) as pool:
        rows = list(pool.map(lambda f: _scan_one(*f), files))
    table = pd.DataFrame(
        rows,
        columns=[
            "path",
            "bytes",
            "sha256",
            "format",
            "width",
            "height",
            "mode",
            "orientation",
            "status",
            "phash",
        ],
    )
    for col in ("bytes", "width", "height", "orientation"):
        table[col] = table[col].astype("Int64")
    shas = list(table["sha256"])
    first = {}
    exact = [
        (first.setdefault(s, i), i)
        for i, s in enumerate(shas)
        if s is not None
    ]
    table["dup_group"] = pd.array(_groups(shas, exact), dtype="Int64")
    hashes = [h if isinstance(h, str) else None for h in table["phash"]]
    table["near_group"] = pd.array(
        _groups(hashes, _near_pairs(hashes, near_threshold)), dtype="Int64"
    )
    return table


def _near_pairs(hex_hashes: list, threshold: int) -> list[tuple[int, int]]:
    """Pairs (i, j), i < j, of 64-bit hashes (hex) that differ in at most threshold bits; all pairs, in blocks.

    Every pair is compared (XOR, then count the 1 bits), vectorised: about a second for 10,000 images,
    a minute or two for 100,000; beyond that, group within folders or batches first.
    """
    index = np.array(
        [i for i, h in enumerate(hex_hashes) if h is not None], dtype=np.intp
    )
    if len(index) < 2:
        return []
    ints = np.array([int(hex_hashes[i], 16) for i in index], dtype=np.uint64)
    block = max(1, 2**22 // len(ints))
    pairs = []
    for start in range(0, len(ints), block):
        dist = np.bitwise_count(
            ints[start : start + block, None] ^ ints[None, :]
        )
        a, b = np.nonzero(dist <= threshold)
        a += start
        keep = a < b
        pairs += zip(index[a[keep]].tolist(), index[b[keep]].tolist())
    return pairs


# ---------------------------------------------------------------- the tagger: PyTorch and ONNX
# Runtime


def _state_key(model) -> str:
    """sha256 of the architecture name, its normalisation and every weight tensor: the ONNX file's cache key."""
    from .weights import normalisation

    h = hashlib.sha256()
    h.update(
        f"{model.pretrained_cfg.get('architecture', type(model).__name__)}|{normalisation(model)}|"
        f"v{EXPORT_VERSION}".encode()
    )
    for name, tensor in model.state_dict().items():
        h.update(name.encode())
        h.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


def _probabilities_module(model):
    import torch

    class Probabilities(torch.nn.Module):
        """The tagger as exported: normalised images (N, 3, 224, 224) -> softmax probabilities (N, 1000)."""

        def __init__(self, net):
            super().__init__()
            self.net = net

        def forward(self, x):
            return torch.softmax(self.net(x), dim=1)

    return Probabilities(model).eval()


def _export_onnx(model, target: Path, size: int = 224) -> None:
    """torch.onnx.export (the torch.export-based exporter), batch size dynamic, to target (atomically)."""
    import warnings

    import torch

    wrapper = _probabilities_module(model)
    x = torch.zeros(2, 3, size, size)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    target.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = io.StringIO()
        stdout, sys.stdout = (
            sys.stdout,
            out,
        )  # the exporter prints its steps; keep the notebook quiet
        try:
            torch.onnx.export(
                wrapper,
                (x,),
                str(tmp),
                input_names=["images"],
                output_names=["proba"],
                dynamo=True,
                dynamic_shapes=(
                    {0: torch.export.Dim("batch", min=1, max=4096)},
                ),
                external_data=False,
                verbose=False,
            )
        finally:
            sys.stdout = stdout
    os.replace(tmp, target)


def onnx_tagger_path(model=None, verbose: bool = True) -> Path:
    """The ONNX export of the course's tagger (EfficientNet-Lite0 + softmax) -> Path of the .onnx file.

    Sources, in order: the course cache (<cache>/weights/<arch>-<key>.onnx, where key hashes the
    architecture, its normalisation and every weight, so a changed model never reuses an old file),
    then an export from the PyTorch model (torch.onnx, checked against PyTorch on a test batch).
    Input: images normalised as helpers.tagging.preprocess does, float32 (N, 3, 224, 224); output:
    probabilities (N, 1000).
    """
    from .sources import (
        Source,
        SourceUnavailable,
        cache_dir,
        pretty_path,
        resolve,
    )
    from .weights import load_imagenet_cnn

    if model is None:
        model = load_imagenet_cnn(verbose=verbose)
    arch = model.pretrained_cfg.get("architecture", "model")
    target = (
        cache_dir(create=False)
        / "weights"
        / f"{arch}-{_state_key(model)[:16]}.onnx"
    )

    def from_cache():
        if not target.is_file():
            raise SourceUnavailable(f"no file {pretty_path(target)}")
        return target

    def export():
        try:
            import onnxruntime  # noqa: F401
        except ImportError:
            raise SourceUnavailable("onnxruntime is not installed") from None
        try:
            _export_onnx(model, target)
        except Exception as exc:
            raise SourceUnavailable(
                f"torch.onnx.export failed: {type(exc).__name__}: {exc}"
            ) from None
        import torch

        x = torch.rand(3, 3, 224, 224) * 2 - 1
        with torch.inference_mode():
            want = torch.softmax(model(x), dim=1).numpy()
        got = _OnnxEngine(str(target))(x.numpy())
        if not np.allclose(got, want, atol=1e-5):
            target.unlink()
            raise SourceUnavailable(
                f"the export disagrees with PyTorch (max |diff| {np.abs(got - want).max():.1e})"
            )
        return target

    return resolve(
        f"ONNX tagger ({arch})",
        [
            Source(
                "cache",
                pretty_path(target),
                from_cache,
                "run once with the source below; it fills the cache",
            ),
            Source(
                "offline",
                "exported from the PyTorch model (torch.onnx, checked against PyTorch)",
                export,
                "pip install onnxruntime onnx onnxscript (see requirements.txt)",
            ),
        ],
        verbose=verbose,
    )


class _TorchEngine:
    """Eager PyTorch: normalised float32 batch (N, 3, 224, 224) -> probabilities (N, 1000)."""

    name = "pytorch"

    def __init__(self, model):
        self.model = model

    def __call__(self, x: np.ndarray) -> np.ndarray:
        import torch

        with torch.inference_mode():
            return torch.softmax(
                self.model(torch.from_numpy(x)), dim=1
            ).numpy()


_SESSIONS: dict = {}
_SESSIONS_LOCK = threading.Lock()


class _OnnxEngine:
    """ONNX Runtime on the CPU, one session per file and process (shared by threads)."""

    name = "onnxruntime"

    def __init__(self, path: str, threads: int | None = None):
        import onnxruntime as ort

        key = (path, threads)
        with _SESSIONS_LOCK:
            if key not in _SESSIONS:
                options = ort.SessionOptions()
                if threads:
                    options.intra_op_num_threads = threads
                options.log_severity_level = 3
                # idle threads sleep instead of spinning: the decoding threads need those cores
                options.add_session_config_entry(
                    "session.intra_op.allow_spinning", "0"
                )
                _SESSIONS[key] = ort.InferenceSession(
                    path, options, providers=["CPUExecutionProvider"]
                )
        self.session = _SESSIONS[key]
        self.input = self.session.get_inputs()[0].name

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.session.run(
            None, {self.input: np.ascontiguousarray(x, dtype=np.float32)}
        )[0]


def _make_engine(spec: dict):
    if spec["engine"] == "onnxruntime":
        return _OnnxEngine(spec["onnx_path"], spec.get("threads"))
    import torch

    from .weights import load_imagenet_cnn

    if spec.get("threads"):
        torch.set_num_threads(spec["threads"])
    return _TorchEngine(load_imagenet_cnn(verbose=False))


def _choose_engine(engine: str, verbose: bool) -> dict:
    """engine 'auto' | 'onnx' | 'torch' -> a small picklable spec (what workers need to build it) + the model's settings."""
    from .weights import load_imagenet_cnn, normalisation

    if engine not in ("auto", "onnx", "torch"):
        raise ValueError(
            f"engine={engine!r}; use 'auto' (ONNX Runtime when installed, else PyTorch), 'onnx' or 'torch'"
        )
    model = load_imagenet_cnn(verbose=verbose)
    mean, std = normalisation(model)
    spec = {"engine": "pytorch", "mean": mean, "std": std, "model": model}
    if engine in ("auto", "onnx"):
        from .sources import ResourceNotFoundError

        try:
            spec.update(
                engine="onnxruntime",
                onnx_path=str(onnx_tagger_path(model, verbose=verbose)),
            )
        except ResourceNotFoundError as exc:
            if engine == "onnx":
                raise
            if verbose:
                print(
                    f"ONNX Runtime not available, tagging with PyTorch instead ({str(exc).splitlines()[-2].strip()})"
                )
    return spec


# ---------------------------------------------------------------- tagging a folder

TAG_SIZE, CROP_PCT = (
    224,
    0.875,
)  # the model's input and timm's evaluation crop (as helpers.tagging)
FEATURE_SIZE, HIST_BINS = (
    64,
    8,
)  # features (notebook 05's extractor) on a 64 x 64 copy, 8 bins per channel


def _model_input(rgb: np.ndarray, mean, std) -> np.ndarray:
    """RGB uint8 whose shorter side is TAG_SIZE / CROP_PCT -> normalised float32 (3, 224, 224), centre crop."""
    h, w = rgb.shape[:2]
    top, left = (h - TAG_SIZE) // 2, (w - TAG_SIZE) // 2
    x = (
        rgb[top : top + TAG_SIZE, left : left + TAG_SIZE].astype(np.float32)
        / 255.0
    )
    x = (x - np.asarray(mean, np.float32)) / np.asarray(std, np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1))


def _prepare(rel: str, path: Path, problem, ctx: dict) -> dict:
    """Runs in a decode thread: read, hash, skip if done, decode at reduced scale, build the model input."""
    rec = {
        "path": rel,
        "sha256": None,
        "bytes": None,
        "status": problem or "ok",
        "width": None,
        "height": None,
    }
    data = None if problem else _read_and_hash(path, rec)
    if data is None:
        return rec
    sha = rec["sha256"]
    with ctx["lock"]:
        if sha in ctx["done"]:
            rec["reused"] = (
                True  # done in an earlier run, or a duplicate earlier in this one
            )
            return rec
        ctx["done"].add(sha)
    try:
        rgb, info = _decode(data, rel, "RGB", size=round(TAG_SIZE / CROP_PCT))
    except UnreadableImage as exc:
        rec["status"] = exc.reason
        rec["todo"] = True  # written to a chunk, so a rerun skips it too
        return rec
    from PIL import Image

    rec.update(
        width=info["width"],
        height=info["height"],
        todo=True,
        x=_model_input(rgb, ctx["mean"], ctx["std"]),
        small=np.asarray(
            Image.fromarray(rgb).resize(
                (FEATURE_SIZE, FEATURE_SIZE), Image.Resampling.BILINEAR
            )
        ),
    )
    return rec


def _bounded_map(pool, fn, items, ahead: int):
    """pool.map that keeps at most `ahead` items in flight (memory stays flat on a million files), in order."""
    pending = deque()
    for item in items:
        pending.append(pool.submit(fn, *item))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _result_columns(top_k: int, feature_names: list[str]) -> list[str]:
    cols = ["sha256", "bytes", "status", "width", "height"]
    cols += [f"tag_{i}" for i in range(1, top_k + 1)] + [
        f"p_{i}" for i in range(1, top_k + 1)
    ]
    return cols + ["coarse", "coarse_p"] + feature_names


def _feature_names(features) -> list[str]:
    if not features:
        return []
    from .features import feature_names

    return feature_names(
        (FEATURE_SIZE, FEATURE_SIZE),
        tuple(features),
        rgb=True,
        hist_bins=HIST_BINS,
    )


def _tag_files(
    files, chunks: Path, ctx: dict, prefix: str, progress=None
) -> dict:
    """Tag a list of (rel, path, problem) in batches, each batch's rows to a Parquet chunk -> (counts, {rel: sha256})."""
    import pandas as pd

    from .tagging import coarse_proba, top_k_tags

    engine = ctx["engine"] if "engine" in ctx else _make_engine(ctx["spec"])
    k, features = ctx["top_k"], ctx["features"]
    columns = _result_columns(k, _feature_names(features))
    counts = {"tagged": 0, "unreadable": 0, "reused": 0, "chunks": 0}
    batch, rows, seen = [], [], {}

    def flush(write: bool = False):
        if batch:
            proba = engine(np.stack([r["x"] for r in batch]))
            tags = top_k_tags(proba, ctx["names"], k=k)
            coarse, coarse_names = coarse_proba(proba, ctx["coarse_of"])
            feats = None
            if features:
                from .features import extract_features

                feats, _ = extract_features(
                    np.stack([r["small"] for r in batch]),
                    kinds=tuple(features),
                    hist_bins=HIST_BINS,
                )
            for i, r in enumerate(batch):
                row = {
                    c: r.get(c)
                    for c in ("sha256", "bytes", "status", "width", "height")
                }
                for j, (tag, p) in enumerate(tags[i], 1):
                    row[f"tag_{j}"], row[f"p_{j}"] = tag, p
                best = int(np.argmax(coarse[i]))
                row["coarse"], row["coarse_p"] = (
                    coarse_names[best],
                    float(coarse[i, best]),
                )
                if feats is not None:
                    row.update(
                        zip(columns[len(columns) - feats.shape[1] :], feats[i])
                    )
                rows.append(row)
            counts["tagged"] += len(batch)
            batch.clear()
        if rows and (write or len(rows) >= ctx["chunk_files"]):
            table = pd.DataFrame(rows, columns=columns)
            name = f"{prefix}-{uuid.uuid4().hex[:8]}-{counts['chunks']:05d}.parquet"
            tmp = chunks / f".{name}.tmp"
            table.to_parquet(tmp, index=False)
            os.replace(
                tmp, chunks / name
            )  # atomic: a kill leaves a whole chunk or none
            counts["chunks"] += 1
            rows.clear()

    with ThreadPoolExecutor(max_workers=ctx["workers"]) as pool:
        for rec in _bounded_map(
            pool,
            lambda *f: _prepare(*f, ctx),
            files,
            ahead=2 * ctx["batch_size"] + 4,
        ):
            seen[rec["path"]] = rec["sha256"]
            if rec.get("reused"):
                counts["reused"] += 1
            elif "x" in rec:
                batch.append(rec)
            else:  # unreadable: its status row is saved with the next batch
                counts["unreadable"] += 1
                if rec["sha256"] is not None:
                    rows.append(
                        {
                            c: rec.get(c)
                            for c in (
                                "sha256",
                                "bytes",
                                "status",
                                "width",
                                "height",
                            )
                        }
                    )
            if progress is not None:
                progress(1)
            if len(batch) >= ctx["batch_size"]:
                flush()
        flush(write=True)
    return counts, seen


def _done_shas(chunks: Path) -> set:
    import pyarrow.parquet as pq

    done = set()
    for f in sorted(chunks.glob("*.parquet")):
        done.update(
            pq.read_table(f, columns=["sha256"]).column("sha256").to_pylist()
        )
    return done


def _tag_partition(
    files, chunks: str, spec: dict, options: dict, prefix: str, done
):
    """One Dask task: build the engine on the worker, skip what is done, tag its files into its own chunks."""
    chunks = Path(chunks)
    ctx = dict(options, spec=spec, done=set(done), lock=threading.Lock())
    return _tag_files(
        [(rel, Path(p), problem) for rel, p, problem in files],
        chunks,
        ctx,
        prefix,
    )


def _progress_bar(total: int, progress):
    """A tqdm.auto bar (files/s) when progress is True, or 'auto' in an interactive session; else None."""
    if progress == "auto":
        progress = (
            bool(os.environ.get("JPY_SESSION_NAME")) or sys.stderr.isatty()
        )
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(
        total=total, unit=" files", desc="tagging", smoothing=0.1
    )  # shows "12.3 files/s"


def tag_folder(
    folder,
    out,
    *,
    top_k: int = 5,
    features=("hist", "glcm"),
    batch_size: int = 32,
    client=None,
    engine: str = "auto",
    workers: int | None = None,
    threads: int | None = None,
    partitions_per_worker: int = 4,
    timeout: float | None = None,
    chunk_files: int = 256,
    progress="auto",
    verbose: bool = True,
):
    """Tag every image in folder -> pandas DataFrame, one row per file (sorted by path), also saved as out/table.csv.

    Columns: path, sha256, bytes, status ('ok' or why the file is unreadable), width, height,
    tag_1..tag_k and p_1..p_k (ImageNet classes, most probable first), coarse and coarse_p (the
    WordNet roll-up of notebook 08: the most probable coarse tag and its summed probability), then the
    features (notebook 05's extract_features: "hist", "glcm", "hog" or "pixels", on a 64 x 64 copy).
    Unreadable files keep their row, with empty tags. table.attrs["timing"] holds seconds (all),
    setup_seconds (loading the model), files_per_second (after setup), from_earlier_runs (files whose
    results were found in out/chunks) and the counts tagged, unreadable and reused (incl. duplicates). Results are written to out/chunks/*.parquet as
    they come (a chunk every chunk_files files: at most that much work is lost to a crash): rerun after an
    interruption and files already done (same sha256) are skipped.
    engine: 'auto' (ONNX Runtime when installed, else PyTorch), 'onnx' or 'torch'. workers: decoding
    threads (default: CPU count); threads: ONNX Runtime's threads (default: CPU count - 1, at least 1, so
    decoding keeps a core; 1 per task on a cluster; with engine='torch' it sets torch.set_num_threads). client: a dask.distributed Client; the files are then split into
    partitions_per_worker partitions per worker, each tagged by a worker into its own chunks (the
    folder and out must be visible to every worker); timeout: seconds to wait for them.
    progress: True (tqdm.auto bar, files/s), False, or 'auto' (a bar only in an interactive session).
    """
    from .data import load_coarse_tags

    folder = _check_folder(folder)
    out = Path(out)
    if out.resolve() == folder.resolve():
        raise ValueError(
            f"out={out} is the image folder itself; give a separate folder for the results"
        )
    if not isinstance(top_k, (int, np.integer)) or not 1 <= top_k <= 1000:
        raise ValueError(f"top_k={top_k!r} must be an int between 1 and 1000")
    if (
        not isinstance(batch_size, (int, np.integer))
        or isinstance(batch_size, bool)
        or batch_size < 1
    ):
        raise ValueError(
            f"batch_size={batch_size!r} must be a positive int, e.g. 32"
        )
    features = (
        (features,) if isinstance(features, str) else tuple(features or ())
    )
    _feature_names(
        features
    )  # checks the kinds early, with the extractor's own message
    from .features import KINDS

    if any(f not in KINDS for f in features):
        raise ValueError(
            f"features={features!r}: choose from {KINDS} (or () for none)"
        )
    chunks = out / "chunks"
    chunks.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    spec = _choose_engine(engine, verbose)
    coarse_table = load_coarse_tags(verbose=False)
    if (
        not isinstance(chunk_files, (int, np.integer))
        or isinstance(chunk_files, bool)
        or chunk_files < 1
    ):
        raise ValueError(
            f"chunk_files={chunk_files!r} must be a positive int, e.g. 256"
        )
    options = {
        "top_k": int(top_k),
        "features": features,
        "batch_size": int(batch_size),
        "chunk_files": int(chunk_files),
        "names": list(coarse_table["name"]),
        "coarse_of": list(coarse_table["coarse"]),
        "mean": spec["mean"],
        "std": spec["std"],
        "workers": workers or os.cpu_count() or 1,
    }
    model = spec.pop("model")
    files = _list_files(folder, skip=out)
    done_before = _done_shas(chunks)
    t_setup = time.perf_counter() - t0
    bar = _progress_bar(len(files), progress)
    try:
        if client is None:
            # the model gets all cores but one, which the decoding threads use meanwhile
            spec["threads"] = threads or max(1, (os.cpu_count() or 2) - 1)
            if spec["engine"] == "pytorch":
                if threads:
                    import torch

                    torch.set_num_threads(
                        threads
                    )  # for PyTorch only when asked: it is a global setting
                engine_obj = _TorchEngine(model)
            else:
                engine_obj = _make_engine(spec)
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
    finally:
        if bar is not None:
            bar.close()
    table = _assemble(
        files, seen, chunks, _result_columns(top_k, _feature_names(features))
    )
    table.to_csv(out / "table.csv", index=False)
    seconds = time.perf_counter() - t0
    reused = sum(1 for s in table["sha256"] if s in done_before)
    table.attrs["timing"] = {
        "seconds": seconds,
        "setup_seconds": t_setup,
        "engine": spec["engine"],
        "files_per_second": len(table) / max(seconds - t_setup, 1e-9),
        "from_earlier_runs": reused,
        **counts,
    }
    if verbose:
        print(
            f"{len(table)} files: {int((table['status'] == 'ok').sum())} tagged, "
            f"{int((table['status'] != 'ok').sum())} unreadable; {reused} were done in an earlier run; "
            f"{seconds:.1f} s ({len(table) / seconds:.1f} files/s) with {spec['engine']}"
            + (
                ""
                if client is None
                else f" on {len(client.scheduler_info()['workers'])} Dask workers"
            )
        )
    return table


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
    spec = dict(
        spec, threads=threads or 1
    )  # one thread per task: the workers are the parallelism
    options = dict(options, workers=1)
    n_parts = max(1, min(len(files), n_workers * partitions_per_worker))
    [done] = client.scatter(
        [frozenset(done_before)], broadcast=True
    )  # one copy per worker, not per task
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
    counts = {"tagged": 0, "unreadable": 0, "reused": 0, "chunks": 0}
    seen = {}
    for fut in as_completed(list(futures), timeout=timeout):
        part_counts, part_seen = fut.result()
        for key, value in part_counts.items():
            counts[key] += value
        seen.update(part_seen)
        if bar is not None:
            bar.update(futures[fut])
    return counts, seen


def _assemble(files, seen: dict, chunks: Path, columns: list[str]):
    """Every file's row: its result from the chunks (by sha256), or its listing problem -> DataFrame sorted by path."""
    import pandas as pd

    parts = [pd.read_parquet(f) for f in sorted(chunks.glob("*.parquet"))]
    parts = [p for p in parts if len(p)]
    results = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=columns)
    )
    results = results.drop_duplicates("sha256").set_index("sha256")
    rows = []
    for rel, _, problem in files:
        sha = seen.get(rel)
        row = {
            "path": rel,
            "status": problem or "not tagged (the run was interrupted?)",
        }
        if sha is not None and sha in results.index:
            row.update(results.loc[sha].to_dict(), sha256=sha)
        elif sha is not None:
            row["sha256"] = sha
        rows.append(row)
    table = pd.DataFrame(rows, columns=["path"] + columns)
    for col in ("bytes", "width", "height"):
        table[col] = pd.array(table[col], dtype="Int64")
    return table


# ---------------------------------------------------------------- a messy demo folder


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


def make_demo_corpus(folder, n: int = 40, seed: int = 0):
    """Write a realistic messy folder of n files from the course's offline images -> manifest DataFrame (path, kind, source, readable).

    Photos at several sizes (up to 3 megapixels) and JPEG qualities, EXIF-rotated copies, exact and
    near duplicates (crop, smaller copy, recompression), a PNG with alpha, an animated palette GIF,
    16-bit, float and 1-bit TIFF/PNG scans, CMYK, BMP, WebP, grayscale, faces and Fashion-MNIST
    icons, a zero-byte file, a truncated JPEG, a text file named .jpg, a notes file, nested
    subfolders and non-ASCII names. Deterministic for a given seed. n must be at least 30 (the
    fixed cases); the rest are more photos, icons and faces.
    """
    import pandas as pd
    from PIL import Image

    from .data import load_face_patches, load_fashion_mnist, load_photo

    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 30:
        raise ValueError(
            f"n={n!r}: the demo corpus needs at least 30 files (one of each kind of mess)"
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
    files: list[
        tuple[str, bytes, str, str, bool]
    ] = []  # path, bytes, kind, source, readable

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
    astro = _scaled_to(
        photo["astronaut"][:, 64:448], 3.0
    )  # a portrait (3:4) photo, stored landscape
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


# ---------------------------------------------------------------- command line


def main(argv=None) -> int:
    import argparse

    ap = argparse.ArgumentParser(
        prog="python -m helpers.files", description=__doc__.splitlines()[0]
    )
    sub = ap.add_subparsers(dest="command", required=True)
    t = sub.add_parser(
        "tag",
        help="tag a folder into OUT/table.csv (resumable: rerun to continue)",
    )
    t.add_argument("folder")
    t.add_argument("out")
    t.add_argument("--top-k", type=int, default=5)
    t.add_argument("--batch-size", type=int, default=32)
    t.add_argument(
        "--chunk-files",
        type=int,
        default=256,
        help="files per Parquet chunk (what a crash can lose)",
    )
    t.add_argument(
        "--engine", default="auto", choices=["auto", "onnx", "torch"]
    )
    t.add_argument(
        "--features",
        default="hist,glcm",
        help="comma-separated kinds, '' for none",
    )
    t.add_argument(
        "--scheduler",
        default=None,
        help="a Dask scheduler address, e.g. tcp://10.0.0.5:8786",
    )
    s = sub.add_parser("scan", help="print the status table of a folder")
    s.add_argument("folder")
    d = sub.add_parser("demo", help="write the messy demo corpus")
    d.add_argument("folder")
    d.add_argument("n", type=int)
    args = ap.parse_args(argv)
    if args.command == "tag":
        client = None
        if args.scheduler:
            from distributed import Client

            client = Client(args.scheduler)
        features = tuple(f for f in args.features.split(",") if f)
        tag_folder(
            args.folder,
            args.out,
            top_k=args.top_k,
            batch_size=args.batch_size,
            chunk_files=args.chunk_files,
            engine=args.engine,
            features=features,
            client=client,
            progress=True,
        )
    elif args.command == "scan":
        print(scan_folder(args.folder).to_string())
    else:
        print(make_demo_corpus(args.folder, args.n).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
