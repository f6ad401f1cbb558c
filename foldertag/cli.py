"""The command line: images-as-data scan | tag | demo (also python -m foldertag). Errors: one line, exit 2."""

from __future__ import annotations

import argparse
import errno
import shlex
import sys
from pathlib import Path

PROG = "images-as-data"


class _Defaults(argparse.ArgumentDefaultsHelpFormatter):
    """Adds "(default: X)" to every option's help, unless the help states its default in words."""

    def _get_help_string(self, action):
        text = action.help or ""
        return (
            text if "(default:" in text else super()._get_help_string(action)
        )


def _parser() -> argparse.ArgumentParser:
    fmt = _Defaults
    ap = argparse.ArgumentParser(
        prog=PROG,
        description="Tag a folder of images into one tidy table (Parquet + CSV + codebook + provenance). "
        "Reruns resume; other settings are refused, never mixed.",
        formatter_class=fmt,
    )
    # also accepted after the command; SUPPRESS there keeps this value
    ap.add_argument(
        "--debug",
        action="store_true",
        help="show the full traceback on an error",
    )
    sub = ap.add_subparsers(
        dest="command", required=True, metavar="{scan,tag,demo}"
    )
    s = sub.add_parser(
        "scan",
        help="list every file with its status, size, format, duplicates",
        formatter_class=fmt,
    )
    s.add_argument(
        "folder", help="the folder of images (searched with its subfolders)"
    )
    s.add_argument(
        "--out",
        default=None,
        help="write the table to this .csv or .parquet file (default: print it)",
    )
    s.add_argument(
        "--near-threshold",
        type=int,
        default=10,
        help="pHash bits (of 64) two near duplicates may differ in",
    )
    s.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the full traceback on an error",
    )

    t = sub.add_parser(
        "tag",
        help="tag a folder into OUT (resumable: rerun the same command to continue)",
        formatter_class=fmt,
        description="Tag every image under FOLDER into OUT/table.parquet and OUT/table.csv, with the codebook "
        "OUT/datapackage.json and OUT/provenance.json. Rerunning the same command resumes; a rerun with other "
        "settings stops with a message (use --restart or another OUT).",
    )
    t.add_argument(
        "folder",
        help="the folder of images (searched with its subfolders; never written to)",
    )
    t.add_argument("out", help="the output folder (created if missing)")
    t.add_argument(
        "--top-k",
        type=int,
        default=5,
        help="ImageNet tags (and their probabilities) kept per image",
    )
    t.add_argument(
        "--features",
        default="hist,glcm",
        help="comma-separated feature kinds: hist, glcm, hog, pixels; '' for none",
    )
    t.add_argument(
        "--precision",
        default="fp32",
        choices=["fp32", "int8"],
        help="fp32, or int8 (quantized; faster, agreement measured in bench/results/corpus.md)",
    )
    t.add_argument(
        "--engine",
        default="auto",
        choices=["auto", "onnx", "torch"],
        help="auto: ONNX Runtime when installed, else PyTorch",
    )
    t.add_argument(
        "--pages",
        default="first",
        choices=["first", "all"],
        help="multi-page TIFFs and GIFs: first page, or a row per page",
    )
    t.add_argument(
        "--pdf-dpi",
        type=int,
        default=100,
        help="resolution PDF pages are rendered at (every page is a row)",
    )
    t.add_argument(
        "--coarse-min",
        type=float,
        default=0.5,
        help="below this summed probability the coarse tag is 'uncertain'",
    )
    t.add_argument(
        "--restart",
        action="store_true",
        help="discard the results already in OUT and start again",
    )
    t.add_argument(
        "--batch-size",
        type=int,
        default=32,
        help="images per forward pass of the model",
    )
    t.add_argument(
        "--chunk-files",
        type=int,
        default=256,
        help="files per saved chunk (at most this is lost to a crash)",
    )
    t.add_argument(
        "--workers",
        type=int,
        default=None,
        help="decoding threads (default: the number of CPU cores)",
    )
    t.add_argument(
        "--threads",
        type=int,
        default=None,
        help="the model's threads (default: CPU cores - 1, at least 1)",
    )
    t.add_argument(
        "--scheduler",
        default=None,
        help="a Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: none)",
    )
    t.add_argument(
        "--onnx-model",
        default=None,
        help="another ONNX ImageNet classifier to use (default: the course's)",
    )
    t.add_argument(
        "--quiet", action="store_true", help="no progress bar, no summary line"
    )
    t.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the full traceback on an error",
    )

    d = sub.add_parser(
        "demo",
        help="write the course's messy demo folder (to try the tool)",
        formatter_class=fmt,
    )
    d.add_argument("folder", help="a new or empty folder")
    d.add_argument(
        "n",
        type=int,
        nargs="?",
        default=40,
        help="number of files (at least 36)",
    )
    d.add_argument(
        "--seed",
        type=int,
        default=0,
        help="random seed (same seed, same files)",
    )
    d.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the full traceback on an error",
    )
    return ap


