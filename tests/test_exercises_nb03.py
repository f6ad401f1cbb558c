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
    hint = ok("03.glcm_down", TINY)[1]
    assert "'down' pairs have different values" in hint
    assert (
        "column" not in hint and "row" not in hint
    )  # the concept, not the design
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


def test_roughest_takes_the_share_and_the_verdict_at_distance_8(monkeypatch):
    stats = glcm_contrast_stats(64, 32, 8)
    means = glcm_contrast_by_texture(64, 32, 8)
    assert means == {name: m for name, (m, _) in stats.items()}
    # at distance 8 grass and gravel are within 2 standard errors of the difference
    assert not clearly_rougher(stats, "grass", "gravel")
    assert clearly_rougher(stats, "grass", "brick")
    share = means["brick"] / means["grass"]
    for answer in (
        (share, False),
        [round(share, 2), "no"],
        (np.float32(share), np.False_),
        np.array([share, 0.0]),
    ):
        assert ok("03.roughest", answer, patch=64, levels=32)[0] is True
    # copying distance 1 (§3) gives neither part: share and verdict both differ there
    near = glcm_contrast_stats(64, 32, 1)
    assert clearly_rougher(near, "grass", "gravel")
    near_share = near["brick"][0] / near["grass"][0]
    assert abs(near_share - share) > 0.1
    assert "distance 1" in ok("03.roughest", (near_share, True))[1]
    assert (
        "divide brick's mean by grass's"
        in ok("03.roughest", (1 / share, False))[1]
    )
    good, hint = ok("03.roughest", (share, True))
    assert (
        good is False
        and "share is right" in hint
        and "2 standard errors" in hint
    )
    assert "all patches" in ok("03.roughest", (0.9, False))[1]
    for bad in ("brick", (share,), (share, False, 1)):
        assert "a pair" in ok("03.roughest", bad)[1]
    assert "True or False" in ok("03.roughest", (share, "maybe"))[1]
    assert "whole numbers" in ok("03.roughest", (share, False), patch="big")[1]
    # the context reaches the computation
    from helpers.exercises import nb03

    seen = []
    fake = {
        1: {"brick": (1.0, 0.1), "grass": (3.0, 0.1), "gravel": (2.0, 0.1)},
        8: {"brick": (2.0, 0.1), "grass": (4.0, 0.1), "gravel": (2.0, 0.1)},
    }
    monkeypatch.setattr(
        nb03,
        "glcm_contrast_stats",
        lambda patch, levels, distance: (
            seen.append((patch, levels, distance)) or fake[distance]
        ),
    )
    assert ok("03.roughest", (0.5, True), patch=128, levels=16)[0] is True
    assert (128, 16, 8) in seen


def test_contrast_is_cached():
    from helpers.exercises import nb03

    glcm_contrast_by_texture(64, 32, 8)
    hits = nb03._contrast_by_texture.cache_info().hits
    glcm_contrast_by_texture(64, 32, 8)
    assert nb03._contrast_by_texture.cache_info().hits == hits + 1


def test_disorder_bias_accepts_the_defensible_answers():
    for answer in ("A, B, E", ["E", "B", "A"], "abe"):
        assert ok("03.disorder_bias", answer)[0] is True
    for part in (["B"], "A B"):
        assert "not everything defensible" in ok("03.disorder_bias", part)[1]
    assert "reliable" in ok("03.disorder_bias", "C")[1]
    # D is a pure shift: its hint says a shift barely matters but a gain does
    hint = ok("03.disorder_bias", ["A", "D"])[1]
    assert "shifts the histogram" in hint and "gain" in hint
    for hint in (ok("03.disorder_bias", x)[1] for x in "CD"):
        assert not any(f" {x}" in hint for x in "ABE")  # no letter named
