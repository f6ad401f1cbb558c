"""The course's training loop, packaged after notebook 07 teaches it inline.

Data are held in memory as tensors and batched by index (no DataLoader, no PIL images):
images float32 (N, C, H, W) in [0, 1], labels int64 (N,) in 0..num_classes-1.
Importing this module imports nothing heavy; torch is imported inside the functions
(``SmallCNN`` is built on first use).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

OPTIMIZERS = ("adam", "adamw", "sgd")
LOSSES = ("cross_entropy", "mse")
ACTIVATIONS = ("relu", "gelu", "tanh", "sigmoid")
SCHEDULES = (None, "onecycle")


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
                raise ValueError(f"{name} is a float tensor of shape {tuple(X.shape)}; expected (N, C, H, W), "
                                 f"e.g. {name}[:, None] to add the channel axis")
            if X.numel() and (float(X.min()) < 0 or float(X.max()) > 1):
                raise ValueError(f"{name} has values in [{float(X.min()):.3g}, {float(X.max()):.3g}], outside "
                                 f"[0, 1]; pass the uint8 images and let to_tensor_images scale them")
            return X.float()
        else:
            raise TypeError(f"{name} has dtype {X.dtype}; pass uint8 images (0..255) or float32 in [0, 1]")
    if not isinstance(X, np.ndarray):
        raise TypeError(f"{name} must be a numpy array or torch tensor, got {type(X).__name__}; "
                        f"convert with np.asarray({name})")
    if X.dtype != np.uint8:
        raise TypeError(f"{name} has dtype {X.dtype}; expected uint8 images in 0..255 "
                        f"(e.g. data.X_train from helpers.load_fashion_mnist()), or convert with "
                        f"skimage.util.img_as_ubyte({name})")
    if X.ndim == 3:
        X = X[:, None]                            # (N, H, W) -> (N, 1, H, W)
    elif X.ndim == 4 and X.shape[-1] in (1, 3):
        X = np.moveaxis(X, -1, 1)                 # (N, H, W, C) -> (N, C, H, W)
    else:
        raise ValueError(f"{name} has shape {X.shape}; expected (N, H, W) gray or (N, H, W, C) with C in 1, 3")
    if X.shape[0] == 0:
        raise ValueError(f"{name} is empty (shape {X.shape}); pass at least one image")
    return torch.from_numpy(X.astype(np.float32)).div_(255.0)  # astype copies: safe to write


def to_tensor_labels(y, num_classes: int | None = None, name: str = "y"):
    """Integer class labels (N,) -> int64 tensor (N,); checks they lie in 0..num_classes-1."""
    import torch

    if isinstance(y, torch.Tensor):
        y = y.cpu().numpy()
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"{name} must be 1-D (N,) class numbers, got shape {y.shape}; "
                         f"for one-hot labels use {name}.argmax(1)")
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"{name} has dtype {y.dtype}; labels must be integers 0..K-1, "
                        f"e.g. {name}.astype(np.int64) if they are whole numbers")
    if y.size and y.min() < 0:
        raise ValueError(f"{name} has a negative label {int(y.min())}; labels must be 0..K-1")
    if num_classes is not None and y.size and y.max() >= num_classes:
        raise ValueError(f"{name} has label {int(y.max())} but the model has {num_classes} outputs "
                         f"(labels 0..{num_classes - 1}); use SmallCNN(num_classes={int(y.max()) + 1}) "
                         f"or remap the labels")
    return torch.from_numpy(y.astype(np.int64))


def _images_and_labels(X, y, num_classes, name):
    X = to_tensor_images(X, name=f"X_{name}")
    y = to_tensor_labels(y, num_classes, name=f"y_{name}")
    if len(X) != len(y):
        raise ValueError(f"X_{name} has {len(X)} images but y_{name} has {len(y)} labels; "
                         f"they must have the same length (one label per image)")
    return X, y


# ---------------------------------------------------------------- the model

def _build_small_cnn_class():
    import torch
    from torch import nn

    acts = {"relu": nn.ReLU, "gelu": nn.GELU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}

    class SmallCNN(nn.Module):
        """The course's small CNN: 3 conv blocks (conv 3x3, BatchNorm, activation, max-pool), linear head.

        Input float (N, in_channels, H, W), H and W >= 8 (28x28 Fashion-MNIST); output logits (N, num_classes).
        """

        def __init__(self, num_classes: int = 10, channels=(16, 32, 64), dropout: float = 0.0,
                     activation: str = "relu", in_channels: int = 1, batchnorm: bool = True):
            super().__init__()
            if not isinstance(num_classes, int) or num_classes < 2:
                raise ValueError(f"num_classes={num_classes!r}; a classifier needs an integer >= 2")
            channels = tuple(channels)
            if not channels or not all(isinstance(c, int) and c > 0 for c in channels):
                raise ValueError(f"channels={channels!r}; give positive integers, one per conv block, "
                                 f"e.g. (16, 32, 64)")
            if not (isinstance(dropout, (int, float)) and 0 <= dropout < 1):
                raise ValueError(f"dropout={dropout!r}; it is a probability in [0, 1), e.g. 0.25")
            if activation not in acts:
                raise ValueError(f"activation={activation!r} is not one of {', '.join(acts)}")
            layers, c_in = [], in_channels
            for i, c in enumerate(channels):
                layers.append(nn.Conv2d(c_in, c, 3, padding=1, bias=not batchnorm))
                if batchnorm:
                    layers.append(nn.BatchNorm2d(c))
                layers.append(acts[activation]())
                if i < 2:                          # 28 -> 14 -> 7, then keep 7x7
                    layers.append(nn.MaxPool2d(2))
                c_in = c
            self.features = nn.Sequential(*layers)
            self.head = nn.Sequential(
                nn.AdaptiveMaxPool2d(2),           # any input size -> c x 2 x 2
                nn.Flatten(),
                nn.Dropout(dropout),
                nn.Linear(c_in * 4, num_classes),
            )
            self.num_classes = num_classes

        def forward(self, x):
            return self.head(self.features(x))

    SmallCNN.__module__ = __name__
    return SmallCNN


_LAZY = {}


def __getattr__(name):  # module attribute built on first use, so importing helpers.training stays light
    if name == "SmallCNN":
        if name not in _LAZY:
            _LAZY[name] = _build_small_cnn_class()
        return _LAZY[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def count_parameters(model) -> int:
    """Number of trainable parameters of a torch model."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


