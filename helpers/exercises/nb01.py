"""Checks for 01_images_as_arrays (the cat photo, skimage's chelsea)."""
import numpy as np

from . import exercise


def _cat():
    from ..data import load_photo

    return load_photo("chelsea", verbose=False)


def _shape_hint(answer, expected_shape):
    shape = getattr(answer, "shape", None)
    if shape != expected_shape:
        return f"expected an array of shape {expected_shape}, got {shape if shape is not None else type(answer).__name__}"
    return None


@exercise("01.pixel")
def _pixel(answer):
    want = tuple(int(v) for v in _cat()[50, 300])
    got = tuple(int(v) for v in answer)
    if len(got) != 3:
        return f"give three numbers (R, G, B), got {len(got)}"
    if got == want[::-1]:
        return "the numbers are in reverse order: NumPy stores R, G, B"
    if got != want:
        return "index as img[row, column]: row 50, column 300"
    return None


@exercise("01.to_float")
def _to_float(answer):
    img = _cat()
    answer = np.asarray(answer)
    if (hint := _shape_hint(answer, img.shape)):
        return hint
    if not np.issubdtype(answer.dtype, np.floating):
        return f"dtype is {answer.dtype}; divide by 255.0 to get floats"
    if answer.max() > 1.0:
        return f"values go up to {answer.max():.1f}; divide by 255 so the maximum is at most 1"
    if not np.allclose(answer, img / 255.0, atol=1e-6):
        return "values differ from img / 255: divide every channel by 255, no other change"
    return None


@exercise("01.gray_by_hand")
def _gray_by_hand(answer):
    from skimage.color import rgb2gray

    img = _cat()
    answer = np.asarray(answer, dtype=float)
    if (hint := _shape_hint(answer, img.shape[:2])):
        return hint
    if answer.max() > 1.5:
        return "your values are on the 0-255 scale; start from img / 255.0"
    if not np.allclose(answer, rgb2gray(img), atol=1e-4):
        return "use the weights 0.2125, 0.7154, 0.0721 for R, G, B (img @ weights does all pixels at once)"
    return None


@exercise("01.quarter_flip")
def _quarter_flip(answer):
    img = _cat()
    h, w = img.shape[0] // 2, img.shape[1] // 2
    answer = np.asarray(answer)
    if (hint := _shape_hint(answer, (h, w, 3))):
        return hint + " (first half of rows, first half of columns: img[:h, :w])"
    if np.array_equal(answer, img[:h, :w]):
        return "that is the quarter, not yet mirrored: reverse the columns with [:, ::-1]"
    if np.array_equal(answer, img[:h, :w][::-1]):
        return "you flipped upside down; reverse the columns (axis 1), not the rows"
    if not np.array_equal(answer, img[:h, :w][:, ::-1]):
        return "crop first (img[:h, :w]) and then reverse the columns"
    return None
