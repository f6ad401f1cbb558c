"""Checks for 01_images_as_arrays (research questions, and the cat photo: skimage's chelsea)."""

import numpy as np

from . import exercise
from .answers import (
    AnswerError,
    as_array,
    as_int,
    as_text,
    check_array,
    check_choice,
)


def _photo(photo="chelsea"):
    """The notebook's PHOTO (check(..., photo=PHOTO)); chelsea, the cat, by default."""
    from ..data import PHOTOS, load_photo

    if not isinstance(photo, str) or photo not in PHOTOS:
        raise AnswerError(
            f"check(..., photo=PHOTO) needs the name of a photo in helpers.data.PHOTOS, got {photo!r}; "
            "pass the notebook's PHOTO"
        )
    img = load_photo(photo, verbose=False)
    if img.ndim != 3:
        raise AnswerError(
            f"PHOTO = {photo!r} is a gray photo; these exercises need an RGB one (e.g. 'chelsea')"
        )
    return img


# §1: is the image a measure of something else (latent), or is what the image shows the thing studied (object)?
RESEARCH_QUESTIONS = {
    "A": "latent",  # poverty from satellite images of roofs and roads
    "B": "object",  # how newspapers picture women politicians
    "C": "latent",  # crowd size from protest photos
    "D": "object",  # which Instagram photos of politicians get likes (Peng 2021)
    "E": "latent",  # fraud from photos of tally sheets (Cantu 2019)
    "F": "object",  # does a front-page war photo change support for intervention
}
_WORDS = {
    "latent": "latent",
    "latent measure": "latent",
    "measure": "latent",
    "object": "object",
    "object of study": "object",
    "object of interest": "object",
}


@exercise("01.latent_or_object")
def _latent_or_object(answer):
    letters = sorted(RESEARCH_QUESTIONS)
    if isinstance(answer, (list, tuple)):
        if len(answer) != len(letters):
            raise AnswerError(
                f"give {len(letters)} labels, one per question {', '.join(letters)}; got {len(answer)}"
            )
        answer = dict(zip(letters, answer, strict=True))
    if not isinstance(answer, dict):
        raise AnswerError(
            'give a dict such as {"A": "latent", "B": "object", ...}, '
            f"got {type(answer).__name__}"
        )
    answer = {str(k).strip().upper(): v for k, v in answer.items()}
    missing = [k for k in letters if k not in answer]
    if missing:
        raise AnswerError(
            f"label every question; missing: {', '.join(missing)}"
        )
    got = {}
    for k in letters:
        word = as_text(
            answer[k], what=f'the label of question {k} ("latent" or "object")'
        )
        if word not in _WORDS:
            raise AnswerError(
                f'label question {k} with "latent" or "object", not {answer[k]!r}'
            )
        got[k] = _WORDS[word]
    wrong = [k for k in letters if got[k] != RESEARCH_QUESTIONS[k]]
    if not wrong:
        return None
    if len(wrong) == len(letters):
        return (
            "none right yet: re-read the two definitions in §1. For each question ask what the "
            "researcher finally wants to know about: the images themselves, or something the "
            "images only stand in for?"
        )
    return (
        f"{len(letters) - len(wrong)} of {len(letters)} right. For each question ask: is the research "
        "question about the images themselves (what they show, how people react to them), or would "
        "any other good measure of the same thing do just as well?"
    )


@exercise("01.wrapped")
def _wrapped(answer, photo="chelsea"):
    img = _photo(photo)
    got = as_int(answer, "a count of values (a whole number)")
    want = int(np.sum(img > 255 - 100))
    if got == want:
        return None
    if got == 0:
        return (
            "in uint8, img + 100 has already wrapped, so it is never above 255: "
            "ask which original values v have v + 100 > 255"
        )
    if got == int(np.sum(img >= 255 - 100)):
        return "off by one: 155 + 100 = 255 still fits; which is the smallest value that wraps?"
    if got == int(np.sum((img > 255 - 100).any(axis=2))):
        return "count every channel value (all of img), not pixels"
    if got == img.size - want:
        return "that counts the values that do NOT wrap"
    return (
        "a uint8 value wraps when the sum no longer fits in 0-255 (the line above §4's exercise shows "
        "it): find the smallest value that wraps, then count every channel value of img from there up"
    )


BT601 = np.array([0.299, 0.587, 0.114])  # ITU-R BT.601: OpenCV, PIL, JPEG
SKIMAGE = np.array([0.2125, 0.7154, 0.0721])  # scikit-image's rgb2gray
REC709 = np.array([0.2126, 0.7152, 0.0722])  # ITU-R BT.709


@exercise("01.gray_by_hand")
def _gray_by_hand(answer, photo="chelsea"):
    """The gray image with BT.601's weights: rgb2gray (another set of weights) cannot pass."""
    img = _photo(photo)
    got = as_array(answer, shape=img.shape[:2], what="a gray image")
    if got.max() > 1.5:
        return "your values are on the 0-255 scale; the exercise asks for the 0-1 scale (start from img / 255.0)"
    rgb = img / 255.0
    want = rgb @ BT601
    hint = check_array(
        got,
        want,
        decimals=4,
        atol=1e-6,
        slips=[
            (
                lambda: rgb @ SKIMAGE,
                "that is scikit-image's rgb2gray (its weights, from the text); use BT.601's weights instead",
            ),
            (
                lambda: rgb @ REC709,
                "those are the BT.709 weights; this exercise asks for BT.601's",
            ),
            (
                lambda: rgb.mean(axis=2),
                "that is the plain mean of R, G and B: every channel weighted alike; BT.601 weights them unequally",
            ),
            (
                lambda: rgb @ BT601[::-1],
                "the weights are in the wrong order: the first goes with R (channel 0), the last with B",
            ),
        ],
    )
    if hint is None or hint.startswith("right") or not hint.startswith("not"):
        return hint
    if np.allclose(got, np.round(want * 255) / 255, atol=1e-6):
        return (
            "these values are rounded to whole steps of 1/255 (as cv2.cvtColor's uint8 result is): "
            "compute the weighted sum in floats"
        )
    return (
        "a gray value is a weighted sum of a pixel's R, G and B; "
        "§5 shows how to apply one set of weights to every pixel at once"
    )


# Judge (§6): colourfulness of politicians' Instagram posts as a variable.
COLOURFULNESS_OPTIONS = {
    "A": "a fixed formula gives two coders the same number for every post: the measure is valid",
    "B": "filters and cameras raise colourfulness whatever the content",
    "C": "black-and-white posts score near 0: a style, not dull content",
    "D": "a coder whose monitor shows stronger colours measures the same posts as more colourful",
}


@exercise("01.colourfulness_bias")
def _colourfulness_bias(answer):
    return check_choice(
        answer,
        defensible={"B", "C"},
        hints={
            "A": (
                "the same number from every coder makes a measure reliable; does it say what the "
                "number measures? Ask what, other than the scene, changes the pixels of a post"
            ),
            "D": (
                "the function reads the numbers stored in the image file; what a monitor does with "
                "them happens afterwards, between the screen and the eye. Does anything the screen "
                "does reach the computation?"
            ),
        },
        what="the letter(s) of the defensible answer(s)",
    )
