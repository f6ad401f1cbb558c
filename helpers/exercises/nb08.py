"""Checks for 08_autotaggers (tags of the sample photos from the pretrained EfficientNet-Lite0)."""
from functools import lru_cache

import numpy as np

from . import exercise


@lru_cache(maxsize=None)
def _proba(photo: str) -> np.ndarray:
    """Probabilities (1000,) of one sample photo with the default preprocessing (224 px)."""
    from ..data import load_photo
    from ..weights import load_imagenet_cnn
    from ..tagging import predict_proba

    model = load_imagenet_cnn(verbose=False)
    return predict_proba(model, load_photo(photo, verbose=False))[0]


@lru_cache(maxsize=None)
def _table():
    from ..data import load_coarse_tags

    return load_coarse_tags(verbose=False)


def _names() -> list:
    return list(_table()["name"])


def _as_name(answer, what="a class name"):
    """Accept 'missile' or the full ImageNet description 'missile, ...'; return the short name or a hint."""
    if isinstance(answer, (tuple, list)) and len(answer) == 2 and isinstance(answer[0], str):
        return None, f"give only the name as a string, not (name, probability): {answer[0]!r}"
    if not isinstance(answer, str):
        return None, f"give {what} as a string, got {type(answer).__name__}"
    return answer.split(",")[0].strip().lower(), None


@exercise("08.rocket_top1")
def _rocket_top1(answer):
    name, hint = _as_name(answer)
    if hint:
        return hint
    p = _proba("rocket")
    order = np.argsort(-p)
    names = [n.lower() for n in _names()]
    if name == names[order[0]]:
        return None
    coarse = set(_table()["coarse"].str.lower())
    if name in coarse:
        return "that is a coarse tag; give the fine ImageNet class (top_k_tags(proba, names, k=1))"
    if name in [names[j] for j in order[1:5]]:
        return "that tag is among the top 5 but not the most probable one: take the first of top_k_tags"
    if name not in names:
        return f"{answer!r} is not an ImageNet class name; use names[...] from coarse_table"
    return "predict the rocket photo with predict_proba(model, load_photo('rocket')) and take the highest probability"


@exercise("08.cat_tags")
def _cat_tags(answer):
    if isinstance(answer, str) or not isinstance(answer, (list, tuple, np.ndarray)):
        return f"give a list of class names, got {type(answer).__name__}"
    answer = list(answer)
    if answer and isinstance(answer[0], (tuple, list)):
        answer = [a[0] for a in answer]  # (name, p) pairs are fine too
    if not all(isinstance(a, str) for a in answer):
        return "every item should be a class name (a string)"
    got = [a.split(",")[0].strip().lower() for a in answer]
    p = _proba("chelsea")
    names = [n.lower() for n in _names()]
    idx = np.flatnonzero(p >= 0.05)
    want = [names[j] for j in idx[np.argsort(-p[idx])]]
    if got == want:
        return None
    if set(got) == set(want):
        return "the right tags, but sort them by probability, most probable first"
    if len(got) == 1:
        return "that is single-label (top-1); keep every tag with probability >= 0.05"
    missing, extra = set(want) - set(got), set(got) - set(want)
    if extra and not missing:
        return f"{len(extra)} tag(s) are below 0.05; check the threshold (tags_over_threshold(..., threshold=0.05))"
    return f"{len(missing)} tag(s) with probability >= 0.05 are missing; use threshold=0.05 on the chelsea photo"


@exercise("08.coffee_food")
def _coffee_food(answer):
    if isinstance(answer, (str, bytes)) or np.ndim(answer) != 0:
        return f"give one number, got {type(answer).__name__} with shape {np.shape(answer)}"
    value = float(answer)
    p = _proba("coffee")
    food = (_table()["coarse"] == "food").to_numpy()
    want = float(p[food].sum())
    if abs(value - want) < 5e-3:
        return None
    if abs(value - float(p.max())) < 5e-3:
        return "that is only the top-1 class (espresso); add up the probabilities of every food class"
    if abs(value - int(food.sum())) < 0.5:
        return "that is the number of food classes; add up their probabilities for the coffee photo instead"
    if value > 1 or value < 0:
        return f"{value} is not a probability; sum proba[0, coarse_table['coarse'] == 'food']"
    return "sum the probabilities of the classes with coarse tag 'food' (coarse_proba does it for all tags)"
