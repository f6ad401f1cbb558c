"""Checks for 03_texture_and_entropy (the tiny 4-level image, the chessboard, the brick/grass/gravel textures)."""

import functools

import numpy as np

from . import exercise
from .answers import (
    AnswerError,
    as_array,
    as_number,
    check_choice,
    check_number,
)

TINY = np.array(
    [[0, 0, 1, 1], [0, 0, 1, 1], [0, 2, 2, 2], [2, 2, 3, 3]], dtype=np.uint8
)


def _pairs(dr, dc, img=TINY, levels=4):
    P = np.zeros((levels, levels), dtype=int)
    rows, cols = img.shape
    for r in range(rows):
        for c in range(cols):
            if 0 <= r + dr < rows and 0 <= c + dc < cols:
                P[img[r, c], img[r + dr, c + dc]] += 1
    return P


@exercise("03.glcm_down")
def _glcm_down(answer):
    """Design a 4 x 4 image (levels 0-3) whose 'down' matrix is diagonal and whose 'right' one is not."""
    got = as_array(answer, what="a 4 x 4 image of gray levels 0 to 3")
    if got.shape != (4, 4):
        return f"give a 4 x 4 image (like tiny), got shape {got.shape}"
    if (
        not np.array_equal(got, np.round(got))
        or got.min() < 0
        or got.max() > 3
    ):
        return "use whole gray levels 0, 1, 2 and 3 only, like tiny"
    img = got.astype(np.uint8)
    down, right = _pairs(1, 0, img), _pairs(0, 1, img)
    off_down = down.sum() - np.trace(down)
    off_right = right.sum() - np.trace(right)
    if off_down == 0 and off_right > 0:
        return None
    if off_down == 0 and off_right == 0:
        return (
            "both matrices are diagonal: every pair, down and right, has equal values (one flat "
            "gray?). The 'right' pairs must sometimes differ"
        )
    if off_right == 0 and off_down > 0:
        return (
            "you built it the wrong way round: the 'right' pairs are all equal, the 'down' ones "
            "not. Which pairs does 'down' compare?"
        )
    return (
        f"{off_down} of the 12 'down' pairs have different values; a diagonal 'down' matrix needs "
        "every pair (a pixel, the pixel below it) to hold two equal values"
    )


@exercise("03.chessboard")
def _chessboard(answer):
    got = as_array(answer, what="a 2 x 2 matrix (levels 0 and 1)")
    if got.shape != (2, 2):
        return f"the chessboard has two levels (0 and 1), so P is 2 x 2; got shape {got.shape}"
    board = (np.indices((16, 16)).sum(axis=0) % 2).astype(np.uint8)
    want = _pairs(0, 1, board, levels=2)
    want = want / want.sum()
    if np.allclose(got, want, atol=5e-3):
        return None
    if got.sum() > 1.5 and np.allclose(got / got.sum(), want, atol=5e-3):
        return "the pattern is right; normalise so the four entries sum to 1"
    if np.allclose(got, 0.25, atol=0.02):
        return "that is what random dots give; on a chessboard, what colour is every right neighbour?"
    if np.allclose(got, [[0.5, 0], [0, 0.5]], atol=5e-3):
        return "that would mean each pixel's right neighbour has the SAME value; on a chessboard it never does"
    if not np.isclose(got.sum(), 1, atol=5e-3):
        return "a normalised co-occurrence matrix sums to 1"
    return "on a chessboard every right neighbour has the other colour: only the pairs (0, 1) and (1, 0) occur"


