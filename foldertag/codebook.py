"""The output's self-description: datapackage.json (Frictionless Table Schema, the codebook) and provenance."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path

from helpers.files import STATUS

STATUS_CODES = {
    **STATUS,
    "not_tagged": "listed but not tagged: the run was interrupted; run it again to finish",
}
PACKAGES = (
    "numpy",
    "pandas",
    "pyarrow",
    "PIL",
    "pillow_heif",
    "pypdfium2",
    "imagehash",
    "onnxruntime",
    "torch",
    "timm",
)

# name -> (Table Schema type, unit or "", meaning)
FIXED = {
    "path": (
        "string",
        "",
        "the file's path inside the tagged folder, '/' as separator",
    ),
    "page": (
        "integer",
        "page",
        "page or frame of the file this row describes, 1 = the first",
    ),
    "pages": (
        "integer",
        "pages",
        "pages or frames in the file (multi-page TIFF, animated GIF, PDF); 1 for most images",
    ),
    "sha256": (
        "string",
        "",
        "SHA-256 of the file's bytes (64 hex digits): identical files share it",
    ),
    "bytes": ("integer", "bytes", "size of the file"),
    "format": (
        "string",
        "",
        "file format as decoded (JPEG, PNG, TIFF, HEIF, PDF, ...), whatever the suffix",
    ),
    "width": (
        "integer",
        "pixels",
        "width as displayed (after the EXIF orientation; PDFs: rendered at the stated dpi)",
    ),
    "height": (
        "integer",
        "pixels",
        "height as displayed (after the EXIF orientation)",
    ),
    "orientation": (
        "integer",
        "",
        "EXIF orientation: 1 upright, 3 upside down, 6 and 8 on its side (applied before tagging)",
    ),
    "status": (
        "string",
        "",
        "ok or why the row has no tags; codes: "
        + "; ".join(f"{k} = {v}" for k, v in STATUS_CODES.items()),
    ),
    "reason": (
        "string",
        "",
        "the reason for a status other than ok, in words; empty when ok",
    ),
    "dup_group": (
        "integer",
        "",
        "exact duplicates: rows of files with identical bytes share a number; empty when unique",
    ),
    "near_group": (
        "integer",
        "",
        "near duplicates: perceptual hash (pHash) within 10 of 64 bits of the group's first image (crops, resized or "
        "recompressed copies). Groups do not chain. Scans of one printed form collide even when filled in differently",
    ),
    "near_distance": (
        "integer",
        "bits",
        "largest pHash distance between two members of the near group (0..64)",
    ),
    "coarse": (
        "string",
        "",
        "coarse tag: the WordNet roll-up (data/imagenet_coarse_tags.csv) with the largest summed probability, or "
        "'uncertain' when that sum is below the run's threshold (a diffuse guess lands on 'animal': "
        "398 of the 1000 classes)",
    ),
    "coarse_p": (
        "number",
        "probability",
        "summed probability of the coarse tag's ImageNet classes (0..1)",
    ),
}


def fields(top_k: int, features) -> list[dict]:
    """The Table Schema fields of the table, in column order."""
    from .tagger import feature_names

    out = []
    from .tagger import FILE_COLUMNS

    order = ["path", *FILE_COLUMNS, "dup_group", "near_group", "near_distance"]
    for name in order:
        out.append(_field(name, *FIXED[name]))
    for i in range(1, top_k + 1):
        out.append(
            _field(
                f"tag_{i}",
                "string",
                "",
                f"ImageNet class ranked {i} by the model (model's class names)",
            )
        )
    for i in range(1, top_k + 1):
        out.append(
            _field(
                f"p_{i}",
                "number",
                "probability",
                f"softmax probability of tag_{i} (0..1)",
            )
        )
    out += [
        _field("coarse", *FIXED["coarse"]),
        _field("coarse_p", *FIXED["coarse_p"]),
    ]
    for name in feature_names(features):
        kind = name.split("_")[0]
        meaning = {
            "hist": "colour histogram bin: share of pixels (0..1) of one channel in one of 8 bins, on a 64 x 64 copy",
            "glcm": "grey-level co-occurrence (texture) statistic, notebook 05's extractor, on a 64 x 64 gray copy",
            "hog": "histogram of oriented gradients cell value, notebook 05's extractor, on a 64 x 64 copy",
            "pixels": "pixel value (0..1) of a 64 x 64 copy",
        }.get(kind, "feature of notebook 05's extractor")
        out.append(_field(name, "number", "", f"{meaning} ({name})"))
    return out


def _field(name, type_, unit, description):
    field = {"name": name, "type": type_, "description": description}
    if unit:
        field["unit"] = unit
    if name == "status":
        field["constraints"] = {"enum": list(STATUS_CODES)}
    return field


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    dist = {"PIL": "pillow", "pillow_heif": "pillow-heif"}
    for name in PACKAGES:
        try:
            out[name] = version(dist.get(name, name))
        except PackageNotFoundError:
            out[name] = None
    return out


def provenance(command: str, key: dict, table, counts: dict, **extra) -> dict:
    """What made the table: command, settings key, versions, date, counts by status, time taken."""
    from .tagger import key_hash

    decoded = int(counts.get("decoded", 0))
    seconds = extra["seconds"]
    return {
        "command": command,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "key": key,
        "key_hash": key_hash(key),
        "precision": key["precision"],
        "engine": key["engine"],
        "versions": _versions(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores, {platform.system()}",
        "files": int(table.loc[table["page"] == 1, "path"].nunique()),
        "rows": len(table),
        "counts_by_status": {
            k: int(v) for k, v in table["status"].value_counts().items()
        },
        "decoded_files_this_run": decoded,
        "decoded_files_per_second": decoded
        / max(seconds - extra["setup_seconds"], 1e-9),
        **{
            k: (round(v, 3) if isinstance(v, float) else v)
            for k, v in extra.items()
        },
    }


def write_outputs(table, out: Path, run: dict, top_k: int, features) -> None:
    """table.parquet, table.csv, datapackage.json and provenance.json, each written whole (tmp + rename)."""

    def atomic(name, write):
        tmp = out / f".{name}.tmp"
        write(tmp)
        os.replace(tmp, out / name)

    atomic("table.parquet", lambda p: table.to_parquet(p, index=False))
    atomic("table.csv", lambda p: table.to_csv(p, index=False))
    package = {
        "name": "foldertag-table",
        "title": f"Tags of the images in {run['command']}",
        "profile": "tabular-data-package",
        "created": run["created"],
        "description": "One row per file (per page for PDFs, and with --pages all); made by foldertag. "
        "provenance.json says how (command, settings, versions, counts).",
        "resources": [
            {
                "name": "table",
                "path": "table.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": fields(top_k, features),
                    "missingValues": [""],
                },
            }
        ],
    }
    atomic(
        "datapackage.json",
        lambda p: p.write_text(
            json.dumps(package, indent=1, ensure_ascii=False)
        ),
    )
    atomic(
        "provenance.json",
        lambda p: p.write_text(json.dumps(run, indent=1, ensure_ascii=False)),
    )
