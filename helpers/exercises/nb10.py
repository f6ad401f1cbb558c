"""Checks for 10_your_own_images (the demo corpus the notebook writes; paths come in as context)."""

import numpy as np

from . import exercise
from .answers import AnswerError, as_array, as_int, check_choice


def _stored_pixels(path) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


@exercise("10.upright")
def _upright(answer, path=None):
    """answer: the stored pixels of an orientation-8 photo turned upright with np.rot90."""
    from ..files import read_image

    if isinstance(answer, (str, bytes, dict)) or np.ndim(answer) != 3:
        raise AnswerError(
            f"give the upright image as an array (H, W, 3), got {type(answer).__name__} "
            f"with {np.ndim(answer)} dimensions"
        )
    got = as_array(answer, what="the upright image")
    if path is None:
        return "the check needs the file: check('10.upright', upright_8, path=corpus / 'phone' / 'IMG_0003.JPG')"
    want = read_image(path)
    stored = _stored_pixels(path)
    if got.shape == want.shape and np.array_equal(got, want):
        return None
    if got.shape == stored.shape and np.array_equal(got, stored):
        return "that is the image as stored (on its side); turn it with np.rot90 as orientation 8 says"
    if got.shape == want.shape and np.array_equal(got, np.rot90(want, 2)):
        return (
            "upside down: a quarter turn, but the wrong way round. Orientation 8 is the mirror case of "
            "orientation 6 in §1: which sign of k turns the other way?"
        )
    if np.array_equal(got, np.rot90(stored, 2)):
        return "that is a half turn (orientation 3); orientation 8 needs a quarter turn"
    if got.shape != want.shape:
        return f"shape {got.shape}, but the upright photo is {want.shape}: a quarter turn swaps height and width"
    return "start from stored = np.asarray(Image.open(path).convert('RGB')) and use np.rot90(stored, k) for the right k"


@exercise("10.unique_images")
def _unique_images(answer, folder=None):
    """answer: readable files, counting files with identical bytes once."""
    from ..files import scan_folder

    got = as_int(answer, "a whole number (how many distinct readable images)")
    if folder is None:
        return "the check needs the folder: check('10.unique_images', n_unique, folder=corpus)"
    table = scan_folder(folder)
    ok = table["status"] == "ok"
    want = int(table.loc[ok, "sha256"].nunique())
    if got == want:
        return None
    if got == len(table):
        return "that counts every file; leave out the unreadable ones and count identical files once"
    if got == int(ok.sum()):
        return "that counts exact duplicates several times; count each sha256 once (nunique)"
    if got == int(table["sha256"].nunique()):
        return "that counts the unreadable files too (they have a sha256 but are not images); keep status == 'ok'"
    near = table.loc[ok]
    merged = int(
        near["near_group"].isna().sum() + near["near_group"].nunique()
    )
    if got == merged:
        return "that also merges near duplicates (crops, smaller copies); the question asks about identical bytes only"
    return (
        "keep the rows with status 'ok', then count the distinct sha256 values"
    )


@exercise("10.rows")
def _rows(answer, files=1200, pdfs=30, pages=10, system=20):
    """answer: table rows for `files` files, of which `pdfs` PDFs of `pages` pages each and `system` system files."""
    got = as_int(answer, "a whole number of rows")
    want = files - pdfs + pdfs * pages
    if got == want:
        return None
    for wrong, hint in [
        (
            files,
            "a PDF is not one row: think about what one row describes for a scanned document",
        ),
        (
            files - pdfs + pdfs * pages - system,
            "system files (.DS_Store, Thumbs.db) are skipped, not dropped: each keeps a row with its status, "
            "so the table still counts every file found",
        ),
        (
            files + pdfs * pages,
            "each PDF's pages replace its one row; they are not added to it",
        ),
        (
            files - system,
            "a PDF is not one row, and system files keep a row with their status",
        ),
    ]:
        if got == wrong:
            return hint
    return "count one row per file, except that a PDF gives one row per page; skipped files keep their row"


JUDGE_OPTIONS = {
    "a": "drop the 'uncertain' rows and compute the share among the rest",
    "b": "count the 'uncertain' rows as 'not vehicle'",
    "c": "report the share of 'uncertain' rows per city beside the result, and hand-code a random sample "
    "of each city's uncertain photos to see what they show",
    "d": "lower coarse_min until no photo is 'uncertain'",
}


_UNCERTAIN_HINTS = {
    "A": "dropping rows is neutral only if being uncertain has nothing to do with the city. Night photos "
    "from old phones are more often uncertain, so each city's share would come from a different kind of "
    "photo: ask which variable that biases",
    "B": "that decides every doubtful photo as a 'no'. The city with more uncertain photos gets a lower "
    "share for a reason that has nothing to do with vehicles: the error is not the same in both groups",
    "D": "a lower threshold hides the uncertainty without removing it: the same photos now get a guess, and "
    "a diffuse guess lands on the coarse tag with the most classes. What would tell you whether the "
    "uncertain photos differ between the cities?",
}


@exercise("10.uncertain")
def _uncertain(answer):
    """answer: every defensible way (letters) to handle 'uncertain' coarse tags when comparing two cities."""
    return check_choice(
        answer,
        defensible=("C",),
        hints=_UNCERTAIN_HINTS,
        what="the letter of every way you can defend",
    )
