"""The tagger's engines: the course's EfficientNet-Lite0 run by PyTorch or by ONNX Runtime (fp32 or int8).

The ONNX files are cached with the course's weights under a name that hashes the architecture, its
normalisation and every weight, so a changed model never reuses a stale file. The int8 file is a
static QDQ quantization of the fp32 export (onnxruntime.quantization: every operator, weights per
channel), calibrated on CALIBRATION_CROPS crops of photos that ship with the course.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
import threading
import uuid
from pathlib import Path

import numpy as np

EXPORT_VERSION = 1  # bump when the exported graph changes (new outputs, opset): old files are not reused
INT8_VERSION = 1  # bump when the quantization recipe changes
CALIBRATION_CROPS = 256
CALIBRATION_PHOTOS = (
    "chelsea", "astronaut", "coffee", "rocket", "hubble_deep_field", "immunohistochemistry",
    "camera", "coins", "page", "text", "moon",
)  # fmt: skip
PRECISIONS = ("fp32", "int8")


def state_key(model) -> str:
    """sha256 of the architecture name, its normalisation and every weight tensor: the ONNX file's cache key."""
    from helpers.weights import normalisation

    h = hashlib.sha256()
    arch = model.pretrained_cfg.get("architecture", type(model).__name__)
    h.update(f"{arch}|{normalisation(model)}|v{EXPORT_VERSION}".encode())
    for name, tensor in model.state_dict().items():
        h.update(name.encode())
        h.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


