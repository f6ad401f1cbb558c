"""Checks for 08_autotaggers: an unlikely-combination rule, a threshold chosen from precision and recall, a roll-up
of your own, and the validity of a face measurement (Peng 2021)."""

from functools import cache

import numpy as np

from . import exercise
from .answers import AnswerError, as_array, as_number, check_choice


@cache
def _proba(photo: str) -> np.ndarray:
    """Probabilities (1000,) of one sample photo with the default preprocessing (224 px)."""
    from ..data import load_photo
    from ..tagging import predict_proba
    from ..weights import load_imagenet_cnn

    model = load_imagenet_cnn(verbose=False)
    return predict_proba(model, load_photo(photo, verbose=False))[0]


@cache
def _table():
    from ..data import load_coarse_tags

    return load_coarse_tags(verbose=False)


# --- Exercise 1: an unlikely combination --------------------------------------------------------


def drop_animals_after_food(tags, coarse_of) -> list:
    """The reference rule: drop every 'animal' tag that comes after (is less probable than) a 'food' tag."""
    kept, food_seen = [], False
    for name, p in tags:
        if coarse_of[name] == "animal" and food_seen:
            continue
        food_seen = food_seen or coarse_of[name] == "food"
        kept.append((name, p))
    return kept


# (case, what a wrong result on it usually means)
_RULE_CASES = [
    (
        [("espresso", 0.6), ("sea slug", 0.1), ("cup", 0.05)],
        "an animal tag after a more probable food tag must go ('sea slug' after 'espresso')",
    ),
    (
        [("sea slug", 0.5), ("espresso", 0.2)],
        "drop an animal tag only when a food tag comes *before* it (is more probable); here the animal is the best tag",
    ),
    (
        [("tabby", 0.4), ("Egyptian cat", 0.3), ("tiger cat", 0.1)],
        "without any food tag nothing is unlikely: keep every tag",
    ),
    (
        [
            ("espresso", 0.5),
            ("tabby", 0.2),
            ("missile", 0.1),
            ("sea slug", 0.05),
        ],
        "drop *every* animal tag after the first food tag, and keep the other tags (here 'missile')",
    ),
    (
        [("missile", 0.5), ("espresso", 0.2), ("tabby", 0.1)],
        "the food tag need not be the first tag: an animal after any food tag goes",
    ),
    ([], "with no tags, return an empty list"),
]


def _names_of(result, case):
    """The rule's output as a list of names; accepts [(name, p), ...] or [name, ...]."""
    if isinstance(result, (str, bytes)) or not isinstance(
        result, (list, tuple)
    ):
        raise AnswerError(
            f"your function should return a list of (name, p) pairs, got {type(result).__name__} "
            f"for the tags {case}"
        )
    names = []
    for item in result:
        if isinstance(item, str):
            names.append(item)
        elif (
            isinstance(item, (tuple, list))
            and len(item) == 2
            and isinstance(item[0], str)
        ):
            names.append(item[0])
        else:
            raise AnswerError(
                f"your function returned {item!r} in its list; return (name, p) pairs as they came in"
            )
    return names


@exercise("08.unlikely_rule")
def _unlikely_rule(answer):
    if not callable(answer):
        raise AnswerError(
            f"give the function itself (drop_unlikely, without brackets), got {type(answer).__name__}"
        )
    coarse_of = dict(zip(_table()["name"], _table()["coarse"], strict=True))
    for case, hint in _RULE_CASES:
        want = [n for n, _ in drop_animals_after_food(case, coarse_of)]
        try:
            result = answer([tuple(t) for t in case])
        except Exception as exc:  # the student's function failed: say on what
            return f"your function raised {type(exc).__name__}: {exc} on the tags {case}"
        got = _names_of(result, case)
        if got != want:
            if sorted(got) == sorted(want):
                return f"keep the tags in their order, most probable first: want {want}, got {got}"
            return f"{hint}. On {[n for n, _ in case]} it returned {got}, want {want}"
    return None


# --- Exercise 2: a threshold chosen from precision and recall -----------------------------------


def precision_recall(scores, labels, threshold):
    """Predict 1 where scores >= threshold -> (precision, recall); precision is nan when nothing is predicted."""
    scores, labels = np.asarray(scores, dtype=float), np.asarray(labels)
    pred = scores >= threshold
    tp = int((pred & (labels == 1)).sum())
    precision = tp / pred.sum() if pred.any() else float("nan")
    return precision, tp / max(int((labels == 1).sum()), 1)


def lowest_threshold_with_precision(scores, labels, min_precision):
    """The reference: the smallest observed score whose precision is >= min_precision (None when none is)."""
    for t in np.sort(np.unique(np.asarray(scores, dtype=float))):
        if precision_recall(scores, labels, t)[0] >= min_precision:
            return float(t)
    return None


