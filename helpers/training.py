"""The course's training loop, packaged after notebook 07 teaches it inline.

The model is helpers.models.SmallCNN; train once, then load: helpers.runs.fit_or_load.

Data are held in memory as tensors and batched by index (no DataLoader, no PIL images):
images float32 (N, C, H, W) in [0, 1], labels int64 (N,) in 0..num_classes-1.
Importing this module imports nothing heavy; torch is imported inside the functions.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from .validate import check_positive_int

OPTIMIZERS = ("adam", "adamw", "sgd")
LOSSES = ("cross_entropy", "mse")
ACTIVATIONS = ("relu", "gelu", "tanh", "sigmoid")
SCHEDULES = (None, "step", "onecycle")
LR_RULES = ("sqrt", "linear", "none")


# ---------------------------------------------------------------- data contracts


def to_tensor_images(X, name: str = "X"):
    """uint8 images (N, H, W) or (N, H, W, C) in 0..255 -> float32 tensor (N, C, H, W) in [0, 1].

    A float32 tensor that is already (N, C, H, W) in [0, 1] is returned unchanged.
    """
    import torch

    if isinstance(X, torch.Tensor):
        if X.dtype == torch.uint8:
            X = X.numpy() if X.device.type == "cpu" else X.cpu().numpy()
        elif X.dtype.is_floating_point:
            if X.ndim != 4:
                raise ValueError(
                    f"{name} is a float tensor of shape {tuple(X.shape)}; expected (N, C, H, W), "
                    f"e.g. {name}[:, None] to add the channel axis"
                )
            if X.numel() and (float(X.min()) < 0 or float(X.max()) > 1):
                raise ValueError(
                    f"{name} has values in [{float(X.min()):.3g}, {float(X.max()):.3g}], outside "
                    f"[0, 1]; pass the uint8 images and let to_tensor_images scale them"
                )
            return X.float()
        else:
            raise TypeError(
                f"{name} has dtype {X.dtype}; pass uint8 images (0..255) or float32 in [0, 1]"
            )
    if not isinstance(X, np.ndarray):
        raise TypeError(
            f"{name} must be a numpy array or torch tensor, got {type(X).__name__}; "
            f"convert with np.asarray({name})"
        )
    if X.dtype != np.uint8:
        raise TypeError(
            f"{name} has dtype {X.dtype}; expected uint8 images in 0..255 "
            f"(e.g. data.X_train from helpers.load_fashion_mnist()), or convert with "
            f"skimage.util.img_as_ubyte({name})"
        )
    if X.ndim == 3:
        X = X[:, None]  # (N, H, W) -> (N, 1, H, W)
    elif X.ndim == 4 and X.shape[-1] in (1, 3):
        X = np.moveaxis(X, -1, 1)  # (N, H, W, C) -> (N, C, H, W)
    else:
        raise ValueError(
            f"{name} has shape {X.shape}; expected (N, H, W) gray or (N, H, W, C) with C in 1, 3"
        )
    if X.shape[0] == 0:
        raise ValueError(
            f"{name} is empty (shape {X.shape}); pass at least one image"
        )
    # astype copies: safe to write
    return torch.from_numpy(X.astype(np.float32)).div_(255.0)


def to_tensor_labels(y, num_classes: int | None = None, name: str = "y"):
    """Integer class labels (N,) -> int64 tensor (N,); checks they lie in 0..num_classes-1."""
    import torch

    if isinstance(y, torch.Tensor):
        y = y.cpu().numpy()
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D (N,) class numbers, got shape {y.shape}; "
            f"for one-hot labels use {name}.argmax(1)"
        )
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(
            f"{name} has dtype {y.dtype}; labels must be integers 0..K-1, "
            f"e.g. {name}.astype(np.int64) if they are whole numbers"
        )
    if y.size and y.min() < 0:
        raise ValueError(
            f"{name} has a negative label {int(y.min())}; labels must be 0..K-1"
        )
    if num_classes is not None and y.size and y.max() >= num_classes:
        raise ValueError(
            f"{name} has label {int(y.max())} but the model has {num_classes} outputs "
            f"(labels 0..{num_classes - 1}); use SmallCNN(num_classes={int(y.max()) + 1}) "
            f"or remap the labels"
        )
    return torch.from_numpy(y.astype(np.int64))


def _images_and_labels(X, y, num_classes, name):
    X = to_tensor_images(X, name=f"X_{name}")
    y = to_tensor_labels(y, num_classes, name=f"y_{name}")
    if len(X) != len(y):
        raise ValueError(
            f"X_{name} has {len(X)} images but y_{name} has {len(y)} labels; "
            f"they must have the same length (one label per image)"
        )
    return X, y


def count_parameters(model) -> int:
    """Number of trainable parameters of a torch model."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


