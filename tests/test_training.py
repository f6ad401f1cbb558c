"""helpers.training, helpers.models and helpers.runs: data contracts, SmallCNN shapes, fit/evaluate
on small real and synthetic data, the host reads per epoch, fit_or_load."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from helpers.models import SmallCNN  # noqa: E402
from helpers.training import (  # noqa: E402
    History,
    count_parameters,
    evaluate,
    fit,
    predict,
    to_tensor_images,
    to_tensor_labels,
)


def toy_data(n=256, seed=0):
    """Two easy classes: bright square top-left vs bottom-right, uint8 28x28."""
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 40, size=(n, 28, 28), dtype=np.uint8)
    y = rng.integers(0, 2, size=n)
    for i, label in enumerate(y):
        r = 2 if label == 0 else 16
        X[i, r : r + 10, r : r + 10] = 220
    return X, y


def test_to_tensor_images_shapes_and_range():
    X = np.array([[[0, 255], [128, 51]]], dtype=np.uint8)
    t = to_tensor_images(X)
    assert t.shape == (1, 1, 2, 2) and t.dtype == torch.float32
    assert (
        float(t.max()) == 1.0
        and float(t.min()) == 0.0
        and abs(float(t[0, 0, 1, 0]) - 128 / 255) < 1e-7
    )
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


@pytest.mark.parametrize(
    "bad, err, match",
    [
        (
            np.zeros((2, 4, 4), dtype=np.float64),
            TypeError,
            "dtype float64; expected uint8",
        ),
        (
            np.zeros((4, 4), dtype=np.uint8),
            ValueError,
            r"shape \(4, 4\); expected \(N, H, W\)",
        ),
        (np.zeros((0, 4, 4), dtype=np.uint8), ValueError, "is empty"),
        (
            [[1, 2]],
            TypeError,
            "must be a numpy array or torch tensor, got list",
        ),
        (torch.full((1, 1, 2, 2), 3.0), ValueError, r"outside \[0, 1\]"),
    ],
)
def test_to_tensor_images_bad_input(bad, err, match):
    with pytest.raises(err, match=match):
        to_tensor_images(bad)


def test_labels_contract():
    assert to_tensor_labels([0, 1, 9], 10).dtype == torch.int64
    with pytest.raises(
        ValueError, match="label 10 but the model has 10 outputs"
    ):
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
    assert SmallCNN(
        num_classes=3, channels=(4, 8), dropout=0.5, activation="tanh"
    )(x).shape == (5, 3)
    assert SmallCNN(in_channels=3)(torch.rand(2, 3, 64, 64)).shape == (2, 10)
    assert count_parameters(SmallCNN(channels=(8, 16, 32))) < count_parameters(
        SmallCNN()
    )
    with pytest.raises(ValueError, match="dropout=1.5"):
        SmallCNN(dropout=1.5)
    with pytest.raises(
        ValueError, match="activation='swish' is not one of relu"
    ):
        SmallCNN(activation="swish")
    with pytest.raises(ValueError, match="channels="):
        SmallCNN(channels=(8, 0))


def test_fit_learns_toy_task_and_is_reproducible():
    X, y = toy_data()
    runs = []
    for _ in range(2):
        # the initial weights: fit seeds only the batch order
        torch.manual_seed(0)
        model = SmallCNN(num_classes=2, channels=(4, 8))
        h = fit(
            model,
            X[:192],
            y[:192],
            X[192:],
            y[192:],
            epochs=3,
            lr=3e-3,
            batch_size=32,
            device="cpu",
            progress=False,
        )
        runs.append(h)
    assert (
        isinstance(h, History)
        and h.epochs == 3
        and len(h.val_acc) == len(h.seconds) == 3
    )
    assert h.val_acc[-1] >= 0.9, h
    assert runs[0].train_loss == runs[1].train_loss  # same seed, same numbers
    assert not model.training  # left in eval mode
    acc = evaluate(model, X[192:], y[192:], device="cpu")
    assert acc == pytest.approx(h.best_val_acc)
    assert predict(model, X[:7], device="cpu").shape == (7,)
    assert list(h.to_frame().columns) == [
        "train_loss",
        "val_loss",
        "val_acc",
        "seconds",
    ]


def test_fit_early_stopping_restores_best_epoch():
    X, y = toy_data(128)
    # labels with no signal: val loss rises
    y_noise = np.random.default_rng(1).integers(0, 2, size=len(y))
    model = SmallCNN(num_classes=2, channels=(4, 8))
    h = fit(
        model,
        X[:96],
        y_noise[:96],
        X[96:],
        y_noise[96:],
        epochs=30,
        lr=1e-2,
        batch_size=16,
        device="cpu",
        patience=2,
        progress=False,
    )
    assert h.stopped_early and h.epochs < 30
    assert h.best_epoch == int(np.argmin(h.val_loss)) + 1
    assert h.epochs - h.best_epoch == 2
    val_loss_now = torch.nn.functional.cross_entropy(
        model(to_tensor_images(X[96:])), to_tensor_labels(y_noise[96:])
    ).item()
    assert val_loss_now == pytest.approx(min(h.val_loss), rel=1e-4)


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(epochs=0), ValueError, "epochs=0; it must be an integer >= 1"),
        (
            dict(optimizer="rmsprop"),
            ValueError,
            "optimizer='rmsprop' is not one of adam, adamw, sgd",
        ),
        (
            dict(lr=-1.0),
            ValueError,
            "lr=-1.0; the learning rate must be a positive number",
        ),
        (dict(batch_size=0), ValueError, "batch_size=0"),
        (
            dict(loss="hinge"),
            ValueError,
            "loss='hinge' is not one of cross_entropy, mse",
        ),
        (dict(patience=0), ValueError, "patience=0"),
        (dict(schedule="cosine"), ValueError, "schedule='cosine'"),
    ],
)
def test_fit_bad_settings(kwargs, err, match):
    X, y = toy_data(32)
    settings = dict(epochs=1, lr=1e-3, device="cpu", progress=False) | kwargs
    with pytest.raises(err, match=match):
        fit(SmallCNN(num_classes=2), X, y, X, y, **settings)


def test_fit_bad_data():
    X, y = toy_data(32)
    model = SmallCNN(num_classes=2)
    with pytest.raises(
        ValueError, match="X_train has 32 images but y_train has 31 labels"
    ):
        fit(
            model,
            X,
            y[:31],
            X,
            y,
            epochs=1,
            lr=1e-3,
            device="cpu",
            progress=False,
        )
    with pytest.raises(
        ValueError, match="label 5 but the model has 2 outputs"
    ):
        fit(
            model,
            X,
            np.full(32, 5),
            X,
            y,
            epochs=1,
            lr=1e-3,
            device="cpu",
            progress=False,
        )
    with pytest.raises(TypeError, match="X_train has dtype float64"):
        fit(
            model,
            X / 255.0,
            y,
            X,
            y,
            epochs=1,
            lr=1e-3,
            device="cpu",
            progress=False,
        )
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        fit("cnn", X, y, X, y, epochs=1, lr=1e-3, device="cpu", progress=False)


def test_fit_with_sgd_onecycle_and_mse_runs():
    X, y = toy_data(64)
    for kw in (
        dict(optimizer="sgd", lr=0.05, schedule="onecycle"),
        dict(loss="mse", lr=3e-3),
    ):
        h = fit(
            SmallCNN(num_classes=2, channels=(4,)),
            X,
            y,
            X,
            y,
            epochs=1,
            device="cpu",
            progress=False,
            **kw,
        )
        assert np.isfinite(h.train_loss[0])


def test_import_is_light():
    import subprocess
    import sys

    code = (
        "import sys, helpers.training, helpers.runs; "
        "print('torch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False" and out.stderr == ""


# ---------------------------------------------------------------- the parts of fit


def test_early_stopping_rule_and_best_state():
    from helpers.training import EarlyStopping

    rule = EarlyStopping(patience=2)
    decisions = [rule.step(v) for v in [1.0, 0.8, 0.8, 0.7, 0.75, 0.9]]
    # equal is no progress; 2 bad in a row stop
    assert decisions == [False, False, False, False, False, True]
    assert rule.best_epoch == 4 and rule.best_loss == 0.7
    never = EarlyStopping(None)
    assert (
        not any(never.step(v) for v in [1, 2, 3, 4, 5])
        and never.best_epoch == 1
    )
    with pytest.raises(ValueError, match="patience=0"):
        EarlyStopping(0)


def test_train_one_epoch_and_validate_on_toy_data():
    from helpers.training import make_optimizer, train_one_epoch, validate

    X, y = toy_data(128)
    Xt, yt = to_tensor_images(X), to_tensor_labels(y)
    torch.manual_seed(0)
    model = SmallCNN(num_classes=2, channels=(4, 8))
    before, _ = validate(model, Xt, yt)
    opt = make_optimizer(model, "adam", 3e-3)
    gen = torch.Generator().manual_seed(0)
    for _ in range(3):
        mean_loss = train_one_epoch(
            model,
            Xt,
            yt,
            opt,
            torch.nn.functional.cross_entropy,
            batch_size=32,
            device=torch.device("cpu"),
            generator=gen,
        )
    after, acc = validate(model, Xt, yt)
    assert np.isfinite(mean_loss) and after < before and acc >= 0.9
    assert not model.training


def test_make_optimizer_needs_trainable_parameters():
    from helpers.training import make_optimizer

    model = SmallCNN(num_classes=2, channels=(4,))
    for p in model.parameters():
        p.requires_grad = False
    with pytest.raises(ValueError, match="no trainable parameters"):
        make_optimizer(model, "adam", 1e-3)


def test_step_schedule_multiplies_the_rate_by_gamma_every_step_size_epochs():
    X, y = toy_data(32)
    h = fit(
        SmallCNN(num_classes=2, channels=(4,)),
        X,
        y,
        X,
        y,
        epochs=5,
        lr=0.1,
        optimizer="sgd",
        schedule="step",
        step_size=2,
        gamma=0.5,
        device="cpu",
    )
    assert h.lr == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025])
    with pytest.raises(ValueError, match="needs step_size"):
        fit(
            SmallCNN(num_classes=2),
            X,
            y,
            X,
            y,
            epochs=1,
            lr=0.1,
            schedule="step",
            device="cpu",
        )
    with pytest.raises(ValueError, match="gamma=2"):
        fit(
            SmallCNN(num_classes=2),
            X,
            y,
            X,
            y,
            epochs=1,
            lr=0.1,
            schedule="step",
            step_size=1,
            gamma=2,
            device="cpu",
        )


def test_flip_and_shift_keeps_shape_and_moves_pixels():
    from helpers.training import flip_and_shift

    x = torch.zeros(64, 1, 8, 8)
    x[:, 0, 3, 1] = 1.0  # one bright pixel, left of centre
    out = flip_and_shift(x, torch.Generator().manual_seed(0), max_shift=2)
    assert out.shape == x.shape and torch.all(out.sum((1, 2, 3)) <= 1)
    # column of the pixel in each image (0 if shifted out)
    cols = out[:, 0].amax(1).argmax(1)
    assert len(set(cols.tolist())) > 3  # positions vary from image to image
    assert (cols >= 4).any()  # some were mirrored to the right half
    flipped_only = flip_and_shift(
        x, torch.Generator().manual_seed(0), max_shift=0
    )
    assert set(flipped_only[:, 0, 3].argmax(1).tolist()) == {1, 6}
    X, y = toy_data(64)
    h = fit(
        SmallCNN(num_classes=2, channels=(4,)),
        X,
        y,
        X,
        y,
        epochs=1,
        lr=1e-3,
        augment=flip_and_shift,
        device="cpu",
    )
    assert np.isfinite(h.train_loss[0])
    with pytest.raises(TypeError, match="augment="):
        fit(
            SmallCNN(num_classes=2),
            X,
            y,
            X,
            y,
            epochs=1,
            lr=1e-3,
            augment="flip",
            device="cpu",
        )


def test_progress_prints_one_plain_line_per_epoch(capsys):
    X, y = toy_data(32)
    fit(
        SmallCNN(num_classes=2, channels=(4,)),
        X,
        y,
        X,
        y,
        epochs=2,
        lr=1e-3,
        device="cpu",
        progress=True,
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert (
        len(lines) == 2
        and lines[0].startswith("epoch 1/2: train loss")
        and "\r" not in lines[0]
    )


# ---------------------------------------------------------------- fit_or_load


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("IMAGES_AS_DATA_CACHE", str(tmp_path))
    return tmp_path


def _fresh(channels=(4,), seed=0):
    torch.manual_seed(seed)
    return SmallCNN(num_classes=2, channels=channels)


def test_fit_or_load_trains_then_loads_and_says_so(cache, capsys):
    from helpers.runs import fit_or_load

    X, y = toy_data(64)
    settings = dict(epochs=2, lr=3e-3, batch_size=16, device="cpu")
    first = _fresh()
    h1 = fit_or_load(
        first, X[:48], y[:48], X[48:], y[48:], name="toy", **settings
    )
    out = capsys.readouterr().out
    assert "toy: trained (2 epochs" in out and not h1.from_cache
    files = sorted(p.suffix for p in (cache / "runs").iterdir())
    assert files == [".json", ".safetensors"]

    second = _fresh()
    h2 = fit_or_load(
        second, X[:48], y[:48], X[48:], y[48:], name="toy", **settings
    )
    out = capsys.readouterr().out
    assert "toy: loaded from the cache" in out and h2.from_cache
    assert h2.val_loss == h1.val_loss and h2.best_epoch == h1.best_epoch
    for a, b in zip(
        first.state_dict().values(), second.state_dict().values(), strict=True
    ):
        assert torch.equal(a, b)
    assert not second.training


def test_fit_or_load_key_changes_with_settings_code_data_and_init(cache):
    from helpers.runs import fingerprint, run_key

    X, y = toy_data(32)
    data = fingerprint(X, y)
    base = run_key(_fresh(), dict(epochs=2, lr=1e-3), data)
    # order, where
    assert base == run_key(
        _fresh(), dict(lr=1e-3, epochs=2, device="cuda", progress=True), data
    )
    # a setting
    assert base != run_key(_fresh(), dict(epochs=3, lr=1e-3), data)
    # initial weights
    assert base != run_key(_fresh(seed=1), dict(epochs=2, lr=1e-3), data)
    # architecture
    assert base != run_key(
        _fresh(channels=(5,)), dict(epochs=2, lr=1e-3), data
    )
    X2 = X.copy()
    X2[0, 0, 0] += 1
    # one pixel of data
    assert base != run_key(
        _fresh(), dict(epochs=2, lr=1e-3), fingerprint(X2, y)
    )

    def aug_a(x, g):
        return x

    def aug_b(x, g):
        return x.flip(-1)

    assert run_key(_fresh(), dict(epochs=2, augment=aug_a), data) != run_key(
        _fresh(), dict(epochs=2, augment=aug_b), data
    )


def test_fit_or_load_key_changes_with_model_code(cache):
    """Two notebook-cell classes with the same name, layers and weights but different forward
    code get different keys."""
    import linecache

    from torch import nn

    from helpers.runs import model_code, run_key

    # define class Net as a notebook cell does: source only in linecache, module __main__
    def cell(body, number):
        source = (
            "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.lin = nn.Linear(4, 2)\n        self.num_classes = 2\n\n"
            f"    def forward(self, x):\n        return {body}\n"
        )
        filename = f"<ipython-input-{number}-test>"
        linecache.cache[filename] = (
            len(source),
            None,
            source.splitlines(True),
            filename,
        )
        namespace = {"nn": nn, "__name__": "__main__"}
        exec(compile(source, filename, "exec"), namespace)
        torch.manual_seed(0)
        return namespace["Net"]()

    a, b = (
        cell("self.lin(x.flatten(1)[:, :4])", 1),
        cell("2 * self.lin(x.flatten(1)[:, :4])", 2),
    )
    assert "2 * self.lin" in model_code(
        b
    ) and "2 * self.lin" not in model_code(a)
    assert all(
        torch.equal(u, v)
        for u, v in zip(
            a.state_dict().values(), b.state_dict().values(), strict=True
        )
    )
    assert run_key(a, {"epochs": 1}, "d") != run_key(b, {"epochs": 1}, "d")


def test_fit_or_load_bad_name(cache):
    from helpers.runs import fit_or_load

    X, y = toy_data(16)
    with pytest.raises(ValueError, match="name='my run/1'"):
        fit_or_load(
            _fresh(),
            X,
            y,
            X,
            y,
            name="my run/1",
            epochs=1,
            lr=1e-3,
            device="cpu",
        )


def test_load_bench_results_reads_the_committed_tables():
    from helpers.training import load_bench_results

    scaling = load_bench_results("vit_scaling")
    assert (
        set(scaling["model"]) == {"CNN", "ViT"}
        and scaling["test_acc"].between(0.1, 1).all()
    )
    # at least three sizes each
    assert (
        scaling.groupby("model")["n_train"].apply(sorted).map(len).min() >= 3
    )
    transfer = load_bench_results("transfer")
    assert {"scratch", "probe", "fine-tune"} <= set(transfer["arm"])
    assert transfer["test_acc"].between(0.1, 1).all()
    with pytest.raises(
        FileNotFoundError,
        match=r"no committed results nothing.csv .*\(have: .*vit_scaling",
    ):
        load_bench_results("nothing")
    with pytest.raises(ValueError, match="name='../x'"):
        load_bench_results("../x")


# ---------------------------------------------------------------- host reads (GPU speed)


def _reference_epoch(model, X, y, opt, batch_size, generator):
    """The loop as it was before the loss stayed on the device: float(loss) after every batch."""
    import torch.nn.functional as F

    model.train()
    order = torch.randperm(len(X), generator=generator)
    total = 0.0
    for start in range(0, len(X), batch_size):
        idx = order[start : start + batch_size]
        loss = F.cross_entropy(model(X[idx]), y[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        total += float(loss.detach()) * len(idx)
    return total / len(X)


def test_train_one_epoch_gives_the_per_batch_loop_s_numbers_on_cpu():
    """Summing the loss on the device changes when it is read, not what it is."""
    import torch.nn.functional as F

    from helpers.training import make_optimizer, train_one_epoch

    X, y = toy_data(200)
    X, y = to_tensor_images(X), to_tensor_labels(y)
    losses, weights = [], []
    for run in ("reference", "course"):
        torch.manual_seed(3)
        model = SmallCNN(num_classes=2, channels=(4, 8))
        opt = make_optimizer(model, "adam", 1e-2)
        gen = torch.Generator().manual_seed(5)
        epoch_losses = []
        for _ in range(2):
            if run == "reference":
                epoch_losses.append(
                    _reference_epoch(model, X, y, opt, 32, gen)
                )
            else:
                epoch_losses.append(
                    train_one_epoch(
                        model,
                        X,
                        y,
                        opt,
                        F.cross_entropy,
                        batch_size=32,
                        device=torch.device("cpu"),
                        generator=gen,
                    )
                )
        losses.append(epoch_losses)
        weights.append(torch.cat([p.flatten() for p in model.parameters()]))
    assert losses[0] == losses[1]  # bit for bit: same order, same sums
    assert torch.equal(weights[0], weights[1])


class _HostReads:
    """Counts the calls that copy a tensor's value to Python (on a GPU, each one waits for it).

    torch.optim's own reads are not counted: Adam keeps its step counter on the host (a CPU
    tensor even when the model is on a GPU), so reading it waits for nothing.
    """

    NAMES = ("item", "__float__", "__int__", "__bool__", "tolist", "numpy")

    def __init__(self, monkeypatch):
        import sys

        self.count = 0
        for name in self.NAMES:
            original = getattr(torch.Tensor, name)

            def counted(tensor, *args, _original=original, **kwargs):
                caller = sys._getframe(1).f_code.co_filename.replace("\\", "/")
                if "/torch/optim/" not in caller:
                    self.count += 1
                return _original(tensor, *args, **kwargs)

            monkeypatch.setattr(torch.Tensor, name, counted)


def test_an_epoch_reads_the_device_once_however_many_batches(monkeypatch):
    import torch.nn.functional as F

    from helpers.training import (
        flip_and_shift,
        make_optimizer,
        train_one_epoch,
        validate,
    )

    X, y = toy_data(256)
    X, y = to_tensor_images(X), to_tensor_labels(y)
    model = SmallCNN(num_classes=2, channels=(4, 8))
    opt = make_optimizer(model, "adam", 1e-3)
    reads = _HostReads(monkeypatch)
    train_one_epoch(
        model,
        X,
        y,
        opt,
        F.cross_entropy,
        batch_size=8,  # 32 batches
        device=torch.device("cpu"),
        generator=torch.Generator().manual_seed(0),
        augment=flip_and_shift,
    )
    assert reads.count <= 2, f"{reads.count} host reads in one epoch"
    reads.count = 0
    validate(model, X, y, batch_size=16)  # 16 batches
    assert reads.count <= 2, f"{reads.count} host reads in one validation"
    reads.count = 0
    loss = F.cross_entropy(model(X[:4]), y[:4])
    float(loss.detach())
    assert reads.count == 1  # the counter itself counts


def test_fit_compile_must_be_a_bool():
    X, y = toy_data(32)
    with pytest.raises(TypeError, match="compile='yes'"):
        fit(
            SmallCNN(num_classes=2),
            X,
            y,
            X,
            y,
            epochs=1,
            lr=1e-3,
            compile="yes",
        )


# ---------------------------------------------------------------- large batches: scale_lr, warm-up


def test_scale_lr_rules_from_32_to_512():
    from helpers.training import scale_lr

    assert scale_lr(0.003, 512, 32) == pytest.approx(0.012)  # sqrt(16) = 4
    assert scale_lr(0.05, 512, 32, "linear") == pytest.approx(0.8)
    assert scale_lr(0.05, 512, 32, "none") == 0.05
    assert scale_lr(0.01, 8, 32) == pytest.approx(
        0.005
    )  # smaller batch: smaller step
    with pytest.raises(ValueError, match="rule='cube'.*'sqrt' for Adam"):
        scale_lr(0.01, 512, 32, "cube")
    with pytest.raises(ValueError, match="base_batch_size=0"):
        scale_lr(0.01, 512, 0)


def _rates_per_update(monkeypatch, **fit_options):
    """The learning rate each optimiser step used, in order."""
    seen = []
    original = torch.optim.SGD.step

    def step(self, *args, **kwargs):
        seen.append(self.param_groups[0]["lr"])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(torch.optim.SGD, "step", step)
    X, y = toy_data(64)
    fit(
        SmallCNN(num_classes=2, channels=(4, 8)),
        X,
        y,
        X[:16],
        y[:16],
        lr=0.1,
        batch_size=16,  # 4 updates per epoch
        optimizer="sgd",
        device="cpu",
        **fit_options,
    )
    return seen


def test_warmup_climbs_linearly_then_holds_the_rate(monkeypatch):
    rates = _rates_per_update(monkeypatch, epochs=3, warmup_epochs=1.5)
    assert len(rates) == 12
    assert rates[:6] == pytest.approx([0.1 * k / 6 for k in range(1, 7)])
    assert rates[6:] == pytest.approx([0.1] * 6)


def test_warmup_then_step_schedule_cuts_from_the_full_rate(monkeypatch):
    rates = _rates_per_update(
        monkeypatch,
        epochs=3,
        warmup_epochs=1,
        schedule="step",
        step_size=2,
        gamma=0.5,
    )
    assert rates[:4] == pytest.approx([0.025, 0.05, 0.075, 0.1])
    assert rates[4:8] == pytest.approx([0.1] * 4)
    assert rates[8:] == pytest.approx([0.05] * 4)


def test_no_warmup_keeps_the_rate_from_the_first_update(monkeypatch):
    assert _rates_per_update(monkeypatch, epochs=2) == pytest.approx([0.1] * 8)


@pytest.mark.parametrize(
    "options, message",
    [
        (
            dict(warmup_epochs=-1),
            r"warmup_epochs=-1; pass a number of epochs from 0",
        ),
        (dict(warmup_epochs=3), r"warmup_epochs=3.*to epochs=2"),
        (dict(warmup_epochs=True), r"warmup_epochs=True"),
        (
            dict(warmup_epochs=1, schedule="onecycle"),
            r"schedule='onecycle', which warms up by itself",
        ),
        (
            dict(warmup_epochs=2, schedule="step", step_size=1),
            r"longer than step_size=1",
        ),
    ],
)
def test_warmup_bad_values_name_the_value_and_the_fix(options, message):
    X, y = toy_data(32)
    with pytest.raises(ValueError, match=message):
        fit(SmallCNN(num_classes=2), X, y, X, y, epochs=2, lr=1e-3, **options)