@exercise("08.face_threshold")
def _face_threshold(answer, scores=None, labels=None, min_precision=0.95):
    t = as_number(answer, "one threshold (a number between 0 and 1)")
    if not 0 <= t <= 1:
        raise AnswerError(
            f"a threshold on a probability lies between 0 and 1, got {t}"
        )
    if scores is None or labels is None:
        raise AnswerError(
            "run the cell as given: check(..., scores=face_scores, labels=face_truth, "
            "min_precision=MIN_PRECISION) passes the probe's scores to the checker"
        )
    scores = as_array(scores, what="scores")
    labels = as_array(labels, shape=scores.shape, what="labels")
    best = lowest_threshold_with_precision(scores, labels, min_precision)
    precision, recall = precision_recall(scores, labels, t)
    if best is None:
        if not (scores >= t).any():
            return None
        return (
            f"no threshold reaches precision {min_precision} on these patches; the only way to avoid false "
            f"faces is to predict none (a threshold above the highest score, {scores.max():.3f})"
        )
    best_precision, best_recall = precision_recall(scores, labels, best)
    if precision_recall(scores, labels, t - 1e-6) == (
        best_precision,
        best_recall,
    ):
        # the same patches counted as the best threshold (a float32 copy of a score counts too)
        return None
    if any(round(best, d) == t for d in range(1, 7)):
        return (
            "you found the right score, but rounded it: the rounded value lies on the other side of "
            "a patch's score, so it counts other patches. Give the score unrounded"
        )
    if np.isnan(precision):
        return (
            "at this threshold nothing is called a face (recall 0); lower it"
        )
    if precision < min_precision:
        return (
            f"at {t} the precision is {precision:.3f}, below {min_precision}: too many non-faces pass. "
            f"Which way must the threshold move to let fewer through?"
        )
    if recall < best_recall:
        return (
            f"precision {precision:.3f} is fine, but recall is only {recall:.3f}: a lower threshold keeps "
            f"precision >= {min_precision} and finds more faces"
        )
    return None


# --- Exercise 3 (apply): a roll-up of your own ------------------------------------------------

LIVING = ("animal", "plant", "person")


def living_proba(proba, coarse) -> np.ndarray:
    """The reference: P(living) per image = sum of the probabilities of every class whose coarse tag is in LIVING."""
    alive = np.isin(np.asarray(coarse), LIVING)
    return np.asarray(proba, dtype=float)[:, alive].sum(axis=1)


@exercise("08.living")
def _living(answer, proba=None, coarse=None):
    arr = as_array(answer, what="p_living: one probability per photo")
    if proba is None or coarse is None:
        raise AnswerError(
            "run the cell as given: check(..., proba=proba, coarse=coarse_table['coarse']) passes "
            "the tagger's probabilities to the checker"
        )
    proba = as_array(proba, what="proba")
    coarse = np.asarray(coarse)
    if proba.ndim != 2 or coarse.shape != (proba.shape[1],):
        raise AnswerError(
            f"proba must be (images, {len(coarse)}) and coarse one tag per class; got {proba.shape} "
            f"and {coarse.shape}"
        )
    want = living_proba(proba, coarse)
    if arr.shape != want.shape:
        if arr.size == 1:
            return f"give one probability per photo: an array of {len(want)} numbers, in the order of image_ids"
        return f"expected {want.shape[0]} numbers, one per photo (the rows of proba), got shape {arr.shape}"
    if np.allclose(arr, want, atol=1e-4) or any(
        np.allclose(arr, np.round(want, d), atol=1e-6) for d in range(2, 7)
    ):
        return None  # in full, float32, or rounded as printed (2 or more decimals)
    if np.allclose(arr, want, atol=1e-2):
        return "close: give the values with 2 or more decimals (rounded, not cut off), or in full"
    if np.allclose(arr, 1 - want, atol=1e-4):
        return "that is the probability of *not* living; the question asks for living"
    animal_only = proba[:, coarse == "animal"].sum(axis=1)
    if np.allclose(arr, animal_only, atol=1e-4) and not np.allclose(
        animal_only, want, atol=1e-4
    ):
        return "animals are not the only living things in the coarse table: which other coarse tags are alive?"
    top1 = proba.max(axis=1)
    if np.allclose(arr, top1, atol=1e-4) and not np.allclose(
        top1, want, atol=1e-4
    ):
        return (
            "that is each photo's top-1 probability; a roll-up adds up *every* class of the group, "
            "however small each one is"
        )
    if np.all(np.isin(arr, (0.0, 1.0))):
        return (
            "a 0/1 answer says whether the top tag is alive; the roll-up is a probability: the "
            "sum over every class of the group (§4 did it for all coarse tags at once)"
        )
    if (arr > 1 + 1e-6).any() or (arr < -1e-6).any():
        return "probabilities lie between 0 and 1: did you add up columns of one row (one photo), not rows?"
    return (
        "not yet the roll-up: which of the 1000 classes count as living, and how does §4 turn "
        "their probabilities into one number per photo?"
    )


# --- Exercise 4 (judge): validity of a face measurement (Peng 2021) -----------------------------


@exercise("08.face_validity")
def _face_validity(answer):
    # check_choice takes "b", "(B)", ["b"] or np.array(["b"]) alike; a letter other than b gets its hint
    return check_choice(
        answer,
        defensible=["B"],
        hints={
            "A": (
                "overall recall and precision average over everyone in the labelled patches; a comparison "
                "between two groups is biased when the errors differ *between* the groups. Which check "
                "would show that?"
            ),
            "C": (
                "a higher threshold trades recall for precision for everyone; it does not tell you whether "
                "the detector misses one group's faces more often than the other's"
            ),
        },
        what="one letter, 'a', 'b' or 'c'",
    )
