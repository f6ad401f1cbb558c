"""Where a resource comes from: the course cache, an offline package, or the online download.

``resolve`` tries a loader's sources in that order, prints which one it used, and otherwise raises
one ``ResourceNotFoundError`` naming every source it tried and how to fix each. The data loaders
(helpers.data) and the weight loaders (helpers.weights) are built on it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
CACHE_ENV = "IMAGES_AS_DATA_CACHE"


class ResourceNotFoundError(FileNotFoundError):
    """No source (cache, offline package, online download) could provide a resource."""


class SourceUnavailable(Exception):
    """Raised by one source of a loader to say 'not here', with the reason."""


@dataclass
class Source:
    """One place a resource may come from: kind is 'cache', 'offline' or 'online'."""

    kind: str
    label: str
    fetch: Callable[[], object]
    how_to_fix: str


def cache_dir(create: bool = True) -> Path:
    """Return the course cache folder ($IMAGES_AS_DATA_CACHE, else <course>/.cache)."""
    path = Path(
        os.environ.get(CACHE_ENV) or PROJECT_ROOT / ".cache"
    ).expanduser()
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def pretty_path(path) -> str:
    """Show a path relative to the course or home folder, so outputs carry no machine paths."""
    path = Path(path)
    for base, name in ((PROJECT_ROOT, "<course>"), (Path.home(), "~")):
        try:
            return str(Path(name) / path.resolve().relative_to(base.resolve()))
        except ValueError:
            continue
    if os.environ.get(CACHE_ENV):
        try:
            return str(
                Path("$" + CACHE_ENV)
                / path.resolve().relative_to(
                    Path(os.environ[CACHE_ENV]).resolve()
                )
            )
        except ValueError:
            pass
    return str(path)


def resolve(resource: str, sources: list[Source], verbose: bool = True):
    """Try each source in order; return the first result, printing which source gave it."""
    tried = []
    for src in sources:
        try:
            value = src.fetch()
        except SourceUnavailable as exc:
            tried.append(
                f"  {len(tried) + 1}. {src.kind} ({src.label}): {exc}\n     fix: {src.how_to_fix}"
            )
            continue
        if verbose:
            print(f"{resource}: loaded from {src.kind} source: {src.label}")
        return value
    raise ResourceNotFoundError(
        f"{resource} could not be loaded from any source. Tried, in order:\n"
        + "\n".join(tried)
    )
