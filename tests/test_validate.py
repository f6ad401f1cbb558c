"""Image contracts: good images pass unchanged, bad input gets an error naming value and fix."""

import numpy as np
import pytest

from helpers import check_image, check_image_batch


def test_good_images_pass_unchanged():
    for img in (
        np.zeros((4, 5), np.uint8),
        np.ones((4, 5, 3)),
        np.zeros((4, 5, 4), np.uint8),
    ):
        assert check_image(img) is img


@pytest.mark.parametrize(
    "bad, exc, words",
    [
        ([[1, 2], [3, 4]], TypeError, ["numpy array", "np.asarray"]),
        (np.zeros((0, 5), np.uint8), ValueError, ["empty", "(0, 5)"]),
        (
            np.zeros((2, 3, 4, 3), np.uint8),
            ValueError,
            ["ndim=4", "one image at a time"],
        ),
        (np.zeros(5, np.uint8), ValueError, ["ndim=1"]),
        (np.zeros((3, 3), np.int32), TypeError, ["int32", "uint8"]),
        (np.zeros((3, 3), bool), TypeError, ["bool", "astype"]),
        (
            np.full((3, 3), np.nan),
            ValueError,
            ["NaN", "9 pixel", "nan_to_num"],
        ),
        (
            np.full((3, 3), 200.0),
            ValueError,
            ["[200, 200]", "outside [0, 1]", "rescale_intensity"],
        ),
        (np.full((3, 3), -0.5), ValueError, ["[-0.5, -0.5]"]),
        (
            np.zeros((3, 8, 8), np.uint8),
            ValueError,
            ["8 channels", "np.moveaxis"],
        ),
    ],
)
def test_bad_images_raise_with_value_and_fix(bad, exc, words):
    with pytest.raises(exc) as info:
        check_image(
            bad if not isinstance(bad, np.ndarray) else bad, name="photo"
        )
    message = str(info.value)
    assert "photo" in message
    for w in words:
        assert w in message, f"{w!r} not in {message!r}"


def test_rgba_where_rgb_expected():
    with pytest.raises(ValueError, match=r"RGBA.*rgba2rgb"):
        check_image(np.zeros((4, 4, 4), np.uint8), channels="rgb")
    with pytest.raises(ValueError, match=r"must be RGB .*gray2rgb"):
        check_image(np.zeros((4, 4), np.uint8), channels="rgb")
    with pytest.raises(ValueError, match="rgb2gray"):
        check_image(np.zeros((4, 4, 3), np.uint8), channels="gray")
    with pytest.raises(ValueError, match="channels='bgr'"):
        check_image(np.zeros((4, 4, 3), np.uint8), channels="bgr")


def test_batch_mixed_sizes_and_empty():
    with pytest.raises(
        ValueError, match=r"mixes image sizes .*\(4, 4\).*\(5, 5\).*resize"
    ):
        check_image_batch(
            [np.zeros((4, 4), np.uint8), np.zeros((5, 5), np.uint8)]
        )
    with pytest.raises(ValueError, match="empty list"):
        check_image_batch([])
    with pytest.raises(TypeError, match="int64"):
        check_image_batch(np.zeros((2, 4, 4), np.int64))
    batch = check_image_batch([np.zeros((4, 4), np.uint8)] * 3)
    assert batch.shape == (3, 4, 4) and batch.dtype == np.uint8


def test_check_positive_int_accepts_counts_and_names_the_fix():
    from helpers import check_positive_int

    assert check_positive_int(3, "epochs", "e.g. 5") == 3
    assert check_positive_int(np.int64(64), "batch_size", "e.g. 64") == 64
    for bad in (0, -2, 2.0, "3", True, None):
        with pytest.raises(
            ValueError,
            match=rf"^batch_size={bad!r}; it must be an integer >= 1 \(e\.g\. 64\)$",
        ):
            check_positive_int(bad, "batch_size", "e.g. 64")


def test_check_int_applies_its_bounds_and_states_them():
    from helpers.validate import check_int

    assert check_int(0, "seed", "e.g. 0", low=0) == 0
    assert check_int(np.int32(2), "k", "e.g. 2", high=2) == 2
    with pytest.raises(
        ValueError, match=r"^seed=-1; it must be an integer >= 0 \(e\.g\. 0\)$"
    ):
        check_int(-1, "seed", "e.g. 0", low=0)
    for bad in (0, 3, 1.0, True):
        with pytest.raises(
            ValueError,
            match=rf"^k={bad!r}; it must be an integer between 1 and 2 \(e\.g\. 2\)$",
        ):
            check_int(bad, "k", "e.g. 2", high=2)
