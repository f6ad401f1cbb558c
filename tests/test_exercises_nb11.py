"""Checkers of notebook 11: the notebook's solution passes, the answer in other forms (as printed, float32) passes,
typical mistakes get their intended hint, and no hint prints the formula asked for."""

import numpy as np
import pytest

from helpers.exercises import evaluate
from helpers.exercises.nb11 import best_sensitivity
from helpers.tally import kappa_from_table, rogan_gladen


@pytest.fixture
def validation():
    rng = np.random.default_rng(0)
    labels = np.r_[np.ones(90, int), np.zeros(210, int)]
    scores = np.where(
        labels == 1, rng.normal(1.5, 1, 300), rng.normal(0, 1, 300)
    )
    return scores, labels


def notebook_solution(scores, labels, max_fpr):
    """The notebook's route: the lowest threshold that flags at most max_fpr of the clean sheets."""
    clean = np.sort(scores[labels == 0])[::-1]
    threshold = clean[int(np.floor(max_fpr * len(clean)))] + 1e-9
    return float((scores[labels == 1] >= threshold).mean())


def test_threshold(validation):
    scores, labels = validation
    want = notebook_solution(scores, labels, 0.01)
    assert want == best_sensitivity(scores, labels, 0.01)
    ctx = dict(scores=scores, labels=labels, strict=True)
    assert evaluate("11.threshold", want, **ctx)[0] is True
    # as printed (2 or 3 decimals), as float32: all pass (11.1 used to reject 2 decimals)
    for form in (round(want, 3), round(want, 2), np.float32(want)):
        assert evaluate("11.threshold", form, **ctx)[0] is True, form
    at_5 = notebook_solution(scores, labels, 0.05)
    assert at_5 > want
    ok, msg = evaluate("11.threshold", at_5, **ctx)
    assert ok is False and "5% false accusations" in msg
    ok, msg = evaluate("11.threshold", 100 * want, **ctx)
    assert ok is False and "not a percentage" in msg
    ok, msg = evaluate("11.threshold", want - 0.05, **ctx)
    assert ok is False and "lower threshold" in msg
    ok, msg = evaluate("11.threshold", 0.01, **ctx)
    assert ok is False and "false-positive rate" in msg
    ok, msg = evaluate("11.threshold", round(want, 1), **ctx)
    assert ok is False and "2 decimals" in msg
    ok, msg = evaluate("11.threshold", 0, **ctx)
    assert ok is False and "decimals" not in msg
    ok, msg = evaluate("11.threshold", "high", **ctx)
    assert ok is False and "number" in msg


def test_threshold_near_miss_is_not_told_more_decimals(validation):
    scores, labels = validation
    want = best_sensitivity(scores, labels, 0.01)
    ok, msg = evaluate(
        "11.threshold", round(want + 0.012, 3), scores=scores, labels=labels
    )
    assert ok is False and "decimals" not in msg


TABLE = np.array([[170, 16], [2, 12]])  # the notebook's coders D and E


def _parts(t):
    total = t.sum()
    rows, cols = t.sum(axis=1) / total, t.sum(axis=0) / total
    pooled = (rows + cols) / 2
    return np.trace(t) / total, rows @ cols, pooled @ pooled


def test_kappa():
    want = kappa_from_table(TABLE)
    ctx = dict(table=TABLE, kappa_ab=0.74, strict=True)
    observed, chance, chance_pooled = _parts(TABLE)
    solution = (observed - chance) / (1 - chance)
    for form in (solution, round(want, 3), round(want, 2), np.float32(want)):
        for said in ("lower", "Lower", "less"):
            assert evaluate("11.kappa", (said, form), **ctx)[0] is True, form
    # the prediction is checked: the wrong direction gets a nudge, not the answer
    ok, msg = evaluate("11.kappa", ("higher", solution), **ctx)
    assert ok is False and "chance" in msg and "lower" not in msg
    # a number alone is not enough: the prediction comes first
    ok, msg = evaluate("11.kappa", solution, **ctx)
    assert ok is False and "prediction" in msg
    ok, msg = evaluate("11.kappa", ("maybe", solution), **ctx)
    assert ok is False and "higher" in msg
    # Scott's pi is a concept slip, not a rounding one
    scott = (observed - chance_pooled) / (1 - chance_pooled)
    assert abs(scott - want) > 0.004
    for form in (scott, round(scott, 3)):
        ok, msg = evaluate("11.kappa", ("lower", form), **ctx)
        assert ok is False and "Scott's pi" in msg and "decimals" not in msg
    ok, msg = evaluate("11.kappa", ("lower", observed), **ctx)
    assert ok is False and "observed agreement" in msg
    ok, msg = evaluate("11.kappa", ("lower", observed - chance), **ctx)
    assert ok is False and "scale by the most agreement" in msg
    ok, msg = evaluate("11.kappa", ("lower", chance), **ctx)
    assert ok is False and "chance agreement" in msg
    ok, msg = evaluate("11.kappa", ("lower", round(want, 1)), **ctx)
    assert ok is False and "2 decimals" in msg
    # a whole number is not a rounded answer: 1 for a kappa near 0.5 is wrong, not imprecise
    assert 0.5 <= want < 1
    ok, msg = evaluate("11.kappa", ("lower", 1), **ctx)
    assert ok is False and "decimals" not in msg
    ok, msg = evaluate("11.kappa", ("lower", [[1, 2], [3, 4]]), **ctx)
    assert ok is False and "one number" in msg