# ---------------------------------------------------------------- training, in parts
#
# fit() below is notebook 07's loop in four named parts a reader can follow:
#   make_optimizer / make_scheduler   how the weights move (and how the step size changes)
#   train_one_epoch                    forward, loss, backward, update, batch after batch
#   validate                           loss and accuracy on held-out images, no gradients
#   EarlyStopping                      the stopping rule, and the best epoch's weights


@dataclass
class History:
    """Per-epoch record of a fit: lists of train_loss, val_loss, val_acc, lr, seconds; best_epoch is 1-based.

    from_cache is True when helpers.runs.fit_or_load loaded the run instead of training it.
    """

    train_loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_acc: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    lr: list = field(default_factory=list)
    best_epoch: int = 0
    stopped_early: bool = False
    from_cache: bool = False

    @property
    def epochs(self) -> int:
        return len(self.train_loss)

    @property
    def best_val_acc(self) -> float:
        return (
            self.val_acc[self.best_epoch - 1]
            if self.best_epoch
            else float("nan")
        )

    def to_frame(self):
        """The history as a pandas DataFrame, one row per epoch."""
        import pandas as pd

        return pd.DataFrame(
            {
                "epoch": range(1, self.epochs + 1),
                "train_loss": self.train_loss,
                "val_loss": self.val_loss,
                "val_acc": self.val_acc,
                "seconds": self.seconds,
            }
        ).set_index("epoch")

    def to_dict(self) -> dict:
        return {
            k: getattr(self, k)
            for k in (
                "train_loss",
                "val_loss",
                "val_acc",
                "seconds",
                "lr",
                "best_epoch",
                "stopped_early",
            )
        }

    @classmethod
    def from_dict(cls, d: dict) -> History:
        return cls(
            **{
                k: d[k]
                for k in (
                    "train_loss",
                    "val_loss",
                    "val_acc",
                    "seconds",
                    "lr",
                    "best_epoch",
                    "stopped_early",
                )
                if k in d
            }
        )


class EarlyStopping:
    """The stopping rule: stop once the validation loss has not gone below its best for `patience` epochs.

    Call step(val_loss, model) once per epoch; it returns True when training should stop. It keeps a
    copy of the weights of the best epoch (best_epoch, counted from 1). patience=None never stops.
    """

    def __init__(self, patience: int | None = None):
        if patience is not None:
            check_positive_int(
                patience, "patience", "e.g. 3, or None to train all epochs"
            )
        self.patience = patience
        self.epoch, self.best_epoch, self.bad_epochs = 0, 0, 0
        self.best_loss, self.best_state = float("inf"), None

    def step(self, val_loss: float, model=None) -> bool:
        self.epoch += 1
        # strictly lower: an equal loss is no progress
        if val_loss < self.best_loss:
            self.best_loss, self.best_epoch, self.bad_epochs = (
                val_loss,
                self.epoch,
                0,
            )
            if model is not None:
                self.best_state = {
                    k: v.detach().clone()
                    for k, v in model.state_dict().items()
                }
            return False
        self.bad_epochs += 1
        return self.patience is not None and self.bad_epochs >= self.patience


def _autocast(device):
    import contextlib

    import torch

    if device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def _loss_fn(loss, num_classes):
    import torch.nn.functional as F

    if loss == "cross_entropy":
        return F.cross_entropy

    # squared error between softmax probabilities and one-hot targets
    def mse(logits, y):
        return F.mse_loss(
            logits.float().softmax(1), F.one_hot(y, num_classes).float()
        )

    return mse


def _as_device(device):
    import torch

    if device is None or device == "auto":
        from .device import choose_device

        return choose_device("auto", verbose=False)
    if isinstance(device, str):
        from .device import choose_device

        return choose_device(device, verbose=False)
    if isinstance(device, torch.device):
        return device
    raise ValueError(
        f"device={device!r}; pass 'auto', 'cpu', 'cuda', 'mps' or a torch.device"
    )


