"""Train once, then load: fit_or_load and the cache key of a training run (notebooks 07 and 09).

A run is keyed by everything that decides its result: the model's code and initial weights,
every fit setting, the data, and the training loop in helpers/training.py. The weights are
stored as safetensors and the history as JSON under cache_dir()/runs/.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import training
from .training import History, _as_device, fit

RUNS_FOLDER = "runs"
# where and how loudly a run trains does not change its result
_NOT_IN_KEY = ("device", "progress")


def _code_of(obj) -> str:
    """Source code of a function or class (also one defined in a notebook cell); '' for built-ins."""
    import functools
    import inspect
    import re

    if isinstance(obj, functools.partial):
        return (
            _code_of(obj.func)
            + repr(obj.args)
            + repr(sorted(obj.keywords.items()))
        )
    try:
        source = inspect.getsource(obj)
    except (OSError, TypeError):
        source = ""
    # Python 3.13 looks a class up by its __firstlineno__ in its module's file: for a class
    # from a notebook cell (module __main__) that is the kernel's launcher script, and the
    # lines found are not the class.
    if inspect.isclass(obj) and not re.search(
        rf"^\s*class\s+{re.escape(obj.__name__)}\b", source, re.M
    ):
        source = ""
    if source:
        return source
    # a class from a notebook cell: Python cannot find its file, its methods it can
    if inspect.isclass(obj):
        parts = [obj.__qualname__]
        for name, member in sorted(vars(obj).items()):
            if inspect.isfunction(member):
                try:
                    parts.append(inspect.getsource(member))
                except (OSError, TypeError):
                    parts.append(name + member.__code__.co_code.hex())
        return "\n".join(parts)
    return getattr(obj, "__qualname__", repr(obj))


def model_code(model) -> str:
    """The code that defines a model: the source of each of its own classes, library classes by name and version."""
    import importlib

    parts = []
    for cls in sorted(
        {type(m) for m in model.modules()},
        key=lambda c: (c.__module__, c.__qualname__),
    ):
        top = cls.__module__.split(".")[0]
        if top in ("torch", "timm", "torchvision"):
            version = getattr(importlib.import_module(top), "__version__", "")
            parts.append(
                f"{cls.__module__}.{cls.__qualname__} ({top} {version})"
            )
        else:
            parts.append(_code_of(cls))
    return "\n".join(parts)


def fingerprint(*arrays) -> str:
    """A short hash of arrays/tensors (shape, dtype and every value): the data a run was trained on."""
    import hashlib

    h = hashlib.blake2b(digest_size=10)
    for a in arrays:
        if hasattr(a, "detach"):
            a = a.detach().cpu().numpy()
        a = np.ascontiguousarray(a)
        h.update(f"{a.shape}{a.dtype}".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def run_key(model, settings: dict, data: str) -> str:
    """The cache key of a training run: hash of the model's code, its initial weights, the settings, the data,
    and the training loop (helpers/training.py). Any change to one of them gives a new key."""
    import hashlib
    import json

    h = hashlib.sha256()
    h.update(model_code(model).encode())
    # initial weights (covers the init seed)
    h.update(fingerprint(*model.state_dict().values()).encode())
    h.update(
        json.dumps(
            {k: v for k, v in settings.items() if k not in _NOT_IN_KEY},
            sort_keys=True,
            default=lambda v: _code_of(v) if callable(v) else repr(v),
        ).encode()
    )
    h.update(data.encode())
    # the training loop itself
    h.update(Path(training.__file__).read_bytes())
    return h.hexdigest()[:16]


def fit_or_load(
    model,
    X_train,
    y_train,
    X_val,
    y_val,
    *,
    name: str,
    verbose: bool = True,
    **settings,
):
    """Load the trained weights of this exact run if cached, else fit() and cache them -> History.

    The key (run_key) hashes the model's code and initial weights, every fit setting and the data, so a
    changed setting trains anew instead of loading a stale result. Weights are stored as safetensors,
    the history as JSON, under cache_dir()/runs/. history.from_cache says which happened; so does the
    printed line. settings: the keyword arguments of fit (epochs, lr, ...).
    """
    import json

    from safetensors.torch import load_file, save_file

    from .sources import cache_dir, pretty_path

    if (
        not isinstance(name, str)
        or not name
        or not all(ch.isalnum() or ch in "-_." for ch in name)
    ):
        raise ValueError(
            f"name={name!r}; give a short file-name-safe label, e.g. '07_scratch'"
        )
    key = run_key(model, settings, fingerprint(X_train, y_train, X_val, y_val))
    folder = cache_dir() / RUNS_FOLDER
    weights, record = (
        folder / f"{name}-{key}.safetensors",
        folder / f"{name}-{key}.json",
    )
    if weights.is_file() and record.is_file():
        model.load_state_dict(load_file(weights))
        history = History.from_dict(json.loads(record.read_text())["history"])
        history.from_cache = True
        model.to(_as_device(settings.get("device", "auto"))).eval()
        if verbose:
            print(
                f"{name}: loaded from the cache ({pretty_path(weights)}), trained earlier with the same "
                f"code, settings and data; delete the file to retrain"
            )
        return history
    history = fit(model, X_train, y_train, X_val, y_val, **settings)
    folder.mkdir(parents=True, exist_ok=True)
    save_file(
        {
            k: v.detach().cpu().clone().contiguous()
            for k, v in model.state_dict().items()
        },
        weights,
    )
    record.write_text(
        json.dumps(
            {
                "name": name,
                "key": key,
                "history": history.to_dict(),
                "settings": {
                    k: v for k, v in settings.items() if k not in _NOT_IN_KEY
                },
            },
            indent=1,
            default=lambda v: getattr(v, "__qualname__", repr(v)),
        )
    )
    if verbose:
        print(
            f"{name}: trained ({history.epochs} epochs, {sum(history.seconds):.1f} s) and saved to "
            f"{pretty_path(weights)}"
        )
    return history