@functools.lru_cache(maxsize=16)
def _contrast_by_texture(patch: int, levels: int, distance: int) -> tuple:
    """((mean, standard error over patches), ...) of GLCM contrast, one pair per texture."""
    from skimage.feature import graycomatrix, graycoprops

    from ..data import load_photo

    angles = [0, np.pi / 4, np.pi / 2, 3 * np.pi / 4]
    stats = []
    for name in TEXTURES:
        img = load_photo(name, verbose=False)
        q = (img.astype(np.uint16) * levels // 256).astype(np.uint8)
        values = []
        for r in range(0, img.shape[0] - patch + 1, patch):
            for c in range(0, img.shape[1] - patch + 1, patch):
                g = graycomatrix(
                    q[r : r + patch, c : c + patch],
                    [distance],
                    angles,
                    levels=levels,
                    symmetric=True,
                    normed=True,
                )
                values.append(graycoprops(g, "contrast").mean())
        se = np.std(values, ddof=1) / np.sqrt(len(values))
        stats.append((float(np.mean(values)), float(se)))
    return tuple(stats)


def glcm_contrast_stats(
    patch: int = 64, levels: int = 32, distance: int = 1
) -> dict:
    """texture -> (mean, standard error) of the GLCM contrast of its patch x patch tiles.

    Contrast is the mean over 4 angles, symmetric; the standard error is std (ddof=1) / sqrt(n
    patches). Cached: the checker and the tests ask for the same few settings.
    """
    return dict(
        zip(
            TEXTURES,
            _contrast_by_texture(int(patch), int(levels), int(distance)),
            strict=True,
        )
    )


def glcm_contrast_by_texture(
    patch: int = 64, levels: int = 32, distance: int = 1
) -> dict:
    """Mean GLCM contrast of the patch x patch tiles of each texture (see glcm_contrast_stats)."""
    return {
        name: mean
        for name, (mean, _) in glcm_contrast_stats(
            patch, levels, distance
        ).items()
    }


def clearly_rougher(stats: dict, a: str, b: str) -> bool:
    """True when a's mean contrast exceeds b's by at least 2 standard errors of the difference."""
    (ma, sa), (mb, sb) = stats[a], stats[b]
    return ma - mb >= 2 * float(np.hypot(sa, sb))


TEXTURES = ("brick", "grass", "gravel")
ROUGH_DISTANCE = 8  # Exercise 3: pixels 8 apart, not the printed distance 1


def _as_bool(answer, what: str) -> bool:
    """True/False, a NumPy bool, 1/0 (1.0/0.0, as in an array) or the words yes/no/true/false."""
    if isinstance(answer, (bool, np.bool_)):
        return bool(answer)
    if isinstance(
        answer, (int, float, np.integer, np.floating)
    ) and answer in (0, 1):
        return bool(answer)
    if isinstance(answer, str) and answer.strip().lower() in (
        "true",
        "yes",
        "false",
        "no",
    ):
        return answer.strip().lower() in ("true", "yes")
    raise AnswerError(f"give {what} as True or False, got {answer!r}")


@exercise("03.roughest")
def _roughest(
    answer, patch: int = 64, levels: int = 32, distance: int = ROUGH_DISTANCE
):
    """(brick's mean contrast / grass's at `distance`, grass clearly rougher than gravel there)."""
    try:
        patch, levels, distance = int(patch), int(levels), int(distance)
    except (TypeError, ValueError):
        raise AnswerError(
            f"check(..., patch=PATCH, levels=LEVELS) needs whole numbers, got {patch!r}, {levels!r}"
        ) from None
    if (
        isinstance(answer, (str, bytes, dict))
        or not hasattr(answer, "__len__")
        or len(answer) != 2
    ):
        raise AnswerError(
            "give a pair: (brick's mean contrast as a fraction of grass's, True or False), "
            "e.g. (0.5, True)"
        )
    share_answer, apart_answer = answer[0], answer[1]
    share = as_number(
        share_answer, "brick's mean contrast divided by grass's (one number)"
    )
    apart = _as_bool(
        apart_answer, "whether grass is clearly rougher than gravel"
    )
    stats = glcm_contrast_stats(patch, levels, distance)
    want = stats["brick"][0] / stats["grass"][0]
    near = glcm_contrast_stats(patch, levels, 1)
    hint = check_number(
        share,
        want,
        decimals=2,
        rtol=0.01,
        slips=[
            (
                near["brick"][0] / near["grass"][0],
                f"that is brick's share at distance 1 (§3); compare pixels {distance} apart",
            ),
            (
                1 / want,
                "that is grass's contrast as a multiple of brick's: divide brick's mean by grass's",
            ),
        ],
        otherwise=(
            "average the contrast over all patches of each texture at the distance asked for "
            "(glcm_features, §2, takes the distances as an argument), then divide brick's mean "
            "by grass's"
        ),
    )
    if hint is not None:
        return hint
    if apart != clearly_rougher(stats, "grass", "gravel"):
        if apart:
            return (
                "the share is right. Grass and gravel: is grass's lead at this distance at least "
                "2 standard errors of the difference? A lead smaller than that cannot rank them"
            )
        return (
            "the share is right. Grass and gravel: compare grass's lead with 2 standard errors "
            "of the difference (the square root of the sum of the two squared standard errors)"
        )
    return None


# Judge: a study scores 'visual disorder' of streets (litter, graffiti) by mean local entropy.
DISORDER_OPTIONS = {
    "A": "trees and hedges have high entropy: leafy streets score as disordered",
    "B": "sharper, newer cameras record more detail: the camera changes the score",
    "C": "a fixed formula gives the same score on every run, with no coder to drift: the measure is valid",
    "D": "entropy grows with the gray values: the same street with every value 30 higher scores as more disordered",
    "E": "light and exposure change the spread of gray values: dull or underexposed streets score as orderly",
}


@exercise("03.disorder_bias")
def _disorder_bias(answer):
    return check_choice(
        answer,
        defensible={"A", "B", "E"},
        hints={
            "C": (
                "the same number twice makes a measure reliable; does it say what the number "
                "measures? §4 showed what raises local entropy: ask which of those has nothing "
                "to do with disorder"
            ),
            "D": (
                "adding the same number to every pixel shifts the histogram without changing its "
                "shape, so entropy barely moves (only values pushed past 255 change); a gain is "
                "another matter: what do exposure and contrast do to the spread?"
            ),
        },
        what="the letter(s) of the defensible answer(s)",
    )
