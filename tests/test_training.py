"""helpers.training: data contracts, SmallCNN shapes, fit/evaluate on small real and synthetic data."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from helpers.training import (History, SmallCNN, count_parameters, evaluate, fit, predict,  # noqa: E402
                              to_tensor_images, to_tensor_labels)


def toy_data(n=256, seed=0):
    """Two easy classes: bright square top-left vs bottom-right, uint8 28x28."""
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 40, size=(n, 28, 28), dtype=np.uint8)
    y = rng.integers(0, 2, size=n)
    for i, label in enumerate(y):
        r = 2 if label == 0 else 16
        X[i, r:r + 10, r:r + 10] = 220
    return X, y


def test_to_tensor_images_shapes_and_range():
    X = np.array([[[0, 255], [128, 51]]], dtype=np.uint8)
    t = to_tensor_images(X)
    assert t.shape == (1, 1, 2, 2) and t.dtype == torch.float32
    assert float(t.max()) == 1.0 and float(t.min()) == 0.0 and abs(float(t[0, 0, 1, 0]) - 128 / 255) < 1e-7
    rgb = np.zeros((3, 5, 6, 3), dtype=np.uint8)
    assert to_tensor_images(rgb).shape == (3, 3, 5, 6)
    same = torch.rand(2, 1, 4, 4)
    assert to_tensor_images(same) is same


def test_to_tensor_images_read_only_input_is_copied():
    X = np.zeros((2, 4, 4), dtype=np.uint8)
    X.setflags(write=False)
    t = to_tensor_images(X)
    t += 1  # must not touch X
    assert X.max() == 0


@pytest.mark.parametrize("bad, err, match", [
    (np.zeros((2, 4, 4), dtype=np.float64), TypeError, "dtype float64; expected uint8"),
    (np.zeros((4, 4), dtype=np.uint8), ValueError, r"shape \(4, 4\); expected \(N, H, W\)"),
    (np.zeros((0, 4, 4), dtype=np.uint8), ValueError, "is empty"),
    ([[1, 2]], TypeError, "must be a numpy array or torch tensor, got list"),
    (torch.full((1, 1, 2, 2), 3.0), ValueError, r"outside \[0, 1\]"),
])
def test_to_tensor_images_bad_input(bad, err, match):
    with pytest.raises(err, match=match):
        to_tensor_images(bad)


def test_labels_contract():
    assert to_tensor_labels([0, 1, 9], 10).dtype == torch.int64
    with pytest.raises(ValueError, match="label 10 but the model has 10 outputs"):
        to_tensor_labels([0, 10], 10)
    with pytest.raises(ValueError, match="negative label -1"):
        to_tensor_labels([0, -1])
    with pytest.raises(TypeError, match="dtype float64"):
        to_tensor_labels(np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="must be 1-D"):
        to_tensor_labels(np.zeros((2, 10), dtype=int))


def test_small_cnn_shapes_and_options():
    x = torch.rand(5, 1, 28, 28)
    assert SmallCNN()(x).shape == (5, 10)
    assert SmallCNN(num_classes=3, channels=(4, 8), dropout=0.5, activation="tanh")(x).shape == (5, 3)
    assert SmallCNN(in_channels=3)(torch.rand(2, 3, 64, 64)).shape == (2, 10)
    assert count_parameters(SmallCNN(channels=(8, 16, 32))) < count_parameters(SmallCNN())
    with pytest.raises(ValueError, match="dropout=1.5"):
        SmallCNN(dropout=1.5)
    with pytest.raises(ValueError, match="activation='swish' is not one of relu"):
        SmallCNN(activation="swish")
    with pytest.raises(ValueError, match="channels="):
        SmallCNN(channels=(8, 0))


def test_fit_learns_toy_task_and_is_reproducible():
    X, y = toy_data()
    runs = []
    for _ in range(2):
        torch.manual_seed(0)  # the initial weights: fit seeds only the batch order
        model = SmallCNN(num_classes=2, channels=(4, 8))
        h = fit(model, X[:192], y[:192], X[192:], y[192:], epochs=3, lr=3e-3, batch_size=32,
                device="cpu", progress=False)
        runs.append(h)
    assert isinstance(h, History) and h.epochs == 3 and len(h.val_acc) == len(h.seconds) == 3
    assert h.val_acc[-1] >= 0.9, h
    assert runs[0].train_loss == runs[1].train_loss  # same seed, same numbers
    assert not model.training  # left in eval mode
    acc = evaluate(model, X[192:], y[192:], device="cpu")
    assert acc == pytest.approx(h.best_val_acc)
    assert predict(model, X[:7], device="cpu").shape == (7,)
    assert list(h.to_frame().columns) == ["train_loss", "val_loss", "val_acc", "seconds"]


def test_fit_early_stopping_restores_best_epoch():
    X, y = toy_data(128)
    y_noise = np.random.default_rng(1).integers(0, 2, size=len(y))  # labels with no signal: val loss rises
    model = SmallCNN(num_classes=2, channels=(4, 8))
    h = fit(model, X[:96], y_noise[:96], X[96:], y_noise[96:], epochs=30, lr=1e-2, batch_size=16,
            device="cpu", patience=2, progress=False)
    assert h.stopped_early and h.epochs < 30
    assert h.best_epoch == int(np.argmin(h.val_loss)) + 1
    assert h.epochs - h.best_epoch == 2
    val_loss_now = torch.nn.functional.cross_entropy(
        model(to_tensor_images(X[96:])), to_tensor_labels(y_noise[96:])).item()
    assert val_loss_now == pytest.approx(min(h.val_loss), rel=1e-4)


@pytest.mark.parametrize("kwargs, err, match", [
    (dict(epochs=0), ValueError, "epochs=0; it must be an integer >= 1"),
    (dict(optimizer="rmsprop"), ValueError, "optimizer='rmsprop' is not one of adam, adamw, sgd"),
    (dict(lr=-1.0), ValueError, "lr=-1.0; the learning rate must be a positive number"),
    (dict(batch_size=0), ValueError, "batch_size=0"),
    (dict(loss="hinge"), ValueError, "loss='hinge' is not one of cross_entropy, mse"),
    (dict(patience=0), ValueError, "patience=0"),
    (dict(schedule="cosine"), ValueError, "schedule='cosine'"),
])
def test_fit_bad_settings(kwargs, err, match):
    X, y = toy_data(32)
    settings = dict(epochs=1, lr=1e-3, device="cpu", progress=False) | kwargs
    with pytest.raises(err, match=match):
        fit(SmallCNN(num_classes=2), X, y, X, y, **settings)


def test_fit_bad_data():
    X, y = toy_data(32)
    model = SmallCNN(num_classes=2)
    with pytest.raises(ValueError, match="X_train has 32 images but y_train has 31 labels"):
        fit(model, X, y[:31], X, y, epochs=1, lr=1e-3, device="cpu", progress=False)
    with pytest.raises(ValueError, match="label 5 but the model has 2 outputs"):
        fit(model, X, np.full(32, 5), X, y, epochs=1, lr=1e-3, device="cpu", progress=False)
    with pytest.raises(TypeError, match="X_train has dtype float64"):
        fit(model, X / 255.0, y, X, y, epochs=1, lr=1e-3, device="cpu", progress=False)
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        fit("cnn", X, y, X, y, epochs=1, lr=1e-3, device="cpu", progress=False)


def test_fit_with_sgd_onecycle_and_mse_runs():
    X, y = toy_data(64)
    for kw in (dict(optimizer="sgd", lr=0.05, schedule="onecycle"), dict(loss="mse", lr=3e-3)):
        h = fit(SmallCNN(num_classes=2, channels=(4,)), X, y, X, y, epochs=1, device="cpu", progress=False, **kw)
        assert np.isfinite(h.train_loss[0])


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, helpers.training; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False" and out.stderr == ""
