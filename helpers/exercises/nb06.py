"""Checks for 06_cnn_building_blocks (a feature map predicted by hand, ReLU and pooling by hand, the
weights of a layer, and what the lecture's county network's fit can and cannot support)."""

import numpy as np

from . import exercise
from .answers import AnswerError, as_array, as_int, as_text

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


# --- Exercise 1 (predict): the horizontal-edge kernel on the toy image -----------------------


@exercise("06.toy_horizontal")
def _toy_horizontal(answer):
    if isinstance(answer, (int, float, np.number)) and not isinstance(
        answer, bool
    ):
        return (
            "give the whole map, one number per window position: how many positions does a "
            "3x3 window have on a 6x6 image without padding?"
        )
    arr = as_array(answer, what="the feature map as an array")
    # all zeros: no change from top to bottom
    want = _valid(toy_image(), EDGE_KERNEL.T)
    if arr.shape != want.shape:
        return f"a 3x3 window on a 6x6 image without padding fits in {want.shape} positions, got shape {arr.shape}"
    if np.allclose(arr, want):
        return None
    if np.allclose(arr, _valid(toy_image(), EDGE_KERNEL)):
        return (
            "that is the vertical-edge map of §2. The transposed kernel compares the row below with the "
            "row above: does the toy image change from top to bottom?"
        )
    return (
        "think of what the kernel compares: its rows, not its columns, have opposite signs. In the toy "
        "image, how different is each row from the row above it?"
    )


# --- Exercise 2 (predict): ReLU and max pooling by hand --------------------------------------


@exercise("06.relu_pool")
def _relu_pool(answer):
    arr = as_array(answer, what="the pooled map as an array")
    want = relu_max_pool(POOL_MAP)
    if arr.shape == POOL_MAP.shape:
        return "that map still has 4x4 entries: 2x2 pooling with stride 2 keeps one number per 2x2 block"
    if arr.shape != want.shape:
        return f"expected one number per 2x2 block, shape {want.shape}, got shape {arr.shape}"
    if np.allclose(arr, want):
        return None
    blocks = POOL_MAP.reshape(2, 2, 2, 2)
    if np.allclose(arr, blocks.max(axis=(1, 3))):
        return "one block has only negative values: what does ReLU make of them before the max is taken?"
    if np.allclose(
        arr, np.maximum(POOL_MAP, 0).reshape(2, 2, 2, 2).mean(axis=(1, 3))
    ):
        return "that is average pooling; max pooling keeps one value of each block"
    if np.allclose(arr, np.abs(POOL_MAP).reshape(2, 2, 2, 2).max(axis=(1, 3))):
        return "ReLU does not flip signs: a negative response becomes 0, not its absolute value"
    return (
        "first ReLU (what happens to negative numbers?), then split the 4x4 map into four 2x2 blocks "
        "(top-left, top-right, bottom-left, bottom-right) and keep one value per block"
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
        "count one filter first: how many kernels does it hold on an RGB input, how many weights "
        "in each, and what else does it learn? Then multiply by the number of filters (§4 does "
        "this count for the cat photo's layer)"
    )


# --- Exercise 4 (judge): what the county network's fit supports ------------------------------

IMPUTE_CHOICES = ("a", "b", "c")


@exercise("06.impute_evidence")
def _impute_evidence(answer):
    if not isinstance(answer, str):
        raise AnswerError(
            f"give one letter in quotes, 'a', 'b' or 'c', got {type(answer).__name__}"
        )
    letter = answer.strip().strip("()").strip().lower()
    choice = as_text(letter, what="one letter", choices=IMPUTE_CHOICES)
    if choice == "b":
        return None
    if choice == "a":
        return (
            "R² on the seven counties is measured on the counties the weights were fitted to: with "
            "17 weights for 7 counties, a good fit there says little about a county the model has "
            "not seen. What would show how wrong an imputed share can be?"
        )
    return (
        "a network can be more flexible than a regression and still be worse on new counties; the "
        "count of weights says nothing about the error of an imputed share. What would measure that?"
    )
