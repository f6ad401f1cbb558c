"""Checks for 00_setup_check."""

from . import exercise
from .answers import as_int, as_text


@exercise("00.device")
def _device(answer):
    from ..device import choose_device

    got = as_text(answer, what='the device type ("cuda", "mps" or "cpu")')
    want = choose_device(verbose=False).type
    if got != want:
        return (
            f"choose_device() printed the device it picked; '{got}' is not it"
        )
    return None


@exercise("00.n_digits")
def _n_digits(answer):
    from ..data import load_digits

    images, _ = load_digits(verbose=False)
    got = as_int(answer, "a whole number of images")
    if got == images.size:
        return "that is the number of pixel values; the number of images is the first entry of images.shape"
    if got != images.shape[0]:
        return "the number of images is the first entry of images.shape"
    return None
