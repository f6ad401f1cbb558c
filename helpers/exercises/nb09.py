"""Checks for 09_vision_transformers: patches of the astronaut photo (apply), masked attention on three
tokens (apply), which changes leave attention's output unchanged (predict), and what counts as evidence
that a ViT measures what a study says (judge)."""

import numpy as np

from . import exercise
from .answers import AnswerError, as_array, check_choice, choice_letters

# The three tokens of exercises 2 and 3 (the notebook types in the same numbers): d = 4.
EXERCISE_Q = [[1.0, 0.0, 1.0, 0.0], [0.0, 2.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0]]
EXERCISE_K = [[1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 2.0, 0.0], [0.0, 1.0, 0.0, 1.0]]
EXERCISE_V = [[1.0, 0.0], [0.0, 1.0], [3.0, 3.0]]

# Exercise 3: changes that leave the output of attention unchanged for every token.
# same vector added to every key; key-value pairs reordered together
UNCHANGED = {"a", "d"}
CHANGES_OPTIONS = "abcde"
# Exercise 4: evidence a reviewer can accept that a ViT measures police presence.
# coders on a random held-out sample; occlusion test
EVIDENCE_DEFENSIBLE = {"b", "c"}
EVIDENCE_OPTIONS = "abcd"


def _softmax_rows(scores):
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _qkv():
    return np.array(EXERCISE_Q), np.array(EXERCISE_K), np.array(EXERCISE_V)


def masked_weights(Q, K):
    """Attention weights when no token may attend to itself (the reference for 09.masked_attention)."""
    scores = Q @ K.T / np.sqrt(Q.shape[1])
    np.fill_diagonal(scores, -np.inf)
    return _softmax_rows(scores)


def _as_matrix(answer, shape):
    """answer as a float array of `shape`, or a hint string."""
    try:
        return as_array(answer, shape, what="a NumPy array of numbers")
    except AnswerError as exc:
        return str(exc)


def _letters(answer, options):
    """The set of option letters in an answer ("a, d", "AD", ["a", "d"], {"d", "a"}), lower case."""
    what = f'the letters of your choices, e.g. "{options[0]}, {options[-1]}"'
    return {x.lower() for x in choice_letters(answer, options, what)}


