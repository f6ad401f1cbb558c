"""Notebook 00's checkers: right answers in any reasonable form pass, near misses get the hint that fits."""

import numpy as np
import pytest

from helpers import choose_device
from helpers.exercises import evaluate


def test_device_accepts_the_picked_device_in_any_case():
    picked = choose_device(verbose=False).type
    assert evaluate("00.device", picked)[0] is True
    assert evaluate("00.device", f" {picked.upper()} ")[0] is True
    other = "mps" if picked != "mps" else "cpu"
    ok, message = evaluate("00.device", other)
    assert ok is False and f"'{other}' is not it" in message


@pytest.mark.parametrize(
    "answer", [1797, np.int64(1797), 1797.0, np.array([1797])]
)
def test_n_digits_accepts_the_count(answer):
    assert evaluate("00.n_digits", answer)[0] is True


@pytest.mark.parametrize(
    "answer, hint",
    [
        (1797 * 64, "number of pixel values"),
        (8, "first entry of images.shape"),
        ("1797", "not the text"),
        (np.zeros((1797, 8, 8)), "values (shape (1797, 8, 8))"),
    ],
)
def test_n_digits_hints(answer, hint):
    ok, message = evaluate("00.n_digits", answer)
    assert ok is False and hint in message, message
