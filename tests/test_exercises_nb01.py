"""Exercise checks of 01_images_as_arrays: the solution passes, typical wrong answers get their hint, no crash."""

import numpy as np
import pytest

from helpers.exercises import evaluate
from helpers.exercises.nb01 import RESEARCH_QUESTIONS


@pytest.fixture(scope="module")
def img():
    from helpers import load_photo

    return load_photo("chelsea", verbose=False)


def ok(exercise_id, answer, **context):
    return evaluate(exercise_id, answer, strict=True, **context)


def test_latent_or_object():
    solution = {
        "A": "latent",
        "B": "object",
        "C": "latent",
        "D": "object",
        "E": "latent",
        "F": "object",
    }
    assert RESEARCH_QUESTIONS == solution
    assert ok("01.latent_or_object", solution) == (
        True,
        "Exercise 01.latent_or_object: correct!",
    )
    # any reasonable form: a list in order, long labels, lower-case keys, stray spaces
    assert ok("01.latent_or_object", list(solution.values()))[0] is True
    long = {
        k.lower(): ("latent measure" if v == "latent" else " Object of study ")
        for k, v in solution.items()
    }
    assert ok("01.latent_or_object", long)[0] is True
    one_wrong = dict(solution, B="latent")
    good, hint = ok("01.latent_or_object", one_wrong)
    assert good is False and "5 of 6 right" in hint
    swapped = {
        k: ("object" if v == "latent" else "latent")
        for k, v in solution.items()
    }
    good, hint = ok("01.latent_or_object", swapped)
    assert good is False and "none right yet" in hint and "swapped" not in hint
    assert (
        "missing: F"
        in ok(
            "01.latent_or_object",
            {k: v for k, v in solution.items() if k != "F"},
        )[1]
    )
    assert (
        "not 'maybe'"
        in ok("01.latent_or_object", dict(solution, C="maybe"))[1]
    )
    assert "give 6 labels" in ok("01.latent_or_object", ["latent"] * 3)[1]
    assert "give a dict" in ok("01.latent_or_object", "latent")[1]


def test_wrapped(img):
    want = int(np.sum(img > 155))
    assert ok("01.wrapped", want)[0] is True
    assert ok("01.wrapped", np.int64(want))[0] is True
    assert ok("01.wrapped", float(want))[0] is True  # typed as 78134.0
    assert "off by one" in ok("01.wrapped", int(np.sum(img >= 155)))[1]
    # = 0
    assert (
        "already wrapped"
        in ok("01.wrapped", int(np.sum(img + np.uint8(100) > 255)))[1]
    )
    assert (
        "every channel value"
        in ok("01.wrapped", int(np.sum((img > 155).any(axis=2))))[1]
    )
    assert "do NOT wrap" in ok("01.wrapped", img.size - want)[1]
    assert "whole number" in ok("01.wrapped", 3.5)[1]
    hint = ok("01.wrapped", 5)[1]
    assert "smallest value that wraps" in hint and "155" not in hint


def test_gray_by_hand_wants_bt601_and_cannot_be_fooled_by_rgb2gray(img):
    import cv2
    from skimage.color import rgb2gray

    bt601 = (img / 255.0) @ np.array([0.299, 0.587, 0.114])
    assert ok("01.gray_by_hand", bt601)[0] is True
    assert ok("01.gray_by_hand", bt601.astype(np.float32))[0] is True
    assert ok("01.gray_by_hand", bt601.round(4))[0] is True
    assert ok("01.gray_by_hand", bt601.tolist())[0] is True
    # the library's result (other weights) is told which weights it used
    assert "scikit-image's rgb2gray" in ok("01.gray_by_hand", rgb2gray(img))[1]
    rec709 = (img / 255.0) @ np.array([0.2126, 0.7152, 0.0722])
    assert "BT.709" in ok("01.gray_by_hand", rec709)[1]
    assert "plain mean" in ok("01.gray_by_hand", img.mean(axis=2) / 255)[1]
    reversed_weights = (img / 255.0) @ np.array([0.114, 0.587, 0.299])
    assert "wrong order" in ok("01.gray_by_hand", reversed_weights)[1]
    opencv = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY) / 255.0
    assert "1/255" in ok("01.gray_by_hand", opencv)[1]
    assert "0-255 scale" in ok("01.gray_by_hand", bt601 * 255)[1]
    assert "shape (300, 451)" in ok("01.gray_by_hand", img / 255.0)[1]
    good, hint = ok("01.gray_by_hand", bt601 + 0.01)
    assert good is False and "0.299" not in hint  # no weights given away


def test_colourfulness_bias_accepts_the_defensible_answers():
    for answer in (["B", "C"], "B and C", "c, b", np.array(["C", "B"])):
        assert ok("01.colourfulness_bias", answer)[0] is True
    # one defensible letter is not every one
    for part in ("B", np.array(["C"])):
        assert (
            "not everything defensible" in ok("01.colourfulness_bias", part)[1]
        )
    assert "reliable" in ok("01.colourfulness_bias", "A")[1]
    assert (
        "stored in the image file"
        in ok("01.colourfulness_bias", ["B", "D"])[1]
    )
    assert "one or more of A, B, C, D" in ok("01.colourfulness_bias", "E")[1]


@pytest.mark.parametrize("photo", ["chelsea", "astronaut"])
def test_wrapped_and_gray_by_hand_follow_the_notebooks_photo(photo):
    from helpers import load_photo

    other = "astronaut" if photo == "chelsea" else "chelsea"
    img, img_other = (load_photo(p, verbose=False) for p in (photo, other))
    want = int(np.sum(img > 155))
    assert ok("01.wrapped", want, photo=photo)[0] is True
    assert (
        ok("01.wrapped", int(np.sum(img_other > 155)), photo=photo)[0] is False
    )
    bt601 = (img / 255.0) @ np.array([0.299, 0.587, 0.114])
    assert ok("01.gray_by_hand", bt601, photo=photo)[0] is True
    good, hint = ok("01.gray_by_hand", bt601[:50, :50], photo=photo)
    assert good is False and f"shape {img.shape[:2]}" in hint


def test_a_bad_photo_parameter_is_named_with_the_fix():
    good, hint = ok("01.wrapped", 5, photo="cat")
    assert good is False and "'cat'" in hint and "PHOTO" in hint
    good, hint = ok("01.gray_by_hand", [[0.5]], photo="camera")  # a gray photo
    assert good is False and "RGB" in hint
