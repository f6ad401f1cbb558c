"""Facts about the course, stated once, for the notebooks (00 checks the environment with them) and the tools.

- ``supported_pythons()``: the ``Programming Language :: Python :: 3.x`` classifiers of pyproject.toml.
- ``requirement_pins(name)``: the exact ``name==version`` pins of one requirements file.
The course root itself is ``helpers.sources.PROJECT_ROOT``.
"""

from __future__ import annotations

import re
import tomllib

from .sources import PROJECT_ROOT

_PIN = re.compile(r"([A-Za-z0-9_.\-]+)==([0-9][\w.]*)")
_CLASSIFIER = re.compile(r"Programming Language :: Python :: (3\.\d+)")


def pyproject() -> dict:
    """The course's pyproject.toml, parsed."""
    return tomllib.loads(
        (PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    )


def supported_pythons() -> list[str]:
    """The supported Python versions ('3.11', ...), oldest first, from pyproject.toml's classifiers."""
    found = [
        m.group(1)
        for c in pyproject()["project"].get("classifiers", [])
        if (m := _CLASSIFIER.fullmatch(c))
    ]
    if not found:
        raise ValueError(
            "pyproject.toml lists no 'Programming Language :: Python :: 3.x' classifiers; "
            "add one per supported version"
        )
    return sorted(found, key=lambda v: int(v.split(".")[1]))


def requirement_pins(name: str = "requirements.txt") -> dict[str, str]:
    """Package name (lower case, as pip normalises it) -> pinned version, for one requirements file.

    Comments, blank lines and ``-r``/``-c`` includes are skipped (an include is not followed). A line that
    is not an exact ``name==version`` pin raises ValueError naming the file, the line and the fix.
    """
    pins = {}
    text = (PROJECT_ROOT / name).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        entry = line.split("#")[0].strip()
        if not entry or entry.startswith(("-r", "-c")):
            continue
        m = _PIN.fullmatch(entry)
        if not m:
            raise ValueError(
                f"{name}:{number}: {line!r} is not an exact pin; write it as name==version "
                "(then run make lock)"
            )
        pins[re.sub(r"[-_.]+", "-", m.group(1)).lower()] = m.group(2)
    return pins
