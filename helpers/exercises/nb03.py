"""Checks for 03_texture_and_entropy (the tiny 4-level image, the chessboard, the brick/grass/gravel textures)."""

import numpy as np

from . import exercise
from .answers import AnswerError, as_array, as_number, as_text, compare_number

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


def _entropy(P, log):
    P = P / P.sum()
    nz = P[P > 0]
    return float(-(nz * log(nz)).sum())


@exercise("03.glcm_down")
def _glcm_down(answer):
    got = as_array(
        answer, what="a 4 x 4 matrix (one row and column per gray level)"
    )
    if got.shape != (4, 4):
        return f"expected a 4 x 4 matrix (one row and column per gray level), got shape {got.shape}"
    want = _pairs(1, 0)
    if np.array_equal(got, want):
        return None
    if np.allclose(got, want / want.sum(), atol=1e-3):
        return "that is normalised; give the counts (integers)"
    if np.array_equal(got, want.T):
        return "rows are the pixel's value, columns the value of the pixel below it: transpose"
    if np.array_equal(got, _pairs(0, 1)):
        return (
            "that is the offset 'right'; 'down' means (row + 1, same column)"
        )
    if np.array_equal(got, _pairs(-1, 0)) or np.array_equal(
        got, want + want.T
    ):
        return "count each pixel with the pixel BELOW it, once: pairs (tiny[r, c], tiny[r + 1, c])"
    return "for each pixel with a pixel below it, add 1 at [tiny[r, c], tiny[r + 1, c]]; 12 pairs in total"


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


@exercise("03.entropy")
def _entropy_bits(answer):
    got = as_number(answer, "one number (the entropy in bits)")
    down = _pairs(1, 0)
    want = _entropy(down, np.log2)
    hint = compare_number(got, want, decimals=3)
    if hint is None:
        return None
    if got < 0 and compare_number(-got, want, decimals=3) is None:
        return "mind the minus sign: entropy is never negative"
    if compare_number(got, _entropy(down, np.log), decimals=3) is None:
        return "that is in nats (natural log); use np.log2 for bits"
    if (
        compare_number(got, _entropy(_pairs(0, 1), np.log2), decimals=3)
        is None
    ):
        return "that is the entropy of the offset 'right'; use the offset 'down' (your P_down, normalised)"
    if (
        compare_number(
            got,
            float(-(down[down > 0] * np.log2(down[down > 0])).sum()),
            decimals=3,
        )
        is None
    ):
        return "normalise first: P = P_down / P_down.sum(), then -sum(P * log2(P))"
    if hint.startswith(("close", "right")):
        return hint
    return "normalise P_down to sum to 1, then sum P * log2(P) over its non-zero entries and negate"


def glcm_contrast_by_texture(patch: int = 64, levels: int = 32) -> dict:
    """Mean GLCM contrast (distance 1, mean over 4 angles, symmetric) of the patch x patch tiles of each texture."""
    from skimage.feature import graycomatrix, graycoprops

    from ..data import load_photo

    angles = [0, np.pi / 4, np.pi / 2, 3 * np.pi / 4]
    means = {}
    for name in ("brick", "grass", "gravel"):
        img = load_photo(name, verbose=False)
        q = (img.astype(np.uint16) * levels // 256).astype(np.uint8)
        values = []
        for r in range(0, img.shape[0] - patch + 1, patch):
            for c in range(0, img.shape[1] - patch + 1, patch):
                g = graycomatrix(
                    q[r : r + patch, c : c + patch],
                    [1],
                    angles,
                    levels=levels,
                    symmetric=True,
                    normed=True,
                )
                values.append(graycoprops(g, "contrast").mean())
        means[name] = float(np.mean(values))
    return means


@exercise("03.roughest")
def _roughest(answer, patch: int = 64, levels: int = 32):
    name = as_text(
        answer,
        what="a texture name such as 'brick'",
        choices=["brick", "grass", "gravel"],
    )
    try:
        patch, levels = int(patch), int(levels)
    except (TypeError, ValueError):
        raise AnswerError(
            f"check(..., patch=PATCH, levels=LEVELS) needs whole numbers, got {patch!r}, {levels!r}"
        ) from None
    means = glcm_contrast_by_texture(patch, levels)
    want = max(means, key=means.get)
    if name == want:
        return None
    if name == min(means, key=means.get):
        return "that is the smoothest (lowest contrast); the question asks for the highest"
    return "compare X[y == k, feature_names.index('contrast_d1')].mean() for k = 0, 1, 2"
