"""Checkers of notebook 07: right answers pass, typical mistakes get their specific hint."""

import math

import numpy as np
import pytest

from helpers.exercises import evaluate as _evaluate

torch = pytest.importorskip("torch")


def evaluate(exercise_id, answer):
    """The checker under test, strict: a checker that crashes fails the test instead of printing a hint."""
    return _evaluate(exercise_id, answer, strict=True)


RIGHT_FIRST_LOSS = 1.75 * math.log(
    2
)  # -(1/2 ln 1/2 + 1/4 ln 1/4 + 2/8 ln 1/8)


def test_first_loss_right_in_every_form():
    for right in [
        RIGHT_FIRST_LOSS,
        1.21,
        1.213,
        np.float32(RIGHT_FIRST_LOSS),
    ]:
        ok, msg = evaluate("07.first_loss", right)
        assert ok is True, (right, msg)
    assert evaluate("07.first_loss", np.array([1.213]))[0] is True


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (math.log(4), "gives every class 1/4"),
        (1.39, "gives every class 1/4"),
        (2.30, "ten classes"),
        (1.56, "averaged over the four classes"),
        (1.75, "not log base 2"),
        (0.53, "not log base 10"),
        (-1.213, "MINUS"),
        (0.69, "loss on a march photo"),
        (1.0, "work it out for each class"),
    ],
)
def test_first_loss_slips_get_their_concept(wrong, hint):
    ok, msg = evaluate("07.first_loss", wrong)
    assert ok is False and hint in msg, msg
    # no hint gives the answer
    assert "1.21" not in msg and "1.75 ln" not in msg


@pytest.mark.parametrize(
    "right",
    [
        "bcd",
        "b, c, d",
        "BCD",
        "b and c and d",
        "(b) (c) (d)",
        ["b", "c", "d"],
        ("c", "b", "d"),
        {"d", "b", "c"},
        np.array(["d", "c", "b"]),
    ],
)
def test_shirt_share_accepts_the_defensible_sets(right):
    ok, msg = evaluate("07.shirt_share", right)
    assert ok is True, (right, msg)


@pytest.mark.parametrize(
    "wrong, hint",
    [
        ("abd", "a share of two classes"),
        ("bcde", "does not make the errors cancel"),
        ("bdf", "a better classifier still errs"),
        ("d", "which statements say what would be biased"),
        ("bc", "needs a check"),
        ("bd", "a second statement names another bias"),  # b alone is not all
        ("cd", "a second statement names another bias"),
        ("BD", "a second statement names another bias"),
        (["b", "d"], "a second statement names another bias"),
        ("bxd", "one or more of A, B, C, D, E, F; not BXD"),
        (3, "as a string"),
    ],
)
def test_shirt_share_wrong_sets_get_the_intended_hint(wrong, hint):
    ok, msg = evaluate("07.shirt_share", wrong)
    assert ok is False and hint in msg, msg


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

    def zero_based(losses, p):
        return tuple(v - 1 for v in right_early_stop(losses, p))

    ok, msg = evaluate("07.early_stop", zero_based)
    assert ok is False and "count epochs from 1" in msg
    ok, msg = evaluate(
        "07.early_stop", lambda losses, p: right_early_stop(losses, p)[::-1]
    )
    assert ok is False and "in that order" in msg

    # counts bad epochs but forgets to reset after an improvement
    def never_resets(losses, patience):
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

    def ties_improve(losses, patience):  # `<=`: an equal loss counts as better
        best, best_epoch, bad = float("inf"), 0, 0
        for epoch, loss in enumerate(losses, start=1):
            if loss <= best:
                best, best_epoch, bad = loss, epoch, 0
            else:
                bad += 1
                if bad >= patience:
                    return epoch, best_epoch
        return len(losses), best_epoch

    ok, msg = evaluate("07.early_stop", ties_improve)
    assert ok is False and "equal to the best so far" in msg
    assert "reset the count" not in msg

    def stops_late(losses, patience):  # `bad > patience`: one epoch too many
        best, best_epoch, bad = float("inf"), 0, 0
        for epoch, loss in enumerate(losses, start=1):
            if loss < best:
                best, best_epoch, bad = loss, epoch, 0
            else:
                bad += 1
                if bad > patience:
                    return epoch, best_epoch
        return len(losses), best_epoch

    ok, msg = evaluate("07.early_stop", stops_late)
    assert ok is False and "one epoch late" in msg
    assert "reset the count" not in msg
    ok, msg = evaluate(
        "07.early_stop", lambda losses, p: (len(losses), 1)
    )  # an unrelated wrong rule: the case and a nudge, no slip hint
    assert ok is False and "by hand" in msg
    ok, msg = evaluate("07.early_stop", lambda losses, p: 3)
    assert ok is False and "return a tuple" in msg


