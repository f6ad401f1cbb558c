"""One source of truth for packages: requirements.txt (what the notebooks need) and requirements-dev.txt
(plus tests, site and lint); the conda files list requirements.txt's pins and nothing else."""

import re

import yaml

from tools.project import ROOT, supported_pythons
from tools.project import requirement_pins as pins_from_requirements


def pins_from_environment(path):
    env = yaml.safe_load(path.read_text())
    pip = next(
        d["pip"]
        for d in env["dependencies"]
        if isinstance(d, dict) and "pip" in d
    )
    return {
        re.sub(r"[-_.]+", "-", p.split("==")[0]).lower(): p.split("==")[1]
        for p in pip
        if not p.startswith("-")
    }


def test_every_requirement_is_pinned_exactly():
    for name in ("requirements.txt", "requirements-dev.txt"):
        # raises on a line that is no pin
        assert pins_from_requirements(name), f"{name} pins nothing"


def test_dev_requirements_add_to_the_notebooks_own():
    dev = (ROOT / "requirements-dev.txt").read_text().splitlines()
    assert "-r requirements.txt" in dev, (
        "requirements-dev.txt must include requirements.txt"
    )
    runtime, extra = (
        pins_from_requirements(),
        pins_from_requirements("requirements-dev.txt"),
    )
    assert not set(runtime) & set(extra), (
        f"pinned in both files: {sorted(set(runtime) & set(extra))}"
    )
    for tool in ("pytest", "nbval", "jupyter-book", "ruff"):
        assert tool in extra and tool not in runtime, (
            f"{tool} belongs in requirements-dev.txt only"
        )


def test_environment_files_match_requirements():
    want = pins_from_requirements()
    for path in (
        ROOT / "environment.yml",
        ROOT / "binder" / "environment.yml",
    ):
        got = pins_from_environment(path)
        assert got == want, (
            f"{path.relative_to(ROOT)} drifted from requirements.txt: "
            f"only there {sorted(set(got.items()) - set(want.items()))}, "
            f"missing {sorted(set(want.items()) - set(got.items()))}"
        )


def test_binder_environment_identical_to_root():
    assert (ROOT / "environment.yml").read_text() == (
        ROOT / "binder" / "environment.yml"
    ).read_text()


def test_course_critical_pins():
    pins = pins_from_requirements()
    assert pins["torch"] == "2.14.1" and pins["torchvision"] == "0.29.1"
    assert int(pins["opencv-python-headless"].split(".")[0]) < 5, (
        "OpenCV 5 ships no Haar cascades"
    )


def test_installed_versions_match_pins():
    from importlib.metadata import version

    for name, pinned in pins_from_requirements().items():
        assert version(name).split("+")[0] == pinned, (
            f"{name}: installed {version(name)}, pinned {pinned}; run make setup"
        )


def test_binder_files():
    apt = (ROOT / "binder" / "apt.txt").read_text().split()
    assert "dataset-fashion-mnist" in apt
    post = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install" in post and "-e ." in post


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = "make test"
    assert re.search(
        rf"^{command}\s+# set up, run the whole test suite", readme, re.M
    ), "README lost its test command"
    runs = [
        line.strip()
        for line in ci.splitlines()
        if re.search(rf"\b{command}$", line.strip())
        and not line.lstrip().startswith("#")
    ]
    assert any("PYTHON=" not in line for line in runs), (
        f".ci/run must run the README's command as it is: {runs}"
    )
    assert any(
        'env PYTHON="python$newest" make test' in line for line in runs
    ), (
        f".ci/run must also run the tests on the newest supported Python: {runs}"
    )


def test_import_helpers_is_quiet_and_light():
    import subprocess
    import sys

    heavy = "('torch', 'matplotlib.pyplot', 'timm', 'cv2')"
    code = f"import sys, helpers; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]", (
        "importing helpers pulled in heavy modules or printed: " + out.stdout
    )
    assert out.stderr == ""


def lock_pins(name="requirements.lock"):
    """A lock (make lock): name -> [(version, environment marker)], every line an exact pin."""
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.fullmatch(
            r"([A-Za-z0-9_.\-]+)==([0-9][\w.+]*)(?:\s*;\s*(.+))?", line.strip()
        )
        assert m, f"{name}: not an exact pin: {line!r}"
        pins.setdefault(m.group(1).lower().replace("_", "-"), []).append(
            (m.group(2), m.group(3))
        )
    return pins


