"""Checks for 00_setup_check (two warm-ups: the device, the digits count)."""

from . import exercise
from .answers import AnswerError, as_int, as_text


@exercise("00.device")
def _device(answer, prefer="auto"):
    """prefer: the notebook's DEVICE, so a student who asked for "cpu" on a GPU machine is right with "cpu"."""
    from ..device import choose_device

    got = as_text(answer, what='the device type ("cuda", "mps" or "cpu")')
    if got not in ("cuda", "mps", "cpu"):
        raise AnswerError(
            f'give "cuda", "mps" or "cpu" (the type of the device), not {answer!r}'
        )
    try:
        want = choose_device(prefer, verbose=False).type
    except ValueError as exc:
        raise AnswerError(
            f"check(..., prefer=DEVICE) got a DEVICE the machine cannot use: {exc}"
        ) from None
    if got != want:
        return (
            f"'{got}' is not the device the notebook uses: with DEVICE={prefer!r}, "
            "choose_device printed the one it picked (look at device.type)"
        )
    return None


@exercise("00.n_digits")
def _n_digits(answer):
    from ..data import load_digits

    got = as_int(answer, "a whole number of images")  # junk fails fast
    images, _ = load_digits(verbose=False)
    if got == images.shape[0]:
        return None
    if got == images.size:
        return "that is the number of pixel values; one image is many values: which entry of the shape counts images?"
    if got in images.shape[1:]:
        return "that is the size of one image (rows or columns); the number of images is another entry of images.shape"
    return "the number of images is the first entry of images.shape"
