"""Exercise checks of 03_texture_and_entropy: right answers in two forms pass, wrong ones get their hint."""

import numpy as np
import pytest

from helpers.exercises import evaluate
from helpers.exercises.nb03 import TINY, glcm_contrast_by_texture


def ok(exercise_id, answer, **context):
    return evaluate(exercise_id, answer, strict=True, **context)


def pairs(dr, dc):
    P = np.zeros((4, 4), dtype=int)
    for r in range(4):
        for c in range(4):
            if 0 <= r + dr < 4 and 0 <= c + dc < 4:
                P[TINY[r, c], TINY[r + dr, c + dc]] += 1
    return P


def test_glcm_down():
    from skimage.feature import graycomatrix

    down = graycomatrix(TINY, [1], [np.pi / 2], levels=4)[
        :, :, 0, 0
    ]  # pi/2 is the pixel below
    assert ok("03.glcm_down", down) == (
        True,
        "Exercise 03.glcm_down: correct!",
    )
    assert ok("03.glcm_down", down.tolist())[0] is True
    assert "normalised" in ok("03.glcm_down", down / down.sum())[1]
    assert "transpose" in ok("03.glcm_down", down.T)[1]
    assert "offset 'right'" in ok("03.glcm_down", pairs(0, 1))[1]
    assert "BELOW it, once" in ok("03.glcm_down", down + down.T)[1]
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


def test_entropy_in_bits():
    P = pairs(1, 0) / 12
    nz = P[P > 0]
    want = float(-(nz * np.log2(nz)).sum())
    assert ok("03.entropy", want)[0] is True
    assert (
        ok("03.entropy", round(want, 4))[0] is True
    )  # typed as printed with 4 decimals
    assert ok("03.entropy", round(want, 3))[0] is True
    assert "decimals" in ok("03.entropy", round(want, 1))[1]
    # a near miss that is not the value rounded is not told "more decimals"
    assert "decimals" not in ok("03.entropy", round(want, 3) + 0.001)[1]
    assert "nats" in ok("03.entropy", float(-(nz * np.log(nz)).sum()))[1]
    assert "minus sign" in ok("03.entropy", -want)[1]
    right = pairs(0, 1) / 12
    assert (
        "offset 'right'"
        in ok(
            "03.entropy",
            float(-(right[right > 0] * np.log2(right[right > 0])).sum()),
        )[1]
    )
    assert (
        "normalise first"
        in ok(
            "03.entropy",
            float(
                -(
                    pairs(1, 0)[pairs(1, 0) > 0]
                    * np.log2(pairs(1, 0)[pairs(1, 0) > 0])
                ).sum()
            ),
        )[1]
    )
    assert "1.8637" not in str(
        want
    )  # the exercise asks for a value the notebook does not print


def test_roughest_uses_the_notebooks_patch_and_levels(monkeypatch):
    means = glcm_contrast_by_texture(64, 32)
    want = max(means, key=means.get)
    smoothest = min(means, key=means.get)
    assert ok("03.roughest", want, patch=64, levels=32)[0] is True
    assert (
        ok("03.roughest", " " + want.upper(), patch=64, levels=32)[0] is True
    )
    assert "smoothest" in ok("03.roughest", smoothest, patch=64, levels=32)[1]
    assert "one of 'brick', 'grass', 'gravel'" in ok("03.roughest", "sand")[1]
    # the context reaches the computation: another patch size and level count are used as given
    seen = []
    from helpers.exercises import nb03

    monkeypatch.setattr(
        nb03,
        "glcm_contrast_by_texture",
        lambda patch, levels: (
            seen.append((patch, levels))
            or {"brick": 3.0, "grass": 1.0, "gravel": 2.0}
        ),
    )
    assert ok("03.roughest", "brick", patch=128, levels=16)[0] is True
    assert seen == [(128, 16)]
    assert "whole numbers" in ok("03.roughest", "brick", patch="big")[1]


@pytest.mark.parametrize(
    "exercise_id",
    ["03.glcm_down", "03.chessboard", "03.entropy", "03.roughest"],
)
def test_junk_gets_a_hint(exercise_id):
    for junk in ("a string", 42, np.zeros((2, 3)), object(), [1, "x"]):
        good, message = ok(exercise_id, junk)
        assert good is False and message.startswith(
            f"Exercise {exercise_id}: not yet. Hint: "
        ), message
