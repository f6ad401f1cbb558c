"""Checks for 05_classical_pipeline (HOG layout, recall from a confusion matrix, a count built on a
classifier, a paired comparison of two models on the same folds)."""

from functools import lru_cache

import numpy as np

from . import exercise
from .answers import AnswerError, as_array, as_int, as_number, as_text

SHIRT = 6  # Fashion-MNIST's class index of "Shirt"
PAIRED_FOLDS = dict(n_splits=5, shuffle=True, random_state=0)
VERDICTS = ("svm", "forest", "tie")


def _digits():
    from ..data import load_digits

    images, y = load_digits(verbose=False)
    return images.reshape(len(images), -1) / 16.0, y


# --- Exercise 1 (predict): the length of a HOG vector ---------------------------------------

# Dalal and Triggs' pedestrian window: 64 wide, 128 high, 8x8-pixel cells, 2x2-cell blocks, 9 bins
HOG_WINDOW = (128, 64)  # (rows, columns)
HOG_CELL = 8


def hog_window_length(
    shape=HOG_WINDOW, cell=HOG_CELL, block=2, orientations=9
) -> int:
    """The reference: HOG numbers for one window (overlapping blocks, one step of a cell)."""
    cells = [n // cell for n in shape]
    blocks = [c - block + 1 for c in cells]
    return blocks[0] * blocks[1] * block * block * orientations


@exercise("05.hog_length")
def _hog_length(answer):
    value = as_int(answer, "a whole number (how many HOG numbers)")
    want = hog_window_length()
    rows, cols = (n // HOG_CELL for n in HOG_WINDOW)
    if value == want:
        return None
    if value == rows * cols * 9:
        return (
            f"{value} counts each cell once (or lays the blocks side by side); HOG's blocks "
            "overlap, and every block keeps its own copy of its cells' histograms"
        )
    if value == (rows - 2) * (cols - 2) * 4 * 9:
        return "count the positions again: in how many places does a block 2 cells wide fit along 3 cells?"
    if value == HOG_WINDOW[0] * HOG_WINDOW[1]:
        return "that is the number of pixels; HOG counts histograms of edge directions, block by block"
    if value == 1296:
        return "that is the 28x28 case with 4x4-pixel cells; this window is 64 by 128 with 8x8-pixel cells"
    return (
        "how many cells fit along each side of the window, and in how many places can a block of "
        "2x2 cells sit? §2's HOG row of the table works the 28x28 case"
    )


# --- Exercise 2 (apply): recall from a confusion matrix --------------------------------------


def _digits_split():
    """The notebook's fixed digits split: (X_train, X_test, y_train, y_test), a quarter held out for the test."""
    from sklearn.model_selection import train_test_split

    X, y = _digits()
    return train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)


@lru_cache(maxsize=1)
def digits_confusion():
    """The notebook's `digits_cm`: RBF SVM on the digits' training part, confusion matrix on its test part."""
    from sklearn.metrics import confusion_matrix
    from sklearn.svm import SVC

    X_tr, X_te, y_tr, y_te = _digits_split()
    return confusion_matrix(y_te, SVC().fit(X_tr, y_tr).predict(X_te))


def recall_per_class(cm) -> np.ndarray:
    """The reference: recall of each class = correct (diagonal) / true images of that class (row sums)."""
    cm = np.asarray(cm, dtype=float)
    return np.diag(cm) / cm.sum(axis=1)


def _same_as_rounded(answer, want, min_decimals=2) -> bool:
    """answer equals want, or want rounded to some number of decimals (at least min_decimals)."""
    if np.allclose(answer, want, rtol=0, atol=1e-6):
        return True
    return any(
        np.allclose(answer, np.round(want, d), rtol=0, atol=1e-9)
        for d in range(min_decimals, 7)
    )


@exercise("05.recall_by_hand")
def _recall_by_hand(answer):
    answer = as_array(
        answer, what="an array of 10 numbers, one recall per digit"
    )
    if answer.shape != (10,):
        return f"expected an array of shape (10,), one recall per digit, got shape {answer.shape}"
    cm = digits_confusion()
    recall = recall_per_class(cm)
    precision = np.diag(cm) / cm.sum(axis=0)
    if _same_as_rounded(answer, recall):
        return None
    if _same_as_rounded(answer, recall * 100, min_decimals=0):
        return "those are percentages; give fractions between 0 and 1"
    if np.allclose(answer, precision, atol=5e-3) and not np.allclose(
        precision, recall
    ):
        return (
            "that is precision: of the images *called* k, the share that are k. Recall asks the other "
            "way round: of the images that *are* k, the share found. Which axis of the matrix holds the truth?"
        )
    if np.allclose(answer, np.diag(cm)):
        return (
            "those are counts of correct images; recall is a share: compare them with how many "
            "images of each digit there are"
        )
    if np.allclose(answer, recall, atol=5e-3):
        return "close: round to 2 or more decimals (rounded, not cut off), or give the full values"
    return (
        "recall of a digit: of the images that truly show it, the share the model labelled right. "
        "The confusion matrix's rows are the true digits, its diagonal the right labels."
    )


# --- Exercise 3 (judge): a count built on a classifier ---------------------------------------


def count_ratio(truth, pred, label=SHIRT) -> float:
    """The reference: images predicted as `label` / images that are `label` (the count's bias factor)."""
    truth, pred = np.asarray(truth), np.asarray(pred)
    return float((pred == label).sum() / (truth == label).sum())


@exercise("05.shirt_count")
def _shirt_count(answer, truth=None, pred=None):
    value = as_number(answer, "one number: predicted shirts / true shirts")
    if truth is None or pred is None:
        raise AnswerError(
            "run the cell as given: check(..., truth=y_train, pred=oof_pred) passes the "
            "out-of-fold predictions to the checker"
        )
    truth, pred = np.asarray(truth), np.asarray(pred)
    if truth.shape != pred.shape:
        raise AnswerError(
            f"truth and pred must have the same length, got {truth.shape} and {pred.shape}"
        )
    want = count_ratio(truth, pred)
    hits = ((pred == SHIRT) & (truth == SHIRT)).sum()
    precision = hits / max((pred == SHIRT).sum(), 1)
    recall = hits / max((truth == SHIRT).sum(), 1)
    # the printed report rounds precision and recall to 2 decimals: their ratio counts as right too
    from_printed = round(recall, 2) / round(precision, 2)
    if abs(value - want) <= 0.01 or abs(value - from_printed) <= 0.01:
        return None
    if abs(value * want - 1) <= 0.02 or abs(value * from_printed - 1) <= 0.02:
        return (
            "that is the factor the other way round: true shirts per predicted shirt. The question is "
            "how many the model counts for each shirt that is there"
        )
    if abs(value - recall) <= 0.01:
        return (
            "recall alone counts only the shirts found; the model's count also includes images it "
            "wrongly calls shirts. Which of the report's two numbers adds those?"
        )
    if abs(value - precision) <= 0.01:
        return (
            "precision alone says how many of the counted are shirts; the count also misses shirts. "
            "Think of the count as (right calls + false calls) and the truth as (right calls + misses)"
        )
    if value > 1:
        return (
            "is the count too high? Compare the Shirt row of the report: does the model call more "
            "images 'Shirt' than there are shirts, or fewer?"
        )
    return (
        "write both counts in terms of the right calls (shirts called Shirt): what share of the counted "
        "images are right calls, and what share of the real shirts? The Shirt row of the report has both"
    )


# --- Exercise 4 (judge): a paired comparison on the same folds -------------------------------


@lru_cache(maxsize=1)
def paired_fold_scores():
    """The reference: (forest scores, SVM scores) on the same 5 shuffled folds of the digits' training part."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.svm import SVC

    X_tr, _, y_tr, _ = _digits_split()
    folds = StratifiedKFold(**PAIRED_FOLDS)
    forest = cross_val_score(
        RandomForestClassifier(n_estimators=50, random_state=0),
        X_tr,
        y_tr,
        cv=folds,
    )
    svm = cross_val_score(SVC(), X_tr, y_tr, cv=folds)
    return forest, svm


def paired_verdict(differences) -> str:
    """The reference decision: 'tie' unless the mean paired difference is over 2 standard errors from 0."""
    d = np.asarray(differences, dtype=float)
    se = d.std(ddof=1) / np.sqrt(len(d))
    if abs(d.mean()) <= 2 * se:
        return "tie"
    return "forest" if d.mean() > 0 else "svm"


@exercise("05.paired_folds")
def _paired_folds(answer):
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise AnswerError(
            "give two things, as the cell does: (fold_differences, verdict)"
        )
    diffs_answer, verdict_answer = answer
    if np.ndim(diffs_answer) == 0 and not isinstance(diffs_answer, str):
        return (
            "one number hides the pairing: give the 5 differences, one per fold, so you can "
            "see whether they agree in sign"
        )
    diffs = as_array(
        diffs_answer,
        what="fold_differences: 5 numbers, forest minus SVM per fold",
    )
    forest, svm = paired_fold_scores()
    want = forest - svm
    if diffs.shape != want.shape:
        return f"expected 5 differences, one per fold, got shape {diffs.shape}"
    if not _same_as_rounded(diffs, want, min_decimals=3):
        if _same_as_rounded(diffs, -want, min_decimals=3):
            return "your differences have the opposite sign: give forest minus SVM"
        if np.allclose(diffs, want, atol=1e-3):
            return "close: round to 3 or more decimals (rounded, not cut off), or give the full values"
        if any(
            np.allclose(diffs, np.round(want, d), rtol=0, atol=1e-9)
            for d in (1, 2)
        ):
            return (
                "those are the right differences rounded too coarsely: give 3 or more decimals (or "
                "the full values); the folds differ by a few thousandths"
            )
        return (
            "the differences must come from the same folds for both models: score both with one "
            "StratifiedKFold object (the one the prompt gives) and subtract fold by fold"
        )
    verdict = as_text(verdict_answer, what="the verdict", choices=VERDICTS)
    right = paired_verdict(want)
    if verdict == right:
        return None
    if verdict == "tie":
        return (
            "look at the signs and sizes of the 5 differences and at their mean compared with its "
            "standard error (sd / sqrt(5)): is the mean more than 2 standard errors from 0?"
        )
    if right == "tie":
        return "the mean difference is within 2 standard errors of 0: the folds do not agree enough to name a winner"
    return "check the sign: the differences are forest minus SVM, so a negative mean favours the SVM"
