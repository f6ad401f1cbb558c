"""Checks for 10_your_own_images (the demo corpus the notebook writes; paths and rates come in as context)."""

import numpy as np

from . import exercise
from .answers import AnswerError, as_array, as_int, as_number


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
        return "upside down: rotated the wrong way. Orientation 8 needs a quarter turn anticlockwise (k=1)"
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


@exercise("10.hours")
def _hours(answer, rate=None, images=1_000_000, machines=None):
    """answer: hours for `images` images on `machines` machines that each tag `rate` images per second."""
    got = as_number(answer, "one number of hours")
    if rate is None or machines is None:
        return "the check needs the measured rate: check('10.hours', hours, rate=rate, images=1_000_000, machines=N_MACHINES)"
    want = images / (rate * machines) / 3600
    if abs(got - want) <= 0.02 * want:
        return None
    for wrong, hint in [
        (want * 3600, "that is in seconds; divide by 3600 for hours"),
        (want * 60, "that is in minutes; divide by 60 for hours"),
        (
            want * machines,
            "that is for one machine; the machines share the images",
        ),
        (
            want * machines * machines,
            "multiply the rate by the number of machines, "
            "do not multiply the time",
        ),
    ]:
        if abs(got - wrong) <= 0.02 * abs(wrong):
            return hint
    return "time = images / (images per second per machine x machines), in seconds; then / 3600"
