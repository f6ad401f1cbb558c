"""Exercise checks of 05_classical_pipeline: right answers pass, typical mistakes get their specific hint."""

import numpy as np
import pytest

from helpers.exercises import evaluate as _evaluate
from helpers.exercises.nb05 import _digits, _digits_confusion, _digits_split


def evaluate(exercise_id, answer):
    """Strict: a checker that crashes fails the test instead of turning the crash into a hint."""
    return _evaluate(exercise_id, answer, strict=True)


def test_hog_length():
    assert evaluate("05.hog_length", 1296) == (
        True,
        "Exercise 05.hog_length: correct!",
    )
    assert evaluate("05.hog_length", np.int64(1296))[0] is True
    assert "counts each cell once" in evaluate("05.hog_length", 441)[1]
    assert "blocks overlap" in evaluate("05.hog_length", 324)[1]
    assert "number of pixels" in evaluate("05.hog_length", 784)[1]
    assert "give one number" in evaluate("05.hog_length", [1, 2])[1]


def test_hog_length_matches_the_extractor():
    from helpers.features import extract_features

    X, _ = extract_features(
        np.zeros((1, 28, 28), np.uint8),
        kinds=("hog",),
        hog_pixels_per_cell=(4, 4),
    )
    assert evaluate("05.hog_length", X.shape[1])[0] is True


def test_recall_by_hand():
    cm = _digits_confusion()
    assert (
        cm.shape == (10, 10) and np.trace(cm) / cm.sum() > 0.97
    )  # the anchor: 0.97-0.99
    recall = np.diag(cm) / cm.sum(axis=1)
    assert evaluate("05.recall_by_hand", recall)[0] is True
    assert evaluate("05.recall_by_hand", list(recall))[0] is True
    assert (
        "that is precision"
        in evaluate("05.recall_by_hand", np.diag(cm) / cm.sum(axis=0))[1]
    )
    assert "percentages" in evaluate("05.recall_by_hand", recall * 100)[1]
    assert "correct counts" in evaluate("05.recall_by_hand", np.diag(cm))[1]
    assert "shape (10,)" in evaluate("05.recall_by_hand", cm)[1]


def test_forest_cv():
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import cross_val_score

    X_tr, _, y_tr, _ = (
        _digits_split()
    )  # like for like: the training part, as the SVM's CV score in the notebook
    scores = cross_val_score(
        RandomForestClassifier(n_estimators=50, random_state=0),
        X_tr,
        y_tr,
        cv=5,
    )
    assert evaluate("05.forest_cv", scores.mean())[0] is True
    assert (
        evaluate("05.forest_cv", round(float(scores.mean()), 3))[0] is True
    )  # typed as printed
    X, y = _digits()
    everything = cross_val_score(
        RandomForestClassifier(n_estimators=50, random_state=0), X, y, cv=5
    ).mean()
    if abs(everything - scores.mean()) > 1e-3:
        assert "test part included" in evaluate("05.forest_cv", everything)[1]
    assert "one per fold" in evaluate("05.forest_cv", scores)[1]
    assert "percentage" in evaluate("05.forest_cv", scores.mean() * 100)[1]
    assert "std" in evaluate("05.forest_cv", scores.std())[1]
    assert "check the model" in evaluate("05.forest_cv", 0.5)[1]


@pytest.mark.parametrize(
    "exercise_id", ["05.hog_length", "05.recall_by_hand", "05.forest_cv"]
)
def test_junk_answers_get_a_hint(exercise_id):
    for junk in ("a string", 42, np.zeros((2, 2)), object()):
        ok, message = evaluate(exercise_id, junk)
        assert ok is False and message.startswith(f"Exercise {exercise_id}:")
