"""Contracts: check an argument is usable, or say exactly what is wrong and how to fix it.

- ``check_image`` / ``check_image_batch``: an array is a usable image (batch);
- ``check_positive_int``: a count (batch size, epochs, number of sheets, ...) is an integer >= 1;
- ``check_int``: the same check with other bounds (a seed >= 0, a page index, k between 1 and C).
"""

from __future__ import annotations

import numpy as np


def check_image(img, name: str = "img", channels: str = "any") -> np.ndarray:
    """Check an image array and return it unchanged.

    img: numpy array, (H, W) gray or (H, W, C) colour; uint8 in 0..255 or float in [0, 1].
    channels: "any", "gray" (2-D only), "rgb" (exactly 3 channels) or "gray_or_rgb".
    Raises TypeError / ValueError naming the bad value and the fix.
    """
    if not isinstance(img, np.ndarray):
        raise TypeError(
            f"{name} must be a numpy array, got {type(img).__name__}; "
            f"convert with np.asarray({name})"
        )
    if img.size == 0:
        raise ValueError(
            f"{name} is empty (shape {img.shape}); check the crop or file you loaded"
        )
    if img.ndim not in (2, 3):
        raise ValueError(
            f"{name} must be 2-D (H, W) or 3-D (H, W, C), got ndim={img.ndim} "
            f"with shape {img.shape}; for a batch, pass one image at a time"
        )
    if img.dtype == np.bool_:
        raise TypeError(
            f"{name} has dtype bool; convert with {name}.astype(np.uint8) * 255"
        )
    if img.dtype != np.uint8 and not np.issubdtype(img.dtype, np.floating):
        raise TypeError(
            f"{name} has dtype {img.dtype}; use uint8 (0..255) or float in [0, 1], "
            f"e.g. skimage.util.img_as_ubyte({name}) or {name} / {name}.max()"
        )
    if np.issubdtype(img.dtype, np.floating):
        if np.isnan(img).any():
            raise ValueError(
                f"{name} contains NaN at {int(np.isnan(img).sum())} pixel(s); "
                f"fill them first, e.g. np.nan_to_num({name})"
            )
        lo, hi = float(img.min()), float(img.max())
        if lo < 0 or hi > 1:
            raise ValueError(
                f"{name} is float with values in [{lo:.3g}, {hi:.3g}], outside [0, 1]; "
                f"for 0..255 data use {name}.astype(np.uint8), or rescale with "
                f"skimage.exposure.rescale_intensity({name}, out_range=(0, 1))"
            )
    n_channels = 1 if img.ndim == 2 else img.shape[2]
    if img.ndim == 3 and n_channels not in (1, 3, 4):
        raise ValueError(
            f"{name} has {n_channels} channels (shape {img.shape}); images have 1, 3 (RGB) "
            f"or 4 (RGBA). Channels-first (C, H, W)? use np.moveaxis({name}, 0, -1)"
        )
    if channels == "gray" and img.ndim != 2:
        raise ValueError(
            f"{name} must be a gray image (H, W), got shape {img.shape}; "
            f"convert with skimage.color.rgb2gray({name})"
        )
    if (
        channels in ("rgb", "gray_or_rgb")
        and img.ndim == 3
        and n_channels == 4
    ):
        raise ValueError(
            f"{name} is RGBA (shape {img.shape}) where RGB is expected; "
            f"drop alpha with skimage.color.rgba2rgb({name}) or {name}[..., :3]"
        )
    if channels == "rgb" and (img.ndim != 3 or n_channels != 3):
        raise ValueError(
            f"{name} must be RGB (H, W, 3), got shape {img.shape}; "
            f"for a gray image use skimage.color.gray2rgb({name})"
        )
    if channels not in ("any", "gray", "rgb", "gray_or_rgb"):
        raise ValueError(
            f"channels={channels!r} is not one of 'any', 'gray', 'rgb', 'gray_or_rgb'"
        )
    return img


def check_image_batch(images, name: str = "images") -> np.ndarray:
    """Check a batch of same-size images (N, H, W) or (N, H, W, C) and return it as an array."""
    if isinstance(images, (list, tuple)):
        if len(images) == 0:
            raise ValueError(
                f"{name} is an empty list; pass at least one image"
            )
        shapes = {np.shape(im) for im in images}
        if len(shapes) > 1:
            raise ValueError(
                f"{name} mixes image sizes {sorted(shapes)[:4]}; resize them to one size first, "
                f"e.g. skimage.transform.resize(img, (64, 64))"
            )
        images = np.stack([np.asarray(im) for im in images])
    if not isinstance(images, np.ndarray):
        raise TypeError(
            f"{name} must be a numpy array or a list of arrays, got {type(images).__name__}"
        )
    if images.ndim not in (3, 4):
        raise ValueError(
            f"{name} must be (N, H, W) or (N, H, W, C), got shape {images.shape}; "
            f"for one image use images[None]"
        )
    if images.shape[0] == 0:
        raise ValueError(f"{name} is empty (shape {images.shape})")
    check_image(
        images[0]
        if images.shape[0] == 1
        else images.reshape(-1, *images.shape[2:]),
        name=name,
    )
    return images


def check_int(value, name: str, example: str, *, low: int = 1, high=None):
    """Return ``value`` when it is an integer in [low, high] (Python or NumPy int, not bool), else raise ValueError.

    The one integer check of the course: counts, sizes, seeds, indices. ``high=None`` means no upper
    bound. The message names the argument, the value given, the rule and the fix: ``check_int(0,
    "batch_size", "e.g. 64")`` -> "batch_size=0; it must be an integer >= 1 (e.g. 64)".
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, np.integer))
        or value < low
        or (high is not None and value > high)
    ):
        rule = f"between {low} and {high}" if high is not None else f">= {low}"
        raise ValueError(
            f"{name}={value!r}; it must be an integer {rule} ({example})"
        )
    return value


def check_positive_int(value, name: str, example: str):
    """Return ``value`` when it is an integer >= 1 (a batch size, a number of epochs, ...), else raise ValueError.

    ``check_positive_int(0, "batch_size", "e.g. 64")`` -> "batch_size=0; it must be an integer >= 1 (e.g. 64)".
    """
    return check_int(value, name, example, low=1)
