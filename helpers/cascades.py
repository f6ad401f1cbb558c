"""Haar and LBP cascade files (Viola-Jones detectors) for OpenCV and scikit-image.

Each cascade is looked up, in order, in
  1. the course cache: ``<cache>/cascades/<file name>`` (put your own copy there);
  2. the package that ships it offline: opencv-python-headless 4.x (``cv2.data.haarcascades``)
     for the Haar files, scikit-image (``skimage.data``) for the LBP face cascade.
There is no online source. When neither has the file, ``ResourceNotFoundError`` (a
FileNotFoundError) says how to get it: OpenCV 5 ships no cascade files, so pin
``opencv-python-headless<5``.

scikit-image's copy of OpenCV's LBP face cascade misspells one XML tag (``featuhreParams``),
which OpenCV's reader rejects (the classifier comes back empty). The offline source for it
writes a repaired copy into the cache; scikit-image's own ``Cascade`` reads either version.
"""
from __future__ import annotations

from pathlib import Path

from .data import ResourceNotFoundError, Source, SourceUnavailable, cache_dir, pretty_path, resolve

# name -> (file name, package that ships it, what it detects)
CASCADES = {
    "frontalface": ("haarcascade_frontalface_default.xml", "opencv", "Haar: frontal human faces (Lienhart)"),
    "frontalface_alt": ("haarcascade_frontalface_alt.xml", "opencv", "Haar: frontal human faces, Lienhart's alternative"),
    "eye": ("haarcascade_eye.xml", "opencv", "Haar: open human eyes"),
    "frontalcatface": ("haarcascade_frontalcatface.xml", "opencv", "Haar: frontal cat faces (Howse)"),
    "frontalcatface_extended": ("haarcascade_frontalcatface_extended.xml", "opencv",
                                "Haar with diagonal features: frontal cat faces (Howse)"),
    "lbp_frontalface": ("lbpcascade_frontalface_opencv.xml", "skimage", "LBP: frontal human faces"),
}
PIN_OPENCV = "pip install 'opencv-python-headless<5'"
_TYPO, _FIXED = "featuhreParams", "featureParams"


def _check_name(name) -> tuple[str, str, str]:
    if not isinstance(name, str) or name not in CASCADES:
        raise ValueError(f"unknown cascade {name!r}; choose one of: {', '.join(CASCADES)}")
    return CASCADES[name]


def _opencv_file(file_name: str) -> Path:
    try:
        import cv2
    except ImportError:
        raise SourceUnavailable("OpenCV (cv2) is not installed") from None
    folder = getattr(getattr(cv2, "data", None), "haarcascades", None)
    if not folder or not Path(folder).is_dir():
        raise SourceUnavailable(f"OpenCV {cv2.__version__} ships no cascade files (cv2.data.haarcascades is missing)")
    path = Path(folder) / file_name
    if not path.is_file():
        raise SourceUnavailable(f"OpenCV {cv2.__version__} has no {file_name} in cv2.data.haarcascades")
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
        raise SourceUnavailable(f"could not write the repaired copy {pretty_path(repaired)}: {exc}") from None
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
        offline = Source("offline", f"cv2.data.haarcascades ({file_name}, opencv-python-headless 4.x)",
                         lambda: _opencv_file(file_name),
                         f"{PIN_OPENCV} (OpenCV 5 ships no cascades)")
    else:
        import skimage

        offline = Source("offline", f"skimage.data ({file_name}, scikit-image {skimage.__version__}; "
                                    f"tag '{_TYPO}' repaired for OpenCV into the cache)",
                         lambda: _skimage_lbp_file(cached), "pip install -r requirements.txt")
    return resolve(
        f"cascade {name!r}",
        [Source("cache", pretty_path(cached), from_cache, f"copy {file_name} to {pretty_path(cached)}"), offline],
        verbose=verbose,
    )


def load_cascade(name: str, verbose: bool = True):
    """Load a cascade by name (see CASCADES) -> a non-empty cv2.CascadeClassifier."""
    import cv2

    path = cascade_path(name, verbose=verbose)
    try:
        classifier = cv2.CascadeClassifier(str(path))
    except (cv2.error, SystemError):  # some malformed files raise instead of giving an empty classifier
        classifier = None
    if classifier is None or classifier.empty():
        raise ValueError(
            f"OpenCV could not read the cascade file {pretty_path(path)}; delete it if it is a copy in the "
            f"cache, or reinstall the package that ships it ({PIN_OPENCV})"
        )
    return classifier


__all__ = ["CASCADES", "ResourceNotFoundError", "cascade_path", "load_cascade"]
