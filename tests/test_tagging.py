"""helpers.tagging: preprocessing contract, batched prediction, tags, and the shipped WordNet coarse-tag table."""

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from helpers.data import load_coarse_tags
from helpers.tagging import (
    coarse_proba,
    crop_and_normalise,
    preprocess,
    tags_over_threshold,
    top_k_tags,
)
from helpers.weights import CONVENTIONS, DEFAULT_CONVENTION, normalisation

torch = pytest.importorskip("torch")
WORDNET = Path("/usr/share/wordnet")


@pytest.fixture(scope="module")
def model():
    from helpers import load_imagenet_cnn

    return load_imagenet_cnn(verbose=False)


@pytest.fixture(scope="module")
def table():
    return load_coarse_tags(verbose=False)


# ---------------------------------------------------------------- preprocess

# A stand-in for a pretrained model: preprocess reads only the normalisation it carries.
MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
NORM = SimpleNamespace(pretrained_cfg={"mean": MEAN, "std": STD})
IMAGENET_MEAN, IMAGENET_STD = MEAN, STD


def test_model_carries_the_normalisation_of_its_architecture(model):
    """The loaded model's architecture and normalisation come as a pair (the weights' own convention)."""
    spec = CONVENTIONS[DEFAULT_CONVENTION]
    assert (
        model.pretrained_cfg["architecture"]
        == spec["arch"]
        == "tf_efficientnet_lite0"
    )
    assert (
        normalisation(model)
        == (spec["mean"], spec["std"])
        == ((0.5,) * 3, (0.5,) * 3)
    )
    x = preprocess(np.full((40, 40, 3), 255, np.uint8), model, size=32)
    assert torch.allclose(x, torch.ones_like(x))  # white -> +1 in [-1, 1]
    with pytest.raises(TypeError, match="carries no pretrained_cfg mean/std"):
        preprocess(np.zeros((40, 40, 3), np.uint8), SimpleNamespace(), size=32)


def test_preprocess_shapes_and_normalisation():
    white = np.full((50, 80, 3), 255, dtype=np.uint8)
    x = preprocess(white, NORM, size=32)
    assert x.shape == (1, 3, 32, 32) and x.dtype == torch.float32
    want = (1 - np.array(IMAGENET_MEAN)) / np.array(IMAGENET_STD)
    np.testing.assert_allclose(x[0].mean(dim=(1, 2)).numpy(), want, atol=1e-5)


def test_preprocess_accepts_gray_float_lists_and_batches():
    mean, std = np.array(MEAN), np.array(STD)

    def channel_means(x):
        return x.mean(dim=(2, 3)).numpy()

    gray = np.full((28, 28), 51, dtype=np.uint8)  # 51 / 255 = 0.2
    x = preprocess(gray, NORM, size=32)
    assert x.shape == (1, 3, 32, 32)
    # gray -> the same value in all 3 channels, then each channel normalised with its own mean/std
    np.testing.assert_allclose(
        channel_means(x)[0], (0.2 - mean) / std, atol=1e-5
    )
    assert float(x.std(dim=(2, 3)).max()) < 1e-5  # a flat image stays flat
    batch = np.stack(
        [np.full((28, 28), v, np.uint8) for v in (0, 255, 51, 204, 102)]
    )
    # a gray batch (N, H, W): 5 images, not one
    xb = preprocess(batch, NORM, size=32)
    levels = np.array([0, 255, 51, 204, 102]) / 255
    np.testing.assert_allclose(
        channel_means(xb), (levels[:, None] - mean) / std, atol=1e-5
    )
    rgb = np.zeros((4, 40, 30, 3), np.uint8)
    rgb[..., 0] = 255  # red
    xr = preprocess(rgb, NORM, size=32)
    np.testing.assert_allclose(
        channel_means(xr),
        np.tile((np.array([1, 0, 0]) - mean) / std, (4, 1)),
        atol=1e-5,
    )
    # sizes and dtypes may differ
    mixed = [np.zeros((40, 60, 3), np.uint8), np.ones((100, 90), np.float32)]
    xm = preprocess(mixed, NORM, size=32)
    np.testing.assert_allclose(
        channel_means(xm), [(0 - mean) / std, (1 - mean) / std], atol=1e-5
    )
    # uint8 255 and float 1.0 are the same colour
    a = preprocess(np.full((40, 40), 255, np.uint8), NORM, size=32)
    b = preprocess(np.ones((40, 40), np.float64), NORM, size=32)
    assert torch.allclose(a, b)


def test_crop_and_normalise_is_preprocess_on_a_resized_image():
    """The folder tagger's NumPy path (read_image(size=256) + crop_and_normalise) equals preprocess."""
    rng = np.random.default_rng(0)
    # shorter side 256 = 224 / 0.875
    img = rng.integers(0, 256, (256, 341, 3), dtype=np.uint8)
    want = preprocess(img, NORM)[0].numpy()
    got = crop_and_normalise(img, MEAN, STD)
    assert got.shape == (3, 224, 224) and got.dtype == np.float32
    np.testing.assert_allclose(got, want, atol=1e-5)
    with pytest.raises(ValueError, match="read_image\\(path, size=256\\)"):
        crop_and_normalise(img[:100], MEAN, STD)


