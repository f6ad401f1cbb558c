"""Exercise checks: right answers pass, wrong ones get a hint, unanswered ones a nudge, never a traceback."""

import numpy as np
import pytest

from helpers import check
from helpers.exercises import all_exercise_ids, evaluate


def test_unanswered_gets_a_nudge(capsys):
    for exercise_id in all_exercise_ids():
        for unanswered in (..., None):
            ok, message = evaluate(exercise_id, unanswered)
            assert ok is None and "not answered yet" in message
    check("01.wrapped", ...)
    assert capsys.readouterr().out.startswith(
        "👉 Exercise 01.wrapped: not answered yet"
    )


def test_wrong_kind_of_answer_is_a_hint_not_a_crash():
    """Junk gets a real hint from the checker; strict=True makes a checker that crashes fail here."""
    crashed = []
    for exercise_id in all_exercise_ids():
        for junk in (
            "a string",
            42,
            np.zeros((2, 2)),
            np.zeros((2, 3)),
            [1, "x"],
            object(),
        ):
            try:
                ok, message = evaluate(exercise_id, junk, strict=True)
            except Exception as exc:
                crashed.append(
                    f"{exercise_id} on {type(junk).__name__}: {type(exc).__name__}: {exc}"
                )
                continue
            assert ok is False, f"{exercise_id} accepted {junk!r}"
            assert message.startswith(
                f"Exercise {exercise_id}: not yet. Hint: "
            ), message
    assert not crashed, (
        "checkers crashed instead of giving a hint:\n" + "\n".join(crashed)
    )


def test_a_crashing_checker_is_caught_by_strict_mode_and_kind_to_students(
    monkeypatch,
):
    from helpers import exercises

    def broken(answer):
        raise KeyError("bug")

    monkeypatch.setitem(exercises._REGISTRY, "01.wrapped", broken)
    with pytest.raises(KeyError):
        evaluate("01.wrapped", 1, strict=True)
    ok, message = evaluate("01.wrapped", 1)
    assert ok is False and "could not check this answer (KeyError" in message


def test_unknown_ids_are_clear():
    with pytest.raises(
        ValueError,
        match=r"unknown exercise id '01.nope'; notebook 01 has: .*01.wrapped",
    ):
        evaluate("01.nope", 1)
    with pytest.raises(ValueError, match="no exercises for notebook '77'"):
        evaluate("77.x", 1)
    with pytest.raises(ValueError, match="must look like '01.crop'"):
        evaluate("pixel", 1)
