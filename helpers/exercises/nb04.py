"""Checks for 04_haar_features_and_faces (astronaut photo, lfw_subset patches, OpenCV's face cascade)."""
import numbers

import numpy as np

from . import exercise


def _astronaut_gray():
    from skimage.color import rgb2gray

    from ..data import load_photo

    return rgb2gray(load_photo("astronaut", verbose=False))


def _as_number(answer):
    """A plain real number from a Python or NumPy scalar (or 1-element array); None otherwise."""
    if isinstance(answer, (bool, np.bool_)):
        return None
    value = np.asarray(answer)
    if value.size != 1 or not np.issubdtype(value.dtype, np.number) or np.iscomplexobj(value):
        return None
    return float(value.reshape(()))


@exercise("04.region_sum")
def _region_sum(answer):
    value = _as_number(answer)
    if value is None:
        return f"give one number (the sum), got {type(answer).__name__}"
    gray = _astronaut_gray()
    if np.isclose(value, gray[200:300, 100:250].sum()):
        return None
    ii = np.cumsum(np.cumsum(gray, axis=0), axis=1)
    if np.isclose(value, gray[201:301, 101:251].sum()) or np.isclose(value, gray[200:299, 100:249].sum()):
        return ("off by one: for rows 200-299 subtract the strip ending at row 199 (ii[199, ...]) "
                "and the strip ending at column 99 (ii[..., 99])")
    if np.isclose(value, ii[299, 249]):
        return "that is the sum of everything above and left of (299, 249); subtract the strips above and to the left"
    if np.isclose(value, ii[299, 249] - ii[199, 249] - ii[299, 99]):
        return "the top-left corner was subtracted twice: add ii[199, 99] back"
    return "use S = ii[r1, c1] - ii[r0 - 1, c1] - ii[r1, c0 - 1] + ii[r0 - 1, c0 - 1] with r0=200, r1=299, c0=100, c1=249"


@exercise("04.two_rect")
def _two_rect(answer):
    from ..data import load_face_patches

    value = _as_number(answer)
    if value is None:
        return f"give one number (the feature value), got {type(answer).__name__}"
    face = load_face_patches(verbose=False)[0][0]
    left, right = face[6:10, 3:12].sum(), face[6:10, 12:21].sum()
    if np.isclose(value, right - left):
        return None
    if np.isclose(value, left - right):
        return "the sign is flipped: scikit-image takes the second rectangle (right) minus the first (left)"
    if np.isclose(value, face[6:9, 12:20].sum() - face[6:9, 3:11].sum()):
        return "the row and column ranges are inclusive: rows 6-9 are four rows (6, 7, 8, 9)"
    return "right sum (rows 6-9, columns 12-20) minus left sum (rows 6-9, columns 3-11), both on X[0]"


@exercise("04.min_neighbors")
def _min_neighbors(answer):
    import cv2

    from ..weights import load_cascade
    from ..data import load_photo

    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, numbers.Integral):
        return f"give a whole number (a value for minNeighbors), got {type(answer).__name__}"
    gray = cv2.cvtColor(load_photo("astronaut", verbose=False), cv2.COLOR_RGB2GRAY)
    raw = [list(b) for b in load_cascade("frontalface", verbose=False).detectMultiScale(
        gray, scaleFactor=1.05, minNeighbors=0)]

    def boxes(k):
        return len(cv2.groupRectangles(raw, int(k), 0.2)[0])

    want = next(k for k in range(1, 200) if boxes(k) == 1)
    if answer == want:
        return None
    if answer < 1:
        return "minNeighbors=0 returns every raw hit; start at 1"
    if answer < want:
        return f"with minNeighbors={int(answer)} the cascade still returns {boxes(answer)} boxes; try larger values"
    return f"minNeighbors={int(answer)} gives {boxes(answer)} box(es), but a smaller value already gives exactly one"