def make_optimizer(
    model,
    optimizer: str = "adam",
    lr: float = 1e-3,
    weight_decay: float = 0.0,
    momentum: float = 0.9,
):
    """A torch optimiser over the model's trainable parameters: "adam", "adamw" or "sgd" (with momentum)."""
    import torch

    if optimizer not in OPTIMIZERS:
        raise ValueError(
            f"optimizer={optimizer!r} is not one of {', '.join(OPTIMIZERS)}"
        )
    if (
        not isinstance(lr, (int, float))
        or isinstance(lr, bool)
        or not math.isfinite(lr)
        or not (0 < lr < 10)
    ):
        raise ValueError(
            f"lr={lr!r}; the learning rate must be a positive number, e.g. 1e-3 for Adam, 0.05 for SGD"
        )
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError(
            "the model has no trainable parameters (all have requires_grad=False); "
            "unfreeze some, e.g. for p in model.head.parameters(): p.requires_grad = True"
        )
    if optimizer == "sgd":
        return torch.optim.SGD(
            params, lr=lr, momentum=momentum, weight_decay=weight_decay
        )
    if optimizer == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)


def make_scheduler(
    opt,
    schedule: str | None,
    *,
    epochs: int,
    steps_per_epoch: int,
    step_size: int | None = None,
    gamma: float = 0.1,
):
    """The learning-rate schedule -> (scheduler or None, "batch" or "epoch": when to call its step()).

    None: constant; "step": multiply the rate by gamma every step_size epochs (StepLR);
    "onecycle": warm up, then anneal, over all batches (OneCycleLR, peak = the optimiser's lr).
    """
    import torch

    if schedule not in SCHEDULES:
        raise ValueError(
            f"schedule={schedule!r} is not one of None, 'step', 'onecycle'"
        )
    if schedule is None:
        return None, "epoch"
    if schedule == "step":
        if step_size is None:
            raise ValueError(
                "schedule='step' needs step_size (epochs between rate cuts), e.g. step_size=3"
            )
        check_positive_int(
            step_size, "step_size", "epochs between learning-rate cuts, e.g. 3"
        )
        if not (isinstance(gamma, (int, float)) and 0 < gamma <= 1):
            raise ValueError(
                f"gamma={gamma!r}; it is the factor the rate is multiplied by, in (0, 1], e.g. 0.1"
            )
        return torch.optim.lr_scheduler.StepLR(
            opt, step_size=step_size, gamma=gamma
        ), "epoch"
    max_lr = opt.param_groups[0]["lr"]
    return torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=max_lr, total_steps=epochs * steps_per_epoch
    ), "batch"


def scale_lr(
    lr: float, batch_size: int, base_batch_size: int, rule: str = "sqrt"
) -> float:
    """A learning rate chosen at base_batch_size, carried over to batch_size -> the new rate.

    A batch of k times as many images averages its gradient over k times as many images: the
    step's direction is less noisy, so it can be longer. "sqrt" multiplies lr by sqrt(k) (the
    usual rule for Adam), "linear" by k (the rule for SGD with momentum of Goyal et al. 2017,
    which needs a warm-up: fit's warmup_epochs), "none" keeps lr. bench/results/batch_scaling.md
    measures the three on notebook 07's network.
    """
    check_positive_int(batch_size, "batch_size", "e.g. 32 or 512")
    check_positive_int(
        base_batch_size,
        "base_batch_size",
        "the batch size lr was chosen at, e.g. 32",
    )
    if rule not in LR_RULES:
        raise ValueError(
            f"rule={rule!r} is not one of {', '.join(map(repr, LR_RULES))}; "
            "'sqrt' for Adam, 'linear' (with a warm-up) for SGD"
        )
    k = batch_size / base_batch_size
    return float(lr) * {"sqrt": math.sqrt(k), "linear": k, "none": 1.0}[rule]


class _Warmup:
    """Linear warm-up per update: the rate climbs from lr/steps to lr over `steps` updates, then
    is left alone (so an epoch schedule such as StepLR takes over from the full rate)."""

    def __init__(self, opt, steps: int):
        self.opt, self.steps, self.done = opt, steps, 0
        self.targets = [g["lr"] for g in opt.param_groups]
        self._set()

    def _set(self):
        share = min(1.0, (self.done + 1) / self.steps)
        for group, target in zip(
            self.opt.param_groups, self.targets, strict=True
        ):
            group["lr"] = target * share

    def step(self):
        self.done += 1
        if (
            self.done < self.steps
        ):  # the last share set is steps/steps: the full rate
            self._set()


