"""Checks for 03_texture_and_entropy (the tiny 4-level image and the brick/grass/gravel textures)."""
import numpy as np

from . import exercise

TINY = np.array([[0, 0, 1, 1],
                 [0, 0, 1, 1],
                 [0, 2, 2, 2],
                 [2, 2, 3, 3]], dtype=np.uint8)


def _pairs(dr, dc):
    P = np.zeros((4, 4), dtype=int)
    for r in range(4):
        for c in range(4):
            if 0 <= r + dr < 4 and 0 <= c + dc < 4:
                P[TINY[r, c], TINY[r + dr, c + dc]] += 1
    return P


@exercise("03.glcm_down")
def _glcm_down(answer):
    answer = np.asarray(answer)
    if answer.shape != (4, 4):
        return f"expected a 4 x 4 matrix (one row and column per gray level), got shape {answer.shape}"
    want = _pairs(1, 0)
    if np.allclose(answer, want / want.sum()):
        return "that is normalised; give the counts (integers)"
    if np.array_equal(answer, want.T):
        return "rows are the pixel's value, columns the value of the pixel below it: transpose"
    if np.array_equal(answer, _pairs(0, 1)):
        return "that is the offset 'right'; 'down' means (row + 1, same column)"
    if not np.array_equal(answer, want):
        return "for each pixel with a pixel below it, add 1 at [tiny[r, c], tiny[r + 1, c]]; 12 pairs in total"
    return None


@exercise("03.entropy")
def _entropy(answer):
    if isinstance(answer, (bool, str)) or np.ndim(answer) != 0:
        return f"expected one number, got {type(answer).__name__}"
    P = _pairs(0, 1) / _pairs(0, 1).sum()
    nz = P[P > 0]
    want = float(-(nz * np.log(nz)).sum())
    got = float(answer)
    if abs(got - float(-(nz * np.log2(nz)).sum())) < 1e-6:
        return "that is in bits (log2); use the natural log np.log"
    if abs(got + want) < 1e-6:
        return "mind the minus sign: entropy is never negative"
    if abs(got - want) > 1e-6:
        return "sum P * log(P) over the non-zero entries of P, then negate"
    return None


@exercise("03.roughest")
def _roughest(answer):
    from skimage.feature import graycomatrix, graycoprops

    from ..data import load_photo

    if not isinstance(answer, str):
        return f"answer with a texture name such as 'brick', not {type(answer).__name__}"
    # contrast at distance 1, averaged over 4 directions and over the 64 x 64 patches of each texture
    means = {}
    for name in ("brick", "grass", "gravel"):
        img = (load_photo(name, verbose=False).astype(np.uint16) * 32 // 256).astype(np.uint8)
        values = []
        for r in range(0, 512, 128):
            for c in range(0, 512, 128):
                g = graycomatrix(img[r:r + 64, c:c + 64], [1], [0, np.pi / 4, np.pi / 2, 3 * np.pi / 4],
                                 levels=32, symmetric=True, normed=True)
                values.append(graycoprops(g, "contrast").mean())
        means[name] = np.mean(values)
    want = max(means, key=means.get)
    if answer.strip().lower() not in means:
        return f"answer with one of {sorted(means)}"
    if answer.strip().lower() != want:
        return "compare X[y == k, feature_names.index('contrast_d1')].mean() for k = 0, 1, 2"
    return None