def test_dev_lock_agrees_with_both_requirement_files_and_the_runtime_lock():
    dev_lock, lock = lock_pins("requirements-dev.lock"), lock_pins()
    wanted = pins_from_requirements() | pins_from_requirements(
        "requirements-dev.txt"
    )
    for name, version in wanted.items():
        assert [v for v, _ in dev_lock.get(name, [])] == [version], (
            f"{name}: pinned {version}, requirements-dev.lock has {dev_lock.get(name)}: run make lock"
        )

    def versions(entries):
        return sorted({v for v, _ in entries or []})

    differ = {
        n: (versions(lock[n]), versions(dev_lock.get(n)))
        for n in lock
        if versions(dev_lock.get(n)) != versions(lock[n])
    }
    assert not differ, f"the two locks disagree (run make lock): {differ}"


def test_lock_agrees_with_requirements():
    lock = lock_pins()
    assert len(lock) > len(pins_from_requirements()) + 50, (
        "requirements.lock should pin the transitive dependencies too"
    )
    for name, version in pins_from_requirements().items():
        assert name in lock, (
            f"{name} is in requirements.txt but not in requirements.lock: run make lock"
        )
        assert [v for v, _ in lock[name]] == [version], (
            f"{name}: requirements.txt pins {version}, requirements.lock {lock[name]}: run make lock"
        )
    assert (
        "make lock" in (ROOT / "requirements.lock").read_text().splitlines()[1]
    )


def test_installed_versions_match_the_lock():
    """What setup installed is what the lock says (the packages whose markers apply here)."""
    from importlib.metadata import PackageNotFoundError, version

    from packaging.markers import Marker

    # the README's CPU-only route: no CUDA libraries at all
    cpu_torch = "+cpu" in version("torch")
    wrong = []
    for name, entries in lock_pins("requirements-dev.lock").items():
        for pinned, marker in entries:
            if marker and not Marker(marker).evaluate():
                continue
            try:
                got = version(name).split("+")[0]
            except PackageNotFoundError:
                got = None
            if (
                got is None
                and cpu_torch
                and (name.startswith(("nvidia-", "cuda-")) or name == "triton")
            ):
                continue
            if got != pinned:
                wrong.append(f"{name}: installed {got}, locked {pinned}")
    assert not wrong, "run make setup: " + "; ".join(wrong[:10])


def test_setup_and_binder_install_from_the_lock():
    assert (
        "-r requirements-dev.txt -c requirements-dev.lock"
        in (ROOT / "tools" / "setup.sh").read_text()
    ), "make setup installs the notebooks' packages and the developers' tools"
    assert (
        "requirements-dev.lock"
        in (ROOT / "tools" / "setup.sh")
        .read_text()
        .split("want=")[1]
        .splitlines()[0]
    ), "setup's stamp should change when the lock does"
    assert (
        "-r requirements.txt -c requirements.lock"
        in (ROOT / "binder" / "postBuild").read_text()
    )


def test_python_floor_is_the_oldest_supported_everywhere():
    oldest = supported_pythons()[0]
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert f'requires-python = ">={oldest}"' in pyproject
    assert re.search(
        rf"Python {re.escape(oldest)} (or newer|to 3\.\d+)",
        (ROOT / "README.md").read_text(),
    ), f"README: the floor is {oldest}"
    for conda in ("environment.yml", "binder/environment.yml"):
        assert f"python={oldest}" in (ROOT / conda).read_text(), conda
    # The site's landing page states the range through a placeholder filled from the classifiers.
    intro = (ROOT / "book" / "intro.md").read_text()
    assert "{{ pythons }}" in intro, (
        "book/intro.md: state the Pythons as {{ pythons }}"
    )
    assert not re.findall(r"Python 3\.\d+", intro), (
        "book/intro.md: a Python version typed by hand"
    )
    from tools.build_course import supported_pythons as stated_on_site

    assert stated_on_site().startswith(f"Python {oldest} "), stated_on_site()
    assert (
        "--python-version $(OLDEST_PYTHON)" in (ROOT / "Makefile").read_text()
    )
