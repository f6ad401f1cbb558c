"""Checkers of notebook 08: right answers pass, typical mistakes get their specific hint."""
import numpy as np
import pytest

from helpers.exercises import evaluate

pytest.importorskip("torch")


@pytest.fixture(scope="module")
def tagger():
    from helpers import load_imagenet_cnn, load_photo
    from helpers.data import load_coarse_tags
    from helpers.tagging import predict_proba

    model = load_imagenet_cnn(verbose=False)
    table = load_coarse_tags(verbose=False)
    return lambda photo: predict_proba(model, load_photo(photo, verbose=False))[0], table


def test_rocket_top1(tagger):
    proba, table = tagger
    p = proba("rocket")
    order = np.argsort(-p)
    names = list(table["name"])
    assert evaluate("08.rocket_top1", names[order[0]])[0] is True
    full = table.loc[order[0], "name"] + ", extra synonyms"  # the full ImageNet description also counts
    assert evaluate("08.rocket_top1", full)[0] is True
    ok, msg = evaluate("08.rocket_top1", names[order[1]])
    assert ok is False and "not the most probable" in msg
    ok, msg = evaluate("08.rocket_top1", "vehicle")
    assert ok is False and "coarse tag" in msg
    ok, msg = evaluate("08.rocket_top1", (names[order[0]], float(p[order[0]])))
    assert ok is False and "not (name, probability)" in msg
    ok, msg = evaluate("08.rocket_top1", "spaceship")
    assert ok is False and "not an ImageNet class name" in msg


def test_cat_tags(tagger):
    proba, table = tagger
    p = proba("chelsea")
    names = list(table["name"])
    idx = np.flatnonzero(p >= 0.05)
    want = [names[j] for j in idx[np.argsort(-p[idx])]]
    assert len(want) >= 2
    assert evaluate("08.cat_tags", want)[0] is True
    assert evaluate("08.cat_tags", [(n, 0.0) for n in want])[0] is True   # (name, p) pairs are fine
    ok, msg = evaluate("08.cat_tags", want[::-1])
    assert ok is False and "sort them by probability" in msg
    ok, msg = evaluate("08.cat_tags", want[:1])
    assert ok is False and "single-label" in msg
    extra = [names[j] for j in np.argsort(-p)[: len(want) + 2]]
    ok, msg = evaluate("08.cat_tags", extra)
    assert ok is False and "below 0.05" in msg
    ok, msg = evaluate("08.cat_tags", "tabby")
    assert ok is False and "list of class names" in msg


def test_coffee_food(tagger):
    proba, table = tagger
    p = proba("coffee")
    food = (table["coarse"] == "food").to_numpy()
    assert evaluate("08.coffee_food", float(p[food].sum()))[0] is True
    assert evaluate("08.coffee_food", np.float32(p[food].sum()))[0] is True
    ok, msg = evaluate("08.coffee_food", float(p.max()))
    assert ok is False and "only the top-1" in msg
    ok, msg = evaluate("08.coffee_food", int(food.sum()))
    assert ok is False and "number of food classes" in msg
    ok, msg = evaluate("08.coffee_food", p[food])
    assert ok is False and "one number" in msg
    ok, msg = evaluate("08.coffee_food", 0.5)
    assert ok is False and "coarse tag 'food'" in msg
