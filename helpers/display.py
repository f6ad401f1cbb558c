"""Figure helpers that are not the lesson: image grids and an image beside its histogram.

Nothing happens on import; each function takes ax/axes=None and returns what it drew.
"""
from __future__ import annotations

import numpy as np

from .validate import check_image


def show_images(images, titles=None, ncols: int = 4, size: float = 2.5, cmap: str = "gray", axes=None):
    """Draw images (list of arrays, or (N, H, W[, C]) array) in a grid -> array of Axes."""
    import matplotlib.pyplot as plt

    images = list(images)
    if not images:
        raise ValueError("show_images got no images; pass a list with at least one image")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"got {len(titles)} titles for {len(images)} images; pass one title per image")
    for i, img in enumerate(images):
        check_image(np.asarray(img), name=f"images[{i}]")
    if ncols < 1:
        raise ValueError(f"ncols={ncols} must be at least 1")
    ncols = min(ncols, len(images))
    nrows = -(-len(images) // ncols)
    if axes is None:
        _, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows), squeeze=False,
                               layout="constrained")
    axes = np.atleast_1d(np.asarray(axes)).ravel()
    if len(axes) < len(images):
        raise ValueError(f"got {len(axes)} axes for {len(images)} images")
    for k, ax in enumerate(axes):
        ax.axis("off")
        if k < len(images):
            img = np.asarray(images[k])
            ax.imshow(img, cmap=cmap if img.ndim == 2 else None)
            if titles is not None:
                ax.set_title(str(titles[k]), fontsize=9)
    return axes


_CHANNEL_COLORS = ("red", "green", "blue")


def show_with_histogram(img, bins: int = 256, axes=None, title: str | None = None):
    """Draw an image beside its intensity histogram (gray, or one curve per RGB channel) -> (ax_img, ax_hist)."""
    import matplotlib.pyplot as plt

    img = check_image(img, channels="gray_or_rgb")
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 3.2), gridspec_kw={"width_ratios": [1, 1.4]},
                               layout="constrained")
    ax_img, ax_hist = axes
    is_gray = img.ndim == 2 or img.shape[2] == 1
    ax_img.imshow(img.squeeze() if is_gray else img, cmap="gray" if is_gray else None)
    ax_img.axis("off")
    if title:
        ax_img.set_title(title)
    hi = 255 if img.dtype == np.uint8 else 1.0
    planes = [img.reshape(img.shape[0], img.shape[1])] if is_gray else [img[..., c] for c in range(3)]
    colors = ["black"] if is_gray else _CHANNEL_COLORS
    for plane, color in zip(planes, colors):
        counts, edges = np.histogram(plane, bins=bins, range=(0, hi))
        ax_hist.plot(edges[:-1], counts, color=color, lw=1)
    ax_hist.set_xlabel("intensity" + (" (0-255)" if hi == 255 else " (0-1)"))
    ax_hist.set_ylabel("number of pixels")
    return ax_img, ax_hist
