"""Batch feature extraction: intensity histograms, GLCM texture, HOG and raw pixels for many images at once.

``extract_features(images)`` takes a batch (N, H, W) gray or (N, H, W, 3) RGB, uint8 0..255 or
float in [0, 1], and returns ``(X, names)``: X float64 (N, D), names a list of D strings. It gives
the same numbers (np.allclose) as the plain per-image scikit-image loop in
``extract_features_loop`` (exposure.histogram, graycomatrix + graycoprops, feature.hog), but works
on the whole batch at once: one np.bincount for all histograms, one for all co-occurrence
matrices, and HOG's gradients, orientation binning and block normalisation as array operations.
Used by 05_classical_pipeline and later units; bench/bench_features.py times both routes.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from .validate import check_positive_int

KINDS = ("hist", "glcm", "hog", "pixels")
GLCM_PROPS = (
    "contrast",
    "dissimilarity",
    "homogeneity",
    "energy",
    "correlation",
    "entropy",
)
GLCM_ANGLES = (0.0, np.pi / 4, np.pi / 2, 3 * np.pi / 4)
BLOCK_NORMS = ("L1", "L1-sqrt", "L2", "L2-Hys")


# ---------------------------------------------------------------- input contract


def _check_options(
    kinds,
    hist_bins,
    glcm_levels,
    glcm_distances,
    glcm_angles,
    glcm_props,
    hog_orientations,
    hog_pixels_per_cell,
    hog_cells_per_block,
    hog_block_norm,
):
    if isinstance(kinds, str):
        kinds = (kinds,)
    kinds = tuple(kinds)
    bad = [k for k in kinds if k not in KINDS]
    if bad or not kinds:
        raise ValueError(
            f"kinds={kinds!r} has unknown or no entries {bad}; choose from {KINDS}"
        )
    for name, value in (
        ("hist_bins", hist_bins),
        ("glcm_levels", glcm_levels),
    ):
        if (
            not isinstance(value, (int, np.integer))
            or isinstance(value, bool)
            or value < 2
            or 256 % value
        ):
            raise ValueError(
                f"{name}={value!r} must be an integer that divides 256 "
                f"(2, 4, 8, 16, 32, 64, 128 or 256), e.g. {name}=16"
            )
    distances = np.asarray(glcm_distances, dtype=float).ravel()
    if (
        distances.size == 0
        or np.any(distances < 1)
        or np.any(distances != np.round(distances))
    ):
        raise ValueError(
            f"glcm_distances={glcm_distances!r} must be whole numbers >= 1, e.g. (1, 2)"
        )
    angles = np.asarray(glcm_angles, dtype=float).ravel()
    if angles.size == 0:
        raise ValueError(
            "glcm_angles is empty; use e.g. (0, np.pi / 4, np.pi / 2, 3 * np.pi / 4)"
        )
    bad_props = [
        p
        for p in glcm_props
        if p not in GLCM_PROPS + ("ASM", "mean", "variance", "std")
    ]
    if bad_props or not glcm_props:
        raise ValueError(
            f"glcm_props={glcm_props!r}: unknown {bad_props}; choose from {GLCM_PROPS}"
        )
    check_positive_int(hog_orientations, "hog_orientations", "e.g. 9")
    for name, value in (
        ("hog_pixels_per_cell", hog_pixels_per_cell),
        ("hog_cells_per_block", hog_cells_per_block),
    ):
        pair = f"{name}={value!r} must be two positive integers (rows, cols), e.g. (7, 7)"
        if len(tuple(value)) != 2:
            raise ValueError(pair)
        for i, v in enumerate(value):
            check_positive_int(v, f"{name}[{i}]", pair)
    if hog_block_norm not in BLOCK_NORMS:
        raise ValueError(
            f"hog_block_norm={hog_block_norm!r} must be one of {BLOCK_NORMS}"
        )
    return kinds, distances, angles


def _as_gray_batch(images, name):
    """Validated batch -> (gray uint8 (N, H, W), gray float (N, H, W) as skimage's hog sees it, channels or None)."""
    from skimage.color import rgb2gray
    from skimage.util import img_as_ubyte

    from .validate import check_image_batch

    images = check_image_batch(images, name=name)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim == 4:
        if images.shape[-1] != 3:
            raise ValueError(
                f"{name} has {images.shape[-1]} channels (shape {images.shape}); use gray (N, H, W) "
                f"or RGB (N, H, W, 3); drop alpha with {name}[..., :3]"
            )
        rgb = images
        gray = rgb2gray(rgb)  # float in [0, 1], whatever the input dtype
        return img_as_ubyte(gray), gray, rgb
    gray_u8 = images if images.dtype == np.uint8 else img_as_ubyte(images)
    return gray_u8, images, None


# ---------------------------------------------------------------- the plain per-image loop (reference)


def extract_features_loop(
    images,
    kinds=("hist", "glcm", "hog"),
    *,
    hist_bins=32,
    glcm_levels=8,
    glcm_distances=(1,),
    glcm_angles=GLCM_ANGLES,
    glcm_props=GLCM_PROPS,
    hog_orientations=9,
    hog_pixels_per_cell=(7, 7),
    hog_cells_per_block=(2, 2),
    hog_block_norm="L2-Hys",
):
    """Same as extract_features, one image at a time with scikit-image -> (X float64 (N, D), names)."""
    from skimage import exposure
    from skimage.feature import graycomatrix, graycoprops, hog

    kinds, distances, angles = _check_options(
        kinds,
        hist_bins,
        glcm_levels,
        glcm_distances,
        glcm_angles,
        glcm_props,
        hog_orientations,
        hog_pixels_per_cell,
        hog_cells_per_block,
        hog_block_norm,
    )
    gray_u8, gray, rgb = _as_gray_batch(images, "images")
    rows = []
    for n in range(len(gray_u8)):
        parts = []
        for kind in kinds:
            if kind == "hist":
                channels = (
                    [gray_u8[n]]
                    if rgb is None
                    else [_to_u8(rgb[n][..., c]) for c in range(3)]
                )
                for ch in channels:
                    # quantise to hist_bins levels, then count each level
                    q = ch // (256 // hist_bins)
                    h, _ = exposure.histogram(q, source_range="dtype")
                    parts.append(h[:hist_bins] / ch.size)
            elif kind == "glcm":
                q = gray_u8[n] // (256 // glcm_levels)
                P = graycomatrix(
                    q,
                    distances,
                    angles,
                    levels=glcm_levels,
                    symmetric=True,
                    normed=True,
                )
                parts += [graycoprops(P, prop).ravel() for prop in glcm_props]
            elif kind == "hog":
                parts.append(
                    hog(
                        gray[n],
                        orientations=hog_orientations,
                        pixels_per_cell=hog_pixels_per_cell,
                        cells_per_block=hog_cells_per_block,
                        block_norm=hog_block_norm,
                    )
                )
            else:
                parts.append(_pixels(gray[n][None])[0])
        rows.append(np.concatenate(parts).astype(np.float64))
    names = feature_names(
        gray_u8.shape[1:],
        kinds,
        rgb=rgb is not None,
        hist_bins=hist_bins,
        glcm_distances=distances,
        glcm_angles=angles,
        glcm_props=glcm_props,
        hog_orientations=hog_orientations,
        hog_pixels_per_cell=hog_pixels_per_cell,
        hog_cells_per_block=hog_cells_per_block,
    )
    return np.stack(rows), names


def _to_u8(channel):
    from skimage.util import img_as_ubyte

    return channel if channel.dtype == np.uint8 else img_as_ubyte(channel)


def _pixels(gray):
    """Gray batch -> (N, H*W) float64 in [0, 1]."""
    flat = gray.reshape(len(gray), -1)
    return flat / 255.0 if flat.dtype == np.uint8 else flat.astype(np.float64)


# ---------------------------------------------------------------- batched versions


def batch_histograms(u8, bins):
    """uint8 batch (N, H, W) -> (N, bins) share of pixels per intensity bin, one bincount for all images."""
    n = len(u8)
    q = (u8 // (256 // bins)).reshape(n, -1).astype(np.intp)
    # image n counts into bins n*bins ... n*bins + bins-1
    q += (np.arange(n) * bins)[:, None]
    counts = np.bincount(q.ravel(), minlength=n * bins).reshape(n, bins)
    return counts / u8[0].size


def batch_glcm(u8, levels, distances, angles, symmetric=True):
    """uint8 batch (N, H, W) -> co-occurrence counts (N, levels, levels, n_dist, n_angle), like graycomatrix."""
    n, rows, cols = u8.shape
    q = (u8 // (256 // levels)).astype(np.intp)
    P = np.zeros(
        (n, levels, levels, len(distances), len(angles)), dtype=np.float64
    )
    base = (np.arange(n) * levels * levels)[:, None, None]
    for a_idx, angle in enumerate(angles):
        for d_idx, distance in enumerate(distances):
            # graycomatrix rounds the offset half away from zero (C round()); np.round would round half to even
            dr = int(
                np.sign(np.sin(angle) * distance)
                * np.floor(abs(np.sin(angle) * distance) + 0.5)
            )
            dc = int(
                np.sign(np.cos(angle) * distance)
                * np.floor(abs(np.cos(angle) * distance) + 0.5)
            )
            r0, r1 = max(0, -dr), min(rows, rows - dr)
            c0, c1 = max(0, -dc), min(cols, cols - dc)
            if r1 <= r0 or c1 <= c0:
                continue
            i = q[:, r0:r1, c0:c1]
            j = q[:, r0 + dr : r1 + dr, c0 + dc : c1 + dc]
            idx = base + i * levels + j
            counts = np.bincount(idx.ravel(), minlength=n * levels * levels)
            P[..., d_idx, a_idx] = counts.reshape(n, levels, levels)
    if symmetric:
        P = P + P.transpose(0, 2, 1, 3, 4)
    return P


def batch_glcm_props(P, props):
    """GLCM counts (N, L, L, D, A) -> (N, len(props) * D * A) properties, computed by skimage's graycoprops."""
    from skimage.feature import graycoprops

    n, L, _, D, A = P.shape
    # graycoprops works on (L, L, D, A): stack the batch into the distance axis and call it once per property
    stacked = np.ascontiguousarray(
        P.transpose(1, 2, 0, 3, 4).reshape(L, L, n * D, A)
    )
    sums = stacked.sum(axis=(0, 1), keepdims=True)
    sums[sums == 0] = 1
    stacked = stacked / sums  # normed=True, as the per-image route does
    return np.concatenate(
        [graycoprops(stacked, prop).reshape(n, D * A) for prop in props],
        axis=1,
    )


def batch_hog(
    gray,
    orientations=9,
    pixels_per_cell=(7, 7),
    cells_per_block=(2, 2),
    block_norm="L2-Hys",
):
    """Gray batch (N, H, W) -> (N, D) HOG descriptors, the same numbers as skimage.feature.hog per image."""
    float_dtype = (
        np.float32 if gray.dtype in (np.float16, np.float32) else np.float64
    )
    image = gray.astype(float_dtype, copy=False)
    n, s_row, s_col = image.shape
    c_row, c_col = (int(v) for v in pixels_per_cell)
    b_row, b_col = (int(v) for v in cells_per_block)
    n_cells_row, n_cells_col = s_row // c_row, s_col // c_col
    n_blocks_row, n_blocks_col = (
        n_cells_row - b_row + 1,
        n_cells_col - b_col + 1,
    )
    if n_blocks_row <= 0 or n_blocks_col <= 0:
        raise ValueError(
            f"images of size {s_row}x{s_col} are too small for HOG with pixels_per_cell="
            f"{tuple(pixels_per_cell)} and cells_per_block={tuple(cells_per_block)}: they need at least "
            f"{b_row * c_row}x{b_col * c_col} pixels; use smaller cells, e.g. hog_pixels_per_cell=(4, 4)"
        )

    # 1. gradients: central differences, zero on the border (in the image's float type, as skimage does)
    g_row = np.zeros_like(image)
    g_col = np.zeros_like(image)
    g_row[:, 1:-1, :] = image[:, 2:, :] - image[:, :-2, :]
    g_col[:, :, 1:-1] = image[:, :, 2:] - image[:, :, :-2]
    g_row = g_row.astype(float, copy=False)
    g_col = g_col.astype(float, copy=False)
    magnitude = np.hypot(g_col, g_row)
    orientation = np.rad2deg(np.arctan2(g_row, g_col)) % 180

    # 2. orientation bins: skimage compares with float32 bin edges, a pixel lands in [edge_i, edge_i+1)
    edges = (
        np.float32(180.0 / orientations)
        * np.arange(orientations + 1, dtype=np.float32)
    ).astype(np.float64)
    bins = np.minimum(
        (orientation * (orientations / 180.0)).astype(np.intp),
        orientations - 1,
    )
    # the division can round across an edge: fix those pixels
    bins -= orientation < edges[bins]
    bins += orientation >= edges[bins + 1]

    # 3. cell histograms: each cell's pixels row by row, summed in float32 like skimage's Cython loop
    def by_cell(a):
        a = a[:, : n_cells_row * c_row, : n_cells_col * c_col]
        a = a.reshape(n, n_cells_row, c_row, n_cells_col, c_col).transpose(
            0, 1, 3, 2, 4
        )
        # (pixel in cell, every cell of every image)
        return np.ascontiguousarray(a.reshape(-1, c_row * c_col).T)

    mag_cells, bin_cells = by_cell(magnitude), by_cell(bins)
    n_all_cells = mag_cells.shape[1]
    # flat index (cell, bin)
    slot = bin_cells + (np.arange(n_all_cells) * orientations)[None, :]
    total = np.zeros(n_all_cells * orientations, dtype=np.float32)
    # one pixel position per step, all cells at once
    for k in range(c_row * c_col):
        idx = slot[k]
        # float32 + float64 -> rounded back to float32 on store
        total[idx] = total[idx] + mag_cells[k]
    hist = (
        (total / np.float32(c_row * c_col))
        .astype(np.float64)
        .reshape(n, n_cells_row, n_cells_col, orientations)
    )

    # 4. blocks of cells, each normalised on its own
    view = np.lib.stride_tricks.sliding_window_view(
        hist, (b_row, b_col), axis=(1, 2)
    )
    # (N, n_blocks_row, n_blocks_col, b_row, b_col, orientations)
    blocks = view.transpose(0, 1, 2, 4, 5, 3)
    eps = 1e-5
    axes = (-3, -2, -1)
    if block_norm == "L1":
        out = blocks / (np.abs(blocks).sum(axis=axes, keepdims=True) + eps)
    elif block_norm == "L1-sqrt":
        out = np.sqrt(
            blocks / (np.abs(blocks).sum(axis=axes, keepdims=True) + eps)
        )
    else:
        out = blocks / np.sqrt(
            (blocks**2).sum(axis=axes, keepdims=True) + eps**2
        )
        if block_norm == "L2-Hys":
            out = np.minimum(out, 0.2)
            out = out / np.sqrt(
                (out**2).sum(axis=axes, keepdims=True) + eps**2
            )
    return out.astype(float_dtype).reshape(n, -1)


# ---------------------------------------------------------------- the public entry point


def feature_names(
    image_shape,
    kinds=("hist", "glcm", "hog"),
    *,
    rgb=False,
    hist_bins=32,
    glcm_distances=(1,),
    glcm_angles=GLCM_ANGLES,
    glcm_props=GLCM_PROPS,
    hog_orientations=9,
    hog_pixels_per_cell=(7, 7),
    hog_cells_per_block=(2, 2),
):
    """Image (H, W) and options -> list of feature names, in the column order of extract_features."""
    names = []
    rows, cols = image_shape[:2]
    for kind in kinds:
        if kind == "hist":
            for ch in ("r", "g", "b") if rgb else ("gray",):
                names += [f"hist_{ch}_{b:03d}" for b in range(hist_bins)]
        elif kind == "glcm":
            for prop in glcm_props:
                names += [
                    f"glcm_{prop}_d{int(d)}_a{round(float(np.rad2deg(a)))}"
                    for d in glcm_distances
                    for a in glcm_angles
                ]
        elif kind == "hog":
            cr, cc = hog_pixels_per_cell
            br, bc = hog_cells_per_block
            nbr, nbc = rows // cr - br + 1, cols // cc - bc + 1
            names += [
                f"hog_b{r}_{c}_c{i}_{j}_o{o}"
                for r in range(nbr)
                for c in range(nbc)
                for i in range(br)
                for j in range(bc)
                for o in range(hog_orientations)
            ]
        else:
            names += [
                f"pixel_{r}_{c}" for r in range(rows) for c in range(cols)
            ]
    return names


def extract_features(
    images,
    kinds=("hist", "glcm", "hog"),
    *,
    hist_bins=32,
    glcm_levels=8,
    glcm_distances=(1,),
    glcm_angles=GLCM_ANGLES,
    glcm_props=GLCM_PROPS,
    hog_orientations=9,
    hog_pixels_per_cell=(7, 7),
    hog_cells_per_block=(2, 2),
    hog_block_norm="L2-Hys",
):
    """Image batch (N, H, W) or (N, H, W, 3), uint8 or float [0, 1] -> (X float64 (N, D), list of D names).

    kinds: any of "hist" (share of pixels per intensity bin; per channel for RGB), "glcm" (co-occurrence
    properties incl. entropy, on gray quantised to glcm_levels, symmetric, normed), "hog" (on gray) and
    "pixels" (gray in [0, 1], flattened). Equal (np.allclose) to extract_features_loop, only faster.
    """
    kinds, distances, angles = _check_options(
        kinds,
        hist_bins,
        glcm_levels,
        glcm_distances,
        glcm_angles,
        glcm_props,
        hog_orientations,
        hog_pixels_per_cell,
        hog_cells_per_block,
        hog_block_norm,
    )
    gray_u8, gray, rgb = _as_gray_batch(images, "images")
    parts = []
    for kind in kinds:
        if kind == "hist":
            if rgb is None:
                parts.append(batch_histograms(gray_u8, hist_bins))
            else:
                parts += [
                    batch_histograms(_to_u8(rgb[..., c]), hist_bins)
                    for c in range(3)
                ]
        elif kind == "glcm":
            P = batch_glcm(gray_u8, glcm_levels, distances, angles)
            parts.append(batch_glcm_props(P, glcm_props))
        elif kind == "hog":
            parts.append(
                batch_hog(
                    gray,
                    hog_orientations,
                    hog_pixels_per_cell,
                    hog_cells_per_block,
                    hog_block_norm,
                )
            )
        else:
            parts.append(_pixels(gray))
    X = np.concatenate(
        [p.astype(np.float64, copy=False) for p in parts], axis=1
    )
    names = feature_names(
        gray_u8.shape[1:],
        kinds,
        rgb=rgb is not None,
        hist_bins=hist_bins,
        glcm_distances=distances,
        glcm_angles=angles,
        glcm_props=glcm_props,
        hog_orientations=hog_orientations,
        hog_pixels_per_cell=hog_pixels_per_cell,
        hog_cells_per_block=hog_cells_per_block,
    )
    return X, names


class ImageFeatures(TransformerMixin, BaseEstimator):
    """scikit-learn step: image batch (N, H, W[, 3]) -> extract_features(...) array (N, D); learns nothing.

    Put it first in a Pipeline so the fitted model takes images, not feature tables:
    ``make_pipeline(ImageFeatures(kinds=("hog",)), StandardScaler(), SVC())``.
    """

    def __init__(
        self,
        kinds=("hist", "glcm", "hog"),
        hist_bins=32,
        glcm_levels=8,
        glcm_distances=(1,),
        hog_orientations=9,
        hog_pixels_per_cell=(7, 7),
        hog_cells_per_block=(2, 2),
        hog_block_norm="L2-Hys",
    ):
        self.kinds = kinds
        self.hist_bins = hist_bins
        self.glcm_levels = glcm_levels
        self.glcm_distances = glcm_distances
        self.hog_orientations = hog_orientations
        self.hog_pixels_per_cell = hog_pixels_per_cell
        self.hog_cells_per_block = hog_cells_per_block
        self.hog_block_norm = hog_block_norm

    def _options(self):
        return dict(
            hist_bins=self.hist_bins,
            glcm_levels=self.glcm_levels,
            glcm_distances=self.glcm_distances,
            hog_orientations=self.hog_orientations,
            hog_pixels_per_cell=self.hog_pixels_per_cell,
            hog_cells_per_block=self.hog_cells_per_block,
            hog_block_norm=self.hog_block_norm,
        )

    def fit(self, images, y=None):
        """Check the images and remember their size and feature names; returns self."""
        X, names = extract_features(
            np.asarray(images)[:1]
            if not isinstance(images, list)
            else images[:1],
            self.kinds,
            **self._options(),
        )
        self.image_shape_ = np.shape(images[0])
        self.feature_names_ = np.array(names, dtype=object)
        self.n_features_out_ = X.shape[1]
        return self

    def transform(self, images):
        """Image batch -> (N, D) float64 features, in the order of get_feature_names_out()."""
        if not hasattr(self, "image_shape_"):
            raise ValueError(
                "this ImageFeatures is not fitted yet; call fit(images) or fit the whole pipeline first"
            )
        if np.shape(images[0]) != self.image_shape_:
            raise ValueError(
                f"images have shape {np.shape(images[0])} but the model was fitted on {self.image_shape_}; "
                f"resize them first, e.g. skimage.transform.resize(img, {self.image_shape_[:2]})"
            )
        return extract_features(images, self.kinds, **self._options())[0]

    def get_feature_names_out(self, input_features=None):
        """The D feature names, e.g. 'hog_b0_0_c0_0_o0', 'glcm_entropy_d1_a0'."""
        return self.feature_names_.copy()
