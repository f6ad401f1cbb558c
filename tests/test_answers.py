"""helpers.exercises.answers: one way to coerce answers, so right answers in any reasonable form pass."""

import numpy as np
import pytest

from helpers.exercises.answers import (
    AnswerError,
    as_array,
    as_int,
    as_number,
    as_text,
    compare_number,
    decimals_typed,
)


@pytest.mark.parametrize(
    "answer, want",
    [
        (3, 3.0),
        (np.int64(3), 3.0),
        (np.float32(0.5), 0.5),
        (np.array([2.5]), 2.5),
    ],
)
def test_as_number_accepts_scalars_and_one_element_arrays(answer, want):
    assert as_number(answer) == want


@pytest.mark.parametrize(
    "answer, match",
    [
        ("3", "not the text '3'"),
        (True, "not True/False"),
        (np.zeros(3), "3 values"),
        (object(), "got object"),
        (float("nan"), "got nan"),
        ([1, "a"], "got list"),
    ],
)
def test_as_number_hints_name_what_was_given(answer, match):
    with pytest.raises(AnswerError, match=match):
        as_number(answer)


def test_as_int_and_as_array_and_as_text():
    assert as_int(4.0) == 4 and as_int(np.int32(7)) == 7
    with pytest.raises(AnswerError, match="3.5 is not whole"):
        as_int(3.5)
    assert as_array([[1, 2], [3, 4]], shape=(2, 2)).dtype == float
    with pytest.raises(AnswerError, match=r"shape \(3,\), got shape \(2, 2\)"):
        as_array(np.zeros((2, 2)), shape=(3,))
    with pytest.raises(AnswerError, match="got str"):
        as_array("1 2 3")
    assert as_text("  Latent ", choices=["latent", "object"]) == "latent"
    with pytest.raises(AnswerError, match="give one of 'latent', 'object'"):
        as_text("both", choices=["latent", "object"])
    with pytest.raises(AnswerError, match="in quotes"):
        as_text(3)


def test_decimals_typed():
    assert [decimals_typed(v) for v in (1.8637, 2.0, 0.5, 1e-5)] == [
        4,
        0,
        1,
        5,
    ]


def test_compare_number_accepts_the_printed_rounding_and_hints_near_misses():
    want = 1.863712
    assert compare_number(1.8637, want, decimals=4) is None  # typed as printed
    assert compare_number(want, want, decimals=4) is None  # the full value
    assert "at least 4 decimals" in compare_number(1.864, want, decimals=4)
    assert "close" in compare_number(
        1.8636, want, decimals=4
    )  # cut off, not rounded
    assert compare_number(2.5, want, decimals=4) == "not this value"
    assert compare_number(-want, want, decimals=4) == "not this value"
    assert (
        compare_number(150, 150.0, decimals=3) is None
    )  # whole numbers need no decimals
