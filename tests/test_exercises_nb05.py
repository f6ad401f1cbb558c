"""Exercise checks of 05_classical_pipeline: right answers pass in two forms, typical mistakes get their hint."""

import numpy as np
import pytest

from helpers.exercises import evaluate as _evaluate
from helpers.exercises.nb05 import (
    SHIRT,
    count_ratio,
    digits_confusion,
    paired_fold_scores,
    paired_verdict,
    recall_per_class,
)


def evaluate(exercise_id, answer, **context):
    """Strict: a checker that crashes fails the test instead of turning the crash into a hint."""
    return _evaluate(exercise_id, answer, strict=True, **context)


def hint(exercise_id, answer, **context):
    ok, message = evaluate(exercise_id, answer, **context)
    assert ok is False, f"{exercise_id} accepted a wrong answer {answer!r}"
    return message


def test_hog_length():
    from skimage.feature import hog

    right = hog(
        np.zeros((128, 64)),
        orientations=9,
        pixels_per_cell=(8, 8),
        cells_per_block=(2, 2),
    ).shape[0]
    assert right == 3780  # Dalal and Triggs' window
    assert evaluate("05.hog_length", right) == (
        True,
        "Exercise 05.hog_length: correct!",
    )
    assert evaluate("05.hog_length", np.int64(right))[0] is True
    assert evaluate("05.hog_length", 3780.0)[0] is True
    assert "counts each cell once" in hint("05.hog_length", 16 * 8 * 9)
    assert "count the positions" in hint("05.hog_length", 14 * 6 * 36)
    assert "number of pixels" in hint("05.hog_length", 128 * 64)
    assert "28x28 case" in hint("05.hog_length", 1296)
    assert "give a whole number" in hint("05.hog_length", [1, 2])


def test_hog_length_hints_never_print_the_formula():
    message = hint("05.hog_length", 1000)
    assert "cells" in message and "block" in message
    assert "3780" not in message and "- 2 + 1" not in message
    assert "9 orientations" not in message and "multiply" not in message


def test_recall_by_hand():
    cm = digits_confusion()
    # the anchor: 0.97-0.99
    assert cm.shape == (10, 10) and np.trace(cm) / cm.sum() > 0.97
    recall = recall_per_class(cm)
    assert np.allclose(recall, [cm[k, k] / cm[k].sum() for k in range(10)])
    assert evaluate("05.recall_by_hand", recall)[0] is True
    assert evaluate("05.recall_by_hand", list(recall))[0] is True
    # typed as a notebook prints it: rounded to 2 decimals, float32
    assert evaluate("05.recall_by_hand", np.round(recall, 2).tolist())[0]
    assert evaluate("05.recall_by_hand", recall.astype(np.float32))[0]
    precision = np.diag(cm) / cm.sum(axis=0)
    assert not np.allclose(precision, recall)
    message = hint("05.recall_by_hand", precision)
    assert "that is precision" in message
    assert "np.diag" not in message and "sum(axis" not in message
    assert "percentages" in hint("05.recall_by_hand", recall * 100)
    assert "counts of correct" in hint("05.recall_by_hand", np.diag(cm))
    assert "shape (10,)" in hint("05.recall_by_hand", cm)
    for wrong in (np.full(10, 0.5), np.round(recall, 1)):
        message = hint("05.recall_by_hand", wrong)
        assert "np.diag" not in message and "axis=1" not in message


def shirt_case():
    """30 true shirts: the model finds 12 of them and calls 8 other images shirts (ratio 20/30)."""
    truth = np.r_[np.full(30, SHIRT), np.zeros(70, int)]
    pred = truth.copy()
    pred[12:30] = 0  # 18 shirts missed
    pred[30:38] = SHIRT  # 8 false shirts
    return truth, pred


def test_shirt_count():
    truth, pred = shirt_case()
    ctx = dict(truth=truth, pred=pred)
    right = count_ratio(truth, pred)
    assert right == pytest.approx(20 / 30)
    assert evaluate("05.shirt_count", right, **ctx)[0] is True
    assert evaluate("05.shirt_count", np.float32(round(right, 2)), **ctx)[0]
    # the ratio of the rounded recall and precision, as the report prints them
    recall, precision = 12 / 30, 12 / 20
    from_report = round(recall, 2) / round(precision, 2)
    assert evaluate("05.shirt_count", from_report, **ctx)[0] is True
    assert "other way round" in hint("05.shirt_count", 30 / 20, **ctx)
    assert "recall alone" in hint("05.shirt_count", recall, **ctx)
    assert "precision alone" in hint("05.shirt_count", precision, **ctx)
    message = hint("05.shirt_count", 0.2, **ctx)
    assert "right calls" in message and "recall /" not in message
    assert "truth=y_train" in hint("05.shirt_count", right)


def test_paired_folds_reference():
    forest, svm = paired_fold_scores()
    assert forest.shape == svm.shape == (5,)
    assert 0.95 < forest.mean() < svm.mean() < 1  # the digits anchor
    assert paired_verdict([0.01, 0.012, 0.009, 0.011, 0.01]) == "forest"
    assert paired_verdict([-0.01, -0.012, -0.009, -0.011, -0.01]) == "svm"
    assert paired_verdict([0.02, -0.02, 0.01, -0.01, 0.0]) == "tie"


def test_paired_folds():
    forest, svm = paired_fold_scores()
    diffs = forest - svm
    verdict = paired_verdict(diffs)
    assert evaluate("05.paired_folds", (diffs, verdict))[0] is True
    assert evaluate(
        "05.paired_folds", [np.round(diffs, 3).tolist(), verdict.upper()]
    )[0]
    assert "opposite sign" in hint("05.paired_folds", (-diffs, verdict))
    assert "one number hides" in hint(
        "05.paired_folds", (diffs.mean(), verdict)
    )
    assert "same folds" in hint("05.paired_folds", (diffs + 0.02, verdict))
    coarse = hint("05.paired_folds", (np.round(diffs, 2), verdict))
    assert "3 or more decimals" in coarse and "same folds" not in coarse
    # on the digits every fold favours the SVM, by more than 2 standard errors
    assert (diffs < 0).all() and verdict == "svm"
    assert "check the sign" in hint("05.paired_folds", (diffs, "forest"))
    assert "2 standard errors" in hint("05.paired_folds", (diffs, "tie"))
    assert "one of 'svm', 'forest', 'tie'" in hint(
        "05.paired_folds", (diffs, "the svm")
    )
    assert "(fold_differences, verdict)" in hint("05.paired_folds", diffs)
