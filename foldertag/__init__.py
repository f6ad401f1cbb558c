"""foldertag: tag a folder of images into one tidy, self-describing table (the course's folder tagger).

    images-as-data scan FOLDER [--out scan.csv]
    images-as-data tag FOLDER OUT [--precision int8] [--top-k 5] [--features hist,glcm] ...
    images-as-data demo FOLDER [N]

(``python -m foldertag`` is the same command.) From Python: ``tag_folder(folder, out)``. Reading one
file and scanning a folder are lessons of the course and live in ``helpers.files``.
"""

__version__ = "1.0.0"

from .tagger import Interrupted, OutputProblem, SettingsChanged, tag_folder  # noqa: E402


def make_demo_corpus(folder, n: int = 40, seed: int = 0):
    """Write the messy demo folder (see foldertag.demo.make_demo_corpus) -> manifest DataFrame."""
    from .demo import make_demo_corpus as make

    return make(folder, n, seed)


def onnx_tagger_path(model=None, verbose: bool = True):
    """The cached fp32 ONNX export of the course's tagger (see foldertag.engines) -> Path."""
    from .engines import onnx_tagger_path as path

    return path(model, verbose)


def int8_tagger_path(model=None, verbose: bool = True):
    """The cached int8 quantization of the course's tagger (see foldertag.engines) -> Path."""
    from .engines import int8_tagger_path as path

    return path(model, verbose)


__all__ = [
    "Interrupted",
    "OutputProblem",
    "SettingsChanged",
    "int8_tagger_path",
    "make_demo_corpus",
    "onnx_tagger_path",
    "tag_folder",
]
