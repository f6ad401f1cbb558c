"""Checks of notebook 06's exercises: right answers pass in two forms, typical mistakes get their hint."""

import numpy as np
from scipy import signal

from helpers.data import load_slide_worked_example
from helpers.exercises import evaluate as _evaluate
from helpers.exercises.nb06 import (
    EDGE_KERNEL,
    POOL_MAP,
    relu_max_pool,
    toy_image,
)

SLIDE = load_slide_worked_example(verbose=False)


def evaluate(exercise_id, answer):
    """Strict: a checker that crashes fails the test instead of turning the crash into a hint."""
    return _evaluate(exercise_id, answer, strict=True)


def hint(exercise_id, answer):
    ok, message = evaluate(exercise_id, answer)
    assert ok is False, f"{exercise_id} accepted a wrong answer"
    return message


def test_toy_horizontal():
    right = signal.correlate2d(toy_image(), EDGE_KERNEL.T, mode="valid")
    assert right.shape == (4, 4) and not right.any()  # no top-to-bottom change
    assert evaluate("06.toy_horizontal", right)[0] is True
    assert evaluate("06.toy_horizontal", [[0] * 4] * 4)[0] is True
    vertical = signal.correlate2d(toy_image(), EDGE_KERNEL, mode="valid")
    assert "vertical-edge map" in hint("06.toy_horizontal", vertical)
    assert "whole map" in hint("06.toy_horizontal", 0)
    assert "(4, 4) positions" in hint("06.toy_horizontal", np.zeros((6, 6)))
    message = hint("06.toy_horizontal", np.ones((4, 4)))
    assert "rows" in message and "correlate" not in message


def test_relu_pool():
    right = relu_max_pool(POOL_MAP)
    assert right.tolist() == [[4, 0], [2, 6]]  # worked by hand
    assert evaluate("06.relu_pool", right)[0] is True
    assert evaluate("06.relu_pool", [[4, 0], [2.0, 6]])[0] is True
    no_relu = POOL_MAP.reshape(2, 2, 2, 2).max(axis=(1, 3))
    assert "only negative values" in hint("06.relu_pool", no_relu)
    mean_pool = np.maximum(POOL_MAP, 0).reshape(2, 2, 2, 2).mean(axis=(1, 3))
    assert "average pooling" in hint("06.relu_pool", mean_pool)
    absolute = np.abs(POOL_MAP).reshape(2, 2, 2, 2).max(axis=(1, 3))
    assert "does not flip signs" in hint("06.relu_pool", absolute)
    assert "still has 4x4" in hint("06.relu_pool", np.maximum(POOL_MAP, 0))
    message = hint("06.relu_pool", [[1, 1], [1, 1]])
    assert "reshape" not in message and "max(axis" not in message


def test_layer_weights():
    assert evaluate("06.layer_weights", 16 * 3 * 5 * 5 + 16)[0] is True
    assert evaluate("06.layer_weights", np.int64(1216))[0] is True
    assert evaluate("06.layer_weights", 1216.0)[0] is True
    assert "one more number" in hint("06.layer_weights", 1200)
    assert "3 channels" in hint("06.layer_weights", 416)
    assert "5×5, not 3×3" in hint("06.layer_weights", 448)
    assert "whole number" in hint("06.layer_weights", 1216.5)
    message = hint("06.layer_weights", 1000)
    assert "×" not in message and "1216" not in message


def test_the_restored_weight_lives_in_the_data_file():
    """One copy: notebook 06 and tests/test_worked_example.py read B2_restored from the data file."""
    assert SLIDE["B2"].tolist() == [-0.5090, 0.186]  # as printed
    assert SLIDE["B2_restored"].tolist() == [-0.5090, 0.1865]


def test_impute_evidence():
    assert evaluate("06.impute_evidence", "b")[0] is True
    assert evaluate("06.impute_evidence", " (B) ")[0] is True
    assert "fitted to" in hint("06.impute_evidence", "a")
    assert "count of weights" in hint("06.impute_evidence", "c")
    assert "one of" in hint("06.impute_evidence", "d")