def _run(args) -> int:
    if args.command == "scan":
        from helpers.files import scan_folder

        table = scan_folder(args.folder, near_threshold=args.near_threshold)
        if args.out:
            out = Path(args.out)
            if out.is_dir():
                raise IsADirectoryError(
                    f"--out {out} is a folder; give a file name ending in .csv or .parquet"
                )
            if out.suffix not in (".csv", ".parquet"):
                raise ValueError(
                    f"--out {out}: end the name in .csv or .parquet"
                )
            out.parent.mkdir(parents=True, exist_ok=True)
            table.to_parquet(
                out, index=False
            ) if out.suffix == ".parquet" else table.to_csv(out, index=False)
            counts = ", ".join(
                f"{n} {s}" for s, n in table["status"].value_counts().items()
            )
            print(f"{len(table)} files ({counts}) -> {out}")
        else:
            print(table.drop(columns=["sha256", "phash"]).to_string())
        return 0
    if args.command == "demo":
        from .demo import make_demo_corpus

        manifest = make_demo_corpus(args.folder, args.n, seed=args.seed)
        print(f"{len(manifest)} files written to {args.folder}")
        return 0
    from .tagger import tag_folder

    client = None
    if args.scheduler:
        from distributed import Client

        client = Client(args.scheduler)
    tag_folder(
        args.folder,
        args.out,
        top_k=args.top_k,
        features=tuple(
            f.strip() for f in args.features.split(",") if f.strip()
        ),
        precision=args.precision,
        engine=args.engine,
        pages=args.pages,
        pdf_dpi=args.pdf_dpi,
        coarse_min=args.coarse_min,
        restart=args.restart,
        batch_size=args.batch_size,
        chunk_files=args.chunk_files,
        workers=args.workers,
        threads=args.threads,
        client=client,
        onnx_model=args.onnx_model,
        progress=not args.quiet,
        verbose=not args.quiet,
        command=" ".join([PROG] + [shlex.quote(a) for a in sys.argv[1:]])
        if sys.argv[1:]
        else None,
    )
    return 0


def _message(exc: BaseException) -> tuple[str, int] | None:
    """A known problem -> (one line naming it and the fix, exit code); None for a bug (traceback shown)."""
    from .tagger import Interrupted, OutputProblem, SettingsChanged

    if isinstance(exc, KeyboardInterrupt):
        return "stopped; run the same command to resume", 130
    if isinstance(exc, Interrupted):
        return str(exc), 130
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        where = f" while writing {exc.filename}" if exc.filename else ""
        return (
            f"the disk is full{where}; free some space or choose an output "
            "folder on another disk, then run the same command to resume",
            2,
        )
    if isinstance(exc, PermissionError):
        return (
            f"no permission: {exc.filename or exc}; choose a folder you can read (images) and write (OUT)",
            2,
        )
    if isinstance(exc, (SettingsChanged, OutputProblem, FileNotFoundError, NotADirectoryError, IsADirectoryError,
                        FileExistsError, ValueError)):  # fmt: skip
        return str(exc), 2
    from helpers.sources import ResourceNotFoundError

    if isinstance(exc, ResourceNotFoundError):
        return str(exc).strip().splitlines()[
            0
        ] + " (rerun with --debug for the details)", 2
    return None


def main(argv=None) -> int:
    """The console script's entry point -> exit code (0 = done)."""
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except (Exception, KeyboardInterrupt) as exc:
        known = _message(exc)
        if args.debug or known is None:
            raise
        text, code = known
        print(f"{PROG}: {text}", file=sys.stderr)
        return code