# ---------------------------------------------------------------- training

@dataclass
class History:
    """Per-epoch record of a fit: lists of train_loss, val_loss, val_acc, seconds; best_epoch is 1-based."""

    train_loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_acc: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    best_epoch: int = 0
    stopped_early: bool = False

    @property
    def epochs(self) -> int:
        return len(self.train_loss)

    @property
    def best_val_acc(self) -> float:
        return self.val_acc[self.best_epoch - 1] if self.best_epoch else float("nan")

    def to_frame(self):
        """The history as a pandas DataFrame, one row per epoch."""
        import pandas as pd

        return pd.DataFrame({"epoch": range(1, self.epochs + 1), "train_loss": self.train_loss,
                             "val_loss": self.val_loss, "val_acc": self.val_acc,
                             "seconds": self.seconds}).set_index("epoch")


def _check_positive_int(value, name, fix):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name}={value!r}; it must be an integer >= 1 ({fix})")


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

    def mse(logits, y):  # squared error between softmax probabilities and one-hot targets
        return F.mse_loss(logits.float().softmax(1), F.one_hot(y, num_classes).float())
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
    raise ValueError(f"device={device!r}; pass 'auto', 'cpu', 'cuda', 'mps' or a torch.device")


def _infer_num_classes(model, y):
    n = getattr(model, "num_classes", None)
    return int(n) if n is not None else None


