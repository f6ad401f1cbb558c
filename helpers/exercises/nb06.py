"""Checks for 06_cnn_building_blocks (the cameraman photo, the lecture's county network)."""

import numpy as np

from . import exercise
from .answers import AnswerError, as_array, as_int, as_number, compare_number

EDGE_KERNEL = np.array(
    [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float
)  # Sobel x, as in the notebook


def _slide():
    """The lecture's weights (Webb Williams et al. 2020 via the slides) from data/slide_worked_example.json."""
    from ..data import load_slide_worked_example

    return load_slide_worked_example(verbose=False)


NEW_COUNTY = np.array(
    [1, 80, 25, 300]
)  # intercept, white %, college %, income (hundreds USD)


def _gray():
    """The notebook's input: cameraman averaged over 4×4 blocks -> float (128, 128) in [0, 1]."""
    from ..data import load_photo

    camera = load_photo("camera", verbose=False)
    return camera.reshape(128, 4, 128, 4).mean(axis=(1, 3)) / 255


def _valid(img, kernel):
    from scipy import signal

    return signal.correlate2d(img, kernel, mode="valid")


def _as_float_array(answer, what):
    return as_array(answer, what=f"{what} as a NumPy array")


def _pool(feature_map, how="max"):
    blocks = feature_map.reshape(63, 2, 63, 2)
    return (
        blocks.max(axis=(1, 3)) if how == "max" else blocks.mean(axis=(1, 3))
    )


@exercise("06.horizontal_edges")
def _horizontal_edges(answer):
    arr = _as_float_array(answer, "the feature map")
    gray = _gray()
    want = _valid(gray, EDGE_KERNEL.T)
    if arr.shape == gray.shape:
        return "no padding: a 3×3 window fits in 126×126 positions of a 128×128 image (mode='valid')"
    if arr.shape != want.shape:
        return f"expected shape {want.shape} (128 - 3 + 1 in each direction), got {arr.shape}"
    if np.allclose(arr, want):
        return None
    if np.allclose(arr, -want):
        return "your map has the opposite sign: that is true convolution (flipped kernel); a CNN slides it unflipped (correlate2d)"
    if np.allclose(arr, _valid(gray, EDGE_KERNEL)):
        return "that is the vertical-edge map; use the transposed kernel edge_kernel.T"
    if np.allclose(arr, want * 255):
        return "your values are 255 times too large: use gray (floats in [0, 1]), not the uint8 camera"
    return "slide edge_kernel.T over gray: map[r, c] = sum(kernel * gray[r:r+3, c:c+3])"


@exercise("06.relu_pool")
def _relu_pool(answer):
    arr = _as_float_array(answer, "the pooled map")
    edges = _valid(_gray(), EDGE_KERNEL.T)
    relu = np.maximum(edges, 0)
    want = _pool(relu)
    if arr.shape == relu.shape:
        return "that is the map after ReLU, not yet pooled: keep the max of each 2×2 block (shape 63×63)"
    if arr.shape != want.shape:
        return f"expected shape {want.shape} (126 / 2 in each direction), got {arr.shape}"
    if np.allclose(arr, want):
        return None
    if np.allclose(arr, _pool(relu, "mean")):
        return "that is average pooling; max pooling keeps the largest value of each 2×2 block"
    if np.allclose(arr, _pool(edges)):
        return "apply ReLU (np.maximum(map, 0)) before pooling: your map still has negative values"
    if np.allclose(arr, _pool(np.maximum(_valid(_gray(), EDGE_KERNEL), 0))):
        return "that is the pooled vertical-edge map; start from the horizontal one (edge_kernel.T)"
    return "ReLU the 126×126 horizontal-edge map, then .reshape(63, 2, 63, 2).max(axis=(1, 3))"


@exercise("06.layer_weights")
def _layer_weights(answer):
    answer = as_int(answer, "a whole number (the count of learned numbers)")
    filters, channels, k = 16, 3, 5
    if answer == filters * channels * k * k + filters:
        return None
    if answer == filters * channels * k * k:
        return "you counted the kernel weights; add one bias per filter"
    if answer in (filters * k * k + filters, filters * k * k):
        return "each filter has one 5×5 kernel per input channel, and RGB has 3 channels"
    if answer == filters * channels * 3 * 3 + filters:
        return "the kernels here are 5×5, not 3×3"
    return "filters × channels × kernel height × kernel width, plus one bias per filter"


def _forward(x, b2=None, relu=True, sigmoid=True):
    """The slide's network on one row x; b2=None: the filter with its fourth digit restored (0.1865, see §7)."""
    slide = _slide()
    b2 = np.array([slide["B2"][0], 0.1865]) if b2 is None else b2
    z0 = x @ slide["B1"]
    z1 = np.maximum(z0, 0) if relu else z0
    k = np.array([b2 @ z1[0:2], b2 @ z1[1:3]])
    y0 = np.r_[1.0, k] @ slide["B3"]
    return float(1 / (1 + np.exp(-y0))) if sigmoid else float(y0)


@exercise("06.new_county")
def _new_county(answer):
    if np.size(answer) > 1 and not isinstance(answer, (str, bytes)):
        raise AnswerError(
            f"give one number (the predicted share), got {np.size(answer)} values"
        )
    answer = as_number(answer, "one number (the predicted share, a float)")
    want = _forward(NEW_COUNTY)
    verdict = compare_number(answer, want, decimals=3)
    if verdict is None or verdict.startswith("right"):
        return verdict
    for wrong, hint in [
        (
            _forward(NEW_COUNTY, sigmoid=False),
            "that is Y0; apply the sigmoid 1 / (1 + exp(-Y0)) to get a share",
        ),
        (
            _forward(NEW_COUNTY, b2=np.array([-0.5090, 0.186])),
            "you used the printed filter 0.186; use B2 = [-0.5090, 0.1865]",
        ),
        (
            _forward(NEW_COUNTY, b2=np.array([0.1865, -0.5090])),
            "you flipped the filter; K[j] = B2[0] * Z1[j] + B2[1] * Z1[j+1]",
        ),
        (
            _forward(NEW_COUNTY, relu=False),
            "apply ReLU to Z0 before the filter",
        ),
    ]:
        if abs(answer - wrong) < 1e-6:
            return hint
    if not 0 < answer < 1:
        return "a share lies between 0 and 1: did you apply the sigmoid?"
    if verdict.startswith("close"):
        return verdict
    return "x = [1, 80, 25, 300]; Z1 = max(0, x @ SLIDE_B1); slide B2 over Z1; prepend 1; @ SLIDE_B3; sigmoid"
