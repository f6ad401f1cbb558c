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


def test_channel_order_is_predicted_for_the_rocket_not_the_cat():
    from helpers import load_photo

    means = load_photo("rocket", verbose=False).reshape(-1, 3).mean(axis=0)
    want = [["red", "green", "blue"][c] for c in np.argsort(means)[::-1]]
    assert want == ["blue", "green", "red"]  # a blue sky: the prompt's point
    assert ok("02.channel_order", want) == (
        True,
        "Exercise 02.channel_order: correct!",
    )
    assert ok("02.channel_order", ("B", "g", "Red"))[0] is True
    assert ok("02.channel_order", "blue, green, red")[0] is True
    assert ok("02.channel_order", np.array(want))[0] is True  # string array
    # reversed: a nudge to the direction, not the order itself
    good, hint = ok("02.channel_order", want, photo="chelsea")
    assert good is False and "largest mean first" in hint
    assert "darkest" not in hint and "blue" not in hint
    # the cat's order (printed in 01) is not this photo's
    cat = ok("02.channel_order", ["red", "green", "blue"])[1]
    assert "cat's order" in cat
    good, hint = ok("02.channel_order", ["blue", "red", "green"])
    assert good is False and "brightest channel is right" in hint
    assert "swapped" not in hint
    assert (
        "largest areas" in ok("02.channel_order", ["green", "blue", "red"])[1]
    )
    assert "exactly once" in ok("02.channel_order", ["red", "red", "blue"])[1]
    assert "not 'cyan'" in ok("02.channel_order", ["red", "green", "cyan"])[1]
    # the photo comes from the context: the cat's own order passes for the cat
    assert ok("02.channel_order", ["red", "green", "blue"], photo="chelsea")[0]


def test_intersection():
    import cv2

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

    # cv2.calcHist works in float32: its intersection passes too
    def calc(img):
        h = cv2.calcHist([img], [0, 1, 2], None, [8] * 3, [0, 256] * 3)
        return h / h.sum()

    as_float32 = np.minimum(calc(coffee), calc(rocket)).sum()
    assert as_float32.dtype == np.float32
    assert ok("02.intersection", as_float32)[0] is True
    assert "decimals" in ok("02.intersection", round(want, 1))[1]  # too coarse
    # a near miss that is not the value rounded is not told "more decimals"
    assert "decimals" not in ok("02.intersection", round(want, 3) + 0.001)[1]
    four = float(np.minimum(hist(coffee, 4), hist(rocket, 4)).sum())
    assert "4 bins per channel" in ok("02.intersection", four)[1]
    assert "4 bins per channel" in ok("02.intersection", round(four, 3))[1]
    assert "1 - intersection" in ok("02.intersection", 1 - want)[1]
    assert "between 0 and 1" in ok("02.intersection", 3.0)[1]
    hint = ok("02.intersection", 0.5)[1]
    assert "smaller of the two shares" in hint and "bins=8" not in hint


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
    # default context: the notebook's own setting
    assert ok("02.threshold", best)[0] is True
    assert ok("02.threshold", np.float32(best), **context)[0] is True
    hint = ok("02.threshold", 0.05, **context)[1]
    assert "too high" in hint and "the best score" in hint
    assert (
        "every labelled pixel is on the same side"
        in ok("02.threshold", 5.0, **context)[1]
    )
    # the checker uses the likelihood it is given: on a map where every labelled cat pixel is 1, 0.5 is right
    fake = np.zeros(lik.shape)
    fake[is_cat] = 1.0
    assert ok("02.threshold", 0.5, likelihood=fake)[0] is True


def test_colour_share_bias_accepts_the_defensible_answers():
    # D (two coders labelling differently) is a reliability threat a study must check
    for answer in ("a b d", "abd", ["A", "B", "D"], np.array(["D", "A", "B"])):
        assert ok("02.colour_share_bias", answer)[0] is True
    for part in ("A", ["A", "B"], "A D"):
        assert (
            "not everything defensible" in ok("02.colour_share_bias", part)[1]
        )
    assert "both counts double" in ok("02.colour_share_bias", "C")[1]
    assert "both counts double" in ok("02.colour_share_bias", "ABCD")[1]
