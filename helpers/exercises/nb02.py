"""Checks for 02_color_histograms (the gray cat, coffee and rocket photos, back-projection)."""

import numpy as np

from . import exercise
from .answers import (
    AnswerError,
    as_number,
    as_words,
    check_choice,
    check_number,
)

# Back-projection (§5): the fur patch on the cat's cheek, and hand-labelled boxes (r0, r1, c0, c1),
# end exclusive, spread over the scene. The threshold is chosen on the first set and scored on
# the held-out second set.
FUR_PATCH = (150, 200, 150, 230)
CAT_BOXES = [(30, 60, 150, 300), (200, 250, 60, 140)]
BACKGROUND_BOXES = [(0, 90, 0, 25), (100, 180, 420, 451)]
HELD_OUT_CAT_BOXES = [
    (160, 200, 250, 310),
    (240, 290, 150, 230),
    (60, 100, 330, 400),
]
HELD_OUT_BACKGROUND_BOXES = [
    (0, 60, 360, 451),
    (240, 300, 350, 451),
    (0, 25, 30, 80),
]
# Exercise 1 predicts the channel order of a photo the notebook has not summarised.
CHANNEL_PHOTO = "rocket"


def _cat():
    from ..data import load_photo

    return load_photo("chelsea", verbose=False)


_CHANNEL_NAMES = {
    "r": "red",
    "red": "red",
    "g": "green",
    "green": "green",
    "b": "blue",
    "blue": "blue",
}


@exercise("02.channel_order")
def _channel_order(answer, photo=CHANNEL_PHOTO):
    from ..data import load_photo

    got = as_words(
        answer,
        n=3,
        names=_CHANNEL_NAMES,
        what='the three channel names, brightest mean first, e.g. ["green", "red", "blue"]',
    )
    if sorted(got) != ["blue", "green", "red"]:
        raise AnswerError("name each of red, green and blue exactly once")
    means = load_photo(photo, verbose=False).reshape(-1, 3).mean(axis=0)
    want = [["red", "green", "blue"][c] for c in np.argsort(means)[::-1]]
    if got == want:
        return None
    if got == ["red", "green", "blue"] and want != got:
        return (
            "that is the cat's order (and the order of the channels in the array), "
            "not this photo's: which colour covers most of the rocket photo?"
        )
    if got == want[::-1]:
        return (
            "'brightest first' means the channel with the largest mean first: which colour covers "
            "most of the photo, and where did you put it in your list?"
        )
    if got[0] == want[0]:
        return (
            "your brightest channel is right; now compare the other two: in the photo's largest "
            "areas, which of them is stronger?"
        )
    return (
        "think of the largest areas of the photo and their colour; then check with "
        "the channel means of the photo (§2 shows how)"
    )


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
    if not 0 <= got <= 1 + 1e-6:
        return "an intersection of normalised histograms lies between 0 and 1: normalise each histogram to sum to 1"
    want = inter(8)
    return check_number(
        got,
        want,
        decimals=3,
        slips=[
            (
                lambda: inter(4),
                "that is the value with 4 bins per channel; the exercise asks for 8",
            ),
            (
                lambda: inter(16),
                "that is the value with 16 bins per channel; the exercise asks for 8",
            ),
            (
                1 - want,
                "that is 1 - intersection (a distance); give the intersection itself",
            ),
        ],
        otherwise=(
            "the intersection adds up, bin by bin, the smaller of the two shares; "
            "§4 builds both pieces (a colour histogram per photo, and the intersection)"
        ),
    )


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
    if t < 0 or t >= max(lik_cat.max(), lik_bg.max()):
        top = max(lik_cat.max(), lik_bg.max())
        return f"with threshold {t:g} every labelled pixel is on the same side; pick a value between 0 and {top:.3f}"
    found, false = float(np.mean(lik_cat > t)), float(np.mean(lik_bg > t))
    if best - got < 0.03:
        return (
            f"close: this threshold scores {got:.3f} (balanced accuracy), the best possible is {best:.3f}; "
            f"try a {'lower' if t > best_t else 'higher'} value"
        )
    if false > 1 - found:
        return (
            f"too low: {false:.0%} of the background pixels are marked as cat; "
            f"raise it (it scores {got:.3f}, the best score {best:.3f})"
        )
    return (
        f"too high: only {found:.0%} of the cat pixels are marked; "
        f"lower it (it scores {got:.3f}, the best score {best:.3f})"
    )


# Judge: a party's colour in campaign photos, measured by back-projection.
COLOUR_SHARE_OPTIONS = {
    "A": "indoor (warm) light shifts hues: a warm party colour is over-counted indoors",
    "B": "skin and hair share hues with warm colours: crowd photos score higher",
    "C": "bigger photos have more pixels in the party colour: parties published larger are over-counted",
    "D": "another coder labelling the pixels would choose another threshold and get other shares",
}


@exercise("02.colour_share_bias")
def _colour_share_bias(answer):
    return check_choice(
        answer,
        defensible={"A", "B", "D"},
        hints={
            "C": (
                "the measure is a share: the pixels in the party colour divided by all pixels. What "
                "happens to a share when both counts double?"
            ),
        },
        what="the letter(s) of the defensible answer(s)",
    )
