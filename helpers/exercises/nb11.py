"""Checks for 11_case_study_tally_sheets (a threshold for a false-positive rate, kappa from a table, a corrected share).

The notebook passes what the answer depends on (its validation scores, the coders' table, its
sensitivity and specificity) as keywords, so the checks follow the notebook's parameters.
"""

import numpy as np

from . import exercise
from .answers import AnswerError, as_number, compare_number

_MISSING = "this check needs the notebook's {} (keep the check(...) line as given, and run the cells above first)"


def _context_array(value, name):
    if value is None:
        raise AnswerError(_MISSING.format(name))
    return np.asarray(value)


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
    if got > 1:
        if (
            compare_number(
                got / 100, best_sensitivity(scores, labels, 0.01), 3
            )
            is None
        ):
            return "give it as a share between 0 and 1, not a percentage"
        raise AnswerError("a sensitivity is a share between 0 and 1")
    want = best_sensitivity(scores, labels, 0.01)
    hint = compare_number(got, want, 3)
    if hint is None:
        return None
    if compare_number(
        got, best_sensitivity(scores, labels, 0.05), 3
    ) is None and want != best_sensitivity(scores, labels, 0.05):
        return "that is the sensitivity at 5% false accusations; the exercise allows only 1%"
    if got <= 0.0100001:
        return "that looks like the false-positive rate; the question asks for the share of *altered* sheets flagged"
    if got < want:
        return "a lower threshold still keeps false accusations at or below 1%: lower it until one more clean sheet would be flagged"
    return "that threshold flags more than 1% of the clean validation sheets; count the clean sheets at or above it"


@exercise("11.kappa")
def _kappa(answer, table=None):
    from ..tally import kappa_from_table

    got = as_number(answer, "one number: Cohen's kappa")
    t = _context_array(table, "table").astype(float)
    want = kappa_from_table(t)
    hint = compare_number(got, want, 3)
    if hint is None:
        return None
    total = t.sum()
    p_o = np.trace(t) / total
    p_e = (t.sum(axis=1) / total) @ (t.sum(axis=0) / total)
    if compare_number(got, p_o, 3) is None:
        return "that is the observed agreement p_o; kappa removes the agreement expected by chance: (p_o - p_e) / (1 - p_e)"
    if compare_number(got, p_o - p_e, 3) is None:
        return "you subtracted chance agreement; now divide by (1 - p_e), the most agreement possible beyond chance"
    if compare_number(got, p_e, 3) is None:
        return "that is p_e, the chance agreement: the products of the two coders' shares of each label, summed"
    if not -1 <= got <= 1:
        return "kappa lies between -1 and 1; check p_o and p_e are shares (divide the counts by the total)"
    return (
        hint
        if hint.startswith(("close", "right"))
        else (
            "compute p_o from the diagonal and p_e from the row and column "
            "totals, each divided by the number of sheets"
        )
    )


@exercise("11.corrected")
def _corrected(answer, flagged_share=None, sensitivity=None, specificity=None):
    from ..tally import rogan_gladen

    got = as_number(answer, "one number: the corrected share (0..1)")
    if None in (flagged_share, sensitivity, specificity):
        raise AnswerError(
            _MISSING.format("flagged_share, sensitivity and specificity")
        )
    p, se, sp = float(flagged_share), float(sensitivity), float(specificity)
    want = rogan_gladen(p, se, sp, clip=False)
    if got > 1 and compare_number(got / 100, want, 3) is None:
        return "give it as a share between 0 and 1, not a percentage"
    hint = compare_number(got, want, 3)
    if hint is None:
        return None
    if compare_number(got, p, 3) is None:
        return "that is the naive share flagged; correct it for the sheets the detector misses and falsely flags"
    if compare_number(got, p / se, 3) is None:
        return "dividing by the sensitivity corrects for missed sheets only; subtract the false positives (1 - Sp) first"
    if compare_number(got, (p - (1 - sp)) / se, 3) is None:
        return "almost: divide by Se + Sp - 1, not by Se (false positives also shrink as the true share grows)"
    return (
        hint
        if hint.startswith(("close", "right"))
        else "use Rogan-Gladen: (observed + Sp - 1) / (Se + Sp - 1)"
    )
