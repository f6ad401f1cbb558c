"""Exercise checks of 04_haar_features_and_faces: right answers in two forms pass, wrong ones get their hint."""

import numpy as np
import pytest

from helpers.exercises import evaluate
from helpers.exercises.nb04 import LABELLED_FACES, detection_errors, raw_hits


def ok(exercise_id, answer, **context):
    return evaluate(exercise_id, answer, strict=True, **context)


def test_region_sum_is_a_function_checked_on_another_integral_image():
    import cv2

    def region_sum(ii, r0, c0, r1, c1):
        return (
            ii[r1 + 1, c1 + 1] - ii[r0, c1 + 1] - ii[r1 + 1, c0] + ii[r0, c0]
        )

    assert ok("04.region_sum", region_sum) == (
        True,
        "Exercise 04.region_sum: correct!",
    )
    img = np.arange(12, dtype=np.uint8).reshape(3, 4)
    # the layout the task describes
    assert region_sum(cv2.integral(img), 1, 1, 2, 3) == img[1:3, 1:4].sum()

    def skimage_style(ii, r0, c0, r1, c1):
        return (
            ii[r1, c1] - ii[r0 - 1, c1] - ii[r1, c0 - 1] + ii[r0 - 1, c0 - 1]
        )

    assert "off by one" in ok("04.region_sum", skimage_style)[1]
    assert (
        "subtracted twice: add it back once"
        in ok(
            "04.region_sum",
            lambda ii, r0, c0, r1, c1: (
                ii[r1 + 1, c1 + 1] - ii[r0, c1 + 1] - ii[r1 + 1, c0]
            ),
        )[1]
    )
    assert (
        "sums entries of the integral image"
        in ok(
            "04.region_sum",
            lambda ii, r0, c0, r1, c1: ii[r0 : r1 + 1, c0 : c1 + 1].sum(),
        )[1]
    )

    # the right sum without four look-ups: rebuild the image from the table
    def rebuilt(ii, r0, c0, r1, c1):
        img = np.diff(np.diff(np.asarray(ii), axis=0), axis=1)
        return img[r0 : r1 + 1, c0 : c1 + 1].sum()

    assert "single entries are enough" in ok("04.region_sum", rebuilt)[1]

    def eight(ii, r0, c0, r1, c1):
        total = region_sum(ii, r0, c0, r1, c1)
        return total + region_sum(ii, r0, c0, r1, c1) - total

    assert "8 look-ups" in ok("04.region_sum", eight)[1]

    # a region_sum written for a NumPy array with .item() style look-ups
    def with_ints(ii, r0, c0, r1, c1):
        r0, c0, r1, c1 = (np.int64(v) for v in (r0, c0, r1, c1))
        return region_sum(ii, r0, c0, r1, c1)

    assert ok("04.region_sum", with_ints)[0] is True
    hint = ok("04.region_sum", lambda ii, r0, c0, r1, c1: ii[r1, c1])[1]
    assert "four such blocks" in hint and "ii[r0, c0]" not in hint
    # a fixed number (the old exercise's answer) is not a function
    assert "give a function" in ok("04.region_sum", 1234.5)[1]
    # the student's function crashing is a hint, not a traceback
    good, hint = ok("04.region_sum", lambda ii: 0)
    assert good is False and "raised TypeError" in hint
    assert (
        "did not return a number"
        in ok("04.region_sum", lambda ii, r0, c0, r1, c1: "many")[1]
    )


