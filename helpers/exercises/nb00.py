"""Checks for 00_setup_check (two warm-ups: the device, the digits count)."""

from . import exercise
from .answers import AnswerError, as_int, as_text


def _device_type(value, what):
    """A device as a string ("cuda", "cuda:0", " CPU ") or a torch.device -> its type."""
    if hasattr(value, "type") and isinstance(value.type, str):
        return value.type  # a torch.device
    return as_text(value, what=what).split(":")[0].strip()


@exercise("00.device")
def _device(answer, prefer="auto", device=None):
    """prefer: the notebook's DEVICE, so a student who asked for "cpu" on a GPU machine is right with "cpu".

    device: the device the notebook chose (check(..., device=device)); when given, it is the
    answer, so the check agrees with what the notebook printed.
    """
    got = _device_type(
        answer,
        what='the device type ("cuda", "mps" or "cpu"), or the device itself',
    )
    if got not in ("cuda", "mps", "cpu"):
        raise AnswerError(
            f'give "cuda", "mps" or "cpu" (the type of the device), not {answer!r}'
        )
    if device is not None:
        want = _device_type(device, what="check(..., device=device)")
    else:
        from ..device import choose_device

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
