"""Checks for 03_texture_and_entropy (the tiny 4-level image, the chessboard, the brick/grass/gravel textures)."""

import functools

import numpy as np

from . import exercise
from .answers import (
    AnswerError,
    as_array,
    as_words,
    check_choice,
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
        f"{off_down} of the 12 'down' pairs have different values; a diagonal matrix needs "
        "every pixel equal to the one below it: what does that make each column?"
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


def ranking_fits(stats: dict, order) -> bool:
    """A roughest-first order fits when no texture is clearly rougher than one listed before it.

    Two textures whose means differ by less than 2 standard errors of the difference are tied:
    either order fits.
    """
    return not any(
        clearly_rougher(stats, later, earlier)
        for i, earlier in enumerate(order)
        for later in order[i + 1 :]
    )


TEXTURES = ("brick", "grass", "gravel")
ROUGH_DISTANCE = (
    8  # Exercise 3: the ranking at 8 pixels apart, not the printed distance 1
)


@exercise("03.roughest")
def _roughest(
    answer, patch: int = 64, levels: int = 32, distance: int = ROUGH_DISTANCE
):
    try:
        patch, levels, distance = int(patch), int(levels), int(distance)
    except (TypeError, ValueError):
        raise AnswerError(
            f"check(..., patch=PATCH, levels=LEVELS) needs whole numbers, got {patch!r}, {levels!r}"
        ) from None
    got = as_words(
        answer,
        n=3,
        names={t: t for t in TEXTURES},
        what='the three textures, roughest first, e.g. ["brick", "grass", "gravel"]',
    )
    if sorted(got) != sorted(TEXTURES):
        raise AnswerError("name each of brick, grass and gravel exactly once")
    stats = glcm_contrast_stats(patch, levels, distance)
    if ranking_fits(stats, got):
        return None
    near = glcm_contrast_by_texture(patch, levels, 1)
    if got == sorted(near, key=near.get, reverse=True):
        return (
            f"that is the ranking at distance 1 (contrast_d1, §3); at {distance} pixels apart a pixel is "
            "compared with one beyond the nearest grass blade: compute the contrast at that distance"
        )
    if ranking_fits(stats, got[::-1]):
        return (
            "'roughest first' means the largest mean contrast first: compare the order of your "
            "list with the order of the contrasts you computed"
        )
    return (
        "rank by the mean contrast over all patches of each texture, at the distance asked for; "
        "glcm_features (§2) takes the distances as an argument"
    )


# Judge: a study scores 'visual disorder' of streets (litter, graffiti) by mean local entropy.
DISORDER_OPTIONS = {
    "A": "trees and hedges have high entropy: leafy streets score as disordered",
    "B": "sharper, newer cameras record more detail: the camera changes the score",
    "C": "a fixed formula gives the same score on every run, with no coder to drift: the measure is valid",
    "D": "entropy grows with the gray values: the same street brightened scores as more disordered",
}


@exercise("03.disorder_bias")
def _disorder_bias(answer):
    return check_choice(
        answer,
        defensible={"A", "B"},
        hints={
            "C": (
                "the same number twice makes a measure reliable; does it say what the number "
                "measures? §4 showed what raises local entropy: ask which of those has nothing "
                "to do with disorder"
            ),
            "D": (
                "entropy depends on how the values are spread, not on how large they are: what "
                "does adding the same number to every pixel do to the shape of a histogram?"
            ),
        },
        what="the letter(s) of the defensible answer(s)",
    )
