"""Checks for 11_case_study_tally_sheets (a threshold for a false-positive rate, kappa from a table, a corrected
share for another mix of alterations, which variable a non-random error would bias).

The notebook passes what the answer depends on (its validation scores, the coders' table, its
sensitivity and specificity) as keywords, so the checks follow the notebook's parameters. Hints
name the concept first and where to look second; none prints the formula the exercise asks for.
"""

import itertools

import numpy as np

from . import exercise
from .answers import (
    AnswerError,
    as_number,
    as_text,
    check_choice,
    choice_letters,
    decimals_typed,
)

_MISSING = "this check needs the notebook's {} (keep the check(...) line as given, and run the cells above first)"


def _context_array(value, name):
    if value is None:
        raise AnswerError(_MISSING.format(name))
    return np.asarray(value)


def matches(got: float, low: float, high: float | None = None) -> bool:
    """True when got equals a value in [low, high] as far as the student typed it (2 decimals at least count).

    A right value rounded as the notebook prints it (2 or 3 decimals), the full float, or a float32
    passes; high > low covers answers computed from inputs that were themselves printed rounded.
    """
    high = low if high is None else high
    exact = 1e-9 * max(1.0, abs(high))
    if low - exact <= got <= high + exact:
        return True  # the full value (a float32 of it passes below)
    typed = min(decimals_typed(got), 12)
    if typed < 2:
        return False  # 0.4 for 0.38 is not "as printed"
    tol = 0.5 * 10.0**-typed + 1e-6 * max(1.0, abs(high))
    return low - tol <= got <= high + tol


def rounded_version(got: float, want: float) -> bool:
    """True when got IS want rounded to 1 decimal (the only case for "give more decimals").

    A whole number is not counted: 0 or 1 says nothing about having computed the value (a kappa of
    0.53 is not "1, rounded"); it gets the checker's usual hints instead.
    """
    return decimals_typed(got) == 1 and round(want, 1) == got


def best_sensitivity(scores, labels, max_fpr):
    """Highest share of positives flagged by any threshold whose false-positive rate is <= max_fpr."""
    scores, labels = np.asarray(scores, float), np.asarray(labels).astype(bool)
    candidates = np.unique(np.concatenate([scores, [np.inf]]))
    fpr = np.array([(scores[~labels] >= t).mean() for t in candidates])
    tpr = np.array([(scores[labels] >= t).mean() for t in candidates])
    return float(tpr[fpr <= max_fpr + 1e-12].max())


@exercise("11.threshold")
def _threshold(answer, scores=None, labels=None):
    got = as_number(
        answer,
        "one number: the share of altered validation sheets flagged (0..1)",
    )
    scores, labels = (
        _context_array(scores, "scores"),
        _context_array(labels, "labels"),
    )
    want = best_sensitivity(scores, labels, 0.01)
    at_5 = best_sensitivity(scores, labels, 0.05)
    if got > 1:
        if matches(got / 100, want):
            return "give it as a share between 0 and 1, not a percentage"
        raise AnswerError("a sensitivity is a share between 0 and 1")
    if matches(got, want):
        return None
    if rounded_version(got, want):
        return "right, but give at least 2 decimals, as the notebook prints shares"
    if at_5 != want and matches(got, at_5):
        return "that is the sensitivity at 5% false accusations; the exercise allows only 1%"
    if got <= 0.0100001:
        return "that looks like the false-positive rate; the question asks for the share of *altered* sheets flagged"
    if got < want:
        return (
            "a lower threshold still keeps false accusations at or below 1%: lower it until one more "
            "clean sheet would be flagged"
        )
    return "that threshold flags more than 1% of the clean validation sheets; count the clean sheets at or above it"


def _agreement_parts(t):
    """(p_o, p_e for Cohen's kappa, p_e for Scott's pi) of a square table of counts."""
    total = t.sum()
    rows, cols = t.sum(axis=1) / total, t.sum(axis=0) / total
    pooled = (rows + cols) / 2
    return np.trace(t) / total, float(rows @ cols), float(pooled @ pooled)


_DIRECTIONS = {
    "higher": "higher",
    "lower": "lower",
    "more": "higher",
    "less": "lower",
}


@exercise("11.kappa")
def _kappa(answer, table=None, kappa_ab=None):
    from ..tally import kappa_from_table

    form = 'two things: (prediction, kappa), e.g. ("higher", 0.5): your prediction first'
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise AnswerError(f"give {form}")
    direction = as_text(
        answer[0], 'the prediction: "higher" or "lower"'
    ).lower()
    if direction not in _DIRECTIONS:
        raise AnswerError(
            f'the prediction is "higher" or "lower" (than A-B\'s kappa); got {answer[0]!r}'
        )
    got = as_number(answer[1], "one number: Cohen's kappa")
    t = _context_array(table, "table").astype(float)
    ref = _context_array(kappa_ab, "kappa_ab")
    want = kappa_from_table(t)
    if _DIRECTIONS[direction] != ("higher" if want > float(ref) else "lower"):
        return (
            "check the prediction: D and E agree on more sheets, but with one label this common, how "
            "much of that agreement would two coders reach by chance alone?"
        )
    if matches(got, want):
        return None
    if rounded_version(got, want):
        return "right, but give at least 2 decimals"
    p_o, p_e, p_e_pooled = _agreement_parts(t)
    scott = (p_o - p_e_pooled) / (1 - p_e_pooled)
    if matches(got, scott):
        return (
            "that is Scott's pi: its chance agreement comes from the two coders' labels pooled "
            "together. Cohen's kappa takes each coder's own share of each label (look at how p_e "
            "was computed for coders A and B)"
        )
    if matches(got, p_o):
        return (
            "that is the observed agreement; kappa asks how much of it is beyond what two coders "
            "with these label rates would reach by chance"
        )
    if matches(got, p_o - p_e):
        return "you removed chance agreement; now scale by the most agreement that was possible beyond chance"
    if matches(got, p_e):
        return "that is the chance agreement p_e, one ingredient of kappa, not kappa itself"
    if not -1 <= got <= 1:
        return "kappa lies between -1 and 1; check that p_o and p_e are shares (counts divided by the total)"
    return (
        "not this value: compute p_o from the diagonal and p_e from each coder's own label shares "
        "(row and column totals), as for coders A and B in §8"
    )