def fit(model, X_train, y_train, X_val, y_val, *, epochs: int, lr: float, batch_size: int = 128,
        device="auto", optimizer: str = "adam", weight_decay: float = 0.0, momentum: float = 0.9,
        loss: str = "cross_entropy", schedule: str | None = None, patience: int | None = None,
        restore_best: bool = True, seed: int = 0, progress: bool = True) -> History:
    """Train model on in-memory data, validating after every epoch; returns a History.

    X_*: uint8 (N, H, W) images or float32 (N, C, H, W) tensors in [0, 1]; y_*: int labels (N,).
    optimizer: "adam", "adamw" or "sgd" (with momentum); schedule: None or "onecycle";
    loss: "cross_entropy" or "mse" (softmax vs one-hot, for comparison only).
    patience: stop when validation loss has not improved for this many epochs, then restore the
    weights of the best epoch (also at the end without early stopping, unless restore_best=False:
    use that when X_val is only watched, e.g. a test set, and must not pick the weights).
    On CUDA: bf16 autocast and channels_last. The model is left on `device`, in eval mode.
    """
    import torch
    from torch import nn

    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    _check_positive_int(epochs, "epochs", "one epoch is one pass over the training set")
    _check_positive_int(batch_size, "batch_size", "e.g. 64, 128 or 256")
    if patience is not None:
        _check_positive_int(patience, "patience", "or None to train all epochs")
    if not isinstance(lr, (int, float)) or isinstance(lr, bool) or not (0 < lr < 10) or not math.isfinite(lr):
        raise ValueError(f"lr={lr!r}; the learning rate must be a positive number, e.g. 1e-3 for Adam, 0.05 for SGD")
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer={optimizer!r} is not one of {', '.join(OPTIMIZERS)}")
    if loss not in LOSSES:
        raise ValueError(f"loss={loss!r} is not one of {', '.join(LOSSES)}")
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule={schedule!r} is not one of None, 'onecycle'")
    num_classes = _infer_num_classes(model, y_train)
    X_train, y_train = _images_and_labels(X_train, y_train, num_classes, "train")
    X_val, y_val = _images_and_labels(X_val, y_val, num_classes, "val")
    if num_classes is None:
        num_classes = int(max(y_train.max(), y_val.max())) + 1

    device = _as_device(device)
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    memory_format = torch.channels_last if device.type == "cuda" else torch.contiguous_format
    model.to(device, memory_format=memory_format)
    X_train, y_train = X_train.to(device), y_train.to(device)
    X_val, y_val = X_val.to(device), y_val.to(device)

    params = [p for p in model.parameters() if p.requires_grad]
    if optimizer == "sgd":
        opt = torch.optim.SGD(params, lr=lr, momentum=momentum, weight_decay=weight_decay)
    elif optimizer == "adamw":
        opt = torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    else:
        opt = torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    n = len(X_train)
    steps_per_epoch = math.ceil(n / batch_size)
    sched = None
    if schedule == "onecycle":
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=epochs * steps_per_epoch)
    loss_fn = _loss_fn(loss, num_classes)

    history = History()
    best_loss, best_state, bad_epochs = float("inf"), None, 0
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=epochs * steps_per_epoch, desc="training", unit="batch", leave=False)
    for epoch in range(epochs):
        t0 = time.perf_counter()
        model.train()
        order = torch.randperm(n, generator=gen).to(device)
        total, count = 0.0, 0
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            xb, yb = X_train[idx], y_train[idx]
            if device.type == "cuda":
                xb = xb.contiguous(memory_format=torch.channels_last)
            with _autocast(device):
                batch_loss = loss_fn(model(xb), yb)
            opt.zero_grad(set_to_none=True)
            batch_loss.backward()
            opt.step()
            if sched is not None:
                sched.step()
            total += float(batch_loss.detach()) * len(idx)
            count += len(idx)
            if bar is not None:
                bar.update(1)
        val_loss, val_acc = _loss_and_accuracy(model, X_val, y_val, device, loss_fn, batch_size=1024)
        history.train_loss.append(total / count)
        history.val_loss.append(val_loss)
        history.val_acc.append(val_acc)
        history.seconds.append(time.perf_counter() - t0)
        if bar is not None:
            bar.set_postfix(epoch=epoch + 1, val_acc=f"{val_acc:.3f}")
        if val_loss < best_loss:
            best_loss, bad_epochs, history.best_epoch = val_loss, 0, epoch + 1
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            bad_epochs += 1
            if patience is not None and bad_epochs >= patience:
                history.stopped_early = epoch + 1 < epochs
                break
    if bar is not None:
        bar.close()
    if restore_best and best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return history


def _loss_and_accuracy(model, X, y, device, loss_fn, batch_size=1024):
    import torch

    model.eval()
    total, correct = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(X), batch_size):
            xb, yb = X[start:start + batch_size].to(device), y[start:start + batch_size].to(device)
            if device.type == "cuda":
                xb = xb.contiguous(memory_format=torch.channels_last)
            with _autocast(device):
                logits = model(xb)
            total += float(loss_fn(logits.float(), yb)) * len(yb)
            correct += int((logits.argmax(1) == yb).sum())
    return total / len(X), correct / len(X)


def predict(model, X, device="auto", batch_size: int = 1024):
    """Class predictions of model for images X (as in fit) -> int64 CPU tensor (N,)."""
    import torch

    _check_positive_int(batch_size, "batch_size", "e.g. 1024")
    X = to_tensor_images(X)
    device = _as_device(device)
    model.to(device).eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(X), batch_size):
            xb = X[start:start + batch_size].to(device)
            if device.type == "cuda":
                xb = xb.contiguous(memory_format=torch.channels_last)
            with _autocast(device):
                out.append(model(xb).argmax(1).cpu())
    return torch.cat(out)


def evaluate(model, X, y, device="auto", batch_size: int = 1024) -> float:
    """Accuracy (fraction correct, 0..1) of model on images X with labels y."""
    num_classes = getattr(model, "num_classes", None)
    X, y = _images_and_labels(X, y, num_classes, "eval")
    return float((predict(model, X, device, batch_size) == y).float().mean())
