"""Checks for 07_training_cnns (the first loss, a judged measurement, the early-stopping rule)."""

import math

import numpy as np

from . import exercise
from .answers import AnswerError, as_int, as_number, as_text


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
    "a": (
        "a: accuracy averages over all ten classes; a share of two classes depends on how "
        "errors flow between those two (a row against a column of the table)"
    ),
    "e": (
        "e: a balanced test set does not make the errors cancel: compare the number of "
        "shirts called T-shirts with the number of T-shirts called shirts; and catalogues "
        "are not balanced"
    ),
    "f": (
        "f: a better classifier still errs, and may err differently on another decade's "
        "images; only labelled images from your own data show how much"
    ),
}


@exercise("07.shirt_share")
def _shirt_share(answer):
    if isinstance(answer, (list, tuple, set, frozenset, np.ndarray)):
        letters = [as_text(str(a), "letters") for a in np.ravel(list(answer))]
        text = "".join(letters)
    else:
        text = as_text(answer, "the letters of the statements, e.g. 'ab'")
    chosen = {ch for ch in text if ch.isalpha()}
    stray = {ch for ch in text if not (ch.isalpha() or ch in " ,;+&")}
    if stray or not chosen <= set("abcdef"):
        return "give only the letters a to f, e.g. 'ab' or ['a', 'b']"
    for letter in "aef":
        if letter in chosen:
            return _SHARE_HINTS[letter]
    if not chosen & {"b", "c"}:
        return "you chose how to check; which statements say what would be biased, and why?"
    if "d" not in chosen:
        return (
            "you named the bias; a measurement also needs a check: which statement "
            "says how you would find out how large it is?"
        )
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
        return (
            f"early_stop({[round(v, 2) for v in losses]}, patience={patience}) should be {want}, got {got}; "
            f"reset the count of bad epochs whenever the loss beats the best so far"
        )
    return None
