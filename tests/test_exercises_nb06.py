"""Checks of notebook 06's exercises: right answers pass in two forms, typical mistakes get their hint."""

import numpy as np
from scipy import signal

from helpers.data import load_slide_worked_example
from helpers.exercises import evaluate as _evaluate
from helpers.exercises.nb06 import (
    EDGE_KERNEL,
    POOL_MAP,
    pool_stride1,
    relu_max_pool,
    relu_pool_stride1,
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
    full = signal.correlate2d(
        np.pad(toy_image(), 1), EDGE_KERNEL.T, mode="valid"
    )
    right = full[0]
    assert right.tolist() == [0, 0, 1, 3, 4, 3]  # worked by hand
    assert evaluate("06.toy_horizontal", right)[0] is True
    assert evaluate("06.toy_horizontal", [0, 0, 1, 3, 4, 3])[0] is True
    assert evaluate("06.toy_horizontal", full)[0] is True  # the whole map
    assert (
        evaluate("06.toy_horizontal", [[0, 0, 1, 3, 4, 3]])[0] is True
    )  # 1x6
    assert "sign" in hint("06.toy_horizontal", [[0, 0, -1, -3, -4, -3]])
    assert "reaches into the padding" in hint("06.toy_horizontal", [0] * 6)
    assert "sign" in hint("06.toy_horizontal", -right)
    assert "right edge" in hint("06.toy_horizontal", [0, 0, 1, 3, 4, 4])
    assert "whole first row" in hint("06.toy_horizontal", 0)
    assert "shape (6,)" in hint("06.toy_horizontal", np.zeros(4))
    message = hint("06.toy_horizontal", np.ones(6))
    assert "padding" in message and "correlate" not in message


def test_relu_pool():
    right = relu_pool_stride1(POOL_MAP)
    assert right.tolist() == [
        [4, 1, 0],
        [4, 6, 6],
        [2, 6, 6],
    ]  # worked by hand
    assert evaluate("06.relu_pool", right)[0] is True
    assert (
        evaluate("06.relu_pool", [[4, 1, 0], [4, 6.0, 6], [2, 6, 6]])[0]
        is True
    )
    # a flat list, row by row
    assert evaluate("06.relu_pool", [4, 1, 0, 4, 6, 6, 2, 6, 6])[0] is True
    assert evaluate("06.relu_pool", np.float32(right).ravel())[0] is True
    ok, msg = evaluate("06.relu_pool", [4, 1, 0, 4, 6, 6, 2, 6, 5])
    assert ok is False
    assert "stride 2" in hint("06.relu_pool", relu_max_pool(POOL_MAP).ravel())
    no_relu = pool_stride1(POOL_MAP)
    assert "only negative values" in hint("06.relu_pool", no_relu)
    absolute = pool_stride1(np.abs(POOL_MAP))
    assert "does not flip signs" in hint("06.relu_pool", absolute)
    assert "stride 2" in hint("06.relu_pool", relu_max_pool(POOL_MAP))
    assert "still has 4x4" in hint("06.relu_pool", np.maximum(POOL_MAP, 0))
    message = hint("06.relu_pool", np.ones((3, 3)))
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
    assert evaluate("06.impute_evidence", ["b"])[0] is True
    assert "fitted to" in hint("06.impute_evidence", "a")
    assert "count of weights" in hint("06.impute_evidence", "c")
    assert "one or more of" in hint("06.impute_evidence", "d")
    assert "held out" not in hint("06.impute_evidence", "a")
