"""Checkers of notebook 10: the solutions pass, answers typed as printed pass, typical mistakes get their hint."""

import numpy as np
import pytest
from PIL import Image

from helpers.exercises import evaluate
from helpers.files import read_image, scan_folder


@pytest.fixture(scope="module")
def corpus(demo_corpus):
    return demo_corpus[0]  # built once per run (tests/conftest.py); read-only


def strict(exercise_id, answer, **context):
    return evaluate(exercise_id, answer, strict=True, **context)


def test_upright(corpus):
    path = corpus / "phone" / "IMG_0003.JPG"
    with Image.open(path) as im:
        stored = np.asarray(im.convert("RGB"))
    solution = np.rot90(stored, k=1)  # the notebook's solution
    assert strict("10.upright", solution, path=path)[0] is True
    # a nested list is fine too
    assert (
        strict("10.upright", read_image(path).tolist(), path=path)[0] is True
    )
    ok, hint = strict("10.upright", np.rot90(stored, k=-1), path=path)
    assert ok is False and "wrong way" in hint
    assert (
        "k=1" not in hint and "k = 1" not in hint
    )  # a nudge, not the solution
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
    # the corpus has duplicates and unreadable files
    assert want < ok.sum() < len(table)
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


def test_rows():
    # the notebook's numbers: 1,200 files, 30 PDFs of 10 pages, 20 system files
    want = 1200 - 30 + 30 * 10
    assert strict("10.rows", want)[0] is True
    assert strict("10.rows", float(want))[0] is True  # 1470.0 for 1470
    assert strict("10.rows", np.int64(want))[0] is True
    ok, hint = strict("10.rows", 1200)
    assert ok is False and "one row per page" not in hint and "PDF" in hint
    ok, hint = strict("10.rows", want - 20)
    assert ok is False and "skipped, not dropped" in hint
    ok, hint = strict("10.rows", 1200 + 300)
    assert ok is False and "replace" in hint
    ok, hint = strict("10.rows", 7)
    assert ok is False and str(want) not in hint
    ok, hint = strict("10.rows", "1470 rows")
    assert ok is False and "whole number" in hint
    # other numbers in the context: the checker follows them
    assert (
        strict("10.rows", 100 - 2 + 2 * 3, files=100, pdfs=2, pages=3)[0]
        is True
    )


def test_uncertain():
    for right in ["c", "C", " c) ", ["c"], "(c)"]:
        assert strict("10.uncertain", right)[0] is True, right
    ok, hint = strict("10.uncertain", "a")
    assert ok is False and "which variable" in hint
    ok, hint = strict("10.uncertain", "b")
    assert ok is False and "not the same in both groups" in hint
    ok, hint = strict("10.uncertain", "d")
    assert ok is False and "hides the uncertainty" in hint
    # a right letter with a wrong one does not pass (it used to read only the first letter)
    for mixed in ("cd", "c d", "ca", ["c", "a"], "c and b"):
        ok, hint = strict("10.uncertain", mixed)
        assert ok is False, mixed
    ok, hint = strict("10.uncertain", "e")
    assert ok is False and "one or more of" in hint
    ok, hint = strict("10.uncertain", 3)
    assert ok is False and "string" in hint
