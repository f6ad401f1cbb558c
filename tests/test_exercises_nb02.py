"""Exercise checks of 02_color_histograms: right answers in two forms pass, wrong ones get their hint."""

import numpy as np
import pytest

from helpers.exercises import evaluate
from helpers.exercises.nb02 import BACKGROUND_BOXES, CAT_BOXES, backprojection


def ok(exercise_id, answer, **context):
    return evaluate(exercise_id, answer, strict=True, **context)


@pytest.fixture(scope="module")
def cat():
    from helpers import load_photo

    return load_photo("chelsea", verbose=False)


@pytest.fixture(scope="module")
def gray(cat):
    from skimage import color

    return (color.rgb2gray(cat) * 255).round().astype(np.uint8)


def test_channel_order():
    assert ok("02.channel_order", ["red", "green", "blue"]) == (
        True,
        "Exercise 02.channel_order: correct!",
    )
    assert ok("02.channel_order", ("R", "g", "Blue"))[0] is True
    assert ok("02.channel_order", "red, green, blue")[0] is True
    assert (
        "darkest first" in ok("02.channel_order", ["blue", "green", "red"])[1]
    )
    assert (
        "other two are swapped"
        in ok("02.channel_order", ["red", "blue", "green"])[1]
    )
    assert (
        "orange-brown" in ok("02.channel_order", ["green", "red", "blue"])[1]
    )
    assert "exactly once" in ok("02.channel_order", ["red", "red", "blue"])[1]
    assert "not 'cyan'" in ok("02.channel_order", ["red", "green", "cyan"])[1]


def test_n_k(gray):
    h = np.bincount(gray.ravel(), minlength=256)
    assert ok("02.n_k", int(h[150]))[0] is True
    assert ok("02.n_k", np.int64(h[150]))[0] is True
    assert ok("02.n_k", float(h[150]))[0] is True
    # the right answer is tested before the off-by-one hints: it passes even if a neighbour has the
    # same count
    assert "off by one" in ok("02.n_k", int(h[151]))[1] or h[151] == h[150]
    assert "off by one" in ok("02.n_k", int(h[149]))[1] or h[149] == h[150]
    assert "cumulative" in ok("02.n_k", int(np.sum(gray <= 150)))[1]
    assert "looks like a share" in ok("02.n_k", h[150] / gray.size)[1]
    assert "bincount" in ok("02.n_k", 7)[1]


def test_n_k_right_answer_first(monkeypatch):
    """A count equal to h[150] passes even when h[149] happens to be the same number."""
    from helpers.exercises import nb02

    gray = np.array([[149, 150], [151, 151]], dtype=np.uint8)
    monkeypatch.setattr(nb02, "_gray_cat", lambda: gray)
    assert ok("02.n_k", 1)[0] is True  # h[150] == h[149] == 1
    assert "off by one" in ok("02.n_k", 2)[1]  # h[151]


def test_intersection():
    from helpers import load_photo

    def hist(img, bins=8):
        cell = (img.astype(np.int64) * bins) // 256
        index = (cell[..., 0] * bins + cell[..., 1]) * bins + cell[..., 2]
        counts = np.bincount(index.ravel(), minlength=bins**3)
        return counts / counts.sum()

    coffee, rocket = (
        load_photo("coffee", verbose=False),
        load_photo("rocket", verbose=False),
    )
    want = float(np.minimum(hist(coffee), hist(rocket)).sum())
    assert ok("02.intersection", want)[0] is True
    assert ok("02.intersection", round(want, 3))[0] is True  # typed as printed
    assert "decimals" in ok("02.intersection", round(want, 1))[1]  # too coarse
    # a near miss that is not the value rounded is not told "more decimals"
    assert "decimals" not in ok("02.intersection", round(want, 3) + 0.001)[1]
    four = float(np.minimum(hist(coffee, 4), hist(rocket, 4)).sum())
    assert "4 bins per channel" in ok("02.intersection", four)[1]
    assert "1 - intersection" in ok("02.intersection", 1 - want)[1]
    assert "between 0 and 1" in ok("02.intersection", 3.0)[1]


def test_threshold(cat):
    lik = backprojection(cat, bins=16)
    is_cat = np.zeros(lik.shape, bool)
    is_bg = np.zeros(lik.shape, bool)
    for r0, r1, c0, c1 in CAT_BOXES:
        is_cat[r0:r1, c0:c1] = True
    for r0, r1, c0, c1 in BACKGROUND_BOXES:
        is_bg[r0:r1, c0:c1] = True
    candidates = np.unique(lik)
    scores = [
        0.5 * (np.mean(lik[is_cat] > t) + np.mean(lik[is_bg] <= t))
        for t in candidates
    ]
    best = float(candidates[int(np.argmax(scores))])
    context = dict(
        likelihood=lik, cat_boxes=CAT_BOXES, background_boxes=BACKGROUND_BOXES
    )
    assert ok("02.threshold", best, **context)[0] is True
    assert ok("02.threshold", round(best, 4), **context)[0] is True
    assert (
        ok("02.threshold", best)[0] is True
    )  # default context: the notebook's own setting
    assert "too high" in ok("02.threshold", 0.05, **context)[1]
    assert "too low" in ok("02.threshold", 0.0, **context)[1]
    assert (
        "close" in ok("02.threshold", 0.01, **context)[1]
        and "lower value" in ok("02.threshold", 0.01, **context)[1]
    )
    assert (
        "every pixel is on the same side"
        in ok("02.threshold", 5.0, **context)[1]
    )
    # the checker uses the likelihood it is given: on a map where every labelled cat pixel is 1, 0.5
    # is right
    fake = np.zeros(lik.shape)
    fake[is_cat] = 1.0
    assert ok("02.threshold", 0.5, likelihood=fake)[0] is True


@pytest.mark.parametrize(
    "exercise_id",
    ["02.channel_order", "02.n_k", "02.intersection", "02.threshold"],
)
def test_junk_gets_a_hint(exercise_id):
    for junk in ("a string", np.zeros((2, 2)), object(), ["a"], 42):
        good, message = ok(exercise_id, junk)
        if good is None:
            continue
        assert good is False and message.startswith(
            f"Exercise {exercise_id}: not yet. Hint: "
        ), message
