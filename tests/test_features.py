"""helpers.features: the batched extractor equals the per-image scikit-image loop, has clear names and errors."""

import numpy as np
import pytest

from helpers import load_digits, load_fashion_mnist, load_photo
from helpers.features import (
    GLCM_PROPS,
    extract_features,
    extract_features_loop,
    feature_names,
)


@pytest.fixture(scope="module")
def fashion():
    return load_fashion_mnist(verbose=False).X_train[:300]


def test_batched_equals_per_image_skimage_loop_on_fashion_mnist(fashion):
    X, names = extract_features(
        fashion, kinds=("hist", "glcm", "hog", "pixels")
    )
    X_ref, names_ref = extract_features_loop(
        fashion, kinds=("hist", "glcm", "hog", "pixels")
    )
    assert X.shape == X_ref.shape == (300, 32 + 24 + 324 + 784)
    assert names == names_ref and len(names) == X.shape[1]
    assert X.dtype == np.float64 and np.isfinite(X).all()
    assert np.allclose(X, X_ref, rtol=1e-9, atol=1e-12)


def test_real_numbers_make_sense(fashion):
    X, names = extract_features(fashion, kinds=("hist", "glcm"))
    hist = X[:, :32]
    assert np.allclose(hist.sum(axis=1), 1.0)  # shares of pixels add up to one
    entropy = X[
        :, [i for i, n in enumerate(names) if n.startswith("glcm_entropy")]
    ]
    assert (
        entropy.shape == (300, 4)
        and (entropy >= 0).all()
        and entropy.max() <= np.log(64) + 1e-12
    )
    # by hand for one image: E = -sum P log P of the symmetric, normed GLCM at offset (0, 1)
    q = fashion[0] // 32
    P = np.zeros((8, 8))
    np.add.at(P, (q[:, :-1].ravel(), q[:, 1:].ravel()), 1)
    P = P + P.T
    P /= P.sum()
    nz = P[P > 0]
    assert np.isclose(
        X[0, names.index("glcm_entropy_d1_a0")], -(nz * np.log(nz)).sum()
    )
    assert (
        names[:2] == ["hist_gray_000", "hist_gray_001"]
        and "glcm_correlation_d1_a135" in names
    )


def test_other_options_and_inputs_match_the_loop():
    digits, _ = load_digits(verbose=False)
    small = digits[:50] / 16.0  # float in [0, 1], 8x8
    opts = dict(
        hist_bins=16,
        glcm_levels=4,
        glcm_distances=(1, 2),
        hog_pixels_per_cell=(4, 4),
        hog_cells_per_block=(1, 1),
        hog_orientations=6,
        hog_block_norm="L1",
    )
    X, names = extract_features(small, **opts)
    X_ref, _ = extract_features_loop(small, **opts)
    assert X.shape == (50, 16 + 6 * 2 * 4 + 4 * 6) and np.allclose(X, X_ref)
    for norm in ("L1-sqrt", "L2"):
        a, _ = extract_features(
            small.astype(np.float32),
            kinds="hog",
            hog_pixels_per_cell=(2, 2),
            hog_cells_per_block=(2, 2),
            hog_block_norm=norm,
        )
        b, _ = extract_features_loop(
            small.astype(np.float32),
            kinds="hog",
            hog_pixels_per_cell=(2, 2),
            hog_cells_per_block=(2, 2),
            hog_block_norm=norm,
        )
        assert np.allclose(a, b)


def test_rgb_batch_gives_per_channel_histograms():
    cat = load_photo("chelsea", verbose=False)
    crops = np.stack(
        [
            cat[r : r + 64, c : c + 64]
            for r in (0, 100, 200)
            for c in (0, 150, 300)
        ]
    )
    X, names = extract_features(crops, hist_bins=8)
    X_ref, _ = extract_features_loop(crops, hist_bins=8)
    assert (
        X.shape[0] == 9
        and names[:1] == ["hist_r_000"]
        and names[16] == "hist_b_000"
    )
    assert np.allclose(X, X_ref)
    assert len(feature_names((64, 64), rgb=True, hist_bins=8)) == X.shape[1]


