"""Checks for 07_training_cnns (the first loss, a judged measurement, the early-stopping rule)."""

import math

import numpy as np

from . import exercise
from .answers import (
    AnswerError,
    as_int,
    as_number,
    check_choice,
    choice_letters,
)


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


FIRST_LOSS_SHARES = (
    1 / 2,
    1 / 4,
    1 / 8,
    1 / 8,
)  # the four classes' shares of the photos


@exercise("07.first_loss")
def _first_loss(answer):
    got = as_number(answer, "one number (the loss you expect)")
    shares = np.array(FIRST_LOSS_SHARES)
    want = float(-(shares * np.log(shares)).sum())  # 1.75 ln 2 = 1.21
    if abs(got - want) <= 0.01:  # a prediction: 1.21 and 1.213 pass
        return None
    slips = [
        (
            math.log(4),
            "that is the loss of a network that gives every class 1/4; this one gives each class "
            "its share of the photos: what is the loss on a march photo, and on a clash photo?",
        ),
        (
            math.log(10),
            "that is what ten classes with equal probabilities give; here there are four, with "
            "unequal shares",
        ),
        (
            float(np.mean(-np.log(shares))),
            "you averaged over the four classes; the loss is averaged over the photos, and half "
            "of the photos are marches",
        ),
        (
            want / math.log(2),
            "cross-entropy uses the natural logarithm (ln, np.log), not log base 2",
        ),
        (
            want / math.log(10),
            "cross-entropy uses the natural logarithm (ln, np.log), not log base 10",
        ),
        (
            -want,
            "the loss is MINUS the log of a probability, so it is positive",
        ),
        (
            -math.log(0.5),
            "that is the loss on a march photo; the sit-in, clash and other photos count too",
        ),
    ]
    for value, hint in slips:
        if abs(got - value) <= 0.01:
            return hint
    return (
        "the loss on one photo is -ln of the probability the network gives that photo's true "
        "class; work it out for each class, then average over the photos"
    )


_SHARE_HINTS = {
    "A": (
        "a: accuracy averages over all ten classes; a share of two classes depends on how "
        "errors flow between those two (a row against a column of the table)"
    ),
    "E": (
        "e: a balanced test set does not make the errors cancel: compare the number of "
        "shirts called T-shirts with the number of T-shirts called shirts; and catalogues "
        "are not balanced"
    ),
    "F": (
        "f: a better classifier still errs, and may err differently on another decade's "
        "images; only labelled images from your own data show how much"
    ),
}
SHARE_DEFENSIBLE = {"B", "C", "D"}


SHARE_WHAT = "the letters of the statements, e.g. 'ab'"


def _share_missing(chosen: set) -> str:
    """The nudge when every letter picked is defensible but one is missing (it names no letter)."""
    if not chosen & {"B", "C"}:
        return "you chose how to check; which statements say what would be biased, and why?"
    if "D" not in chosen:
        return (
            "you named the bias; a measurement also needs a check: which statement "
            "says how you would find out how large it is?"
        )
    return (
        "you named one way the share can be biased and how to check it; a second statement names "
        "another bias: think of the errors within one decade *and* of how they can change between decades"
    )


@exercise("07.shirt_share")
def _shirt_share(answer):
    chosen = set(choice_letters(answer, "ABCDEF", SHARE_WHAT))
    return check_choice(
        answer,
        defensible=SHARE_DEFENSIBLE,
        hints=_SHARE_HINTS,
        what=SHARE_WHAT,
        missing=_share_missing(chosen),
    )


def _reference_early_stop(
    losses,
    patience,
    ties_improve=False,
    late=False,
    reset=True,
    previous=False,
):
    """The reference rule; the keyword arguments give the usual slips (for their hints).

    previous=True: an epoch counts as bad when its loss is not below the *previous* epoch's
    (instead of the best so far); best_epoch is still the lowest loss up to the stop.
    """
    best, best_epoch, bad, last = float("inf"), 0, 0, float("inf")
    for epoch, loss in enumerate(losses, start=1):
        improved = loss < best or (ties_improve and loss == best)
        if improved:
            best, best_epoch = loss, epoch
        if (loss < last) if previous else improved:
            if reset:
                bad = 0
        else:
            bad += 1
            if (bad > patience) if late else (bad >= patience):
                return epoch, best_epoch
        last = loss
    return len(losses), best_epoch


# (slip as keyword arguments of the reference, its hint)
_EARLY_STOP_SLIPS = [
    (
        {"previous": True},
        "compare each epoch's loss with the best loss so far, not with the previous epoch's: "
        "an epoch that beats its predecessor but not the best is still a bad epoch",
    ),
    (
        {"ties_improve": True},
        "a loss equal to the best so far is not an improvement: only a strictly lower loss "
        "(loss < best) becomes the new best and resets the count of bad epochs",
    ),
    (
        {"late": True},
        "you stop one epoch late: stop as soon as the number of bad epochs in a row reaches "
        "patience (bad >= patience), not when it exceeds it",
    ),
    (
        {"reset": False},
        "reset the count of bad epochs whenever the loss beats the best so far: patience counts "
        "bad epochs in a row, not in total",
    ),
]


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
        # improves again after one bad epoch
        ([1.0, 0.8, 0.7, 0.75, 0.69, 0.8, 0.9, 1.0], 3),
        ([1.0, 0.9, 0.8, 0.7], 2),  # never stops: the last epoch
        ([1.0, 1.0, 1.0], 2),  # equal is not an improvement
        (u_shape, 2),
        ([float(v) for v in 1 + rng.normal(0, 0.1, 12)], 3),
    ]
    results = []  # (losses, patience, want, got) for every case
    for losses, patience in cases:
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
        results.append(
            (losses, patience, _reference_early_stop(losses, patience), got)
        )
    wrong = [r for r in results if r[3] != r[2]]
    if not wrong:
        return None
    if all(got == (want[0] - 1, want[1] - 1) for *_, want, got in wrong):
        return "count epochs from 1, not from 0"
    if all(got == want[::-1] for *_, want, got in wrong):
        return "return (stop_epoch, best_epoch), in that order"
    # a slip explains the answer when it gives the student's result on every case (for the
    # previous-epoch rule the stop epoch is enough: its best_epoch can be counted either way)
    for slip, hint in _EARLY_STOP_SLIPS:
        n = 1 if slip.get("previous") else 2
        if all(
            got[:n] == _reference_early_stop(losses, patience, **slip)[:n]
            for losses, patience, _, got in results
        ):
            return hint
    losses, patience, want, got = wrong[0]
    return (
        f"early_stop({[round(v, 2) for v in losses]}, patience={patience}) should be {want}, got {got}; "
        f"go through these losses by hand: which epoch is the best so far, and when have "
        f"`patience` epochs in a row failed to beat it?"
    )
