"""Re-execute course notebooks in place, top to bottom, in lecture mode (for authors).

Usage: python tools/execute_notebooks.py [NAME_FRAGMENT ...]   (default: all notebooks)
"""
import sys
import time

import nbformat

from notebook_tools import course_notebooks, execute


def main(argv):
    wanted = argv[1:]
    books = [p for p in course_notebooks() if not wanted or any(w in p.name for w in wanted)]
    if not books:
        print(f"no notebook matches {wanted}")
        return 1
    for path in books:
        t0 = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        execute(nb)
        nbformat.write(nb, path)
        print(f"{path.name}: executed in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