def test_kappa_hints_do_not_print_the_formula():
    ctx = dict(table=TABLE, kappa_ab=0.74)
    for wrong in (0.9, 0.2, 0.0, 0.7):
        ok, msg = evaluate("11.kappa", ("lower", wrong), **ctx)
        assert ok is False
        assert "(p_o - p_e) / (1 - p_e)" not in msg and "1 - p_e" not in msg


SE_ERASED, SE_ALL, SP = 0.52, 0.734, 0.957


def test_corrected():
    ctx = dict(
        flagged_share=0.15,
        sensitivity=SE_ERASED,
        specificity=SP,
        overall_sensitivity=SE_ALL,
        strict=True,
    )
    want = rogan_gladen(0.15, SE_ERASED, SP)
    solution = (0.15 + SP - 1) / (SE_ERASED + SP - 1)
    for form in (solution, round(want, 3), round(want, 2), np.float32(want)):
        assert evaluate("11.corrected", form, **ctx)[0] is True, form
    # computed from the inputs as the notebook prints them (3 decimals)
    printed = dict(
        ctx, sensitivity=SE_ERASED + 0.00049, specificity=SP - 0.00049
    )
    assert evaluate("11.corrected", solution, **printed)[0] is True
    ok, msg = evaluate("11.corrected", rogan_gladen(0.15, SE_ALL, SP), **ctx)
    assert ok is False and "one kind" in msg
    ok, msg = evaluate("11.corrected", 0.15, **ctx)
    assert ok is False and "naive share" in msg
    ok, msg = evaluate("11.corrected", 0.15 / SE_ERASED, **ctx)
    assert ok is False and "missed sheets only" in msg
    ok, msg = evaluate("11.corrected", (0.15 - (1 - SP)) / SE_ERASED, **ctx)
    assert ok is False and "false accusations shrink" in msg
    ok, msg = evaluate("11.corrected", 100 * want, **ctx)
    assert ok is False and "not a percentage" in msg
    ok, msg = evaluate("11.corrected", "about a fifth", **ctx)
    assert ok is False and "number" in msg
    for ok_msg in (evaluate("11.corrected", w, **ctx) for w in (0.5, 0.05)):
        assert ok_msg[0] is False and "Se + Sp - 1" not in ok_msg[1]


def test_corrected_needs_an_informative_detector():
    ok, msg = evaluate(
        "11.corrected",
        0.2,
        flagged_share=0.15,
        sensitivity=0.04,
        specificity=0.95,
    )
    assert ok is False and "must exceed 1" in msg


@pytest.mark.parametrize(
    "answer",
    [
        ("a", "wx"),
        ("a", "xw"),
        ["A", "W", "X"],
        "a, w, x",
        ("a", ["w", "x"]),
        {"variable": "a", "check": "w x"},
    ],
)
def test_bias_accepts_the_defensible_answers(answer):
    assert evaluate("11.bias", answer, strict=True)[0] is True


@pytest.mark.parametrize(
    "answer, words",
    [
        (("b", "wx"), "same Se and Sp"),
        (("c", "w"), "one specificity"),
        (("d", "x"), "coders' agreement"),
        (("a", "y"), "seed"),
        (("a", "z"), "one direction"),
        (("a", "wy"), "seed"),
        (("a", "wxz"), "one direction"),
        (("a", "w"), "not every defensible"),
        (("a", "x"), "not every defensible"),
        ("a w", "not every defensible"),
        ("a", "variable's letter first"),
        (("e", "w"), "one of"),
        (("a", "q"), "W, X, Y, Z; not Q"),
    ],
)
def test_bias_wrong_answers_get_a_conceptual_hint(answer, words):
    ok, msg = evaluate("11.bias", answer)
    assert ok is False and words in msg, msg
    assert "w" + "x" not in msg.replace(" ", "")


def test_float32_as_printed_passes_kappa_and_threshold(validation):
    """A value printed to 3 decimals and passed as float32 shows spurious decimals in float64
    (np.float32(0.527) -> 0.5270000100135803); the shared comparison reads it at float32 precision."""
    import torch

    want = kappa_from_table(TABLE)
    assert round(want, 3) == 0.527
    ctx = dict(table=TABLE, kappa_ab=0.74, strict=True)
    for form in (
        np.float32(round(want, 3)),
        np.float32(round(want, 2)),
        np.array([round(want, 3)], dtype=np.float32),
        torch.tensor(round(want, 3)),  # float32 by default
        np.float16(round(want, 2)),
    ):
        assert evaluate("11.kappa", ("lower", form), **ctx)[0] is True, form
    # a wrong float32 value is still wrong
    assert (
        evaluate("11.kappa", ("lower", np.float32(0.537)), **ctx)[0] is False
    )
    scores, labels = validation
    best = best_sensitivity(scores, labels, 0.01)
    ctx = dict(scores=scores, labels=labels, strict=True)
    for form in (np.float32(round(best, 3)), np.float32(round(best, 2))):
        assert evaluate("11.threshold", form, **ctx)[0] is True, form
    ok, msg = evaluate("11.threshold", np.float32(round(best, 1)), **ctx)
    assert ok is False and "2 decimals" in msg
    assert (
        evaluate("11.threshold", np.float32(round(best + 0.02, 3)), **ctx)[0]
        is False
    )