def file_sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
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
        # the exporter prints its steps
        stdout, sys.stdout = (sys.stdout, io.StringIO())
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
    """The ONNX export of a tagger (by default the course's EfficientNet-Lite0) + softmax -> Path of the .onnx file.

    Sources, in order: the course cache (<cache>/weights/<arch>-<key>.onnx, where key hashes the
    architecture, its normalisation and every weight, so a changed model never reuses an old file),
    then an export from the PyTorch model (torch.onnx, checked against PyTorch on a test batch).
    Input: images normalised as helpers.tagging.preprocess does, float32 (N, 3, 224, 224); output:
    probabilities (N, n_classes).
    """
    from helpers.sources import (
        Source,
        SourceUnavailable,
        cache_dir,
        pretty_path,
        resolve,
    )
    from helpers.weights import load_imagenet_cnn

    if model is None:
        model = load_imagenet_cnn(verbose=verbose)
    arch = model.pretrained_cfg.get("architecture", "model")
    target = (
        cache_dir(create=False)
        / "weights"
        / f"{arch}-{state_key(model)[:16]}.onnx"
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

        x = (
            torch.rand(
                3, 3, 224, 224, generator=torch.Generator().manual_seed(0)
            )
            * 2
            - 1
        )
        with torch.inference_mode():
            want = torch.softmax(model(x), dim=1).numpy()
        got = OnnxEngine(str(target))(x.numpy())
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


def calibration_batch(
    n: int = CALIBRATION_CROPS, seed: int = 0, mean=(0.5,) * 3, std=(0.5,) * 3
) -> np.ndarray:
    """n random crops (a fifth to all of each side) of the photos that ship with the course -> (n, 3, 224, 224).

    Preprocessed as the tagger does (shorter side 256, centre crop 224, normalised). The crops the
    int8 model is calibrated on come from seed 0; bench/bench_corpus.py measures agreement on other seeds.
    """
    from PIL import Image

    from helpers.data import load_photo
    from helpers.tagging import crop_and_normalise

    rng = np.random.default_rng(seed)
    photos = [load_photo(name, verbose=False) for name in CALIBRATION_PHOTOS]
    out = np.empty((n, 3, 224, 224), np.float32)
    for i in range(n):
        img = photos[int(rng.integers(len(photos)))]
        img = np.dstack([img] * 3) if img.ndim == 2 else img
        h, w = img.shape[:2]
        ch, cw = int(h * rng.uniform(0.2, 1)), int(w * rng.uniform(0.2, 1))
        top, left = (
            int(rng.integers(0, h - ch + 1)),
            int(rng.integers(0, w - cw + 1)),
        )
        crop = Image.fromarray(
            np.ascontiguousarray(img[top : top + ch, left : left + cw])
        )
        scale = 256 / min(ch, cw)
        crop = crop.resize(
            (max(1, round(cw * scale)), max(1, round(ch * scale))),
            Image.Resampling.BILINEAR,
        )
        out[i] = crop_and_normalise(np.asarray(crop), mean, std)
    return out


def _quantize(
    fp32: Path, target: Path, mean, std, n: int = CALIBRATION_CROPS
) -> None:
    """Static int8 quantization, QDQ format, every operator, per-channel weights, calibrated on the course's photos."""
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    batch = calibration_batch(n, mean=mean, std=std)

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.batches = iter(
                [
                    {"images": batch[i : i + 16]}
                    for i in range(0, len(batch), 16)
                ]
            )

        def get_next(self):
            return next(self.batches, None)

    tag = uuid.uuid4().hex[:8]
    pre = target.with_name(f".{target.name}.{tag}.pre.onnx")
    tmp = target.with_name(f".{target.name}.{tag}.tmp")
    try:
        quant_pre_process(str(fp32), str(pre), skip_symbolic_shape=True)
        quantize_static(
            str(pre),
            str(tmp),
            Reader(),
            quant_format=QuantFormat.QDQ,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            per_channel=True,
        )
        os.replace(tmp, target)
    finally:
        for f in (pre, tmp):
            f.unlink(missing_ok=True)


def int8_tagger_path(model=None, verbose: bool = True) -> Path:
    """The int8 version of onnx_tagger_path's file (quantized once, then cached beside it) -> Path."""
    from helpers.sources import Source, SourceUnavailable, pretty_path, resolve
    from helpers.weights import load_imagenet_cnn, normalisation

    if model is None:
        model = load_imagenet_cnn(verbose=verbose)
    fp32 = onnx_tagger_path(model, verbose=verbose)
    target = fp32.with_name(f"{fp32.stem}-int8-v{INT8_VERSION}.onnx")

    def from_cache():
        if not target.is_file():
            raise SourceUnavailable(f"no file {pretty_path(target)}")
        return target

    def quantize():
        try:
            _quantize(fp32, target, *normalisation(model))
        except Exception as exc:
            raise SourceUnavailable(
                f"quantization failed: {type(exc).__name__}: {exc}"
            ) from None
        return target

    return resolve(
        "int8 tagger",
        [
            Source(
                "cache",
                pretty_path(target),
                from_cache,
                "run once with the source below; it fills the cache",
            ),
            Source(
                "offline",
                f"quantized from the fp32 export (static QDQ, per-channel, {CALIBRATION_CROPS} calibration crops)",
                quantize,
                "pip install onnxruntime onnx (see requirements.txt)",
            ),
        ],
        verbose=verbose,
    )


class TorchEngine:
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


class OnnxEngine:
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


def make_engine(spec: dict):
    """A spec from choose_engine (picklable: what a Dask worker needs) -> an engine."""
    if spec["engine"] == "onnxruntime":
        return OnnxEngine(spec["onnx_path"], spec.get("threads"))
    import torch

    from helpers.weights import load_imagenet_cnn

    if spec.get("threads"):
        torch.set_num_threads(spec["threads"])
    return TorchEngine(load_imagenet_cnn(verbose=False))


def choose_engine(
    engine: str = "auto",
    precision: str = "fp32",
    onnx_model=None,
    verbose: bool = True,
) -> dict:
    """engine 'auto' | 'onnx' | 'torch', precision 'fp32' | 'int8' -> spec: engine, model name, weights hash, mean, std.

    onnx_model: the path of another ONNX classifier (input (N, 3, 224, 224) normalised to [-1, 1], output
    1000 ImageNet probabilities) instead of the course's model; its file's sha256 is its weights hash.
    """
    if engine not in ("auto", "onnx", "torch"):
        raise ValueError(
            f"engine={engine!r}; use 'auto' (ONNX Runtime when installed, else PyTorch), 'onnx' or 'torch'"
        )
    if precision not in PRECISIONS:
        raise ValueError(
            f"precision={precision!r}; use 'fp32' or 'int8' (int8 needs ONNX Runtime)"
        )
    if precision == "int8" and engine == "torch":
        raise ValueError(
            "precision='int8' runs on ONNX Runtime only; use engine='onnx' (or 'auto')"
        )
    if onnx_model is not None:
        path = Path(onnx_model)
        if not path.is_file():
            raise FileNotFoundError(
                f"the model file {path} does not exist; give the path of an .onnx file"
            )
        if engine == "torch" or precision == "int8":
            raise ValueError(
                "onnx_model= runs as given: use engine='onnx' or 'auto' and precision='fp32'"
            )
        return {
            "engine": "onnxruntime",
            "precision": "fp32",
            "onnx_path": str(path.resolve()),
            "model_name": path.name,
            "weights_sha256": file_sha256(path),
            "mean": (0.5,) * 3,
            "std": (0.5,) * 3,
        }
    from helpers.sources import ResourceNotFoundError
    from helpers.weights import load_imagenet_cnn, normalisation

    model = load_imagenet_cnn(verbose=verbose)
    mean, std = normalisation(model)
    spec = {
        "engine": "pytorch",
        "precision": "fp32",
        "model": model,
        "model_name": model.pretrained_cfg.get(
            "architecture", type(model).__name__
        ),
        "weights_sha256": state_key(model),
        "mean": tuple(mean),
        "std": tuple(std),
    }
    if engine in ("auto", "onnx"):
        try:
            path = (
                int8_tagger_path(model, verbose)
                if precision == "int8"
                else onnx_tagger_path(model, verbose)
            )
            spec.update(
                engine="onnxruntime", precision=precision, onnx_path=str(path)
            )
        except ResourceNotFoundError as exc:
            if engine == "onnx" or precision == "int8":
                raise
            if verbose:
                print(
                    f"ONNX Runtime not available, tagging with PyTorch instead ({str(exc).splitlines()[-2].strip()})"
                )
    if spec["precision"] == "int8":
        spec["int8_sha256"] = file_sha256(spec["onnx_path"])
    return spec
