"""Checkers of notebook 08: right answers pass, typical mistakes get their specific hint
(junk answers for every exercise: tests/test_exercises.py)."""

import numpy as np
import pytest

from helpers.exercises import evaluate as _evaluate
from helpers.exercises.nb08 import (
    LIVING,
    drop_animals_after_food,
    living_proba,
    lowest_threshold_with_precision,
    precision_recall,
)


def evaluate(exercise_id, answer, **context):
    """Strict: a checker that crashes fails the test instead of turning the crash into a hint."""
    return _evaluate(exercise_id, answer, strict=True, **context)


# ---------------------------------------------------------------- Exercise 1: the unlikely-combination rule


@pytest.fixture(scope="module")
def coarse_of():
    from helpers.data import load_coarse_tags

    table = load_coarse_tags(verbose=False)
    return dict(zip(table["name"], table["coarse"], strict=True))


def notebook_solution(coarse_of):
    """The checker's reference rule as a student's one-argument function (a closure over coarse_of)."""
    return lambda tags: drop_animals_after_food(tags, coarse_of)


def test_the_reference_rule(coarse_of):
    tags = [
        ("espresso", 0.6),
        ("sea slug", 0.1),
        ("cup", 0.05),
        ("tabby", 0.01),
    ]
    assert drop_animals_after_food(tags, coarse_of) == [
        ("espresso", 0.6),
        ("cup", 0.05),
    ]
    assert drop_animals_after_food(
        [("sea slug", 0.5), ("espresso", 0.2)], coarse_of
    ) == [("sea slug", 0.5), ("espresso", 0.2)]


def test_unlikely_rule_accepts_right_functions(coarse_of):
    assert evaluate("08.unlikely_rule", notebook_solution(coarse_of)) == (
        True,
        "Exercise 08.unlikely_rule: correct!",
    )

    def names_only(tags):
        # returning names is fine too
        return [n for n, _ in notebook_solution(coarse_of)(tags)]

    assert evaluate("08.unlikely_rule", names_only)[0] is True


def test_unlikely_rule_hints(coarse_of):
    def drop_every_animal(tags):
        return [(n, p) for n, p in tags if coarse_of[n] != "animal"]

    ok, msg = evaluate("08.unlikely_rule", drop_every_animal)
    assert ok is False and "*before* it" in msg

    def keep_all(tags):
        return list(tags)

    ok, msg = evaluate("08.unlikely_rule", keep_all)
    assert ok is False and "must go" in msg

    def only_first_animal(tags):  # stops after dropping one animal
        kept, dropped = [], False
        food = False
        for n, p in tags:
            if coarse_of[n] == "animal" and food and not dropped:
                dropped = True
                continue
            food = food or coarse_of[n] == "food"
            kept.append((n, p))
        return kept

    ok, msg = evaluate("08.unlikely_rule", only_first_animal)
    assert ok is False and "*every* animal" in msg

    def reversed_order(tags):
        return notebook_solution(coarse_of)(tags)[::-1]

    ok, msg = evaluate("08.unlikely_rule", reversed_order)
    assert ok is False and "in their order" in msg
    ok, msg = evaluate(
        "08.unlikely_rule",
        lambda tags: notebook_solution(coarse_of)(tags) if tags else tags[0],
    )
    # fails on the empty case
    assert ok is False and "raised IndexError" in msg and "[]" in msg
    ok, msg = evaluate("08.unlikely_rule", lambda tags: "espresso")
    assert ok is False and "return a list" in msg


def test_unlikely_rule_wants_a_function():
    ok, msg = evaluate("08.unlikely_rule", [("espresso", 0.9)])
    assert ok is False and "give the function itself" in msg


# ---------------------------------------------------------------- Exercise 2: a threshold from precision and recall

SCORES = np.array([0.05, 0.2, 0.35, 0.4, 0.55, 0.6, 0.7, 0.8, 0.9, 0.97])
TRUTH = np.array([0, 0, 1, 0, 1, 1, 0, 1, 1, 1])


def test_precision_recall_by_hand():
    assert precision_recall(SCORES, TRUTH, 0.5) == (5 / 6, 5 / 6)
    p, r = precision_recall(SCORES, TRUTH, 0.99)
    assert np.isnan(p) and r == 0
    # precision >= 0.95 is first reached at 0.8: the threshold must pass the non-face scored 0.7
    assert lowest_threshold_with_precision(SCORES, TRUTH, 0.95) == 0.8


def test_face_threshold_right_answers():
    context = dict(scores=SCORES, labels=TRUTH, min_precision=0.95)
    assert evaluate("08.face_threshold", 0.8, **context)[0] is True
    # same faces counted: as good
    assert evaluate("08.face_threshold", 0.75, **context)[0] is True
    assert evaluate("08.face_threshold", np.float32(0.8), **context)[0] is True


def test_face_threshold_hints():
    context = dict(scores=SCORES, labels=TRUTH, min_precision=0.95)
    ok, msg = evaluate("08.face_threshold", 0.5, **context)
    assert ok is False and "below 0.95" in msg and "Which way" in msg
    ok, msg = evaluate("08.face_threshold", 0.9, **context)
    assert ok is False and "recall is only" in msg
    ok, msg = evaluate("08.face_threshold", 0.995, **context)
    assert ok is False and "nothing is called a face" in msg
    ok, msg = evaluate("08.face_threshold", 80, **context)
    assert ok is False and "between 0 and 1" in msg
    ok, msg = evaluate("08.face_threshold", 0.8)
    assert ok is False and "scores=face_scores" in msg


