"""Checks for 00_setup_check."""
from . import exercise


@exercise("00.device")
def _device(answer):
    from ..device import choose_device

    if not isinstance(answer, str):
        return f"answer with a string such as 'cpu', not {type(answer).__name__}"
    want = choose_device(verbose=False).type
    if answer.lower() != want:
        return f"choose_device() printed the device it picked; '{answer}' is not it"
    return None


@exercise("00.n_digits")
def _n_digits(answer):
    from ..data import load_digits

    images, _ = load_digits(verbose=False)
    if isinstance(answer, bool) or not isinstance(answer, int) and not hasattr(answer, "__index__"):
        return f"answer with an integer, not {type(answer).__name__}"
    if int(answer) == images.size:
        return "that is the number of pixel values; the number of images is the first entry of images.shape"
    if int(answer) != images.shape[0]:
        return "the number of images is the first entry of images.shape"
    return None