def test_two_rect():
    from helpers import load_face_patches

    face = load_face_patches(verbose=False)[0][0]
    right, left = face[6:10, 12:21].sum(), face[6:10, 3:12].sum()
    assert ok("04.two_rect", right - left)[0] is True
    assert ok("04.two_rect", np.float32(right - left))[0] is True
    # typed as printed
    assert ok("04.two_rect", round(float(right - left), 4))[0] is True
    # not the value rounded: no "more decimals"
    assert (
        "decimals"
        not in (ok("04.two_rect", round(float(right - left), 3) + 0.002)[1])
    )
    assert "not their total" in ok("04.two_rect", right + left)[1]
    assert "sign is flipped" in ok("04.two_rect", left - right)[1]
    assert (
        "inclusive"
        in ok("04.two_rect", face[6:9, 12:20].sum() - face[6:9, 3:11].sum())[1]
    )
    assert "one rectangle's pixel sum minus" in ok("04.two_rect", 50.0)[1]
    assert "one number" in ok("04.two_rect", [right, left])[1]


@pytest.fixture(scope="module")
def errors():
    hits = raw_hits(1.05, LABELLED_FACES)
    return {k: detection_errors(hits, LABELLED_FACES, k) for k in range(1, 21)}


def test_min_neighbors_on_the_labelled_set(errors):
    fewest = min(sum(e) for e in errors.values())
    want = min(k for k, e in errors.items() if sum(e) == fewest)
    # the cameraman (in profile) is missed at every k
    assert errors[want][0] >= 1
    assert ok("04.min_neighbors", want, labelled=LABELLED_FACES)[0] is True
    # default context = the notebook's
    assert ok("04.min_neighbors", np.int64(want))[0] is True
    good, hint = ok("04.min_neighbors", 3)
    assert good is False and f"{errors[3][1]} false box(es)" in hint
    assert "smaller value already" in ok("04.min_neighbors", want + 2)[1]
    assert "outside the range" in ok("04.min_neighbors", 0)[1]
    assert ok("04.min_neighbors", float(want))[0] is True  # 11.0 for 11
    assert ok("04.min_neighbors", np.float32(want))[0] is True
    assert "not whole" in ok("04.min_neighbors", want + 0.5)[1]
    assert "whole number" in ok("04.min_neighbors", True)[1]


def test_min_neighbors_uses_the_labels_it_is_given():
    # with no faces labelled anywhere, every box is false, and a large k is best
    no_faces = {name: [] for name in LABELLED_FACES}
    hits = raw_hits(1.05, no_faces)
    errs = {k: sum(detection_errors(hits, no_faces, k)) for k in range(1, 21)}
    want = min(errs, key=lambda k: (errs[k], k))
    assert ok("04.min_neighbors", want, labelled=no_faces)[0] is True


def test_crowd_bias_accepts_the_defensible_answers():
    for answer in (["A", "B", "C"], "c b a"):
        assert ok("04.crowd_bias", answer)[0] is True
    for part in ("A", "A and C"):
        assert "not everything defensible" in ok("04.crowd_bias", part)[1]
    assert "repeatable" in ok("04.crowd_bias", "D")[1]
    assert "repeatable" in ok("04.crowd_bias", ["A", "D"])[1]
    assert "grouping" in ok("04.crowd_bias", ["A", "B", "C", "E"])[1]


def test_region_sum_accepts_chained_indexing():
    # ii[r][c] is one look-up per entry, as ii[r, c] is
    def chained(ii, r0, c0, r1, c1):
        return (
            ii[r1 + 1][c1 + 1] - ii[r0][c1 + 1] - ii[r1 + 1][c0] + ii[r0][c0]
        )

    assert ok("04.region_sum", chained)[0] is True

    def row_sums(ii, r0, c0, r1, c1):  # reads whole rows: not four look-ups
        return (ii[r1 + 1][c0 : c1 + 2] - ii[r0][c0 : c1 + 2]).sum() * 0 + (
            ii[r1 + 1][c1 + 1] - ii[r0][c1 + 1] - ii[r1 + 1][c0] + ii[r0][c0]
        )

    assert "whole block" in ok("04.region_sum", row_sums)[1]


def test_min_neighbors_hint_gives_no_direction_without_the_errors(errors):
    message = ok("04.min_neighbors", 3)[1]
    assert f"{errors[3][0]} face(s) missed" in message
    assert "try a larger" not in message and "a larger k drops" not in message
