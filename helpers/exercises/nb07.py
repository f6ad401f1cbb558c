"""Checks for 07_training_cnns (the first loss, a judged measurement, the early-stopping rule)."""

import math
import re

import numpy as np

from . import exercise
from .answers import AnswerError, as_int, as_number, as_text, check_choice


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


@exercise("07.first_loss")
def _first_loss(answer):
    got = as_number(answer, "one number (the loss you expect)")
    want = math.log(4)
    if abs(got - want) <= 0.05:  # a prediction: 1.4, 1.39 and ln(4) all pass
        return None
    slips = [
        (
            math.log(10),
            "that is what ten classes give; how many classes are there now?",
        ),
        (
            math.log2(4),
            "cross-entropy uses the natural logarithm (ln, np.log), not log base 2",
        ),
        (
            math.log10(4),
            "cross-entropy uses the natural logarithm (ln, np.log), not log base 10",
        ),
        (
            -math.log(4),
            "the loss is MINUS the log of a probability, so it is positive",
        ),
        (
            0.25,
            "that is the probability of the right class; the loss is a function of it",
        ),
        (0.75, "that is the error rate of guessing, not the loss"),
    ]
    for value, hint in slips:
        if abs(got - value) <= 0.02:
            return hint
    return (
        "an untrained network gives every class about the same probability; "
        "the loss is what §3's formula makes of the right class's probability "
        "(see the first loss §3 printed for ten classes)"
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


def _share_letters(answer):
    """The letters of an answer ("bcd", "b, c, d", "b and c", ["b", "c"]) as a list, or a hint string."""
    if isinstance(answer, (list, tuple, set, frozenset, np.ndarray)):
        items = [as_text(str(a), "letters") for a in np.ravel(list(answer))]
    else:
        items = [as_text(answer, "the letters of the statements, e.g. 'ab'")]
    letters = []
    for item in items:
        for token in re.split(r"[\s,;+&]+", item):
            if token in ("", "and"):
                continue
            token = token.strip("()")
            if not token or not set(token) <= set("abcdef"):
                return "give only the letters a to f, e.g. 'ab' or ['a', 'b']"
            letters.extend(token)  # "bcd" -> b, c, d
    return letters


@exercise("07.shirt_share")
def _shirt_share(answer):
    letters = _share_letters(answer)
    if isinstance(letters, str):
        return letters
    hint = check_choice(
        letters,
        defensible=SHARE_DEFENSIBLE,
        hints=_SHARE_HINTS,
        what="the letters of the statements, e.g. 'ab'",
    )
    chosen = {x.upper() for x in letters}
    if hint is None or not chosen <= SHARE_DEFENSIBLE:
        return hint
    # every letter picked is defensible, one or more is missing: a nudge that names no letter
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


def _reference_early_stop(
    losses, patience, ties_improve=False, late=False, reset=True
):
    """The reference rule; the keyword arguments give the usual slips (for their hints)."""
    best, best_epoch, bad = float("inf"), 0, 0
    for epoch, loss in enumerate(losses, start=1):
        if loss < best or (ties_improve and loss == best):
            best, best_epoch = loss, epoch
            if reset:
                bad = 0
        else:
            bad += 1
            if (bad > patience) if late else (bad >= patience):
                return epoch, best_epoch
    return len(losses), best_epoch


# (slip as keyword arguments of the reference, its hint)
_EARLY_STOP_SLIPS = [
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
        for slip, hint in _EARLY_STOP_SLIPS:
            if got == _reference_early_stop(losses, patience, **slip):
                return hint
        return (
            f"early_stop({[round(v, 2) for v in losses]}, patience={patience}) should be {want}, got {got}; "
            f"go through these losses by hand: which epoch is the best so far, and when have "
            f"`patience` epochs in a row failed to beat it?"
        )
    return None
