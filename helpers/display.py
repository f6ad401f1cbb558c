"""Figure helpers that are not the lesson: image grids, an image beside its histogram, sliders.

Nothing happens on import; each drawing function takes ax/axes=None and returns what it drew.
Images are drawn in their data range (uint8: 0-255, float: 0-1) unless stretching is asked for,
and course colours are colour-blind safe (Okabe-Ito; no red against green).
"""

from __future__ import annotations

import os

import numpy as np

from .validate import check_image, check_positive_int

# Okabe & Ito (2008) colour-blind-safe palette: use these for lines, boxes and regions in course figures.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
}


def data_range(img) -> tuple[float, float]:
    """(vmin, vmax) of an image's data type: (0, 255) for uint8, (0, 1) for floats."""
    img = np.asarray(img)
    return (0.0, 255.0) if img.dtype == np.uint8 else (0.0, 1.0)


def show_images(
    images,
    titles=None,
    ncols: int = 4,
    size: float = 2.5,
    cmap: str = "gray",
    axes=None,
    stretch: bool = False,
):
    """Draw images (list of arrays, or (N, H, W[, C]) array) in a grid -> array of Axes.

    Each image is shown in its data range (uint8 0-255, float 0-1), so a dark photo looks dark.
    stretch=True maps each image's own min..max to black..white instead (one range for all
    channels of a colour image) and adds "(stretched)" to its title.
    """
    import matplotlib.pyplot as plt

    images = list(images)
    if not images:
        raise ValueError(
            "show_images got no images; pass a list with at least one image"
        )
    if titles is not None and len(titles) != len(images):
        raise ValueError(
            f"got {len(titles)} titles for {len(images)} images; pass one title per image"
        )
    for i, img in enumerate(images):
        check_image(np.asarray(img), name=f"images[{i}]")
    check_positive_int(ncols, "ncols", "images per row, e.g. 4")
    ncols = min(ncols, len(images))
    nrows = -(-len(images) // ncols)
    if axes is None:
        _, axes = plt.subplots(
            nrows,
            ncols,
            figsize=(size * ncols, size * nrows),
            squeeze=False,
            layout="constrained",
        )
    axes = np.atleast_1d(np.asarray(axes)).ravel()
    if len(axes) < len(images):
        raise ValueError(f"got {len(axes)} axes for {len(images)} images")
    for k, ax in enumerate(axes):
        ax.axis("off")
        if k < len(images):
            img = np.asarray(images[k])
            vmin, vmax = data_range(img)
            if stretch:
                lo, hi = float(img.min()), float(img.max())
                shown = (
                    (img.astype(np.float64) - lo) / (hi - lo)
                    if hi > lo
                    else np.zeros(img.shape)
                )
                # RGB(A): imshow ignores vmin/vmax, so rescale the values themselves
                if shown.ndim == 3:
                    img, vmin, vmax = shown, 0.0, 1.0
                else:
                    vmin, vmax = lo, hi if hi > lo else lo + 1
            if img.ndim == 2 or img.shape[2] == 1:
                ax.imshow(
                    img.reshape(img.shape[:2]), cmap=cmap, vmin=vmin, vmax=vmax
                )
            else:
                ax.imshow(img)
            title = "" if titles is None else str(titles[k])
            if stretch:
                title = (title + " (stretched)").strip()
            if title:
                ax.set_title(title, fontsize=9)
    return axes


# Channel curves: the channel's own hue, but blue/orange-safe shades and distinct line styles so the
# three stay apart for colour-blind readers too.
_CHANNEL_STYLES = (
    ("red", "#D55E00", "-"),
    ("green", "#009E73", "--"),
    ("blue", "#0072B2", ":"),
)


def show_with_histogram(
    img, bins: int = 256, axes=None, title: str | None = None
):
    """Draw an image (in its data range) beside its intensity histogram -> (ax_img, ax_hist).

    A gray image gets one curve, an RGB image one curve per channel.
    """
    import matplotlib.pyplot as plt

    img = check_image(img, channels="gray_or_rgb")
    if axes is None:
        _, axes = plt.subplots(
            1,
            2,
            figsize=(9, 3.2),
            gridspec_kw={"width_ratios": [1, 1.4]},
            layout="constrained",
        )
    ax_img, ax_hist = axes
    is_gray = img.ndim == 2 or img.shape[2] == 1
    vmin, vmax = data_range(img)
    if is_gray:
        ax_img.imshow(
            img.reshape(img.shape[:2]), cmap="gray", vmin=vmin, vmax=vmax
        )
    else:
        ax_img.imshow(img)
    ax_img.axis("off")
    if title:
        ax_img.set_title(title)
    hi = vmax
    planes = (
        [img.reshape(img.shape[0], img.shape[1])]
        if is_gray
        else [img[..., c] for c in range(3)]
    )
    styles = [("gray", "black", "-")] if is_gray else _CHANNEL_STYLES
    for plane, (name, colour, ls) in zip(planes, styles, strict=False):
        counts, edges = np.histogram(plane, bins=bins, range=(0, hi))
        ax_hist.plot(
            edges[:-1], counts, color=colour, ls=ls, lw=1.2, label=name
        )
    if not is_gray:
        ax_hist.legend(fontsize=8)
    ax_hist.set_xlabel("intensity" + (" (0-255)" if hi == 255 else " (0-1)"))
    ax_hist.set_ylabel("number of pixels")
    return ax_img, ax_hist


def live_frontend() -> bool:
    """True in a notebook opened in a live UI (JupyterLab, Notebook, VS Code, Colab), False when a tool runs it.

    Tools that execute notebooks (nbclient, papermill, nbval, nbconvert) send their cells with
    allow_stdin=False; a person's frontend can answer input() and sends True. COURSE_SLIDERS=0/1
    in the environment overrides the guess.
    """
    forced = os.environ.get("COURSE_SLIDERS")
    if forced in ("0", "1"):
        return forced == "1"
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    kernel = getattr(get_ipython(), "kernel", None)
    return bool(getattr(kernel, "_allow_stdin", False))


def sliders(draw, **controls):
    """Draw draw() at its default arguments; in a live notebook also add ipywidgets sliders that redraw it.

    draw: a function whose keyword defaults are the values shown first, e.g. def draw(bins=32): ...
    controls: ipywidgets.interact abbreviations per argument, e.g. bins=(4, 128, 4) or angle=[0, 45, 90].
    When a tool runs the notebook, only the default figure is drawn: the stored output is a plain
    picture, no widget state, and nothing waits for a slider. Returns draw()'s result (static) or None.
    """
    import inspect

    params = inspect.signature(draw).parameters
    for name in controls:
        if name not in params:
            raise ValueError(
                f"sliders: {draw.__name__}() has no argument {name!r}; its arguments are {list(params)}"
            )
        if params[name].default is inspect.Parameter.empty:
            raise ValueError(
                f"sliders: give {draw.__name__}() a default for {name!r} (the value drawn first), "
                f"e.g. def {draw.__name__}({name}=...)"
            )
    if not live_frontend():
        return draw()
    from ipywidgets import interact

    interact(
        draw,
        **{
            name: _float_slider(spec, params[name].default)
            for name, spec in controls.items()
        },
    )
    return None


def _step_decimals(step: float) -> int:
    """Decimals a slider step needs: 0.0005 -> 4, 0.1 -> 1, 2.0 -> 0."""
    text = f"{float(step):.10f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def _float_slider(spec, default):
    """A (min, max, step) float spec -> a FloatSlider whose readout shows as many decimals as the step.

    ipywidgets' own abbreviation rounds the readout to 2 decimals, so with a step of 0.0005 the
    figure used 0.0105 while the readout said 0.01. Other specs (ints, lists) are left to interact.
    """
    if not (
        isinstance(spec, tuple)
        and len(spec) == 3
        and any(isinstance(v, float) for v in spec)
    ):
        return spec
    from ipywidgets import FloatSlider

    lo, hi, step = (float(v) for v in spec)
    decimals = max(_step_decimals(step), 1)
    return FloatSlider(
        value=float(default),
        min=lo,
        max=hi,
        step=step,
        readout_format=f".{decimals}f",
    )