def test_preprocess_centre_crop_keeps_the_middle():
    img = np.zeros((100, 300, 3), dtype=np.uint8)
    img[:, 100:200] = 255  # a white middle third
    # shorter side -> 32, width -> 96, crop the middle 32
    x = preprocess(img, NORM, size=32, crop_pct=1.0)
    white = torch.tensor(
        [(1 - m) / s for m, s in zip(IMAGENET_MEAN, IMAGENET_STD, strict=True)]
    ).view(3, 1, 1)
    # all white except the outermost columns, which the antialiasing filter blends with the black sides
    assert torch.allclose(x[0][:, :, 1:-1], white.expand(3, 32, 30), atol=1e-4)
    assert (x[0][:, :, [0, -1]] > 0).all()


@pytest.mark.parametrize(
    "bad, error, match",
    [
        (np.zeros((10, 10, 4), np.uint8), ValueError, "RGBA"),
        (np.full((10, 10, 3), 2.0), ValueError, r"outside \[0, 1\]"),
        ([], ValueError, "empty list"),
        ("cat.png", TypeError, "numpy array or a list"),
        (np.zeros((10, 10, 3), np.int32), TypeError, "dtype int32"),
    ],
)
def test_preprocess_rejects_bad_images(bad, error, match):
    with pytest.raises(error, match=match):
        preprocess(bad, NORM)


def test_preprocess_rejects_bad_settings():
    img = np.zeros((20, 20, 3), np.uint8)
    with pytest.raises(
        ValueError,
        match=r"size=8; it must be an integer >= 16 \(224 is what the model",
    ):
        preprocess(img, NORM, size=8)
    with pytest.raises(ValueError, match="crop_pct=0.2"):
        preprocess(img, NORM, crop_pct=0.2)


# ---------------------------------------------------------------- tags


def test_top_k_and_threshold_on_a_toy_distribution():
    names = ["a", "b", "c", "d"]
    proba = np.array(
        [[0.1, 0.6, 0.05, 0.25], [0.25, 0.25, 0.25, 0.25]], dtype=np.float32
    )
    assert [t for t, _ in top_k_tags(proba, names, k=2)[0]] == ["b", "d"]
    # one row works too
    assert top_k_tags(proba[0], names, k=1) == [[("b", pytest.approx(0.6))]]
    over = tags_over_threshold(proba, names, threshold=0.2)
    assert [t for t, _ in over[0]] == ["b", "d"]
    # ties keep class order
    assert [t for t, _ in over[1]] == ["a", "b", "c", "d"]
    # nothing passes: no tags
    assert tags_over_threshold(proba, names, threshold=0.7) == [[], []]
    assert (
        len(tags_over_threshold(proba, names, threshold=0.2, max_tags=1)[1])
        == 1
    )


def test_tag_functions_reject_bad_input():
    names = ["a", "b"]
    with pytest.raises(
        ValueError, match="3 class names for 2 probability columns"
    ):
        top_k_tags(np.array([[0.5, 0.5]]), names + ["c"])
    with pytest.raises(
        ValueError,
        match=r"k=3; it must be an integer between 1 and 2 \(the number of tags",
    ):
        top_k_tags(np.array([[0.5, 0.5]]), names, k=3)
    with pytest.raises(ValueError, match="threshold=0 must be a probability"):
        tags_over_threshold(np.array([[0.5, 0.5]]), names, threshold=0)
    with pytest.raises(ValueError, match="float array"):
        top_k_tags(np.array([[1, 0]]), names)


def test_coarse_proba_sums_within_tags():
    proba = np.array([[0.5, 0.2, 0.3], [0.0, 1.0, 0.0]], dtype=np.float32)
    p, tags = coarse_proba(proba, ["animal", "food", "animal"])
    assert tags == ["animal", "food"]
    np.testing.assert_allclose(p, [[0.8, 0.2], [0.0, 1.0]])


# ---------------------------------------------------------------- the real model


def test_predict_proba_tags_the_sample_photos(model, table):
    from helpers import load_photo
    from helpers.tagging import features_and_proba, predict_proba

    photos = [
        load_photo(n, verbose=False) for n in ("chelsea", "coffee", "rocket")
    ]
    proba = predict_proba(model, photos, batch_size=2)
    assert proba.shape == (3, 1000) and proba.dtype == np.float32
    np.testing.assert_allclose(proba.sum(axis=1), 1, atol=1e-4)
    names = list(table["name"])
    top1 = [tags[0][0] for tags in top_k_tags(proba, names, k=1)]
    assert top1[1:] == ["espresso", "missile"]
    assert top1[0] in {"tabby", "Egyptian cat", "tiger cat"}
    coarse, tags = coarse_proba(proba, table["coarse"])
    assert [tags[j] for j in coarse.argmax(axis=1)] == [
        "animal",
        "food",
        "vehicle",
    ]
    # one forward pass gives the same probabilities plus the 1280 penultimate features
    feats, proba2 = features_and_proba(model, photos, batch_size=3)
    assert feats.shape == (3, 1280)
    np.testing.assert_allclose(proba2, proba, atol=1e-5)


