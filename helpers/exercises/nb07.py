"""Checks for 07_training_cnns (accuracy from logits, number of updates, the early-stopping rule)."""

import math

import numpy as np

from . import exercise
from .answers import AnswerError, as_int, as_number


def _fashion_labels(n=200):
    """The first n Fashion-MNIST test labels (all with n=None) -> int64 (n,)."""
    from ..data import load_fashion_mnist

    return load_fashion_mnist(verbose=False).y_test[:n]


def _not_function(answer):
    if not callable(answer):
        return f"define a function (def ...), got {type(answer).__name__}"
    return None


def _call(answer, *args):
    """Call the student's function; an error inside it becomes a hint, not a traceback."""
    try:
        return answer(*args)
    except Exception as exc:  # the student's code failed: say where, not a crash of the checker
        raise AnswerError(
            f"your function raised {type(exc).__name__}: {exc}"
        ) from None


@exercise("07.accuracy")
def _accuracy(answer):
    import torch

    if hint := _not_function(answer):
        return hint
    y = torch.from_numpy(_fashion_labels())
    gen = torch.Generator().manual_seed(7)
    logits = torch.randn(len(y), 10, generator=gen)
    hits = (
        torch.rand(len(y), generator=gen) < 0.6
    )  # make about 60% of the rows right
    logits[hits, y[hits]] += 10.0
    n_right = int((logits.argmax(1) == y).sum())
    want = n_right / len(y)
    got = _call(answer, logits, y)
    if isinstance(got, torch.Tensor):
        if got.numel() != 1:
            return f"return one number, got a tensor of shape {tuple(got.shape)}; take .mean() over the rows"
        got = got.item()
    got = as_number(got, "one number (the fraction of correct rows)")
    if got == n_right:
        return (
            "that is the number of correct rows; divide by the number of rows"
        )
    if abs(got - want) > 1e-5:
        flipped = float((logits.argmin(1) == y).float().mean())
        if abs(got - flipped) < 1e-6:
            return "use argmax (the largest logit), not argmin"
        return (
            f"expected {want:.3f} on a test batch, got {got:.3f}: "
            f"compare logits.argmax(dim=1) with y and average"
        )
    return None


@exercise("07.n_updates")
def _n_updates(answer):
    if hint := _not_function(answer):
        return hint
    n_train = len(
        _fashion_labels(None)
    )  # the full Fashion-MNIST test set: 10,000 images
    cases = [
        (n_train, 64, 1),
        (1500, 64, 3),
        (500, 16, 2),
        (512, 256, 4),
        (10, 100, 5),
    ]
    for n, bs, ep in cases:
        want = ep * math.ceil(n / bs)
        got = as_int(
            _call(answer, n, bs, ep),
            f"a whole number of updates for n_updates({n}, {bs}, {ep})",
        )
        if got == want:
            continue
        if got == ep * (n // bs):
            return f"for {n} images in batches of {bs}: the last, smaller batch is an update too (round up)"
        if got == math.ceil(n / bs):
            return "multiply by the number of epochs"
        if got == ep * n:
            return "one update per batch, not per image"
        return f"n_updates({n}, {bs}, {ep}) should be {want}, got {got!r}"
    return None


def _reference_early_stop(losses, patience):
    best, best_epoch, bad = float("inf"), 0, 0
    for epoch, loss in enumerate(losses, start=1):
        if loss < best:
            best, best_epoch, bad = loss, epoch, 0
        else:
            bad += 1
            if bad >= patience:
                return epoch, best_epoch
    return len(losses), best_epoch


@exercise("07.early_stop")
def _early_stop(answer):
    if hint := _not_function(answer):
        return hint
    rng = np.random.default_rng(0)
    u_shape = [
        float(v) for v in 1.0 / np.arange(1, 9) + 0.02 * np.arange(8) ** 1.5
    ]
    cases = [
        ([1.0, 0.8, 0.7, 0.75, 0.9, 1.0, 1.1], 2),
        (
            [1.0, 0.8, 0.7, 0.75, 0.69, 0.8, 0.9, 1.0],
            3,
        ),  # improves again after one bad epoch
        ([1.0, 0.9, 0.8, 0.7], 2),  # never stops: the last epoch
        ([1.0, 1.0, 1.0], 2),  # equal is not an improvement
        (u_shape, 2),
        ([float(v) for v in 1 + rng.normal(0, 0.1, 12)], 3),
    ]
    for losses, patience in cases:
        want = _reference_early_stop(losses, patience)
        got = _call(answer, list(losses), patience)
        if (
            isinstance(got, (str, bytes))
            or not hasattr(got, "__len__")
            or len(got) != 2
        ):
            return f"return a tuple (stop_epoch, best_epoch), got {type(got).__name__}"
        got = tuple(
            as_int(v, "whole epoch numbers (stop_epoch, best_epoch)")
            for v in got
        )
        if got == want:
            continue
        if got == (want[0] - 1, want[1] - 1):
            return "count epochs from 1, not from 0"
        if got == want[::-1]:
            return "return (stop_epoch, best_epoch), in that order"
        return (
            f"early_stop({[round(v, 2) for v in losses]}, patience={patience}) should be {want}, got {got}; "
            f"reset the count of bad epochs whenever the loss beats the best so far"
        )
    return None