# Validation-loss sequences with the (stop_epoch, best_epoch) the lecture's rule gives, worked out by hand.
SEQUENCES = [
    # two bad epochs in a row: stop at 4, although 5 would improve
    ([1.0, 0.8, 0.9, 0.95, 0.7, 0.6], 2, (4, 2)),
    # the count resets at epoch 4
    ([1.0, 0.8, 0.9, 0.7, 0.75, 0.72, 0.6], 2, (6, 4)),
    ([1.0, 1.0, 1.0, 1.0], 3, (4, 1)),  # equal is not better
    ([1.0, 0.9, 0.8], 5, (3, 3)),  # never stops early: all epochs
]


@pytest.mark.parametrize("losses, patience, expected", SEQUENCES)
def test_fit_stops_where_the_exercise_rule_says(
    losses, patience, expected, monkeypatch
):
    """helpers.training.fit, fed these validation losses, stops and restores at the epochs of the exercise's rule."""
    import helpers.training as training
    from helpers.models import SmallCNN
    from helpers.training import fit

    # the notebook's solution agrees
    assert right_early_stop(losses, patience) == expected
    states = []

    def scripted_validate(
        model, X, y, loss_fn=None, device=None, batch_size=256
    ):
        states.append({k: v.clone() for k, v in model.state_dict().items()})
        return losses[len(states) - 1], 0.5

    monkeypatch.setattr(training, "validate", scripted_validate)
    rng = np.random.default_rng(0)
    X, y = (
        rng.integers(0, 256, (16, 28, 28), dtype=np.uint8),
        rng.integers(0, 2, 16),
    )
    torch.manual_seed(0)
    model = SmallCNN(num_classes=2, channels=(4,))
    h = fit(
        model,
        X,
        y,
        X,
        y,
        epochs=len(losses) + 3 if expected[0] < len(losses) else len(losses),
        lr=1e-2,
        batch_size=8,
        patience=patience,
        device="cpu",
    )
    stop_epoch, best_epoch = expected
    assert (h.epochs, h.best_epoch) == (stop_epoch, best_epoch)
    assert h.stopped_early == (stop_epoch < len(losses))
    assert h.val_loss == losses[:stop_epoch]
    # the best epoch's weights were restored
    for k, v in model.state_dict().items():
        assert torch.equal(v, states[best_epoch - 1][k]), k


def test_fit_rule_agrees_with_the_checker_reference():
    from helpers.exercises.nb07 import _reference_early_stop

    for losses, patience, expected in SEQUENCES:
        assert _reference_early_stop(losses, patience) == expected


def test_functions_that_fail_or_return_junk_get_hints():
    def raises(*args):
        raise IndexError("list index out of range")

    for exercise_id in ("07.early_stop",):
        ok, msg = evaluate(exercise_id, raises)
        assert (
            ok is False
            and "your function raised IndexError: list index out of range"
            in msg
        )
        ok, msg = evaluate(exercise_id, lambda *a: "ten")
        assert (
            ok is False
            and "not the text 'ten'" in msg
            or "return a tuple" in msg
        )
    ok, msg = evaluate("07.early_stop", lambda losses, p: (2.5, 1))
    assert ok is False and "whole epoch numbers" in msg


def test_early_stop_comparing_with_the_previous_epoch_gets_its_hint():
    """A rule that counts an epoch as bad when it does not beat the previous epoch (not the best)."""

    def previous_epoch(losses, patience, best_epoch_by_min=True):
        best, best_epoch, bad, last = float("inf"), 0, 0, float("inf")
        for epoch, loss in enumerate(losses, start=1):
            if best_epoch_by_min and loss < best:
                best, best_epoch = loss, epoch
            if loss < last:
                bad = 0
                if not best_epoch_by_min:
                    best_epoch = epoch
            else:
                bad += 1
                if bad >= patience:
                    return epoch, best_epoch
            last = loss
        return len(losses), best_epoch

    for by_min in (True, False):
        ok, msg = evaluate(
            "07.early_stop",
            lambda losses, p, m=by_min: previous_epoch(losses, p, m),
        )
        assert ok is False and "not with the previous epoch" in msg, msg
        assert "one epoch late" not in msg
