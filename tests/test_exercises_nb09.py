"""Checks of notebook 09: right answers pass in every reasonable form, typical mistakes get their specific hint."""

import numpy as np

from helpers.exercises import evaluate as _evaluate
from helpers.exercises.nb09 import (
    EVIDENCE_DEFENSIBLE,
    EXERCISE_K,
    EXERCISE_Q,
    UNCHANGED,
    masked_weights,
)


def evaluate(exercise_id, answer):
    """The checker under test, strict: a checker that crashes fails the test instead of printing a hint."""
    return _evaluate(exercise_id, answer, strict=True)


Q, K = np.array(EXERCISE_Q), np.array(EXERCISE_K)


def softmax_rows(s):
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def hint(exercise_id, answer):
    ok, message = evaluate(exercise_id, answer)
    assert ok is False, message
    return message


def test_num_patches():
    # 512x512x3 astronaut, 16x16 patches
    assert evaluate("09.num_patches", (1024, 768))[0] is True
    assert evaluate("09.num_patches", [np.int64(1024), 768.0])[0] is True
    assert "swapped" in hint("09.num_patches", (768, 1024))
    assert "along one side" in hint("09.num_patches", (32, 768))
    assert "3 colour values" in hint("09.num_patches", (1024, 256))
    assert "how many 16x16 squares" in hint("09.num_patches", (196, 768))
    assert "two whole numbers" in hint("09.num_patches", (1024.5, 768))


def test_masked_weights_reference_is_computed_independently():
    """The checker's reference against a by-hand softmax over the two other tokens of each row."""
    scores = Q @ K.T / 2  # sqrt(d) = 2
    want = np.zeros((3, 3))
    for i in range(3):
        others = [j for j in range(3) if j != i]
        e = np.exp(scores[i, others])
        want[i, others] = e / e.sum()
    assert np.allclose(masked_weights(Q, K), want)
    assert np.allclose(want[0], [0, 1 / (1 + np.e**-1), 1 / (1 + np.e)])


def test_masked_attention_right_answers_in_every_form():
    w = masked_weights(Q, K)
    assert evaluate("09.masked_attention", w)[0] is True
    assert evaluate("09.masked_attention", w.astype(np.float32))[0] is True
    assert evaluate("09.masked_attention", w.round(3))[0] is True
    assert evaluate("09.masked_attention", w.round(3).tolist())[0] is True
    assert evaluate("09.masked_attention", np.round(w * 1000) / 1000)[0]
    # zeroing the diagonal and renormalising is the same matrix, so it passes
    plain = softmax_rows(Q @ K.T / 2) * (1 - np.eye(3))
    assert (
        evaluate(
            "09.masked_attention", plain / plain.sum(axis=1, keepdims=True)
        )[0]
        is True
    )


def test_masked_attention_hints():
    w = masked_weights(Q, K)
    assert "give 3 or more decimals" in hint("09.masked_attention", w.round(2))
    assert "ordinary attention weights" in hint(
        "09.masked_attention", softmax_rows(Q @ K.T / 2)
    )
    assert "no longer sum to 1" in hint(
        "09.masked_attention", softmax_rows(Q @ K.T / 2) * (1 - np.eye(3))
    )
    assert "divide Q @ K.T by sqrt(d)" in hint(
        "09.masked_attention", masked_weights(Q * 2, K)
    )
    assert "not by d itself" in hint(
        "09.masked_attention", masked_weights(Q / 2, K)
    )
    assert "rows are queries" in hint(
        "09.masked_attention", masked_weights(K, Q)
    )
    diag_zero_score = Q @ K.T / 2
    np.fill_diagonal(diag_zero_score, 0.0)  # a score of 0 is not "left out"
    assert "diagonal" in hint(
        "09.masked_attention", softmax_rows(diag_zero_score)
    )
    with_inf = w.copy()
    with_inf[0, 0] = -np.inf
    assert "finite" in hint("09.masked_attention", with_inf)
    assert "shape (3, 3)" in hint("09.masked_attention", np.zeros((2, 2)))
    for message in (hint("09.masked_attention", softmax_rows(Q @ K.T / 2)),):
        assert "inf" not in message and "fill_diagonal" not in message


def test_what_changes_accepts_every_spelling_of_the_right_set():
    assert UNCHANGED == {"a", "d"}
    for right in ("a, d", "AD", "d a", "a and d", ["a", "d"], {"d", "a"}):
        assert evaluate("09.what_changes", right)[0] is True, right
    assert evaluate("09.what_changes", np.array(["a", "d"]))[0] is True


def test_what_changes_shown_numerically():
    """The answer key is true of the notebook's tokens: (a) and (d) keep every output, the others do not."""
    V = np.array([[1.0, 0.0], [0.0, 1.0], [3.0, 3.0]])

    def out(q, k, v):
        return softmax_rows(q @ k.T / 2) @ v

    base, c = out(Q, K, V), np.array([1.0, -2.0, 0.5, 3.0])
    perm = [2, 0, 1]
    assert np.allclose(out(Q, K + c, V), base)  # (a)
    assert not np.allclose(out(Q + c, K, V), base)  # (b)
    assert not np.allclose(out(2 * Q, K, V), base)  # (c)
    assert np.allclose(out(Q, K[perm], V[perm]), base)  # (d)
    assert not np.allclose(out(Q, K, V + 1), base)  # (e)


def test_what_changes_hints():
    assert "different amount for each key" in hint(
        "09.what_changes", "a, b, d"
    )
    assert "sharper" in hint("09.what_changes", "a, c, d")
    assert "average" in hint("09.what_changes", "a, d, e")
    # a missing letter gets a conceptual nudge that does not name it
    for given, missing in (("d", "a"), ("a", "d")):
        text = hint("09.what_changes", given)
        assert "one more change leaves the output unchanged" in text
        assert f"({missing})" not in text
    assert "constant added to a whole row" in hint("09.what_changes", "d")
    assert "order of the tokens" in hint("09.what_changes", "a")
    assert "one or more of A, B, C, D, E; not F" in hint(
        "09.what_changes", "a, f"
    )
    assert "letters" in hint("09.what_changes", 3)


def test_attention_evidence_accepts_the_defensible_answers():
    assert EVIDENCE_DEFENSIBLE == {"b", "c"}
    for right in ("b, c", "B and C", ["c", "b"], "bc", np.array(["b", "c"])):
        assert evaluate("09.attention_evidence", right)[0] is True, right
    for half in ("b", "c", ["b"]):  # one of the two is not enough
        assert "another one can too" in hint("09.attention_evidence", half)
    assert "picked by the team" in hint("09.attention_evidence", "a, b")
    assert "own range" in hint("09.attention_evidence", "b, c, d")
    assert "one or more of A, B, C, D; not E" in hint(
        "09.attention_evidence", "e"
    )
