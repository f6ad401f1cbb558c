"""Checkers of notebook 10: the notebook's solutions pass, answers typed as printed pass, typical mistakes get their hint."""

import numpy as np
import pytest
from PIL import Image

from helpers.exercises import evaluate
from helpers.files import make_demo_corpus, read_image, scan_folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nb10") / "photos"
    make_demo_corpus(folder, 30, seed=0)
    return folder


def strict(exercise_id, answer, **context):
    return evaluate(exercise_id, answer, strict=True, **context)


def test_upright(corpus):
    path = corpus / "phone" / "IMG_0003.JPG"
    with Image.open(path) as im:
        stored = np.asarray(im.convert("RGB"))
    solution = np.rot90(stored, k=1)  # the notebook's solution
    assert strict("10.upright", solution, path=path)[0] is True
    assert (
        strict("10.upright", read_image(path).tolist(), path=path)[0] is True
    )  # a nested list is fine too
    ok, hint = strict("10.upright", np.rot90(stored, k=-1), path=path)
    assert ok is False and "wrong way" in hint
    ok, hint = strict("10.upright", stored, path=path)
    assert ok is False and "as stored" in hint
    ok, hint = strict("10.upright", np.rot90(stored, 2), path=path)
    assert ok is False and "half turn" in hint
    ok, hint = strict("10.upright", "rotate 90", path=path)
    assert ok is False and "array (H, W, 3)" in hint
    ok, hint = strict("10.upright", solution[..., 0], path=path)
    assert ok is False and "array (H, W, 3)" in hint


def test_unique_images(corpus):
    table = scan_folder(corpus)
    ok = table["status"] == "ok"
    want = table.loc[ok, "sha256"].nunique()
    assert (
        want < ok.sum() < len(table)
    )  # the corpus has duplicates and unreadable files
    assert strict("10.unique_images", want, folder=corpus)[0] is True
    assert strict("10.unique_images", np.int64(want), folder=corpus)[0] is True
    assert strict("10.unique_images", float(want), folder=corpus)[0] is True
    ok_, hint = strict("10.unique_images", int(ok.sum()), folder=corpus)
    assert ok_ is False and "duplicates several times" in hint
    ok_, hint = strict("10.unique_images", len(table), folder=corpus)
    assert ok_ is False and "every file" in hint
    ok_, hint = strict(
        "10.unique_images", table["sha256"].nunique(), folder=corpus
    )
    assert ok_ is False and "unreadable" in hint
    ok_, hint = strict("10.unique_images", "35", folder=corpus)
    assert ok_ is False and "whole number" in hint


def test_hours():
    rate, machines = 18.9, 20
    want = 1_000_000 / (rate * machines) / 3600
    context = dict(rate=rate, images=1_000_000, machines=machines)
    assert strict("10.hours", want, **context)[0] is True
    assert (
        strict("10.hours", round(want, 2), **context)[0] is True
    )  # typed as printed
    ok, hint = strict("10.hours", want * 3600, **context)
    assert ok is False and "seconds" in hint
    ok, hint = strict("10.hours", want * machines, **context)
    assert ok is False and "one machine" in hint
    ok, hint = strict("10.hours", want * 60, **context)
    assert ok is False and "minutes" in hint
    assert (
        strict("10.hours", [want], **context)[0] is True
    )  # a 1-element list is one number
    ok, hint = strict("10.hours", [want, want], **context)
    assert ok is False and "one number" in hint
    ok, hint = strict("10.hours", "0.7 h", **context)
    assert ok is False and "number" in hint
    assert strict("10.hours", ..., **context)[0] is None
