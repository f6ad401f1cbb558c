"""Checks for 02_color_histograms (the gray cat, coffee and rocket photos)."""
import numpy as np

from . import exercise


def _gray_cat():
    from skimage import color

    from ..data import load_photo

    return (color.rgb2gray(load_photo("chelsea", verbose=False)) * 255).round().astype(np.uint8)


def _number(answer):
    if isinstance(answer, (bool, str)) or np.ndim(answer) != 0:
        raise TypeError(f"expected a single number, got {type(answer).__name__}")
    return float(answer)


@exercise("02.n_k")
def _n_k(answer):
    h = np.bincount(_gray_cat().ravel(), minlength=256)
    got = _number(answer)
    if got == h[149] or got == h[151]:
        return "off by one: count the pixels equal to 150 exactly, h[150]"
    if 0 < got < 1:
        return "that looks like a share; give the count n_k (an integer)"
    if got != h[150]:
        return "np.bincount(gray.ravel(), minlength=256)[150] counts the pixels equal to 150"
    return None


@exercise("02.cumulative")
def _cumulative(answer):
    gray = _gray_cat()
    want = float(np.mean(gray <= 60))
    got = _number(answer)
    if got > 1:
        return "give a share between 0 and 1: divide the count by the number of pixels"
    if abs(got - float(np.mean(gray < 60))) < 1e-9 and got != want:
        return "'at most 60' includes 60 itself: use index 60 of the cumulative sum"
    if abs(got - want) > 1e-6:
        return "take np.cumsum of the histogram, read entry 60, divide by gray.size"
    return None


@exercise("02.intersection")
def _intersection(answer):
    from ..data import load_photo

    def hist(img, bins=8):
        cell = (img.astype(np.int64) * bins) // 256
        index = (cell[..., 0] * bins + cell[..., 1]) * bins + cell[..., 2]
        counts = np.bincount(index.ravel(), minlength=bins**3)
        return counts / counts.sum()

    want = float(np.minimum(hist(load_photo("coffee", verbose=False)), hist(load_photo("rocket", verbose=False))).sum())
    got = _number(answer)
    if not 0 <= got <= 1:
        return "an intersection of normalised histograms lies between 0 and 1"
    if abs(got - want) > 1e-9:
        return "use colour_histogram(img, bins=8) for both whole photos, then intersection(p, q)"
    return None