def test_face_threshold_rounding_slip_gets_a_rounding_hint():
    """The right score rounded past a face's score: a hint about rounding, not about recall."""
    scores = np.array([0.30, 0.70, 0.9451, 0.94501, 0.95599, 0.9628, 0.99])
    truth = np.array([0, 1, 0, 1, 1, 1, 1])
    context = dict(scores=scores, labels=truth, min_precision=0.97)
    best = lowest_threshold_with_precision(scores, truth, 0.97)
    assert best == 0.95599
    assert evaluate("08.face_threshold", best, **context)[0] is True
    assert evaluate("08.face_threshold", np.float32(0.95), **context)[0]
    ok, msg = evaluate("08.face_threshold", 0.956, **context)
    assert ok is False and "rounded it" in msg and "recall" not in msg
    # the default threshold does not pass: it lets the non-face at 0.9451 through
    ok, msg = evaluate("08.face_threshold", 0.5, **context)
    assert ok is False and "below 0.97" in msg


def test_face_threshold_when_no_threshold_is_precise_enough():
    # the top score is a non-face
    scores, truth = (np.array([0.2, 0.9, 0.95]), np.array([1, 1, 0]))
    assert lowest_threshold_with_precision(scores, truth, 0.95) is None
    assert (
        evaluate("08.face_threshold", 1.0, scores=scores, labels=truth)[0]
        is True
    )
    ok, msg = evaluate("08.face_threshold", 0.5, scores=scores, labels=truth)
    assert ok is False and "no threshold reaches" in msg


def test_face_threshold_on_the_notebooks_kind_of_data():
    """The reference (lowest observed score with enough precision) passes on noisy scores; 0.05 higher fails."""
    rng = np.random.default_rng(0)
    truth = np.r_[np.ones(80, int), np.zeros(80, int)]
    scores = np.clip(
        np.r_[rng.normal(0.8, 0.15, 80), rng.normal(0.25, 0.15, 80)], 0, 1
    )
    answer = lowest_threshold_with_precision(scores, truth, 0.95)
    assert precision_recall(scores, truth, answer)[0] >= 0.95
    context = dict(scores=scores, labels=truth, min_precision=0.95)
    assert evaluate("08.face_threshold", answer, **context)[0] is True
    ok, _ = evaluate("08.face_threshold", round(answer + 0.05, 2), **context)
    assert ok is False


# ---------------------------------------------------------------- Exercise 3: the roll-up (needs the CNN)


def tagger_case():
    """Three 'photos' over a 5-class label set: P(living) is the sum over the living classes."""
    coarse = np.array(["animal", "plant", "food", "person", "device"])
    proba = np.array(
        [
            [0.50, 0.10, 0.30, 0.05, 0.05],
            [0.05, 0.05, 0.80, 0.00, 0.10],
            [0.10, 0.20, 0.10, 0.30, 0.30],
        ]
    )
    return proba, coarse


def test_living_reference():
    proba, coarse = tagger_case()
    assert set(LIVING) == {"animal", "plant", "person"}
    assert np.allclose(living_proba(proba, coarse), [0.65, 0.10, 0.60])


def test_living():
    proba, coarse = tagger_case()
    ctx = dict(proba=proba, coarse=coarse)
    right = living_proba(proba, coarse)
    assert evaluate("08.living", right, **ctx)[0] is True
    assert evaluate("08.living", right.astype(np.float32).tolist(), **ctx)[0]
    ok, msg = evaluate("08.living", proba[:, 0], **ctx)
    assert ok is False and "not the only living" in msg
    ok, msg = evaluate("08.living", proba.max(axis=1), **ctx)
    assert ok is False and "top-1 probability" in msg
    ok, msg = evaluate("08.living", 1 - right, **ctx)
    assert ok is False and "*not* living" in msg
    ok, msg = evaluate("08.living", [1.0, 0.0, 1.0], **ctx)
    assert ok is False and "0/1 answer" in msg
    ok, msg = evaluate("08.living", right[:2], **ctx)
    assert ok is False and "one per photo" in msg
    ok, msg = evaluate("08.living", np.round(right, 1) + 0.001, **ctx)
    assert ok is False and "isin" not in msg and "[:," not in msg
    ok, msg = evaluate("08.living", right)
    assert ok is False and "proba=proba" in msg


def test_living_on_the_real_tagger():
    pytest.importorskip("torch")
    from helpers import load_imagenet_cnn, load_photo
    from helpers.data import load_coarse_tags
    from helpers.tagging import predict_proba

    model = load_imagenet_cnn(verbose=False)
    table = load_coarse_tags(verbose=False)
    photos = [load_photo(n, verbose=False) for n in ("chelsea", "coffee")]
    proba = predict_proba(model, photos)
    right = living_proba(proba, table["coarse"])
    assert right[0] > 0.9 and right[1] < 0.1  # a cat is alive, an espresso not
    ctx = dict(proba=proba, coarse=table["coarse"])
    assert evaluate("08.living", right, **ctx)[0] is True
    assert evaluate("08.living", np.round(right, 3), **ctx)[0] is True


def test_face_validity():
    assert evaluate("08.face_validity", "b")[0] is True
    assert evaluate("08.face_validity", "(B)")[0] is True
    assert evaluate("08.face_validity", ["b"])[0] is True
    assert evaluate("08.face_validity", np.array(["b"]))[0] is True
    ok, msg = evaluate("08.face_validity", ["a", "b"])
    assert ok is False and "differ *between* the groups" in msg
    ok, msg = evaluate("08.face_validity", "a")
    assert ok is False and "differ *between* the groups" in msg
    ok, msg = evaluate("08.face_validity", "c")
    assert ok is False and "one group's faces" in msg
