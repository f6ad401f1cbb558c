"""Turn a student's answer into the value a checker compares, or a hint saying what to give instead.

Every checker uses these, so every exercise accepts a right answer in any reasonable form (a
Python or NumPy number, a number typed as the notebook prints it, a list or an array) and answers
a wrong kind of answer with the same kind of hint. Each function returns the coerced value or
raises ``AnswerError``, whose message is the hint the student sees.
"""

from __future__ import annotations

import numpy as np


class AnswerError(ValueError):
    """The answer is of the wrong kind or form; the message is the hint for the student."""


def as_number(answer, what: str = "one number") -> float:
    """A real number from a Python/NumPy scalar or a 1-element array -> float; else AnswerError."""
    if isinstance(answer, (bool, np.bool_)):
        raise AnswerError(f"give {what}, not True/False")
    if isinstance(answer, (str, bytes)):
        raise AnswerError(f"give {what} as a number, not the text {answer!r}")
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
    value = float(value.reshape(()))
    if not np.isfinite(value):
        raise AnswerError(f"give {what}, got {value}")
    return value


def as_int(answer, what: str = "a whole number") -> int:
    """A whole number (3, 3.0, np.int64(3)) -> int; 3.5 or text -> AnswerError."""
    value = as_number(answer, what)
    if value != round(value):
        raise AnswerError(f"give {what}; {value} is not whole")
    return int(round(value))


def as_array(
    answer, shape: tuple | None = None, what: str = "an array of numbers"
) -> np.ndarray:
    """A list, tuple or array of numbers -> float ndarray (of `shape` when given); else AnswerError."""
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
    """A string, stripped and lower-cased (one of `choices` when given); else AnswerError."""
    if not isinstance(answer, str):
        raise AnswerError(
            f"give {what} as a string in quotes, got {type(answer).__name__}"
        )
    text = answer.strip().lower()
    if choices is not None and text not in [c.lower() for c in choices]:
        raise AnswerError(
            f"give one of {', '.join(repr(c) for c in choices)}; got {answer!r}"
        )
    return text


def decimals_typed(value: float) -> int:
    """How many decimals a number was typed with: 1.8637 -> 4, 2.0 -> 0, 0.1 + 0.2 -> 17."""
    text = repr(float(value))
    if "e" in text or "E" in text:
        mantissa, exponent = text.lower().split("e")
        return max(
            0,
            len(mantissa.split(".")[1].rstrip("0")) if "." in mantissa else 0,
        ) - int(exponent)
    return len(text.split(".")[1].rstrip("0")) if "." in text else 0


def compare_number(got: float, want: float, decimals: int = 3) -> str | None:
    """None when got equals want as far as the student typed it (at least `decimals` decimals), else a hint.

    A value typed as the notebook prints it (rounded to `decimals` or more) passes; the full float
    passes; a value close to the answer but rounded too coarsely, or off in the last digit, gets a
    "more decimals" hint instead of a plain "wrong".
    """
    typed = min(decimals_typed(got), 12)
    tol = 0.5 * 10.0**-typed + 1e-9 * max(1.0, abs(want))
    if abs(got - want) <= tol:
        if typed < decimals and abs(want) < 10 ** (decimals + 1):
            if round(want, typed) == got and round(want, decimals) != got:
                return f"right, but give at least {decimals} decimals"
        return None
    if abs(got - want) <= max(10.0**-decimals, 0.01 * abs(want)):
        return f"close: give {decimals} or more decimals, rounded (not cut off), or the full value"
    return "not this value"


def _shape_text(shape) -> str:
    return "" if shape is None else f" of shape {tuple(shape)}"


__all__ = [
    "AnswerError",
    "as_array",
    "as_int",
    "as_number",
    "as_text",
    "compare_number",
    "decimals_typed",
]