def _rg(p, se, sp):
    return (p + sp - 1) / (se + sp - 1)


def _rg_range(p, se, sp, decimals=3):
    """Range of the unclipped correction when se and sp are known only as printed (rounded to `decimals`)."""
    h = 0.5 * 10.0**-decimals
    values = [
        _rg(p, a, b)
        for a, b in itertools.product(
            (se - h, se, se + h), (sp - h, sp, sp + h)
        )
        if a + b > 1
    ]
    return min(values), max(values)


@exercise("11.corrected")
def _corrected(
    answer,
    flagged_share=None,
    sensitivity=None,
    specificity=None,
    overall_sensitivity=None,
):
    got = as_number(answer, "one number: the corrected share (0..1)")
    if None in (flagged_share, sensitivity, specificity):
        raise AnswerError(
            _MISSING.format("flagged_share, sensitivity and specificity")
        )
    p, se, sp = float(flagged_share), float(sensitivity), float(specificity)
    if se + sp <= 1:
        raise AnswerError(
            f"with sensitivity {se:.3f} and specificity {sp:.3f} no correction is possible "
            f"(their sum must exceed 1); run the notebook in lecture mode"
        )
    want = _rg(p, se, sp)
    low, high = _rg_range(p, se, sp)
    clipped = [np.clip(low, 0, 1), np.clip(high, 0, 1)]
    if matches(got, low, high) or matches(got, *clipped):
        return None
    if got > 1 and matches(got / 100, *clipped):
        return "give it as a share between 0 and 1, not a percentage"
    if rounded_version(got, want):
        return "right, but give at least 2 decimals"
    if matches(got, p):
        return "that is the naive share flagged; correct it for the sheets the detector misses and falsely flags"
    if overall_sensitivity is not None:
        se_all = float(overall_sensitivity)
        if matches(got, *_rg_range(p, se_all, sp)):
            return (
                "that corrects with the sensitivity of the calibration sheets' mix of kinds; in this "
                "district the alterations are of one kind: use what the calibration sheets say about "
                "that kind"
            )
    if matches(got, p / se):
        return (
            "dividing by the sensitivity corrects for missed sheets only; the flagged share also "
            "holds false accusations of clean sheets"
        )
    if matches(got, (p - (1 - sp)) / se):
        return (
            "almost: the false accusations shrink as the true share grows, because fewer sheets are "
            "clean; see how the observed share mixes the two groups in §9"
        )
    return "not this value: start from how the observed share mixes altered and clean sheets (§9) and solve for p"


_VARIABLE_HINTS = {
    "b": (
        "the same Se and Sp are applied to both groups of stations, but if one group's clean sheets "
        "are flagged more often, its true specificity is lower: a single correction cannot undo that"
    ),
    "c": (
        "Rogan-Gladen corrects with one specificity for all sheets; an error that is more frequent "
        "in one kind of station is not in that one number"
    ),
    "d": "kappa describes the coders' agreement; the question is about the detector's flags",
}
_CHECK_HINTS = {
    "y": (
        "another seed changes the detector's luck, not the condition of the sheets; the bias "
        "would come back"
    ),
    "z": (
        "an interval describes chance; this error pushes in one direction, and a wider interval "
        "around a biased number is still biased"
    ),
}


@exercise("11.bias")
def _bias(answer):
    """(variable letter, every defensible check letter): the variable is a; the checks w and x both."""
    if isinstance(answer, dict):
        answer = (answer.get("variable"), answer.get("check"))
    if isinstance(answer, str):
        answer = tuple(answer.replace(",", " ").split())
    if not isinstance(answer, (tuple, list)) or len(answer) < 2:
        raise AnswerError(
            'give the variable\'s letter first, then every check you can defend, e.g. ("b", "yz")'
        )
    variable = as_text(
        answer[0], "the variable's letter", choices=("a", "b", "c", "d")
    )
    checks = choice_letters(
        [p for part in answer[1:] for p in np.ravel(part)],
        "WXYZ",
        "the checks' letters",
    )
    if variable != "a":
        return _VARIABLE_HINTS[variable]
    return check_choice(
        checks,
        defensible=("W", "X"),
        hints={k.upper(): v for k, v in _CHECK_HINTS.items()},
        what="the checks' letters",
        missing=(
            "every check you picked can be defended, but not every defensible one is picked: which "
            "other check would also show a false-positive rate that differs between the groups?"
        ),
    )