@pytest.mark.parametrize(
    "bad, exc, words",
    [
        (
            [np.zeros((28, 28), np.uint8), np.zeros((20, 20), np.uint8)],
            ValueError,
            ["mixes image sizes", "resize"],
        ),
        ([], ValueError, ["empty", "at least one image"]),
        (np.zeros((0, 28, 28), np.uint8), ValueError, ["empty"]),
        (np.zeros((3, 28, 28), np.int64), TypeError, ["int64", "uint8"]),
        (np.full((3, 28, 28), np.nan), ValueError, ["NaN", "nan_to_num"]),
        (np.full((3, 8, 8), 16.0), ValueError, ["outside [0, 1]", "rescale"]),
        (np.zeros((28, 28), np.uint8)[None, None], ValueError, ["channels"]),
        (
            np.zeros((28, 28), np.uint8),
            ValueError,
            ["shape (28, 28)", "images[None]"],
        ),
        (
            np.zeros((2, 8, 8), np.uint8),
            ValueError,
            ["8x8", "too small", "at least 14x14", "hog_pixels_per_cell"],
        ),
        (
            np.zeros((2, 28, 28, 4), np.uint8),
            ValueError,
            ["4 channels", "[..., :3]"],
        ),
    ],
)
def test_bad_input_is_a_clear_error(bad, exc, words):
    with pytest.raises(exc) as info:
        extract_features(bad)
    for w in words:
        assert w in str(info.value), f"{w!r} not in {info.value}"


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(kinds=("hist", "sift")), ["sift", "choose from"]),
        (dict(hist_bins=10), ["hist_bins=10", "divides 256"]),
        (dict(glcm_levels=300), ["glcm_levels=300"]),
        (dict(glcm_distances=(0,)), ["glcm_distances", ">= 1"]),
        (dict(glcm_props=("contrast", "beauty")), ["beauty"]),
        (dict(hog_block_norm="L3"), ["L3", "L2-Hys"]),
        (
            dict(hog_pixels_per_cell=(7,)),
            ["hog_pixels_per_cell", "two positive integers"],
        ),
    ],
)
def test_bad_options_are_clear_errors(kwargs, words):
    with pytest.raises(ValueError) as info:
        extract_features(np.zeros((2, 28, 28), np.uint8), **kwargs)
    for w in words:
        assert w in str(info.value)


def test_constant_images_do_not_produce_nan():
    X, _ = extract_features(
        np.zeros((2, 28, 28), np.uint8), glcm_props=GLCM_PROPS
    )
    assert np.isfinite(X).all()


def test_image_features_step_in_a_pipeline(fashion, tmp_path):
    import joblib
    from sklearn.base import clone
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    from helpers.features import ImageFeatures

    y = load_fashion_mnist(verbose=False).y_train[:300]
    model = make_pipeline(
        ImageFeatures(kinds=("hog", "glcm")), StandardScaler(), SVC()
    )
    model.fit(fashion[:200], y[:200])
    step = model[0]
    assert (
        step.n_features_out_ == 324 + 24
        and step.get_feature_names_out()[0] == "hog_b0_0_c0_0_o0"
    )
    assert np.allclose(
        step.transform(fashion[:5]),
        extract_features(fashion[:5], ("hog", "glcm"))[0],
    )
    assert (model.predict(fashion[200:]) == y[200:]).mean() > 0.6
    assert clone(model)[0].get_params()["kinds"] == ("hog", "glcm")
    # a file this test wrote itself
    joblib.dump(model, tmp_path / "model.joblib")
    again = joblib.load(tmp_path / "model.joblib")
    assert (again.predict(fashion[200:]) == model.predict(fashion[200:])).all()
    with pytest.raises(ValueError, match=r"fitted on \(28, 28\).*resize"):
        step.transform(np.zeros((2, 32, 32), np.uint8))
    with pytest.raises(ValueError, match="not fitted yet"):
        ImageFeatures().transform(fashion[:2])


def test_image_features_passes_every_setting_through(fashion):
    """The notebook hands one settings dict to extract_features and to ImageFeatures: both must honour it."""
    from helpers.features import ImageFeatures

    settings = dict(
        hist_bins=16,
        glcm_levels=4,
        glcm_distances=(1, 2),
        hog_orientations=6,
        hog_pixels_per_cell=(7, 7),
        hog_cells_per_block=(2, 2),
        hog_block_norm="L1",
    )
    step = ImageFeatures(kinds=("hist", "glcm", "hog"), **settings)
    got = step.fit(fashion[:5]).transform(fashion[:5])
    want, names = extract_features(
        fashion[:5], kinds=("hist", "glcm", "hog"), **settings
    )
    assert np.array_equal(got, want)
    assert sum(n.startswith("glcm_") for n in names) == 6 * 2 * 4
    assert step.get_params()["hog_block_norm"] == "L1"
    default = ImageFeatures(kinds=("hog",)).fit(fashion[:5])
    assert not np.allclose(
        default.transform(fashion[:5]),
        ImageFeatures(kinds=("hog",), hog_block_norm="L1")
        .fit(fashion[:5])
        .transform(fashion[:5]),
    )
