"""Exercise checks of 04_haar_features_and_faces: right answers pass, typical wrong ones get their hint."""
import numpy as np
import pytest

from helpers.exercises import evaluate


@pytest.fixture(scope="module")
def gray_ii():
    from skimage.color import rgb2gray
    from skimage.transform import integral_image

    from helpers import load_photo

    gray = rgb2gray(load_photo("astronaut", verbose=False))
    return gray, integral_image(gray)


def test_region_sum(gray_ii):
    gray, ii = gray_ii
    right = ii[299, 249] - ii[199, 249] - ii[299, 99] + ii[199, 99]
    assert evaluate("04.region_sum", right) == (True, "Exercise 04.region_sum: correct!")
    assert evaluate("04.region_sum", float(gray[200:300, 100:250].sum()))[0] is True  # plain float too
    assert "off by one" in evaluate("04.region_sum", ii[300, 250] - ii[200, 250] - ii[300, 100] + ii[200, 100])[1]
    assert "off by one" in evaluate("04.region_sum", gray[200:299, 100:249].sum())[1]
    assert "subtract the strips" in evaluate("04.region_sum", ii[299, 249])[1]
    assert "add ii[199, 99] back" in evaluate("04.region_sum", ii[299, 249] - ii[199, 249] - ii[299, 99])[1]
    assert "give one number" in evaluate("04.region_sum", gray[200:300, 100:250])[1]


def test_two_rect():
    from helpers import load_face_patches

    face = load_face_patches(verbose=False)[0][0]
    right, left = face[6:10, 12:21].sum(), face[6:10, 3:12].sum()
    assert evaluate("04.two_rect", right - left)[0] is True
    assert evaluate("04.two_rect", np.float32(right - left))[0] is True
    assert "sign is flipped" in evaluate("04.two_rect", left - right)[1]
    assert "inclusive" in evaluate("04.two_rect", face[6:9, 12:20].sum() - face[6:9, 3:11].sum())[1]
    assert "right sum (rows 6-9" in evaluate("04.two_rect", 0.5)[1]
    assert "give one number" in evaluate("04.two_rect", [right, left])[1]


def test_min_neighbors():
    import cv2

    from helpers import load_photo
    from helpers.weights import load_cascade

    gray = cv2.cvtColor(load_photo("astronaut", verbose=False), cv2.COLOR_RGB2GRAY)
    cascade = load_cascade("frontalface", verbose=False)
    want = next(k for k in range(1, 200)
                if len(cascade.detectMultiScale(gray, scaleFactor=1.05, minNeighbors=k)) == 1)
    assert evaluate("04.min_neighbors", want)[0] is True
    assert evaluate("04.min_neighbors", np.int64(want))[0] is True
    assert "try larger values" in evaluate("04.min_neighbors", 3)[1]
    assert "still returns 3 boxes" in evaluate("04.min_neighbors", 3)[1]
    assert "smaller value already" in evaluate("04.min_neighbors", want + 5)[1]
    assert "start at 1" in evaluate("04.min_neighbors", 0)[1]
    assert "whole number" in evaluate("04.min_neighbors", float(want))[1]
    assert "whole number" in evaluate("04.min_neighbors", True)[1]
