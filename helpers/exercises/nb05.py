"""Checks for 05_classical_pipeline (HOG layout, recall from a confusion matrix, cross-validation on the digits)."""

from functools import lru_cache

import numpy as np

from . import exercise
from .answers import AnswerError, as_array, as_number


def _digits():
    from ..data import load_digits

    images, y = load_digits(verbose=False)
    return images.reshape(len(images), -1) / 16.0, y


def _number(answer):
    """A plain number from the answer, or a hint string when it is not one number."""
    try:
        return as_number(answer), None
    except AnswerError as err:
        return None, str(err)


@exercise("05.hog_length")
def _hog_length(answer):
    value, hint = _number(answer)
    if hint:
        return hint
    cells = 28 // 4
    blocks = cells - 2 + 1
    want = blocks * blocks * 2 * 2 * 9
    if value == cells * cells * 9:
        return (
            f"{int(value)} counts each cell once; HOG normalises overlapping blocks of 2x2 cells, "
            f"and every block keeps its own copy of its 4 cells' histograms"
        )
    if value == (cells // 2) ** 2 * 2 * 2 * 9:
        return "blocks overlap: a 2x2 block slides one cell at a time, so there are (cells - 2 + 1) per side"
    if value == 28 * 28:
        return "that is the number of pixels; HOG counts blocks x cells per block x orientations"
    if value != want:
        return "cells per side = 28 // 4; blocks per side = cells - 2 + 1; numbers = blocks² x (2 x 2 cells) x 9 orientations"
    return None


def _digits_split():
    """The notebook's fixed digits split: (X_train, X_test, y_train, y_test), a quarter held out for the test."""
    from sklearn.model_selection import train_test_split

    X, y = _digits()
    return train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)


@lru_cache(maxsize=1)
def _digits_confusion():
    from sklearn.metrics import confusion_matrix
    from sklearn.svm import SVC

    X_tr, X_te, y_tr, y_te = _digits_split()
    return confusion_matrix(y_te, SVC().fit(X_tr, y_tr).predict(X_te))


@exercise("05.recall_by_hand")
def _recall_by_hand(answer):
    answer = as_array(
        answer, what="an array of 10 numbers, one recall per digit"
    )
    if answer.shape != (10,):
        return f"expected an array of shape (10,), one recall per digit, got shape {answer.shape}"
    cm = _digits_confusion()
    recall = np.diag(cm) / cm.sum(axis=1)
    precision = np.diag(cm) / cm.sum(axis=0)
    if np.allclose(answer, recall * 100):
        return "those are percentages; give fractions between 0 and 1"
    if np.allclose(answer, precision) and not np.allclose(precision, recall):
        return "that is precision (divided by column sums = predicted counts); recall divides by row sums = true counts"
    if np.allclose(answer, np.diag(cm)):
        return "those are the correct counts; divide each by the number of true images of that digit (row sum)"
    if not np.allclose(answer, recall):
        return "recall of digit k = correct k (the diagonal) / all true k (the row sum): np.diag(cm) / cm.sum(axis=1)"
    return None


@lru_cache(maxsize=1)
def _forest_scores():
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import cross_val_score

    X_tr, _, y_tr, _ = _digits_split()
    return cross_val_score(
        RandomForestClassifier(n_estimators=50, random_state=0),
        X_tr,
        y_tr,
        cv=5,
    )


@lru_cache(maxsize=1)
def _forest_scores_all_digits():
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import cross_val_score

    X, y = _digits()
    return cross_val_score(
        RandomForestClassifier(n_estimators=50, random_state=0), X, y, cv=5
    )


@exercise("05.forest_cv")
def _forest_cv(answer):
    if (
        isinstance(answer, (list, tuple, np.ndarray))
        and np.size(answer) > 1
        and np.asarray(answer).ndim == 1
    ):
        return f"you gave {np.size(answer)} numbers (one per fold?); give their mean with .mean()"
    value, hint = _number(answer)
    if hint:
        return hint
    scores = _forest_scores()
    if value > 1:
        return (
            "give the accuracy as a fraction between 0 and 1, not a percentage"
        )
    if np.isclose(value, scores.std(), atol=1e-6):
        return "that is the spread across folds (std); give the mean"
    if not np.isclose(value, scores.mean(), atol=1e-3):
        if np.isclose(value, _forest_scores_all_digits().mean(), atol=1e-3):
            return (
                "that is the CV mean on all digits, test part included; use the training part "
                "(digits_train_X, digits_train_y), like the SVM's CV score you compare it with"
            )
        return (
            "cross_val_score(RandomForestClassifier(n_estimators=50, random_state=0), digits_train_X, "
            "digits_train_y, cv=5).mean(): check the model, its settings, the data and cv=5"
        )
    return None