def train_one_epoch(
    model,
    X,
    y,
    opt,
    loss_fn,
    *,
    batch_size: int,
    device,
    generator,
    augment=None,
    batch_scheduler=None,
    augment_generator=None,
) -> float:
    """One pass over (X, y) in a random order: forward, loss, backward, update per batch -> mean training loss.

    augment: None or a function (batch, generator) -> batch of the same shape, applied to
    training batches only; it draws its random numbers with `augment_generator` (default:
    `generator`, the CPU generator of the shuffle) on that generator's device, so on a GPU
    nothing is copied per batch. X and y should already be on `device` (fit puts them there
    once, in the device's memory format). The loss is summed on the device and read once, at
    the end of the epoch: reading it after every batch (float(loss)) would make a GPU wait for
    each batch before Python could queue the next one.
    """
    import torch

    model.train()  # dropout on, batch-norm uses batch statistics
    # One shuffle per epoch, drawn on the CPU (the same order on every device), copied over once.
    order = torch.randperm(len(X), generator=generator).to(X.device)
    # float64 where the device has it: the same sums as Python floats, so the same numbers as before.
    total = torch.zeros((), dtype=_sum_dtype(X.device), device=X.device)
    for start in range(0, len(X), batch_size):
        idx = order[start : start + batch_size]
        xb, yb = X[idx], y[idx]
        if augment is not None:
            xb = augment(xb, augment_generator or generator)
        # a check of the layout, no copy unless augment changed it
        if device.type == "cuda" and not xb.is_contiguous(
            memory_format=torch.channels_last
        ):
            xb = xb.contiguous(memory_format=torch.channels_last)
        with _autocast(device):
            batch_loss = loss_fn(model(xb), yb)  # forward and loss
        opt.zero_grad(set_to_none=True)
        batch_loss.backward()  # backward: gradients of the loss
        opt.step()  # update: a step downhill
        if batch_scheduler is not None:
            batch_scheduler.step()
        total += batch_loss.detach().to(total.dtype) * len(idx)
    return float(total) / len(X)  # the one read of the epoch


def _sum_dtype(device):
    import torch

    return torch.float32 if device.type == "mps" else torch.float64


def validate(model, X, y, loss_fn=None, device=None, batch_size: int = 256):
    """Loss and accuracy of model on (X, y) without gradients (eval mode) -> (mean loss, accuracy in 0..1).

    Sums stay on the device until the end (one read per call, not one per batch).
    """
    import torch
    import torch.nn.functional as F

    loss_fn = loss_fn or F.cross_entropy
    device = X.device if device is None else device
    model.eval()  # dropout off, batch-norm uses its running statistics
    total = torch.zeros((), dtype=_sum_dtype(device), device=device)
    correct = torch.zeros((), dtype=torch.int64, device=device)
    with torch.no_grad():
        for start in range(0, len(X), batch_size):
            xb, yb = (
                X[start : start + batch_size].to(device),
                y[start : start + batch_size].to(device),
            )
            if device.type == "cuda" and not xb.is_contiguous(
                memory_format=torch.channels_last
            ):
                xb = xb.contiguous(memory_format=torch.channels_last)
            with _autocast(device):
                logits = model(xb)
            total += loss_fn(logits.float(), yb).to(total.dtype) * len(yb)
            correct += (logits.argmax(1) == yb).sum()
    return float(total) / len(X), int(correct) / len(X)


def flip_and_shift(xb, generator, max_shift: int = 2):
    """Light augmentation of a batch float (N, C, H, W): random left-right flip, random shift by up to max_shift px.

    Each image gets its own flip (probability 0.5) and shift; pixels shifted in are 0 (the black
    background). Random numbers are drawn with `generator` on its own device (a CUDA generator
    on a GPU: nothing crosses to the host per batch). A custom augment should do the same:
    torch.rand(n, generator=generator, device=generator.device).
    """
    import torch
    import torch.nn.functional as F

    n, c, h, w = xb.shape
    on = generator.device
    flip = (torch.rand(n, generator=generator, device=on) < 0.5).to(xb.device)
    xb = torch.where(flip[:, None, None, None], xb.flip(-1), xb)
    if max_shift:
        m = int(max_shift)
        dy = torch.randint(
            0, 2 * m + 1, (n,), generator=generator, device=on
        ).to(xb.device)
        dx = torch.randint(
            0, 2 * m + 1, (n,), generator=generator, device=on
        ).to(xb.device)
        padded = F.pad(xb, (m, m, m, m))
        rows = (dy[:, None] + torch.arange(h, device=xb.device))[
            :, None, :, None
        ]
        cols = (dx[:, None] + torch.arange(w, device=xb.device))[
            :, None, None, :
        ]
        n_idx = torch.arange(n, device=xb.device)[:, None, None, None]
        c_idx = torch.arange(c, device=xb.device)[None, :, None, None]
        xb = padded[n_idx, c_idx, rows, cols]
    return xb


