"""Re-execute course notebooks top to bottom (for authors), in lecture mode in place, or in full mode.

Usage (from the course root):
  python -m tools.execute_notebooks [NAME_FRAGMENT ...]
      lecture mode, stored outputs rewritten in place (``make notebook NB=05`` does this and regenerates
      what depends on it: header time, README row, student edition)
  python -m tools.execute_notebooks --mode full [NAME_FRAGMENT ...]
      full mode (course.full_parameters in the notebook metadata) into build/full/, sources untouched
      (``make notebooks MODE=full NB=07``); on a machine with a CUDA GPU, full mode adds
      course.gpu_parameters (batch sizes that keep a GPU busy, their learning-rate rule);
      --mode full-gpu asks for those anywhere; --mode smoke likewise with course.smoke_parameters
Default: all notebooks.
"""

import argparse
import sys
import time

import nbformat

from tools.notebook_tools import (
    execute,
    execute_with_parameters,
    mode_parameters,
)
from tools.project import ROOT, find_notebooks


def cuda_visible() -> bool:
    """Whether torch sees a CUDA GPU (the kernels will: they run on this machine)."""
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "names",
        nargs="*",
        help="parts of notebook names, e.g. 05 or autotaggers (default: all)",
    )
    ap.add_argument(
        "--mode",
        choices=["lecture", "smoke", "full", "full-gpu"],
        default="lecture",
        help="lecture: in place (stored outputs); smoke/full/full-gpu: parameters from the notebook "
        "metadata, written to build/smoke/ or build/full/ (full becomes full-gpu when CUDA is visible)",
    )
    args = ap.parse_args(argv)
    if args.mode == "full" and cuda_visible():
        print(
            "execute_notebooks: a CUDA GPU is visible: full mode with course.gpu_parameters"
        )
        args.mode = "full-gpu"
    try:
        books = find_notebooks(args.names)
    except ValueError as err:
        print(f"execute_notebooks: {err}")
        return 1
    for path in books:
        t0 = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        if args.mode == "lecture":
            execute(nb)
            nbformat.write(nb, path)
            where = "in place"
        else:
            out = ROOT / "build" / args.mode.removesuffix("-gpu") / path.name
            out.parent.mkdir(parents=True, exist_ok=True)
            params = mode_parameters(nb, args.mode)
            execute_with_parameters(path, out, params)
            where = f"-> {out.relative_to(ROOT)} with {params or 'the lecture defaults'}"
        print(
            f"{path.name}: executed ({args.mode} mode) in {time.perf_counter() - t0:.1f} s {where}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
