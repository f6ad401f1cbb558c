"""One acceptance rule for every checker: a right answer passes in every reasonable form.

Every checker coerces the student's answer with these functions and compares it with them, so
every exercise treats answers alike:

- **Forms.** A Python or NumPy number, a float32 result (``cv2.calcHist``, torch), a 1-element
  array, ``11.0`` for 11, a list or tuple for an array, a NumPy array of strings for a list of
  words: all pass when the value is right.
- **Rounding.** A value typed as the notebook printed it passes: a checker says how many decimals
  it needs (``decimals``) and how many the notebook printed (``printed``); the answer passes with
  ``min(decimals, printed)`` decimals or more, rounded. The full float passes; so does a float32
  value (relative error below ``RTOL``).
- **"Give more decimals"** only for an answer that *is* the right value rounded (too coarsely);
  a right value cut off instead of rounded gets "round, don't cut off". Any other near miss is
  simply not the value.
- **Known slips.** A checker lists the answers a conceptual slip produces, each with its
  conceptual hint (nats for bits, the transposed matrix, a threshold for a sensitivity):
  ``check_number(answer, want, slips=[(value_in_nats, "that is in nats; ...")])``. A slip is
  recognised with the same rule as the right answer (any form, printed rounding).

``as_number``, ``as_int``, ``as_array``, ``as_text`` and ``as_words`` coerce (or raise
``AnswerError``, whose message is the hint the student sees); ``compare_number`` and
``compare_array`` compare a coerced value; ``check_number`` and ``check_array`` do both and try
the registered slips.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import numpy as np

# Relative error a right answer may carry without being typed rounded: float32 sums
# (cv2.calcHist, torch) differ from the float64 reference by about 1e-7 per operation.
RTOL = 1e-5


class AnswerError(ValueError):
    """The answer is of the wrong kind or form; the message is the hint for the student."""


# --- coercion --------------------------------------------------------------------------


def as_number(answer, what: str = "one number") -> float:
    """A real number from a Python/NumPy scalar or a 1-element array -> float; else AnswerError."""
    if isinstance(answer, (bool, np.bool_)):
        raise AnswerError(f"give {what}, not True/False")
    if isinstance(answer, (str, bytes)):
        raise AnswerError(f"give {what} as a number, not the text {answer!r}")
    if hasattr(answer, "detach") and hasattr(answer, "cpu"):  # a torch tensor
        answer = answer.detach().cpu().numpy()
    try:
        value = np.asarray(answer)
    except Exception:
        raise AnswerError(
            f"give {what}, got {type(answer).__name__}"
        ) from None
    if (
        value.dtype == object
        or not np.issubdtype(value.dtype, np.number)
        or np.iscomplexobj(value)
    ):
        raise AnswerError(f"give {what}, got {type(answer).__name__}")
    if value.size != 1:
        raise AnswerError(
            f"give {what}, got {value.size} values (shape {value.shape})"
        )
    if value.dtype in (np.float32, np.float16):
        # the decimal the student sees (np.float32(0.527) -> 0.527), not its float64 widening
        # 0.5270000100135803, whose extra digits would read as "typed with 17 decimals"
        value = float(str(value.reshape(())[()]))
    else:
        value = float(value.reshape(()))
    if not np.isfinite(value):
        raise AnswerError(f"give {what}, got {value}")
    return value


def as_int(answer, what: str = "a whole number") -> int:
    """A whole number (3, 3.0, np.int64(3), np.float32(3)) -> int; 3.5 or text -> AnswerError."""
    value = as_number(answer, what)
    if value != round(value):
        raise AnswerError(f"give {what}; {value} is not whole")
    return int(round(value))


def as_array(
    answer, shape: tuple | None = None, what: str = "an array of numbers"
) -> np.ndarray:
    """A list, tuple or array of numbers -> float ndarray (of `shape` when given); else AnswerError."""
    if hasattr(answer, "detach") and hasattr(answer, "cpu"):  # a torch tensor
        answer = answer.detach().cpu().numpy()
    if (
        isinstance(answer, (str, bytes, dict))
        or answer is None
        or np.isscalar(answer)
    ):
        raise AnswerError(
            f"give {what}{_shape_text(shape)}, got {type(answer).__name__}"
        )
    try:
        arr = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise AnswerError(
            f"give {what}{_shape_text(shape)} (numbers only), got {type(answer).__name__}"
        ) from None
    if shape is not None and arr.shape != tuple(shape):
        raise AnswerError(
            f"give {what} of shape {tuple(shape)}, got shape {arr.shape}"
        )
    return arr


def as_text(answer, what: str = "a word", choices=None) -> str:
    """A string (or NumPy string scalar / 1-element string array), stripped and lower-cased.

    With `choices`, it must be one of them (case-insensitive); else AnswerError.
    """
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.reshape(()).item()
    if isinstance(answer, bytes):
        answer = answer.decode(errors="replace")
    if not isinstance(answer, str):
        raise AnswerError(
            f"give {what} as a string in quotes, got {type(answer).__name__}"
        )
    text = " ".join(answer.strip().lower().split())
    if choices is not None and text not in [c.lower() for c in choices]:
        raise AnswerError(
            f"give one of {', '.join(repr(c) for c in choices)}; got {answer!r}"
        )
    return text


def as_words(
    answer,
    n: int | None = None,
    names: dict | None = None,
    what: str = "a list of words",
) -> list[str]:
    """Several words from a list, tuple, NumPy string array or one string ("red, green blue").

    names: accepted spellings -> canonical word (e.g. {"r": "red", "red": "red"}); words not in
    it raise AnswerError naming the accepted ones. n: how many words are needed.
    """
    if isinstance(answer, bytes):
        answer = answer.decode(errors="replace")
    if isinstance(answer, str):
        answer = answer.replace(",", " ").replace(";", " ").split()
    elif isinstance(answer, np.ndarray):
        if answer.dtype.kind not in "USO":
            raise AnswerError(
                f"give {what} as strings in quotes, got an array of {answer.dtype}"
            )
        answer = answer.ravel().tolist()
    if not isinstance(answer, (list, tuple)):
        raise AnswerError(f"give {what}, got {type(answer).__name__}")
    if n is not None and len(answer) != n:
        raise AnswerError(f"give {what}: {n} words, got {len(answer)}")
    words = []
    for item in answer:
        word = as_text(item, what=f"each entry of {what}")
        if names is not None:
            if word not in names:
                allowed = sorted(set(names.values()))
                raise AnswerError(
                    f"use the words {', '.join(repr(a) for a in allowed)}, not {item!r}"
                )
            word = names[word]
        words.append(word)
    return words


# --- comparison ------------------------------------------------------------------------


def decimals_typed(value: float) -> int:
    """How many decimals a number was typed with: 1.8637 -> 4, 2.0 -> 0, 0.1 + 0.2 -> 17."""
    text = repr(float(value))
    if "e" in text or "E" in text:
        mantissa, exponent = text.lower().split("e")
        return max(
            0,
            (len(mantissa.split(".")[1].rstrip("0")) if "." in mantissa else 0)
            - int(exponent),
        )
    return len(text.split(".")[1].rstrip("0")) if "." in text else 0


def _needed(decimals: int, printed: int | None) -> int:
    return decimals if printed is None else min(int(decimals), int(printed))


def _full_match(got, want, rtol: float) -> bool:
    return abs(got - want) <= rtol * abs(want) + 1e-9


def _rounds_to(got, want, typed: int) -> bool:
    """got is want rounded to `typed` decimals (ties and binary noise allowed)."""
    return abs(got - want) <= 0.5 * 10.0**-typed * (1 + 1e-6) + 1e-12 * max(
        1.0, abs(want)
    )


def compare_number(
    got: float,
    want: float,
    decimals: int = 3,
    printed: int | None = None,
    rtol: float = RTOL,
) -> str | None:
    """None when `got` is `want` in an accepted form, else a hint.

    Accepted: the full value (float32 included: relative error up to `rtol`), or the value rounded
    to at least min(decimals, printed) decimals. The right value rounded more coarsely gets a hint
    starting "right value" and asking for more decimals; the right value cut off instead of
    rounded gets one starting "close"; anything else is "not this value".
    """
    got, want = float(got), float(want)
    if _full_match(got, want, rtol):
        return None
    need = _needed(decimals, printed)
    typed = min(decimals_typed(got), 12)
    if _rounds_to(got, want, typed):
        # 1.040 is typed as 1.04: a rounding whose last digits are 0 has enough decimals
        if typed >= need or _rounds_to(got, want, need):
            return None
        return (
            f"right value, but rounded to {typed} decimal{'s' * (typed != 1)}: "
            f"give at least {need} decimals (or the full value)"
        )
    if 1 <= typed <= 12 and typed >= need:
        cut = math.trunc(want * 10**typed) / 10**typed
        if abs(got - cut) <= 1e-9 * max(1.0, abs(want)):
            return "close: that is the right value cut off; round the last digit instead"
    return "not this value"


def compare_array(
    got: np.ndarray,
    want: np.ndarray,
    decimals: int = 3,
    printed: int | None = None,
    rtol: float = RTOL,
    atol: float = 1e-9,
) -> str | None:
    """compare_number for arrays of the same shape: None when every entry is right in an accepted form.

    The decimals typed are those of the most precise entry (an array rounded to 4 decimals has
    entries with 4 or fewer).
    """
    got = np.asarray(got, dtype=float)
    want = np.asarray(want, dtype=float)
    if got.shape != want.shape:
        return f"expected shape {want.shape}, got {got.shape}"
    diff = np.abs(got - want)
    if np.all(diff <= rtol * np.abs(want) + atol):
        return None
    need = _needed(decimals, printed)
    sample = got.ravel()[:10_000]
    typed = min(max((decimals_typed(v) for v in sample), default=0), 12)
    if np.all(diff <= 0.5 * 10.0**-typed * (1 + 1e-6) + atol):
        if typed >= need or np.all(
            diff <= 0.5 * 10.0**-need * (1 + 1e-6) + atol
        ):
            return None
        return (
            f"right values, but rounded to {typed} decimal{'s' * (typed != 1)}: "
            f"give at least {need} decimals (or the full values)"
        )
    return "not these values"


Slips = Iterable[tuple[object, str]]


def check_number(
    answer,
    want: float,
    *,
    decimals: int = 3,
    printed: int | None = None,
    slips: Slips = (),
    otherwise: str | None = None,
    what: str = "one number",
    rtol: float = RTOL,
) -> str | None:
    """Coerce `answer` to a number and compare it with `want`; None when right, else the hint.

    slips: (value, hint) pairs, the answers known conceptual slips produce; a value may be a
    callable computing it lazily. An answer matching one (by the same rule as the right answer)
    gets that hint. otherwise: the hint for any other wrong value (default "not this value").
    """
    got = as_number(answer, what)
    verdict = compare_number(got, want, decimals, printed, rtol)
    if verdict is None:
        return None
    for value, hint in slips:
        value = value() if callable(value) else value
        if value is None:
            continue
        if compare_number(got, float(value), decimals, printed, rtol) is None:
            return hint
    if verdict.startswith(("right", "close")):
        return verdict
    return otherwise or verdict


def check_array(
    answer,
    want,
    *,
    decimals: int = 3,
    printed: int | None = None,
    slips: Slips = (),
    otherwise: str | None = None,
    what: str = "an array of numbers",
    rtol: float = RTOL,
    atol: float = 1e-9,
) -> str | None:
    """check_number for arrays: a list, tuple or array of the right shape; slips as there."""
    want = np.asarray(want, dtype=float)
    got = as_array(answer, shape=want.shape, what=what)
    verdict = compare_array(got, want, decimals, printed, rtol, atol)
    if verdict is None:
        return None
    for value, hint in slips:
        value = value() if callable(value) else value
        if value is None:
            continue
        value = np.asarray(value, dtype=float)
        if (
            value.shape == got.shape
            and compare_array(got, value, decimals, printed, rtol, atol)
            is None
        ):
            return hint
    if verdict.startswith("right"):
        return verdict
    return otherwise or verdict


def choice_letters(
    answer, letters, what: str = "the letter of an answer"
) -> list[str]:
    """The option letters an answer picks, upper case and sorted: "B", "b and c", "bc", "(c) (b)",
    ["B", "C"], np.array(["C"]). AnswerError for anything else, naming the letters there are."""
    letters = sorted({x.upper() for x in letters})
    if isinstance(answer, str):
        items = [answer]
    elif isinstance(answer, (list, tuple, set, frozenset, np.ndarray)):
        items = [as_text(a, what=what) for a in np.ravel(list(answer))]
    else:
        raise AnswerError(
            f"give {what} as a string such as {letters[0]!r}, or a list of letters, "
            f"got {type(answer).__name__}"
        )
    # "b, c", "b and c", "b; c", "b & c", "b + c": every item may hold several letters
    parts = [
        p
        for item in items
        for p in re.sub(r"\bAND\b|[,;&+]", " ", item.upper()).split()
    ]
    tokens = [p.strip().strip("()").upper() for p in parts if p.strip()]
    picked = sorted(
        {
            letter
            for t in tokens
            # a run of option letters ("bcd") is those letters
            for letter in (t if t and set(t) <= set(letters) else [t])
        }
    )
    unknown = [p for p in picked if p not in letters]
    if not picked or unknown:
        raise AnswerError(
            f"give {what}: one or more of {', '.join(letters)}"
            + (f"; not {', '.join(unknown)}" if unknown else "")
        )
    return picked


def check_choice(
    answer,
    defensible: Iterable[str],
    hints: dict[str, str],
    what: str = "the letter of an answer",
    missing: str | None = None,
) -> str | None:
    """A judge exercise: one letter, or several ("B", ["B", "C"], "b and c"); None when the answer picks
    exactly the defensible letters.

    defensible: the letters a good argument supports; the answer must pick every one of them and no other
    (a single right letter is not enough when the question asks for every statement you can defend).
    hints: letter -> the conceptual hint for choosing it (every option not defensible needs one).
    missing: the nudge when every letter picked is defensible but one is left out (it must not name the
    letter); by default a general one.
    """
    letters = sorted(set(defensible) | set(hints))
    picked = choice_letters(answer, letters, what)
    wrong = [p for p in picked if p not in set(defensible)]
    if wrong:
        return hints[wrong[0]]
    if set(defensible) - set(picked):
        return missing or (
            "everything you picked can be defended, but not everything defensible is picked: read the "
            "other statements again and ask of each whether it could move the number while the thing "
            "measured stays the same"
        )
    return None


def _shape_text(shape) -> str:
    return "" if shape is None else f" of shape {tuple(shape)}"


__all__ = [
    "RTOL",
    "AnswerError",
    "as_array",
    "as_int",
    "as_number",
    "as_text",
    "as_words",
    "check_array",
    "check_choice",
    "choice_letters",
    "check_number",
    "compare_array",
    "compare_number",
    "decimals_typed",
]
