"""helpers.exercises.answers: one way to coerce answers, so right answers in any reasonable form pass."""

import numpy as np
import pytest

from helpers.exercises.answers import (
    AnswerError,
    as_array,
    as_int,
    as_number,
    as_text,
    as_words,
    check_array,
    check_choice,
    check_number,
    compare_array,
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
    assert "cut off" in compare_number(1.8638, 1.86389, decimals=4)
    # a near miss that is not the value rounded is not "close"
    assert compare_number(1.8636, want, decimals=4) == "not this value"
    assert compare_number(2.5, want, decimals=4) == "not this value"
    assert compare_number(-want, want, decimals=4) == "not this value"
    # whole numbers need no decimals
    assert compare_number(150, 150.0, decimals=3) is None


# --- the one acceptance rule (issue 17 §2) ---------------------------------------------


def test_a_float32_result_passes_at_full_precision():
    want = 0.3183098861837907
    assert compare_number(float(np.float32(want)), want) is None
    # a float32 sum of many terms carries more error than one rounding
    terms = np.full(512, want / 512, dtype=np.float32)
    assert compare_number(float(terms.sum()), want) is None
    assert check_number(np.float32(want), want) is None
    assert check_number(np.array([want], dtype=np.float32), want) is None


def test_the_printed_rounding_passes_even_below_the_decimals_needed():
    want = 0.12378
    assert compare_number(0.12, want, decimals=3) == (
        "right value, but rounded to 2 decimals: give at least 3 decimals "
        "(or the full value)"
    )
    # the notebook printed it with 2 decimals: what it showed is accepted
    assert compare_number(0.12, want, decimals=3, printed=2) is None
    assert compare_number(0.1238, want, decimals=3, printed=2) is None
    assert compare_number(0.1, want, decimals=3, printed=2).startswith(
        "right value, but rounded to 1 decimal:"
    )


def test_more_decimals_only_for_the_right_value_rounded():
    want = 1.863712
    assert compare_number(1.9, want, decimals=3).startswith("right value")
    # a near miss that is not a rounding of the value is simply not it
    assert compare_number(1.8647, want, decimals=3) == "not this value"
    assert compare_number(round(want, 3) + 0.001, want) == "not this value"
    # cut off instead of rounded: the value shortened, with its own hint
    assert "cut off" in compare_number(1.8637, 1.86379, decimals=4)
    # 1.040 is typed as 1.04: trailing zeros count as decimals given
    assert compare_number(1.04, 1.03972, decimals=3) is None


def test_whole_numbers_in_any_form():
    assert compare_number(11.0, 11) is None
    assert check_number(np.int64(11), 11.0) is None
    assert as_int(np.float32(11.0)) == 11
    assert compare_number(150.4, 150.4, decimals=0) is None
    assert compare_number(150, 150.4, decimals=0) is None  # rounded


def test_slips_get_their_conceptual_hint_in_any_form():
    p = np.array([0.5, 0.25, 0.25])
    bits = float(-(p * np.log2(p)).sum())
    nats = float(-(p * np.log(p)).sum())
    slips = [(nats, "that is in nats: use log base 2 for bits")]
    assert check_number(bits, bits, slips=slips) is None
    assert check_number(round(bits, 3), bits, slips=slips) is None
    for form in (nats, round(nats, 3), np.float32(nats), [nats]):
        assert check_number(form, bits, slips=slips) == slips[0][1]
    # a slip given lazily (computed only when needed), and one not applicable (None)
    lazy = [(lambda: None, "never"), (lambda: nats, "nats again")]
    assert check_number(nats, bits, slips=lazy) == "nats again"
    # the right value rounded too far is a rounding hint, not a slip
    assert check_number(1.0, bits, slips=slips, decimals=2).startswith(
        "right value"
    )
    assert (
        check_number(7.0, bits, slips=slips, otherwise="sum -p log2 p")
        == "sum -p log2 p"
    )


def test_arrays_as_lists_float32_and_printed_rounding():
    want = np.array([[0.0, 0.123456], [0.5, 0.376544]])
    assert check_array(want.tolist(), want) is None
    assert check_array(want.astype(np.float32), want) is None
    assert check_array(want.round(4), want) is None
    assert check_array(want.round(2), want, printed=2) is None
    assert check_array(want.round(2), want).startswith("right values")
    assert (
        check_array(want.T, want, slips=[(want.T, "transposed")])
        == "transposed"
    )
    assert check_array(want + 0.01, want) == "not these values"
    with pytest.raises(AnswerError, match=r"shape \(2, 2\), got shape \(4,\)"):
        check_array(want.ravel(), want)
    assert compare_array(np.zeros(3), np.zeros(2)).startswith("expected shape")


def test_words_from_lists_strings_and_string_arrays():
    names = {"r": "red", "red": "red", "g": "green", "green": "green"}
    want = ["red", "green"]
    for form in (
        ["Red", "green"],
        ("r", "G"),
        "red, green",
        np.array(["red", "green"]),
        np.array([b"red", b"green"]),
    ):
        assert as_words(form, n=2, names=names) == want
    with pytest.raises(AnswerError, match="2 words, got 1"):
        as_words(["red"], n=2, names=names)
    with pytest.raises(AnswerError, match="not 'cyan'"):
        as_words(["red", "cyan"], names=names)
    with pytest.raises(AnswerError, match="strings in quotes"):
        as_words(np.zeros(2), names=names)
    assert as_text(np.str_(" Red ")) == "red"
    assert as_text(np.array(["Grass"])) == "grass"


def test_judge_choices_accept_every_defensible_selection():
    hints = {"A": "A is not it: think of X", "D": "D is not it: think of Y"}
    forms = (
        ["B", "C"],
        "B, C",
        "b and c",
        "bc",
        "(c) (b)",
        np.array(["C", "B"]),
    )
    for form in forms:
        assert check_choice(form, {"B", "C"}, hints) is None
    # one defensible letter is not every one: a nudge that names no letter
    for part in ("B", "c", np.array(["C"])):
        nudge = check_choice(part, {"B", "C"}, hints)
        assert "not everything defensible" in nudge and "B" not in nudge
    assert (
        check_choice("B", {"B", "C"}, hints, missing="one more") == "one more"
    )
    assert check_choice("bd", {"B", "C"}, hints) == hints["D"]
    assert check_choice("A", {"B", "C"}, hints) == hints["A"]
    assert check_choice(["B", "D"], {"B", "C"}, hints) == hints["D"]
    with pytest.raises(AnswerError, match="one or more of A, B, C, D; not E"):
        check_choice("E", {"B", "C"}, hints)
    with pytest.raises(AnswerError, match="got int"):
        check_choice(2, {"B", "C"}, hints)


def test_a_float32_answer_is_the_decimal_it_shows():
    """np.float32(0.527) widens to 0.5270000100135803 in float64; read as typed it would look like
    17 decimals and fail a check of 'the value rounded as printed'. as_number reads it at its own
    precision, so every checker accepts a float32 (or float16, or a float32 tensor) as printed."""
    import torch

    assert as_number(np.float32(0.527)) == 0.527
    assert as_number(np.array([0.527], dtype=np.float32)) == 0.527
    assert as_number(torch.tensor(0.527)) == 0.527
    assert as_number(np.float16(0.5)) == 0.5
    assert (
        as_number(0.5270000100135803) == 0.5270000100135803
    )  # a float64 stays as it is
    assert (
        compare_number(as_number(np.float32(0.527)), 0.52712, decimals=3)
        is None
    )
    assert compare_number(
        as_number(np.float32(0.53)), 0.52712, decimals=3
    ).startswith("right value, but rounded to 2")