def test_batch_size_does_not_change_the_answer(model):
    from helpers.tagging import predict_proba

    rng = np.random.default_rng(0)
    images = [
        rng.integers(0, 256, (40, 50, 3), dtype=np.uint8) for _ in range(5)
    ]
    a = predict_proba(model, images, batch_size=1, size=64)
    b = predict_proba(model, images, batch_size=4, size=64)
    np.testing.assert_allclose(a, b, atol=1e-5)
    with pytest.raises(
        ValueError,
        match=r"batch_size=0; it must be an integer >= 1 \(e\.g\. 32\)",
    ):
        predict_proba(model, images, batch_size=0)
    with pytest.raises(TypeError, match="model must be a torch module"):
        predict_proba("efficientnet", images)


# ---------------------------------------------------------------- the coarse-tag table


def test_shipped_table_is_complete_and_sane(table):
    from helpers import imagenet_class_names

    assert list(table.columns) == [
        "index",
        "wnid",
        "name",
        "coarse",
        "via",
        "path",
    ]
    assert len(table) == 1000 and list(table["index"]) == list(range(1000))
    assert table["wnid"].str.fullmatch(r"n\d{8}").all()
    assert list(table["name"]) == [
        d.split(",")[0].strip() for d in imagenet_class_names()
    ]
    by_name = table.drop_duplicates("name").set_index("name")["coarse"]
    expected = {
        "Egyptian cat": "animal",
        "goldfish": "animal",
        "espresso": "food",
        "pizza": "food",
        "missile": "vehicle",
        "space shuttle": "vehicle",
        "school bus": "vehicle",
        "jersey": "clothing",
        "sandal": "clothing",
        "running shoe": "clothing",
        "cardigan": "clothing",
        "scuba diver": "person",
        "daisy": "plant",
        "volcano": "landscape",
        "grand piano": "musical instrument",
    }
    assert {k: by_name[k] for k in expected} == expected
    counts = table["coarse"].value_counts()
    assert counts["animal"] == 398 and counts["person"] == 3
    # the roll-up covers most classes
    assert (table["coarse"] == "other").sum() < 100


def test_table_rebuilds_from_wordnet_identically():
    if not (WORDNET / "data.noun").is_file():
        pytest.skip(
            "WordNet 3.0 is not installed at /usr/share/wordnet (Debian: apt-get install wordnet-base)"
        )
    from tools.build_coarse_tags import OUT, build_rows, to_csv

    assert to_csv(build_rows(WORDNET)) == OUT.read_text(encoding="utf-8"), (
        "data/imagenet_coarse_tags.csv differs from a fresh build: run python -m tools.build_coarse_tags"
    )


def test_a_missing_table_names_the_command_that_rebuilds_it(
    tmp_path, monkeypatch
):
    import helpers.data
    import tools.build_coarse_tags

    monkeypatch.setattr(
        helpers.data, "COARSE_TAGS_FILE", tmp_path / "imagenet_coarse_tags.csv"
    )
    command = "python -m tools.build_coarse_tags"
    with pytest.raises(FileNotFoundError, match=command):
        load_coarse_tags(verbose=False)
    assert command in tools.build_coarse_tags.__doc__


def test_builder_parses_wordnet_lines(tmp_path):
    from tools.build_coarse_tags import hypernym_paths, read_wordnet_nouns

    (tmp_path / "data.noun").write_text(
        "  1 licence header line\n"
        "00000001 03 n 01 entity 0 000 | the top\n"
        "00000002 05 n 02 animal 0 beast 0 001 @ 00000001 n 0000 | a living thing\n"
        "00000003 05 n 01 cat 0 002 @ 00000002 n 0000 ~ 00000004 n 0000 | a cat\n",
        encoding="latin-1",
    )
    hyper, lemmas = read_wordnet_nouns(tmp_path / "data.noun")
    # '~' is not a hypernym
    assert hyper == {
        "00000001": [],
        "00000002": ["00000001"],
        "00000003": ["00000002"],
    }
    assert lemmas["00000002"] == ["animal", "beast"]
    assert hypernym_paths("00000003", hyper)["00000001"] == [
        "00000003",
        "00000002",
        "00000001",
    ]
    with pytest.raises(FileNotFoundError, match="wordnet-base"):
        read_wordnet_nouns(tmp_path / "missing" / "data.noun")


def test_load_coarse_tags_says_where(capsys):
    load_coarse_tags()
    assert (
        "coarse tags: loaded from the course's data folder"
        in capsys.readouterr().out
    )
