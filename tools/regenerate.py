"""After changing a notebook (or code it calls): everything that is generated from it, in one command.

1. re-execute the notebook top to bottom (stored outputs from one clean lecture-mode run);
2. recompute its header time, per-section minutes, session-break marker and README table row (tools.times);
3. rewrite the README's benchmark figures from bench/results/ (tools.readme_figures);
4. regenerate the student edition (tools.editions).

Usage (from the course root): ``make notebook NB=03`` or ``python -m tools.regenerate 03 [more ...]`` (all
notebooks when none: ``make notebooks``);
``--no-execute`` skips step 1 (after a prose-only change). Then commit notebooks/, student/ and README.md.
"""

from __future__ import annotations

import argparse
import sys

from tools.project import find_notebooks


def steps(names: list[str], execute: bool = True):
    """The steps as (label, function, argv) in order; each function returns an exit status."""
    from tools import editions, execute_notebooks, readme_figures, times

    out = []
    if execute:
        out.append(("execute", execute_notebooks.main, names))
    out += [
        ("times", times.main, names),
        ("readme figures", readme_figures.main, []),
        ("student edition", editions.main, []),
    ]
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "names",
        nargs="*",
        help="parts of notebook names, e.g. 03 (default: all)",
    )
    ap.add_argument(
        "--no-execute",
        action="store_true",
        help="skip re-executing (prose-only change)",
    )
    args = ap.parse_args(argv)
    try:
        books = find_notebooks(args.names)
    except ValueError as err:
        print(f"regenerate: {err}", file=sys.stderr)
        return 2
    names = [p.stem[:2] for p in books]
    for label, run, argv_ in steps(names, execute=not args.no_execute):
        status = run(list(argv_))
        if status:
            print(
                f"regenerate: step '{label}' failed (exit {status}); fix it and run again",
                file=sys.stderr,
            )
            return status
    print(
        f"regenerate: {', '.join(p.name for p in books)} done; commit notebooks/, student/ and README.md"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
