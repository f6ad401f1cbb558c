"""Checks for 09_vision_transformers (patches of the astronaut photo; attention by hand on three tokens)."""

import numpy as np

from . import exercise
from .answers import AnswerError, as_array

# The three tokens of exercises 2 and 3 (the notebook types in the same numbers): d = 4.
EXERCISE_Q = [[1.0, 0.0, 1.0, 0.0], [0.0, 2.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0]]
EXERCISE_K = [[1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 2.0, 0.0], [0.0, 1.0, 0.0, 1.0]]
EXERCISE_V = [[1.0, 0.0], [0.0, 1.0], [3.0, 3.0]]


def _softmax_rows(scores):
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _qkv():
    return np.array(EXERCISE_Q), np.array(EXERCISE_K), np.array(EXERCISE_V)


def _as_matrix(answer, shape):
    """answer as a float array of `shape`, or a hint string."""
    try:
        return as_array(answer, shape, what="a NumPy array of numbers")
    except AnswerError as exc:
        return str(exc)


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


@exercise("09.attention_weights")
def _attention_weights(answer):
    Q, K, _ = _qkv()
    d = Q.shape[1]
    arr = _as_matrix(answer, (Q.shape[0], K.shape[0]))
    if isinstance(arr, str):
        return arr + " (one row per query token, one column per key token)"
    want = _softmax_rows(Q @ K.T / np.sqrt(d))
    if np.allclose(arr, want, atol=1e-4):
        return None
    if np.allclose(arr, _softmax_rows(Q @ K.T), atol=1e-4):
        return f"scale the scores first: divide Q @ K.T by sqrt(d) = sqrt({d}) before the softmax"
    if np.allclose(arr, _softmax_rows(Q @ K.T / d), atol=1e-4):
        return f"divide by the square root of d (sqrt({d}) = {np.sqrt(d):g}), not by d itself"
    if np.allclose(arr, _softmax_rows((Q @ K.T / np.sqrt(d)).T).T, atol=1e-4):
        return "the softmax ran down the columns; normalise each row (axis=1), so each query's weights sum to 1"
    if not np.allclose(arr.sum(axis=1), 1, atol=1e-4):
        return "each row of attention weights must sum to 1: apply a softmax to each row of the scores"
    return (
        "weights = softmax(Q @ K.T / sqrt(d)), the softmax taken over each row"
    )


@exercise("09.attention_output")
def _attention_output(answer):
    Q, K, V = _qkv()
    d = Q.shape[1]
    arr = _as_matrix(answer, (Q.shape[0], V.shape[1]))
    if isinstance(arr, str):
        return arr + " (one row per token, as many columns as V)"
    weights = _softmax_rows(Q @ K.T / np.sqrt(d))
    if np.allclose(arr, weights @ V, atol=1e-4):
        return None
    if np.allclose(arr, _softmax_rows(Q @ K.T) @ V, atol=1e-4):
        return (
            f"scale the scores by 1/sqrt(d) = 1/sqrt({d}) before the softmax"
        )
    if np.allclose(arr, (Q @ K.T / np.sqrt(d)) @ V, atol=1e-4):
        return "the scores need a softmax (each row summing to 1) before they weight V"
    return "output = softmax(Q @ K.T / sqrt(d)) @ V: each row is a weighted average of the rows of V"
