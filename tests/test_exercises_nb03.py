"""Exercise checks of 03_texture_and_entropy: right answers in two forms pass, wrong ones get their hint."""

import numpy as np

from helpers.exercises import evaluate
from helpers.exercises.nb03 import (
    TINY,
    clearly_rougher,
    glcm_contrast_by_texture,
    glcm_contrast_stats,
)


def ok(exercise_id, answer, **context):
    return evaluate(exercise_id, answer, strict=True, **context)


def pairs(dr, dc):
    P = np.zeros((4, 4), dtype=int)
    for r in range(4):
        for c in range(4):
            if 0 <= r + dr < 4 and 0 <= c + dc < 4:
                P[TINY[r, c], TINY[r + dr, c + dc]] += 1
    return P


def test_glcm_down_is_a_design_any_image_with_the_property_passes():
    stripes = np.array([[0, 1, 2, 3]] * 4)  # columns constant: 'down' diagonal
    assert ok("03.glcm_down", stripes) == (
        True,
        "Exercise 03.glcm_down: correct!",
    )
    assert ok("03.glcm_down", [[0, 0, 3, 3]] * 4)[0] is True  # a list
    assert ok("03.glcm_down", np.array([[2, 1, 2, 1]] * 4, np.uint8))[0]
    # tiny itself, the example: its 'down' pairs differ (no copying)
    assert "'down' pairs have different values" in ok("03.glcm_down", TINY)[1]
    assert "wrong way round" in ok("03.glcm_down", stripes.T)[1]
    assert (
        "both matrices are diagonal" in ok("03.glcm_down", np.ones((4, 4)))[1]
    )
    assert "whole gray levels" in ok("03.glcm_down", stripes * 2)[1]
    assert "whole gray levels" in ok("03.glcm_down", stripes / 2)[1]
    assert "shape (3, 3)" in ok("03.glcm_down", np.zeros((3, 3)))[1]


def test_chessboard():
    assert ok("03.chessboard", [[0, 0.5], [0.5, 0]])[0] is True
    assert ok("03.chessboard", np.array([[0.0, 0.5], [0.5, 0.0]]))[0] is True
    assert "normalise" in ok("03.chessboard", [[0, 120], [120, 0]])[1]
    assert (
        "random dots" in ok("03.chessboard", [[0.25, 0.25], [0.25, 0.25]])[1]
    )
    assert "SAME value" in ok("03.chessboard", [[0.5, 0], [0, 0.5]])[1]
    assert "sums to 1" in ok("03.chessboard", [[0, 0.3], [0.3, 0]])[1]
    assert "2 x 2" in ok("03.chessboard", np.zeros((4, 4)))[1]


def test_roughest_accepts_either_order_of_a_tie_and_rejects_a_clear_error(
    monkeypatch,
):
    stats = glcm_contrast_stats(64, 32, 8)
    means = glcm_contrast_by_texture(64, 32, 8)
    assert means == {name: m for name, (m, _) in stats.items()}
    # at distance 8 grass and gravel are within 2 standard errors of the difference: a tie
    assert not clearly_rougher(stats, "gravel", "grass")
    assert not clearly_rougher(stats, "grass", "gravel")
    assert clearly_rougher(stats, "grass", "brick")
    assert clearly_rougher(stats, "gravel", "brick")
    for tie in (["gravel", "grass", "brick"], ["grass", "gravel", "brick"]):
        assert ok("03.roughest", tie, patch=64, levels=32)[0] is True
    assert ok("03.roughest", "GRAVEL, grass, brick", patch=64)[0] is True
    assert ok("03.roughest", np.array(["grass", "gravel", "brick"]))[0] is True
    # brick placed first (or in the middle) is rejected, with a hint that names no order
    for wrong in (["brick", "grass", "gravel"], ["brick", "gravel", "grass"]):
        good, hint = ok("03.roughest", wrong, patch=64, levels=32)
        assert good is False and "largest mean contrast first" in hint
    good, hint = ok("03.roughest", ["grass", "brick", "gravel"])
    assert good is False and "mean contrast over all patches" in hint
    assert "not 'sand'" in ok("03.roughest", ["sand", "grass", "brick"])[1]
    assert "whole numbers" in ok("03.roughest", "brick", patch="big")[1]
    # the context reaches the computation; a clear gap must be respected, a tie either way
    from helpers.exercises import nb03

    seen = []
    fake = {
        (1,): {"brick": (1.0, 0.1), "grass": (3.0, 0.1), "gravel": (2.0, 0.1)},
        (8,): {"brick": (3.0, 0.1), "grass": (1.0, 0.1), "gravel": (2.0, 0.1)},
    }
    monkeypatch.setattr(
        nb03,
        "glcm_contrast_stats",
        lambda patch, levels, distance: (
            seen.append((patch, levels, distance)) or fake[(distance,)]
        ),
    )
    good = ok("03.roughest", "brick gravel grass", patch=128, levels=16)
    assert good[0] is True and seen == [(128, 16, 8)]
    assert "distance 1" in ok("03.roughest", "grass gravel brick")[1]
    fake[(8,)]["gravel"] = (2.95, 0.1)  # gravel and brick now tied
    assert ok("03.roughest", "gravel brick grass")[0] is True


def test_contrast_is_cached():
    from helpers.exercises import nb03

    glcm_contrast_by_texture(64, 32, 8)
    hits = nb03._contrast_by_texture.cache_info().hits
    glcm_contrast_by_texture(64, 32, 8)
    assert nb03._contrast_by_texture.cache_info().hits == hits + 1


def test_disorder_bias_accepts_the_defensible_answers():
    for answer in ("A, B", ["B", "A"]):
        assert ok("03.disorder_bias", answer)[0] is True
    assert "not everything defensible" in ok("03.disorder_bias", ["B"])[1]
    assert "reliable" in ok("03.disorder_bias", "C")[1]
    assert "how the values are spread" in ok("03.disorder_bias", ["A", "D"])[1]
    for hint in (ok("03.disorder_bias", x)[1] for x in "CD"):
        assert " A" not in hint and " B" not in hint  # no letter named
