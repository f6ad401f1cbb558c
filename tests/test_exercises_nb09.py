"""Checks of notebook 09: right answers pass, typical mistakes get their specific hint."""

import numpy as np

from helpers.exercises import evaluate as _evaluate
from helpers.exercises.nb09 import EXERCISE_K, EXERCISE_Q, EXERCISE_V


def evaluate(exercise_id, answer):
    """The checker under test, strict: a checker that crashes fails the test instead of printing a hint."""
    return _evaluate(exercise_id, answer, strict=True)


Q, K, V = np.array(EXERCISE_Q), np.array(EXERCISE_K), np.array(EXERCISE_V)


def softmax_rows(s):
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def hint(exercise_id, answer):
    ok, message = evaluate(exercise_id, answer)
    assert ok is False, message
    return message


def test_num_patches():
    assert (
        evaluate("09.num_patches", (1024, 768))[0] is True
    )  # 512x512x3 astronaut, 16x16 patches
    assert evaluate("09.num_patches", [np.int64(1024), 768.0])[0] is True
    assert "swapped" in hint("09.num_patches", (768, 1024))
    assert "along one side" in hint("09.num_patches", (32, 768))
    assert "3 colour values" in hint("09.num_patches", (1024, 256))
    assert "how many 16x16 squares" in hint("09.num_patches", (196, 768))
    assert "two whole numbers" in hint("09.num_patches", (1024.5, 768))


def test_attention_weights():
    d = Q.shape[1]
    assert (
        evaluate("09.attention_weights", softmax_rows(Q @ K.T / np.sqrt(d)))[0]
        is True
    )
    assert "divide Q @ K.T by sqrt(d)" in hint(
        "09.attention_weights", softmax_rows(Q @ K.T)
    )
    assert "not by d itself" in hint(
        "09.attention_weights", softmax_rows(Q @ K.T / d)
    )
    assert "down the columns" in hint(
        "09.attention_weights", softmax_rows((Q @ K.T / np.sqrt(d)).T).T
    )
    assert "sum to 1" in hint("09.attention_weights", Q @ K.T / np.sqrt(d))
    assert "shape (3, 3)" in hint("09.attention_weights", np.zeros((2, 2)))


def test_attention_output():
    d = Q.shape[1]
    w = softmax_rows(Q @ K.T / np.sqrt(d))
    assert evaluate("09.attention_output", w @ V)[0] is True
    assert "1/sqrt(d)" in hint(
        "09.attention_output", softmax_rows(Q @ K.T) @ V
    )
    assert "need a softmax" in hint(
        "09.attention_output", (Q @ K.T / np.sqrt(d)) @ V
    )
    assert "weighted average" in hint("09.attention_output", w @ V + 1)
    assert "shape (3, 2)" in hint("09.attention_output", w)


def test_junk_answers_get_hints():
    for exercise_id in (
        "09.num_patches",
        "09.attention_weights",
        "09.attention_output",
    ):
        for junk in ("a string", 42, np.zeros((2, 2)), object(), None):
            ok, message = evaluate(exercise_id, junk)
            assert ok is not True and message.startswith(
                f"Exercise {exercise_id}:"
            )