def fit(
    model,
    X_train,
    y_train,
    X_val,
    y_val,
    *,
    epochs: int,
    lr: float,
    batch_size: int = 128,
    device="auto",
    optimizer: str = "adam",
    weight_decay: float = 0.0,
    momentum: float = 0.9,
    loss: str = "cross_entropy",
    schedule: str | None = None,
    step_size: int | None = None,
    gamma: float = 0.1,
    augment=None,
    warmup_epochs: float = 0,
    patience: int | None = None,
    restore_best: bool = True,
    seed: int = 0,
    progress: bool = False,
    compile: bool = False,
) -> History:
    """Train model on in-memory data, validating after every epoch; returns a History.

    X_*: uint8 (N, H, W) images or float32 (N, C, H, W) tensors in [0, 1]; y_*: int labels (N,).
    optimizer: "adam", "adamw" or "sgd" (with momentum); loss: "cross_entropy" or "mse" (softmax vs
    one-hot, for comparison only); schedule: None, "step" (times gamma every step_size epochs) or
    "onecycle"; augment: None or a function (batch, generator) -> batch, e.g. flip_and_shift.
    warmup_epochs: raise the rate linearly from lr/steps to lr over the updates of this many
    epochs (may be a fraction; 0: none), as large batches with a scaled rate need (scale_lr);
    with schedule="step" the cuts start from the full rate (warm-up within step_size epochs).
    patience: stop when validation loss has not improved for this many epochs, then restore the
    weights of the best epoch (also at the end without early stopping, unless restore_best=False:
    use that when X_val is only watched, e.g. a test set, and must not pick the weights).
    progress=True prints one line per epoch. On CUDA: bf16 autocast, and the model and both
    datasets in channels_last once, before the first epoch. compile=True trains through
    torch.compile(model) (opt-in: the first epoch pays for compiling; see bench_gpu_training.py).
    The model is left on `device`, in eval mode.
    """
    import torch
    from torch import nn

    if not isinstance(model, nn.Module):
        raise TypeError(
            f"model must be a torch.nn.Module, got {type(model).__name__}"
        )
    check_positive_int(
        epochs, "epochs", "e.g. 5; one epoch is one pass over the training set"
    )
    check_positive_int(batch_size, "batch_size", "e.g. 64, 128 or 256")
    if loss not in LOSSES:
        raise ValueError(f"loss={loss!r} is not one of {', '.join(LOSSES)}")
    if augment is not None and not callable(augment):
        raise TypeError(
            f"augment={augment!r}; pass None or a function (batch, generator) -> batch"
        )
    if (
        not isinstance(warmup_epochs, (int, float))
        or isinstance(warmup_epochs, bool)
        or not math.isfinite(warmup_epochs)
        or not 0 <= warmup_epochs <= epochs
    ):
        raise ValueError(
            f"warmup_epochs={warmup_epochs!r}; pass a number of epochs from 0 (no warm-up) "
            f"to epochs={epochs}, e.g. 1"
        )
    if warmup_epochs and schedule == "onecycle":
        raise ValueError(
            f"warmup_epochs={warmup_epochs!r} with schedule='onecycle', which warms up by itself; "
            "pass warmup_epochs=0"
        )
    if warmup_epochs and schedule == "step" and step_size is not None:
        if isinstance(step_size, int) and step_size < warmup_epochs:
            raise ValueError(
                f"warmup_epochs={warmup_epochs!r} is longer than step_size={step_size!r}: the first "
                "cut would come during the warm-up; warm up for at most step_size epochs"
            )
    stopper = EarlyStopping(patience)
    num_classes = getattr(model, "num_classes", None)
    X_train, y_train = _images_and_labels(
        X_train, y_train, num_classes, "train"
    )
    X_val, y_val = _images_and_labels(X_val, y_val, num_classes, "val")
    if num_classes is None:
        num_classes = int(max(y_train.max(), y_val.max())) + 1

    device = _as_device(device)
    torch.manual_seed(seed)
    # the shuffle: CPU, same order everywhere
    generator = torch.Generator().manual_seed(seed)
    # Augmentation draws on the device itself (on the CPU: the same generator, so the same numbers).
    augment_generator = (
        torch.Generator(device=device).manual_seed(seed)
        if device.type == "cuda"
        else generator
    )
    memory_format = (
        torch.channels_last
        if device.type == "cuda"
        else torch.contiguous_format
    )
    model.to(device, memory_format=memory_format)
    # The data move to the device once, in its memory format: batches taken by index keep it.
    X_train = X_train.to(device, memory_format=memory_format)
    X_val = X_val.to(device, memory_format=memory_format)
    y_train, y_val = y_train.to(device), y_val.to(device)
    if not isinstance(compile, bool):
        raise TypeError(f"compile={compile!r}; pass True or False")
    net = torch.compile(model) if compile else model  # same weights either way

    opt = make_optimizer(model, optimizer, lr, weight_decay, momentum)
    steps_per_epoch = math.ceil(len(X_train) / batch_size)
    sched, when = make_scheduler(
        opt,
        schedule,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        step_size=step_size,
        gamma=gamma,
    )
    loss_fn = _loss_fn(loss, num_classes)
    warmup = (
        _Warmup(opt, max(1, round(warmup_epochs * steps_per_epoch)))
        if warmup_epochs
        else None
    )

    history = History()
    for epoch in range(1, epochs + 1):
        t0 = time.perf_counter()
        history.lr.append(opt.param_groups[0]["lr"])
        train_loss = train_one_epoch(
            net,
            X_train,
            y_train,
            opt,
            loss_fn,
            batch_size=batch_size,
            device=device,
            generator=generator,
            augment=augment,
            batch_scheduler=sched if when == "batch" else warmup,
            augment_generator=augment_generator,
        )
        if sched is not None and when == "epoch":
            sched.step()
        val_loss, val_acc = validate(net, X_val, y_val, loss_fn, device)
        history.train_loss.append(train_loss)
        history.val_loss.append(val_loss)
        history.val_acc.append(val_acc)
        history.seconds.append(time.perf_counter() - t0)
        stop = stopper.step(val_loss, model)
        history.best_epoch = stopper.best_epoch
        if progress:
            print(
                f"epoch {epoch}/{epochs}: train loss {train_loss:.3f}, val loss {val_loss:.3f}, "
                f"val acc {val_acc:.3f}"
                + ("  (best so far)" if stopper.best_epoch == epoch else "")
            )
        if stop:
            history.stopped_early = epoch < epochs
            break
    if restore_best and stopper.best_state is not None:
        model.load_state_dict(stopper.best_state)
    model.eval()
    return history


