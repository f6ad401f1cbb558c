"""Checkers of notebook 11: the notebook's solution passes, the answer typed as printed passes, typical mistakes get their hint."""

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
    assert (
        evaluate("11.threshold", round(want, 3), **ctx)[0] is True
    )  # typed as printed
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
    ok, msg = evaluate("11.threshold", "high", **ctx)
    assert ok is False and "number" in msg


TABLE = np.array([[117, 20], [11, 52]])


def test_kappa():
    want = kappa_from_table(TABLE)
    ctx = dict(table=TABLE, strict=True)
    total = TABLE.sum()
    observed = np.trace(TABLE) / total
    chance = (TABLE.sum(axis=1) / total) @ (TABLE.sum(axis=0) / total)
    assert (
        evaluate("11.kappa", (observed - chance) / (1 - chance), **ctx)[0]
        is True
    )  # the notebook's solution
    assert evaluate("11.kappa", round(want, 3), **ctx)[0] is True
    ok, msg = evaluate("11.kappa", observed, **ctx)
    assert ok is False and "observed agreement" in msg
    ok, msg = evaluate("11.kappa", observed - chance, **ctx)
    assert ok is False and "divide by (1 - p_e)" in msg
    ok, msg = evaluate("11.kappa", chance, **ctx)
    assert ok is False and "chance agreement" in msg
    ok, msg = evaluate("11.kappa", round(want, 1), **ctx)
    assert ok is False and "decimals" in msg
    ok, msg = evaluate("11.kappa", [[1, 2], [3, 4]], **ctx)
    assert ok is False and "one number" in msg


def test_corrected():
    se, sp = 0.66, 0.951
    ctx = dict(flagged_share=0.27, sensitivity=se, specificity=sp, strict=True)
    want = rogan_gladen(0.27, se, sp)
    assert (
        evaluate("11.corrected", (0.27 + sp - 1) / (se + sp - 1), **ctx)[0]
        is True
    )
    assert evaluate("11.corrected", round(want, 3), **ctx)[0] is True
    ok, msg = evaluate("11.corrected", 0.27, **ctx)
    assert ok is False and "naive share" in msg
    ok, msg = evaluate("11.corrected", 0.27 / se, **ctx)
    assert ok is False and "sensitivity corrects for missed sheets only" in msg
    ok, msg = evaluate("11.corrected", (0.27 - (1 - sp)) / se, **ctx)
    assert ok is False and "Se + Sp - 1" in msg
    ok, msg = evaluate("11.corrected", 100 * want, **ctx)
    assert ok is False and "not a percentage" in msg
    ok, msg = evaluate("11.corrected", "about a third", **ctx)
    assert ok is False and "number" in msg
