"""data/MANIFEST lists every shipped file with its true sha256 and size, a source and a licence."""

import hashlib

from tools.project import ROOT

DATA = ROOT / "data"


def manifest_rows():
    rows = {}
    for line in (DATA / "MANIFEST").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            fields = line.split("\t")
            assert len(fields) == 5, (
                f"MANIFEST line needs 5 tab-separated fields: {line!r}"
            )
            rows[fields[0]] = fields[1:]
    return rows


def test_manifest_matches_files():
    rows = manifest_rows()
    files = {
        p.relative_to(DATA).as_posix() for p in DATA.rglob("*") if p.is_file()
    } - {"MANIFEST", "README.md"}
    assert set(rows) == files, (
        f"unlisted: {sorted(files - set(rows))}, listed but missing: {sorted(set(rows) - files)}"
    )
    for rel, (digest, size, source, licence) in rows.items():
        data = (DATA / rel).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, (
            f"{rel}: sha256 differs; run python tools/manifest.py"
        )
        assert len(data) == int(size), f"{rel}: size differs"
        assert source.strip() and source != "TODO", f"{rel}: no source"
        assert licence.strip() and licence != "TODO", f"{rel}: no licence"


def test_readme_describes_every_file():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for rel in manifest_rows():
        assert rel in readme, f"data/README.md does not describe {rel}"
