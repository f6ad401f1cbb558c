"""What the bench scripts share: where results go, timing, the line describing the machine, tables.

- ``clock()`` / ``since(t)``: wall and CPU seconds of a stretch of code; ``best_time(fn, repeats)``.
- ``machine_line()``: Python, machine, CPUs, load average (a shared machine inflates wall seconds).
- ``markdown_table(header, rows, align)``: the lines of a markdown table.
- ``write_result(name, lines)``: write ``bench/results/<name>`` and say so.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from helpers.validate import check_positive_int
from tools.project import BENCH_RESULTS, ROOT

__all__ = [
    "BENCH_RESULTS",
    "ROOT",
    "best_time",
    "clock",
    "machine_line",
    "markdown_table",
    "since",
    "write_result",
]


def clock() -> tuple[float, float]:
    """A start mark: (wall clock, CPU time of this process)."""
    return time.perf_counter(), time.process_time()


def since(start: tuple[float, float]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) since a ``clock()`` mark."""
    return time.perf_counter() - start[0], time.process_time() - start[1]


def best_time(fn: Callable[[], object], repeats: int):
    """Run fn() ``repeats`` times -> (best wall seconds, best CPU seconds, the last result)."""
    check_positive_int(repeats, "repeats", "e.g. 3")
    walls, cpus, out = [], [], None
    for _ in range(repeats):
        start = clock()
        out = fn()
        wall, cpu = since(start)
        walls.append(wall)
        cpus.append(cpu)
    return min(walls), min(cpus), out


def machine_line(**extra) -> str:
    """'Python 3.11.7 · x86_64 · 2 CPUs · load average 1.2 (1 min)' plus any ``name=value`` given."""
    parts = [
        f"Python {platform.python_version()}",
        platform.machine(),
        f"{os.cpu_count()} CPUs",
        *(f"{k.replace('_', ' ')} {v}" for k, v in extra.items()),
        f"load average {os.getloadavg()[0]:.1f} (1 min)",
    ]
    return " · ".join(parts)


def markdown_table(
    header: Sequence[str], rows: Sequence[Sequence], align: str = ""
) -> list[str]:
    """Lines of a markdown table; ``align`` has one letter per column: l (left, the default) or r."""
    align = align or "l" * len(header)
    if len(align) != len(header) or set(align) - {"l", "r"}:
        raise ValueError(
            f"align={align!r}; give one letter per column ({len(header)}), each l or r"
        )
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(rule) + "|"]
    for row in rows:
        if len(row) != len(header):
            raise ValueError(
                f"a row has {len(row)} cells, the header {len(header)}: {row!r}"
            )
        lines.append("| " + " | ".join(str(c) for c in row) + " |")
    return lines


def write_result(name: str | Path, lines: Sequence[str]) -> Path:
    """Write the lines to bench/results/<name> (or to ``name`` when it is a path) and print where."""
    path = Path(name) if isinstance(name, Path) else BENCH_RESULTS / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"wrote {where}")
    return path
