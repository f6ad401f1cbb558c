"""Rewrite the sha256 and bytes columns of data/MANIFEST from the files, keeping source and licence.

MANIFEST format (tab-separated, '#' comments): path  sha256  bytes  source  licence
A file under data/ that is not listed yet is added with source/licence 'TODO' (the test fails on TODO).
"""

import hashlib
import sys

from tools.notebook_tools import ROOT

DATA = ROOT / "data"
MANIFEST = DATA / "MANIFEST"
SKIP = {"MANIFEST", "README.md"}


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_manifest():
    rows = {}
    if MANIFEST.is_file():
        for line in MANIFEST.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                path, digest, size, source, licence = line.split("\t")
                rows[path] = (digest, size, source, licence)
    return rows


def main():
    old = read_manifest()
    lines = ["# path\tsha256\tbytes\tsource\tlicence"]
    for path in sorted(
        p for p in DATA.rglob("*") if p.is_file() and p.name not in SKIP
    ):
        rel = path.relative_to(DATA).as_posix()
        _, _, source, licence = old.get(rel, ("", "", "TODO", "TODO"))
        lines.append(
            "\t".join(
                [rel, sha256(path), str(path.stat().st_size), source, licence]
            )
        )
    MANIFEST.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"manifest: {len(lines) - 1} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