def predict(model, X, device="auto", batch_size: int = 256):
    """Class predictions of model for images X (as in fit) -> int64 CPU tensor (N,)."""
    import torch

    check_positive_int(batch_size, "batch_size", "e.g. 1024")
    X = to_tensor_images(X)
    device = _as_device(device)
    model.to(device).eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(X), batch_size):
            xb = X[start : start + batch_size].to(device)
            if device.type == "cuda":
                xb = xb.contiguous(memory_format=torch.channels_last)
            with _autocast(device):
                out.append(model(xb).argmax(1))
    return torch.cat(out).cpu()  # one copy back, after the last batch


def evaluate(model, X, y, device="auto", batch_size: int = 256) -> float:
    """Accuracy (fraction correct, 0..1) of model on images X with labels y."""
    num_classes = getattr(model, "num_classes", None)
    X, y = _images_and_labels(X, y, num_classes, "eval")
    return float((predict(model, X, device, batch_size) == y).float().mean())


def load_bench_results(name: str):
    """A results table a bench script committed, bench/results/<name>.csv -> pandas DataFrame.

    The matching bench/results/<name>.md names the command and settings that produced it.
    """
    import pandas as pd

    from .sources import PROJECT_ROOT

    if not isinstance(name, str) or not name.replace("_", "").isalnum():
        raise ValueError(
            f"name={name!r}; give a results name such as 'vit_scaling' or 'transfer'"
        )
    path = PROJECT_ROOT / "bench" / "results" / f"{name}.csv"
    if not path.is_file():
        have = sorted(p.stem for p in path.parent.glob("*.csv"))
        raise FileNotFoundError(
            f"no committed results {path.name} in bench/results (have: {', '.join(have)}); "
            f"run bench/bench_{name}.py to make it"
        )
    return pd.read_csv(path)
