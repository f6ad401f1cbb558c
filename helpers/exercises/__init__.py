"""Exercise checks: ``check("01.crop", answer)`` prints ✅ or ❌ with a hint.

Checkers live in one module per notebook (``nb01.py`` for ids "01.*"). A checker takes the
student's answer and returns None when it is right, or a hint (str) when it is not; it coerces
the answer with helpers.exercises.answers (as_number, as_array, ... raise AnswerError, whose
message is the hint). It recomputes the expected answer from the course data and the notebook's
parameters, so no answer is stored in the notebook.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from .answers import AnswerError

_REGISTRY: dict[str, Callable] = {}


def exercise(exercise_id: str):
    """Decorator: register fn(answer) -> None (correct) or a hint string under exercise_id."""

    def register(fn):
        if exercise_id in _REGISTRY:
            raise ValueError(
                f"exercise id {exercise_id!r} is registered twice"
            )
        _REGISTRY[exercise_id] = fn
        return fn

    return register


def _is_unanswered(answer) -> bool:
    if answer is ... or answer is None:
        return True
    if isinstance(answer, (tuple, list)) and any(a is ... for a in answer):
        return True
    if isinstance(answer, dict) and any(v is ... for v in answer.values()):
        return True
    return False


def get_checker(exercise_id: str) -> Callable:
    """Return the checker registered for exercise_id, importing its notebook's module."""
    if not isinstance(exercise_id, str) or "." not in exercise_id:
        raise ValueError(
            f"exercise id {exercise_id!r} must look like '01.crop' (notebook number, dot, name)"
        )
    prefix = exercise_id.split(".", 1)[0]
    try:
        importlib.import_module(f"{__name__}.nb{prefix}")
    except ModuleNotFoundError:
        raise ValueError(
            f"no exercises for notebook {prefix!r} (exercise id {exercise_id!r})"
        ) from None
    if exercise_id not in _REGISTRY:
        known = sorted(k for k in _REGISTRY if k.startswith(prefix + "."))
        raise ValueError(
            f"unknown exercise id {exercise_id!r}; notebook {prefix} has: {', '.join(known)}"
        )
    return _REGISTRY[exercise_id]


def evaluate(
    exercise_id: str, answer, strict: bool = False, **context
) -> tuple[bool | None, str]:
    """Check an answer -> (True, praise) / (False, hint) / (None, nudge when unanswered).

    context: the notebook's parameters a checker needs (e.g. patch size), passed on as keywords.
    strict=True (for tests) re-raises a checker's own crash instead of turning it into a message.
    """
    checker = get_checker(exercise_id)
    if _is_unanswered(answer):
        return (
            None,
            f"Exercise {exercise_id}: not answered yet. Replace the ... with your answer and run the cell again.",
        )
    try:
        hint = checker(answer, **context)
    # the wrong kind of answer: the message is the hint
    except AnswerError as exc:
        hint = str(exc)
    # a checker bug, or an answer nobody foresaw: never a traceback for students
    except Exception as exc:
        if strict:
            raise
        return False, (
            f"Exercise {exercise_id}: could not check this answer "
            f"({type(exc).__name__}: {exc}). Check its type and shape."
        )
    if hint is None:
        return True, f"Exercise {exercise_id}: correct!"
    return False, f"Exercise {exercise_id}: not yet. Hint: {hint}"


def check(exercise_id: str, answer, **context) -> None:
    """Print ✅ (correct), ❌ with a hint (wrong) or 👉 a nudge (not answered yet).

    context: notebook parameters the checker needs, e.g. check("03.roughest", answer, patch=PATCH).
    """
    ok, message = evaluate(exercise_id, answer, **context)
    mark = {True: "✅", False: "❌", None: "👉"}[ok]
    print(f"{mark} {message}")


def all_exercise_ids() -> list[str]:
    """Import every notebook's checker module and return all registered ids, sorted."""
    from pathlib import Path

    for path in sorted(Path(__file__).parent.glob("nb*.py")):
        importlib.import_module(f"{__name__}.{path.stem}")
    return sorted(_REGISTRY)
