"""Checks for 06_cnn_building_blocks (a zero-padded feature map predicted by hand, ReLU and overlapping
pooling by hand, the weights of a layer, and what the lecture's county network's fit can and cannot support)."""

import numpy as np

from . import exercise
from .answers import as_array, as_int, check_choice

# Sobel x, as in the notebook
EDGE_KERNEL = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float)

# Exercise 2's map: a 4x4 feature map before ReLU and 2x2 max pooling (one block all negative)
POOL_MAP = np.array(
    [
        [-3, 1, -4, -2],
        [4, -1, -1, -5],
        [0, -2, 6, 1],
        [-6, 2, 3, -1],
    ],
    dtype=float,
)


def toy_image() -> np.ndarray:
    """The notebook's 6x6 toy image: dark on the left (0), bright from column 3 on (1)."""
    toy = np.zeros((6, 6))
    toy[:, 3:] = 1.0
    return toy


def _valid(img, kernel):
    from scipy import signal

    return signal.correlate2d(img, kernel, mode="valid")


def relu_max_pool(feature_map) -> np.ndarray:
    """The reference: ReLU, then 2x2 max pooling with stride 2."""
    m = np.maximum(np.asarray(feature_map, dtype=float), 0)
    rows, cols = m.shape[0] // 2, m.shape[1] // 2
    return m.reshape(rows, 2, cols, 2).max(axis=(1, 3))


# --- Exercise 1 (predict): the horizontal-edge kernel on the toy image, zero-padded ---------


@exercise("06.toy_horizontal")
def _toy_horizontal(answer):
    if isinstance(answer, (int, float, np.number)) and not isinstance(
        answer, bool
    ):
        return (
            "give the whole first row of the map, one number per window position: how many "
            "positions does a 3x3 window have along a 6-pixel row padded with one zero on each side?"
        )
    arr = as_array(answer, what="the first row of the feature map")
    full = _valid(np.pad(toy_image(), 1), EDGE_KERNEL.T)
    # the whole 6x6 map: fine when its first row is right
    if arr.shape == full.shape:
        if np.allclose(arr, full):
            return None
        arr = arr[0]
    if arr.ndim == 2 and arr.shape[0] == 1:
        arr = arr[0]  # [[...]]: one row written as a 1 x 6 nested list
    want = full[0]
    if arr.shape != want.shape:
        return (
            f"with padding=1 a 3x3 window fits in as many positions as the image has pixels: "
            f"give the first row, shape {want.shape}, got shape {arr.shape}"
        )
    if np.allclose(arr, want):
        return None
    if np.allclose(arr, 0):
        return (
            "inside the image no row differs from the next, true; but the top row of windows "
            "reaches into the padding. What lies above the image, and below it in row 1?"
        )
    if np.allclose(arr, -want):
        return (
            "check the sign: the transposed kernel has its negative weights on the top row and its "
            "positive weights on the bottom row"
        )
    if np.allclose(arr[:5], want[:5]):
        return (
            "the last window hangs over the right edge: which of its three columns hold image "
            "pixels, and which hold padding?"
        )
    return (
        "take one window at a time: its top row lies in the padding, its bottom row on image row "
        "1. Which weights meet bright pixels there?"
    )


# --- Exercise 2 (predict): ReLU and overlapping max pooling by hand ---------------------------


def pool_stride1(feature_map) -> np.ndarray:
    """2x2 max pooling with stride 1 (overlapping windows) -> (H-1, W-1)."""
    m = np.asarray(feature_map, dtype=float)
    return np.maximum.reduce([m[:-1, :-1], m[:-1, 1:], m[1:, :-1], m[1:, 1:]])


def relu_pool_stride1(feature_map) -> np.ndarray:
    """The reference: ReLU, then 2x2 max pooling with stride 1."""
    return pool_stride1(np.maximum(np.asarray(feature_map, dtype=float), 0))


@exercise("06.relu_pool")
def _relu_pool(answer):
    arr = as_array(answer, what="the pooled map as an array")
    want = relu_pool_stride1(POOL_MAP)
    side = int(round(np.sqrt(arr.size)))
    if arr.ndim == 1 and side in (2, 3, 4) and side * side == arr.size:
        arr = arr.reshape(
            side, side
        )  # a flat list, row by row: 9 numbers are a 3x3 map
    if arr.shape == POOL_MAP.shape:
        return "that map still has 4x4 entries: a 2x2 window has fewer positions than that on a 4x4 map"
    if arr.shape == relu_max_pool(POOL_MAP).shape:
        if np.allclose(arr, relu_max_pool(POOL_MAP)):
            return (
                "that is pooling with stride 2, as in §5; here the window moves one step at a time, "
                "so neighbouring windows overlap"
            )
        return "a 2x2 window moving one step at a time fits in more than two positions per side"
    if arr.shape != want.shape:
        return f"expected one number per window position, shape {want.shape}, got shape {arr.shape}"
    if np.allclose(arr, want):
        return None
    if np.allclose(arr, pool_stride1(POOL_MAP)):
        return "one window has only negative values: what does ReLU make of them before the max is taken?"
    relu = np.maximum(POOL_MAP, 0)
    mean = (relu[:-1, :-1] + relu[:-1, 1:] + relu[1:, :-1] + relu[1:, 1:]) / 4
    if np.allclose(arr, mean):
        return "that is average pooling; max pooling keeps one value of each window"
    if np.allclose(arr, pool_stride1(np.abs(POOL_MAP))):
        return "ReLU does not flip signs: a negative response becomes 0, not its absolute value"
    return (
        "first ReLU (what happens to negative numbers?), then slide a 2x2 window one step at a "
        "time, row by row, and keep one value per position; one big value can win several windows"
    )


# --- Exercise 3 (predict): the weights of a layer -------------------------------------------


@exercise("06.layer_weights")
def _layer_weights(answer):
    answer = as_int(answer, "a whole number (the count of learned numbers)")
    filters, channels, k = 16, 3, 5
    if answer == filters * channels * k * k + filters:
        return None
    if answer == filters * channels * k * k:
        return "you counted the kernel weights; each filter also learns one more number"
    if answer in (filters * k * k + filters, filters * k * k):
        return "each filter has one 5×5 kernel per input channel, and RGB has 3 channels"
    if answer == filters * channels * 3 * 3 + filters:
        return "the kernels here are 5×5, not 3×3"
    return (
        "what does one filter hold when its input has three channels, and does it learn anything "
        "besides its kernel weights? §4 counts the numbers of the cat photo's layer"
    )


# --- Exercise 4 (judge): what the county network's fit supports ------------------------------

IMPUTE_CHOICES = ("a", "b", "c")


@exercise("06.impute_evidence")
def _impute_evidence(answer):
    return check_choice(
        answer,
        defensible={"B"},
        hints={
            "A": (
                "the R² is measured on the seven counties the 17 weights were fitted to: would it be "
                "any lower if the network had simply memorised them?"
            ),
            "C": (
                "a network can be more flexible than a regression and still be worse on new counties; the "
                "count of weights says nothing about the error of an imputed share. What would measure that?"
            ),
        },
        what="the letter(s) of the evidence that must come first",
    )
