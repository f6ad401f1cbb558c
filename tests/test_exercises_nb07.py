"""Checkers of notebook 07: right answers pass, typical mistakes get their specific hint."""
import math

import numpy as np
import pytest

from helpers.exercises import evaluate

torch = pytest.importorskip("torch")


def test_accuracy():
    assert evaluate("07.accuracy", lambda logits, y: (logits.argmax(1) == y).float().mean().item())[0] is True
    assert evaluate("07.accuracy", lambda logits, y: (logits.argmax(1) == y).float().mean())[0] is True
    ok, msg = evaluate("07.accuracy", lambda logits, y: (logits.argmax(1) == y).sum().item())
    assert ok is False and "divide by the number of rows" in msg
    ok, msg = evaluate("07.accuracy", lambda logits, y: (logits.argmin(1) == y).float().mean().item())
    assert ok is False and "argmax" in msg
    ok, msg = evaluate("07.accuracy", lambda logits, y: logits.argmax(1) == y)
    assert ok is False and "return one number" in msg
    ok, msg = evaluate("07.accuracy", 0.9)
    assert ok is False and "define a function" in msg


def test_n_updates():
    assert evaluate("07.n_updates", lambda n, b, e: e * math.ceil(n / b))[0] is True
    assert evaluate("07.n_updates", lambda n, b, e: e * ((n + b - 1) // b))[0] is True
    ok, msg = evaluate("07.n_updates", lambda n, b, e: e * (n // b))
    assert ok is False and "round up" in msg
    ok, msg = evaluate("07.n_updates", lambda n, b, e: math.ceil(n / b))
    assert ok is False and "number of epochs" in msg
    ok, msg = evaluate("07.n_updates", lambda n, b, e: e * n)
    assert ok is False and "not per image" in msg


def right_early_stop(losses, patience):
    best, best_epoch, bad = float("inf"), 0, 0
    for epoch, loss in enumerate(losses, start=1):
        if loss < best:
            best, best_epoch, bad = loss, epoch, 0
        else:
            bad += 1
            if bad >= patience:
                return epoch, best_epoch
    return len(losses), best_epoch


def test_early_stop():
    assert evaluate("07.early_stop", right_early_stop)[0] is True
    zero_based = lambda losses, p: tuple(v - 1 for v in right_early_stop(losses, p))  # noqa: E731
    ok, msg = evaluate("07.early_stop", zero_based)
    assert ok is False and "count epochs from 1" in msg
    ok, msg = evaluate("07.early_stop", lambda losses, p: right_early_stop(losses, p)[::-1])
    assert ok is False and "in that order" in msg

    def never_resets(losses, patience):  # counts bad epochs but forgets to reset after an improvement
        best, best_epoch, bad = float("inf"), 0, 0
        for epoch, loss in enumerate(losses, start=1):
            if loss < best:
                best, best_epoch = loss, epoch
            else:
                bad += 1
                if bad >= patience:
                    return epoch, best_epoch
        return len(losses), best_epoch
    ok, msg = evaluate("07.early_stop", never_resets)
    assert ok is False and "reset the count" in msg
    ok, msg = evaluate("07.early_stop", lambda losses, p: 3)
    assert ok is False and "return a tuple" in msg


def test_early_stop_matches_helpers_fit_rule():
    """The exercise's rule is the one helpers.training.fit applies (stop epoch and best epoch)."""
    from helpers.exercises.nb07 import _reference_early_stop

    assert _reference_early_stop([1.0, 0.8, 0.9, 0.95], 2) == (4, 2)
    assert _reference_early_stop([1.0, 0.9], 5) == (2, 2)


@pytest.mark.parametrize("junk", ["a string", 42, np.zeros((2, 2)), object()])
def test_junk_answers_get_hints(junk):
    for exercise_id in ("07.accuracy", "07.n_updates", "07.early_stop"):
        ok, msg = evaluate(exercise_id, junk)
        assert ok is False and msg.startswith(f"Exercise {exercise_id}:")
