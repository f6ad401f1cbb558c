"""Checkers of notebook 08: right answers pass, typical mistakes get their specific hint, junk never crashes."""

import numpy as np
import pytest

from helpers.exercises import evaluate as _evaluate
from helpers.exercises.nb08 import (
    drop_animals_after_food,
    lowest_threshold_with_precision,
    precision_recall,
)


def evaluate(exercise_id, answer, **context):
    """Strict: a checker that crashes fails the test instead of turning the crash into a hint."""
    return _evaluate(exercise_id, answer, strict=True, **context)


# ---------------------------------------------------------------- Exercise 1: the
# unlikely-combination rule


@pytest.fixture(scope="module")
def coarse_of():
    from helpers.data import load_coarse_tags

    table = load_coarse_tags(verbose=False)
    return dict(zip(table["name"], table["coarse"]))


def notebook_solution(coarse_of):
    """The notebook's solution, as a student would write it (a closure over coarse_of)."""

    def drop_unlikely(tags):
        kept, food_seen = [], False
        for name, p in tags:
            if coarse_of[name] == "animal" and food_seen:
                continue
            food_seen = food_seen or coarse_of[name] == "food"
            kept.append((name, p))
        return kept

    return drop_unlikely


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
    names_only = lambda tags: [
        n for n, _ in notebook_solution(coarse_of)(tags)
    ]  # returning names is fine too
    assert evaluate("08.unlikely_rule", names_only)[0] is True


def test_unlikely_rule_hints(coarse_of):
    drop_every_animal = lambda tags: [
        (n, p) for n, p in tags if coarse_of[n] != "animal"
    ]
    ok, msg = evaluate("08.unlikely_rule", drop_every_animal)
    assert ok is False and "*before* it" in msg
    keep_all = lambda tags: list(tags)
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
    reversed_order = lambda tags: notebook_solution(coarse_of)(tags)[::-1]
    ok, msg = evaluate("08.unlikely_rule", reversed_order)
    assert ok is False and "in their order" in msg
    ok, msg = evaluate(
        "08.unlikely_rule",
        lambda tags: notebook_solution(coarse_of)(tags) if tags else tags[0],
    )
    assert (
        ok is False and "raised IndexError" in msg and "[]" in msg
    )  # fails on the empty case
    ok, msg = evaluate("08.unlikely_rule", lambda tags: "espresso")
    assert ok is False and "return a list" in msg


def test_unlikely_rule_wants_a_function():
    ok, msg = evaluate("08.unlikely_rule", [("espresso", 0.9)])
    assert ok is False and "give the function itself" in msg


# ---------------------------------------------------------------- Exercise 2: a threshold from
# precision and recall

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
    assert (
        evaluate("08.face_threshold", 0.75, **context)[0] is True
    )  # same faces counted: as good
    assert evaluate("08.face_threshold", np.float32(0.8), **context)[0] is True


def test_face_threshold_hints():
    context = dict(scores=SCORES, labels=TRUTH, min_precision=0.95)
    ok, msg = evaluate("08.face_threshold", 0.5, **context)
    assert ok is False and "below 0.95" in msg and "raise the threshold" in msg
    ok, msg = evaluate("08.face_threshold", 0.9, **context)
    assert ok is False and "recall is only" in msg
    ok, msg = evaluate("08.face_threshold", 0.995, **context)
    assert ok is False and "nothing is called a face" in msg
    ok, msg = evaluate("08.face_threshold", 80, **context)
    assert ok is False and "between 0 and 1" in msg
    ok, msg = evaluate("08.face_threshold", 0.8)
    assert ok is False and "scores=face_scores" in msg


def test_face_threshold_when_no_threshold_is_precise_enough():
    scores, truth = (
        np.array([0.2, 0.9, 0.95]),
        np.array([1, 1, 0]),
    )  # the top score is a non-face
    assert lowest_threshold_with_precision(scores, truth, 0.95) is None
    assert (
        evaluate("08.face_threshold", 1.0, scores=scores, labels=truth)[0]
        is True
    )
    ok, msg = evaluate("08.face_threshold", 0.5, scores=scores, labels=truth)
    assert ok is False and "no threshold reaches" in msg


def test_face_threshold_on_the_notebooks_kind_of_data():
    """The notebook's solution (lowest observed score with enough precision) passes on noisy scores."""
    rng = np.random.default_rng(0)
    truth = np.r_[np.ones(80, int), np.zeros(80, int)]
    scores = np.clip(
        np.r_[rng.normal(0.8, 0.15, 80), rng.normal(0.25, 0.15, 80)], 0, 1
    )
    candidates = np.unique(scores)
    ok_ts = [
        t for t in candidates if precision_recall(scores, truth, t)[0] >= 0.95
    ]
    answer = float(ok_ts[0])
    assert (
        evaluate(
            "08.face_threshold",
            answer,
            scores=scores,
            labels=truth,
            min_precision=0.95,
        )[0]
        is True
    )
    assert (
        evaluate(
            "08.face_threshold",
            round(answer + 0.05, 2),
            scores=scores,
            labels=truth,
        )[0]
        is False
    )


# ---------------------------------------------------------------- Exercise 3: the roll-up (needs
# the CNN)


@pytest.fixture(scope="module")
def coffee():
    pytest.importorskip("torch")
    from helpers import load_imagenet_cnn, load_photo
    from helpers.data import load_coarse_tags
    from helpers.tagging import predict_proba

    model = load_imagenet_cnn(verbose=False)
    table = load_coarse_tags(verbose=False)
    return predict_proba(model, load_photo("coffee", verbose=False))[0], table


def test_coffee_food(coffee):
    p, table = coffee
    food = (table["coarse"] == "food").to_numpy()
    want = float(p[food].sum())
    assert evaluate("08.coffee_food", want)[0] is True
    assert evaluate("08.coffee_food", np.float32(want))[0] is True
    assert (
        evaluate("08.coffee_food", round(want, 2))[0] is True
    )  # typed as printed, 2 decimals
    ok, msg = evaluate("08.coffee_food", round(want, 1))
    assert ok is False and "decimals" in msg
    if abs(float(p.max()) - want) > 0.01:
        ok, msg = evaluate("08.coffee_food", float(p.max()))
        assert ok is False and "only the top-1" in msg
    ok, msg = evaluate("08.coffee_food", int(food.sum()))
    assert ok is False and "number of food classes" in msg
    ok, msg = evaluate("08.coffee_food", p[food])
    assert ok is False and "one number" in msg
    ok, msg = evaluate("08.coffee_food", 0.3)
    assert ok is False and "coarse tag 'food'" in msg


@pytest.mark.parametrize(
    "exercise_id", ["08.unlikely_rule", "08.face_threshold"]
)
def test_junk_answers_get_a_hint(exercise_id):
    for junk in ("a string", 42, np.zeros((2, 2)), object()):
        ok, message = evaluate(exercise_id, junk)
        assert ok is False and message.startswith(
            f"Exercise {exercise_id}: not yet. Hint: "
        )