@exercise("09.num_patches")
def _num_patches(answer):
    from ..data import load_photo

    h, w, c = load_photo("astronaut", verbose=False).shape
    p = 16
    want = ((h // p) * (w // p), p * p * c)
    if (
        isinstance(answer, (str, bytes))
        or not hasattr(answer, "__len__")
        or len(answer) != 2
    ):
        return "give two numbers: (number of patches, numbers in one flattened patch)"
    if np.ndim(answer) != 1 or not all(
        isinstance(v, (int, float, np.integer, np.floating))
        and float(v).is_integer()
        for v in answer
    ):
        return "give two whole numbers, e.g. (100, 200): (number of patches, numbers in one flattened patch)"
    got = tuple(int(v) for v in answer)
    if got == want:
        return None
    if got == want[::-1]:
        return "the two numbers are swapped: first the number of patches, then the length of one patch vector"
    if got[0] == h // p:
        return f"{h // p} is the number of patches along one side; the grid has that many rows AND columns"
    if got[0] != want[0]:
        return f"the photo is {h}x{w} pixels: how many {p}x{p} squares fit along each side?"
    if got[1] == p * p:
        return f"a {p}x{p} patch has {p * p} pixels, but each pixel has {c} colour values"
    return f"one patch is {p}x{p} pixels x {c} channels, flattened into one vector"


@exercise("09.masked_attention")
def _masked_attention(answer):
    Q, K, _ = _qkv()
    d = Q.shape[1]
    arr = _as_matrix(answer, (Q.shape[0], K.shape[0]))
    if isinstance(arr, str):
        return arr + " (one row per query token, one column per key token)"
    if not np.isfinite(arr).all():
        return (
            "the weights must be finite numbers: an excluded token gets weight 0; "
            "it is its score (before the softmax) that may be minus infinity"
        )
    want = masked_weights(Q, K)
    err = np.abs(arr - want).max()
    # the full values, float32, or rounded to 3 decimals as printed
    if err <= 5e-4 + 1e-9:
        return None
    if err <= 5e-3 + 1e-9 and np.allclose(arr, want.round(2), atol=1e-9):
        return "right, but rounded to 2 decimals: give 3 or more decimals, or the full values"
    unmasked = _softmax_rows(Q @ K.T / np.sqrt(d))
    if np.allclose(arr, unmasked, atol=5e-4):
        return (
            "these are the ordinary attention weights: here a token may not attend to itself, so "
            "its weight on itself (the diagonal) must be 0 and the rest of its row still sums to 1"
        )
    if np.abs(np.diag(arr)).max() > 5e-4:
        return (
            "the diagonal (each token's weight on itself) must be exactly 0: which score, before "
            "the softmax, gives a weight of exactly 0 after it?"
        )
    if not np.allclose(arr.sum(axis=1), 1, atol=2e-3):
        if np.allclose(arr, unmasked * (1 - np.eye(3)), atol=5e-4):
            return (
                "you zeroed the diagonal after the softmax, so the rows no longer sum to 1: the "
                "weight a token loses on itself must go to the other tokens"
            )
        return "each row must sum to 1 (with 0 on the diagonal): one softmax per row"
    if np.allclose(arr, masked_weights(Q * np.sqrt(d), K), atol=5e-4):
        return f"scale the scores first: divide Q @ K.T by sqrt(d) = sqrt({d}) before the softmax (§3)"
    if np.allclose(arr, masked_weights(Q / np.sqrt(d), K), atol=5e-4):
        return f"divide by the square root of d (sqrt({d}) = {np.sqrt(d):g}), not by d itself"
    if np.allclose(arr, masked_weights(Q, K).T, atol=5e-4) or np.allclose(
        arr, masked_weights(K, Q), atol=5e-4
    ):
        return "rows are queries, columns are keys: row i says how much token i takes from each token"
    return "start from the scaled scores of §3 and leave each token's own score out of its softmax"


@exercise("09.what_changes")
def _what_changes(answer):
    got = _letters(answer, CHANGES_OPTIONS)
    if got == UNCHANGED:
        return None
    if "b" in got:
        return (
            "(b): adding c to every query adds c·k_j to the scores, a different amount for each "
            "key j, so the weights change; test it on Q_ex, K_ex"
        )
    if "c" in got:
        return (
            "(c): doubling the queries doubles the scores and the softmax gets sharper (the "
            "reason for 1/sqrt(d) in §3); try it on Q_ex, K_ex"
        )
    if "e" in got:
        return (
            "(e): each output is a weighted average of the values with weights summing to 1: "
            "what happens to an average when every value grows by 1?"
        )
    # a missing letter is not named: the hint points to the concept, the student finds the change
    if "a" not in got:
        return (
            "one more change leaves the output unchanged: for each change you left out, write the "
            "score of query i with key j after the change and see whether some part of it is the "
            "same for every j; a softmax ignores a constant added to a whole row"
        )
    return (
        "one more change leaves the output unchanged: recall §3's shuffle check and what "
        "attention knows about the order of the tokens"
    )


@exercise("09.attention_evidence")
def _attention_evidence(answer):
    got = _letters(answer, EVIDENCE_OPTIONS)
    # every defensible letter and no other (check_choice); each wrong option keeps its own hint
    return check_choice(
        sorted(got),
        defensible={x.upper() for x in EVIDENCE_DEFENSIBLE},
        hints={
            "A": (
                "(a): photos picked by the team show what the model can do on them, not how often "
                "it is right; a validity check needs a sample the team did not choose"
            ),
            "D": (
                "(d): a map stretched to its own range always has a brightest patch, even when every "
                "weight is close to uniform (§9's figure uses one scale for that reason); and "
                "attention is not the same as what changes the prediction"
            ),
        },
        what="the letters of every check you would accept",
        missing=(
            "each check you accepted can be defended, but another one can too: read the others "
            "again and ask of each whether it could show the measurement is wrong on photos the "
            "team did not pick"
        ),
    )
