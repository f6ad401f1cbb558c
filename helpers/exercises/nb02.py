"""Checks for 02_color_histograms (the gray cat, coffee and rocket photos, back-projection)."""

import numpy as np

from . import exercise
from .answers import AnswerError, as_int, as_number, as_text, compare_number

# Back-projection (§5): the fur patch on the cat's cheek, and hand-labelled boxes (r0, r1, c0, c1),
# end exclusive.
FUR_PATCH = (150, 200, 150, 230)
CAT_BOXES = [(30, 60, 150, 300), (200, 250, 60, 140), (160, 200, 250, 310)]
BACKGROUND_BOXES = [
    (0, 40, 405, 451),
    (120, 180, 405, 451),
    (230, 300, 405, 451),
]


def _cat():
    from ..data import load_photo

    return load_photo("chelsea", verbose=False)


def _gray_cat():
    from skimage import color

    return (color.rgb2gray(_cat()) * 255).round().astype(np.uint8)


@exercise("02.channel_order")
def _channel_order(answer):
    names = {
        "r": "red",
        "red": "red",
        "g": "green",
        "green": "green",
        "b": "blue",
        "blue": "blue",
    }
    if isinstance(answer, str):
        answer = [w for w in answer.replace(",", " ").split() if w]
    if not isinstance(answer, (list, tuple)) or len(answer) != 3:
        raise AnswerError(
            'give the three channel names, brightest mean first, e.g. ["green", "red", "blue"]'
        )
    got = []
    for a in answer:
        word = as_text(a, what='a channel name ("red", "green" or "blue")')
        if word not in names:
            raise AnswerError(
                f'use the channel names "red", "green", "blue", not {a!r}'
            )
        got.append(names[word])
    if sorted(got) != ["blue", "green", "red"]:
        raise AnswerError("name each of red, green and blue exactly once")
    means = _cat().reshape(-1, 3).mean(axis=0)
    want = [["red", "green", "blue"][c] for c in np.argsort(means)[::-1]]
    if got == want:
        return None
    if got == want[::-1]:
        return "that is darkest first; give the brightest channel first"
    if got[0] == want[0]:
        return "the brightest is right; the other two are swapped"
    return (
        "an orange-brown cat before a warm grey wall: which colour do orange and brown contain most of, "
        "and which least? Then check with the plot and the means printed below"
    )


@exercise("02.n_k")
def _n_k(answer):
    h = np.bincount(_gray_cat().ravel(), minlength=256)
    value = as_number(answer, "a count (a whole number)")
    if (
        value == h[150]
    ):  # the right answer first, whatever else it might also equal
        return None
    if 0 < value < 1:
        return "that looks like a share; give the count n_k (a whole number)"
    got = as_int(answer, "a count (a whole number)")
    if got in (h[149], h[151]):
        return "off by one: count the pixels equal to 150 exactly, h[150]"
    if got == int(np.sum(_gray_cat() <= 150)):
        return "that counts every pixel at or below 150 (the cumulative histogram); count only those equal to 150"
    return "np.bincount(gray.ravel(), minlength=256)[150] counts the pixels equal to 150"


def _joint_hist(img, bins):
    cell = (img.astype(np.int64) * bins) // 256
    index = (cell[..., 0] * bins + cell[..., 1]) * bins + cell[..., 2]
    counts = np.bincount(index.ravel(), minlength=bins**3)
    return counts / counts.sum()


@exercise("02.intersection")
def _intersection(answer):
    from ..data import load_photo

    coffee, rocket = (
        load_photo("coffee", verbose=False),
        load_photo("rocket", verbose=False),
    )

    def inter(bins):
        return float(
            np.minimum(
                _joint_hist(coffee, bins), _joint_hist(rocket, bins)
            ).sum()
        )

    got = as_number(answer, "one number (the intersection)")
    want = inter(8)
    hint = compare_number(got, want, decimals=3)
    if hint is None:
        return None
    if not 0 <= got <= 1:
        return "an intersection of normalised histograms lies between 0 and 1"
    for bins in (4, 16):
        if compare_number(got, inter(bins), decimals=3) is None:
            return (
                f"that is the value with {bins} bins per channel; use bins=8"
            )
    if compare_number(got, 1 - want, decimals=3) is None:
        return "that is 1 - intersection (a distance); give the intersection itself"
    if hint.startswith("close") or hint.startswith("right"):
        return hint
    return "use colour_histogram(img, bins=8) for both whole photos, then intersection(p, q)"


def backprojection(img, patch=FUR_PATCH, bins=16):
    """Hue-saturation back-projection of img's patch (r0, r1, c0, c1) -> (H, W) likelihood map."""
    from skimage import color

    hsv = color.rgb2hsv(img)
    r0, r1, c0, c1 = patch

    def hue_sat(x):
        return np.minimum(
            (x[..., 0] * bins).astype(int), bins - 1
        ) * bins + np.minimum((x[..., 1] * bins).astype(int), bins - 1)

    model = np.bincount(
        hue_sat(hsv[r0:r1, c0:c1]).ravel(), minlength=bins * bins
    ) / ((r1 - r0) * (c1 - c0))
    return model[hue_sat(hsv)]


def _in_boxes(shape, boxes):
    mask = np.zeros(shape, dtype=bool)
    for r0, r1, c0, c1 in boxes:
        mask[r0:r1, c0:c1] = True
    return mask


@exercise("02.threshold")
def _threshold(
    answer,
    likelihood=None,
    cat_boxes=CAT_BOXES,
    background_boxes=BACKGROUND_BOXES,
):
    t = as_number(answer, "one number (the threshold)")
    if likelihood is None:
        likelihood = backprojection(_cat())
    likelihood = np.asarray(likelihood, dtype=float)
    lik_cat = likelihood[_in_boxes(likelihood.shape, cat_boxes)]
    lik_bg = likelihood[_in_boxes(likelihood.shape, background_boxes)]

    def balanced(th):
        return 0.5 * (np.mean(lik_cat > th) + np.mean(lik_bg <= th))

    candidates = np.r_[-1.0, np.unique(np.r_[lik_cat, lik_bg])]
    scores = [balanced(th) for th in candidates]
    best, best_t = max(scores), float(candidates[int(np.argmax(scores))])
    got = balanced(t)
    if got >= best - 0.01:
        return None
    if t < 0 or t >= likelihood.max():
        return f"with threshold {t:g} every pixel is on the same side; pick a value between 0 and {likelihood.max():.3f}"
    found, false = float(np.mean(lik_cat > t)), float(np.mean(lik_bg > t))
    if best - got < 0.03:
        return (
            f"close: this threshold scores {got:.3f} (balanced accuracy), the best possible is {best:.3f}; "
            f"try a {'lower' if t > best_t else 'higher'} value"
        )
    if false > 1 - found:
        return (
            f"too low: {false:.0%} of the background pixels are marked as cat; "
            f"raise it (it scores {got:.3f}, the best threshold {best:.3f})"
        )
    return (
        f"too high: only {found:.0%} of the cat pixels are marked; "
        f"lower it (it scores {got:.3f}, the best threshold {best:.3f})"
    )
