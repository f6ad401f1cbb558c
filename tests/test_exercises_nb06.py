"""Checks of notebook 06's exercises: right answers pass, typical mistakes get their specific hint."""

import numpy as np
import pytest
from scipy import signal

from helpers import load_photo
from helpers.data import load_slide_worked_example
from helpers.exercises import evaluate as _evaluate

SLIDE = load_slide_worked_example(verbose=False)


def evaluate(exercise_id, answer):
    """Strict: a checker that crashes fails the test instead of turning the crash into a hint."""
    return _evaluate(exercise_id, answer, strict=True)


EDGE = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float)


@pytest.fixture(scope="module")
def gray():
    camera = load_photo("camera", verbose=False)
    return camera.reshape(128, 4, 128, 4).mean(axis=(1, 3)) / 255


def hint(exercise_id, answer):
    ok, message = evaluate(exercise_id, answer)
    assert ok is False, f"{exercise_id} accepted a wrong answer"
    return message


def test_horizontal_edges(gray):
    right = signal.correlate2d(gray, EDGE.T, mode="valid")
    assert right.shape == (126, 126)
    assert evaluate("06.horizontal_edges", right)[0] is True
    assert evaluate("06.horizontal_edges", right.tolist())[0] is True
    assert "true convolution" in hint(
        "06.horizontal_edges", signal.convolve2d(gray, EDGE.T, mode="valid")
    )
    assert "vertical-edge map" in hint(
        "06.horizontal_edges", signal.correlate2d(gray, EDGE, mode="valid")
    )
    assert "no padding" in hint(
        "06.horizontal_edges", signal.correlate2d(gray, EDGE.T, mode="same")
    )
    assert "255 times" in hint("06.horizontal_edges", right * 255)
    assert "expected shape (126, 126)" in hint(
        "06.horizontal_edges", right[:100]
    )
    assert "as a NumPy array" in hint("06.horizontal_edges", "edges")
    assert "as a NumPy array" in hint("06.horizontal_edges", object())


def test_relu_pool(gray):
    edges = signal.correlate2d(gray, EDGE.T, mode="valid")
    relu = np.maximum(edges, 0)
    right = relu.reshape(63, 2, 63, 2).max(axis=(1, 3))
    assert evaluate("06.relu_pool", right)[0] is True
    assert "average pooling" in hint(
        "06.relu_pool", relu.reshape(63, 2, 63, 2).mean(axis=(1, 3))
    )
    assert "apply ReLU" in hint(
        "06.relu_pool", edges.reshape(63, 2, 63, 2).max(axis=(1, 3))
    )
    assert "not yet pooled" in hint("06.relu_pool", relu)
    assert "expected shape (63, 63)" in hint("06.relu_pool", right[:, :10])


def test_layer_weights():
    assert 16 * 3 * 5 * 5 + 16 == 1216
    assert evaluate("06.layer_weights", 1216)[0] is True
    assert evaluate("06.layer_weights", np.int64(1216))[0] is True
    assert evaluate("06.layer_weights", 1216.0)[0] is True
    assert "add one bias" in hint("06.layer_weights", 1200)
    assert "3 channels" in hint("06.layer_weights", 416)
    assert "5×5, not 3×3" in hint("06.layer_weights", 448)
    assert "whole number" in hint("06.layer_weights", 1216.5)
    assert "whole number" in hint("06.layer_weights", True)


def forward(x, b2, relu=True, sigmoid=True):
    z0 = np.asarray(x, dtype=float) @ SLIDE["B1"]
    z1 = np.maximum(z0, 0) if relu else z0
    k = np.array(
        [b2[0] * z1[0] + b2[1] * z1[1], b2[0] * z1[1] + b2[1] * z1[2]]
    )
    y0 = SLIDE["B3"][0] + k @ SLIDE["B3"][1:]
    return 1 / (1 + np.exp(-y0)) if sigmoid else y0


def test_new_county():
    x = [1, 80, 25, 300]
    right = forward(x, [-0.5090, 0.1865])
    assert 0.4 < right < 0.6  # a plausible share, and the checker agrees
    assert evaluate("06.new_county", right)[0] is True
    assert evaluate("06.new_county", np.array([right]))[0] is True
    assert (
        evaluate("06.new_county", round(float(right), 4))[0] is True
    )  # typed with 4 decimals
    assert "decimals" in hint("06.new_county", round(float(right), 1))
    assert "apply the sigmoid" in hint(
        "06.new_county", forward(x, [-0.5090, 0.1865], sigmoid=False)
    )
    assert "printed filter 0.186" in hint(
        "06.new_county", forward(x, [-0.5090, 0.186])
    )
    assert "flipped the filter" in hint(
        "06.new_county", forward(x, [0.1865, -0.5090])
    )
    assert "one number" in hint("06.new_county", [0.5, 0.5])


def test_checker_reads_the_slides_weights_from_the_data_file():
    """The checker, the notebook and tests/test_worked_example.py read one file: the filter as printed there."""
    assert SLIDE["B2"].tolist() == [-0.5090, 0.186]
    right = forward([1, 80, 25, 300], [SLIDE["B2"][0], 0.1865])
    assert evaluate("06.new_county", right)[0] is True


@pytest.mark.parametrize(
    "exercise_id",
    [
        "06.horizontal_edges",
        "06.relu_pool",
        "06.layer_weights",
        "06.new_county",
    ],
)
def test_junk_answers_get_a_hint(exercise_id):
    for junk in ("a string", 42, np.zeros((2, 2)), object()):
        ok, message = evaluate(exercise_id, junk)
        assert ok is False and message.startswith(
            f"Exercise {exercise_id}: not yet. Hint: "
        )
