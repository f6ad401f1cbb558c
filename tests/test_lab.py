"""The README's JupyterLab command, `make lab`, opens the student's working copy (or, with
EDITION=instructor, notebooks/), and the working copy is made once and never overwritten.

The server test runs the Makefile's `lab` recipe with the interpreter running these tests (VENV=sys.prefix) on a
free local port, with a known token and no browser; `-o setup` skips the setup step, which `make
test` has just run. As root (containers, these machines) this also proves the `--allow-root` path.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tools.project import ROOT

NOTEBOOKS = sorted(
    p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")
)
TOKEN = "course-lab-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, token=TOKEN):
    request = urllib.request.Request(
        url, headers={"Authorization": f"token {token}"} if token else {}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode()


def wait_for_server(proc, url, log, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"make lab exited with {proc.returncode} before serving:\n{log.read_text()}"
            )
        try:
            return get(url)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    pytest.fail(
        f"JupyterLab did not answer at {url} within {timeout} s:\n{log.read_text()}"
    )


# an integration test: starts JupyterLab and talks to it over HTTP (4-8 s); `make test` runs it
@pytest.mark.notebooks
@pytest.mark.skipif(
    shutil.which("make") is None, reason="make is not installed"
)
def test_make_lab_serves_the_working_copy(tmp_path):
    port = free_port()
    work = f"build/test-lab-work-{os.getpid()}"  # relative to the course root, like work/
    shutil.rmtree(ROOT / work, ignore_errors=True)
    log = tmp_path / "lab.log"
    env = dict(
        os.environ,
        JUPYTER_TOKEN=TOKEN,
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
    )
    cmd = [
        "make",
        "--no-print-directory",
        "-o",
        "setup",
        "lab",
        f"VENV={sys.prefix}",
        f"LAB_PORT={port}",
        "LAB_ARGS=--no-browser",
        f"WORK={work}",
    ]
    with open(log, "w") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://localhost:{port}"
        status, body = wait_for_server(
            proc, f"{base}/api/contents/{work}", log
        )
        assert status == 200
        listing = json.loads(body)
        assert listing["type"] == "directory"
        assert (
            sorted(
                c["name"]
                for c in listing["content"]
                if c["type"] == "notebook"
            )
            == NOTEBOOKS
        )

        # It says which URL to open, and that URL (with its token) opens JupyterLab in notebooks/.
        printed = re.search(r"lab: open (http://\S+)", log.read_text())
        assert printed, log.read_text()
        assert printed.group(1) == f"{base}/lab?token={TOKEN}"
        status, page = get(printed.group(1), token=None)
        assert status == 200 and "JupyterLab" in page
        assert re.search(rf'"preferredPath":\s*"{work}"', page), (
            "the file browser should open in the working copy"
        )
        assert "lab: the student edition" in log.read_text()

        # The token is required: without it the API refuses.
        with pytest.raises(urllib.error.HTTPError) as refused:
            get(f"{base}/api/contents/notebooks", token=None)
        assert refused.value.code == 403

        # Stop it cleanly through the API: the server shuts down and make exits with 0.
        request = urllib.request.Request(
            f"{base}/api/shutdown",
            method="POST",
            headers={"Authorization": f"token {TOKEN}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        assert proc.wait(timeout=60) == 0, log.read_text()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        shutil.rmtree(ROOT / work, ignore_errors=True)


@pytest.mark.skipif(
    shutil.which("make") is None, reason="make is not installed"
)
def fake_lab(tmp_path, uid="1000", *args):
    """Run the recipe with `id -u` faked and a stand-in `jupyter` that prints its arguments."""
    bin_dir = tmp_path / "bin"
    venv_bin = tmp_path / "venv" / "bin"
    bin_dir.mkdir(exist_ok=True)
    venv_bin.mkdir(parents=True, exist_ok=True)
    (bin_dir / "id").write_text(
        f'#!/bin/sh\n[ "$1" = "-u" ] && echo {uid} && exit 0\nexec /usr/bin/id "$@"\n'
    )
    (venv_bin / "jupyter").write_text('#!/bin/sh\necho "jupyter $*"\n')
    # A wrapper, not a symlink: a symlinked venv python outside its venv finds no pyvenv.cfg and
    # runs as the bare interpreter on some installs (pyenv's 3.13), without the course's packages.
    (venv_bin / "python").write_text(
        f'#!/bin/sh\nexec "{sys.executable}" "$@"\n'
    )
    for f in (bin_dir / "id", venv_bin / "jupyter", venv_bin / "python"):
        f.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    env.pop("JUPYTER_TOKEN", None)
    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-o",
            "setup",
            "lab",
            f"VENV={tmp_path / 'venv'}",
            "LAB_PORT=8899",
            *args,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(
    shutil.which("make") is None, reason="make is not installed"
)
@pytest.mark.parametrize("uid, allow_root", [("0", True), ("1000", False)])
def test_make_lab_adds_allow_root_only_for_root(tmp_path, uid, allow_root):
    out = fake_lab(tmp_path, uid, "EDITION=instructor")
    assert out.returncode == 0, out.stderr
    # a fresh random token
    (token,) = re.findall(
        r"lab: open http://localhost:8899/lab\?token=([0-9a-f]{32}) ",
        out.stdout,
    )
    (jupyter,) = [
        line for line in out.stdout.splitlines() if line.startswith("jupyter ")
    ]
    assert jupyter.startswith(
        "jupyter lab --ip=localhost --port=8899 --ServerApp.port_retries=0"
    )
    assert ("--allow-root" in jupyter.split()) == allow_root, jupyter
    assert "--ContentsManager.preferred_dir=notebooks" in jupyter.split()


@pytest.mark.skipif(
    shutil.which("make") is None, reason="make is not installed"
)
def test_make_lab_editions(tmp_path):
    """The default opens the working copy (made first); a wrong EDITION is refused with the choices."""
    work = f"build/test-lab-editions-{os.getpid()}"
    try:
        out = fake_lab(tmp_path, "1000", f"WORK={work}")
        assert out.returncode == 0, out.stdout + out.stderr
        assert f"--ContentsManager.preferred_dir={work}" in out.stdout
        assert sorted(p.name for p in (ROOT / work).glob("*.ipynb")) == (
            NOTEBOOKS
        )
        bad = fake_lab(tmp_path, "1000", "EDITION=teacher")
        assert bad.returncode != 0
        assert "EDITION=student" in bad.stdout and "EDITION=instructor" in (
            bad.stdout
        )
    finally:
        shutil.rmtree(ROOT / work, ignore_errors=True)


def test_working_copy_is_made_once_and_never_overwritten(tmp_path):
    """sync copies the student edition in; the student's edits survive a changed course; a new notebook
    is copied in; refresh replaces one notebook and keeps the old one as a backup."""
    from tools import workcopy

    student, work = tmp_path / "student", tmp_path / "work"
    student.mkdir()
    for name in ("00_a.ipynb", "01_b.ipynb"):
        (student / name).write_text(f"course {name} v1")
    assert workcopy.sync(student, work) == ["00_a.ipynb", "01_b.ipynb"]
    assert (work / "01_b.ipynb").read_text() == "course 01_b.ipynb v1"
    assert (work / "README.md").is_file()

    (work / "01_b.ipynb").write_text("my answers")  # the student works
    # the course changes
    (student / "01_b.ipynb").write_text("course 01_b.ipynb v2")
    (student / "02_c.ipynb").write_text("course 02_c.ipynb v1")  # and grows
    (work / "00_a.ipynb").unlink()  # the student deleted one
    assert workcopy.sync(student, work) == ["00_a.ipynb", "02_c.ipynb"]
    assert (work / "01_b.ipynb").read_text() == "my answers"
    assert workcopy.sync(student, work) == []  # nothing more to do

    name, backup = workcopy.refresh("1", student, work)
    assert name == "01_b.ipynb" and backup.startswith("01_b.backup-")
    assert (work / "01_b.ipynb").read_text() == "course 01_b.ipynb v2"
    assert (work / backup).read_text() == "my answers"
    # twice in a second: no backup lost
    _, second = workcopy.refresh("01", student, work)
    assert second != backup and (work / backup).read_text() == "my answers"
    assert len(list(work.glob("01_b.backup-*.ipynb"))) == 2
    with pytest.raises(
        ValueError, match=r"no student notebook numbered '07'.*00, 01, 02"
    ):
        workcopy.refresh("07", student, work)
    with pytest.raises(FileNotFoundError, match="make editions"):
        workcopy.sync(tmp_path / "nothing", work)


@pytest.mark.skipif(
    shutil.which("make") is None, reason="make is not installed"
)
def test_make_refresh(tmp_path):
    work = f"build/test-refresh-{os.getpid()}"
    try:
        (ROOT / work).mkdir(parents=True)
        (ROOT / work / NOTEBOOKS[3]).write_text("my answers")
        out = subprocess.run(
            [
                "make",
                "--no-print-directory",
                "-o",
                "setup",
                "refresh",
                "NB=03",
                f"VENV={sys.prefix}",
                f"WORK={work}",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0, out.stdout + out.stderr
        assert "your old one is 03_" in out.stdout
        assert (ROOT / work / NOTEBOOKS[3]).read_text() == (
            ROOT / "student" / NOTEBOOKS[3]
        ).read_text()
        (backup,) = (ROOT / work).glob("03_*.backup-*.ipynb")
        assert backup.read_text() == "my answers"
    finally:
        shutil.rmtree(ROOT / work, ignore_errors=True)
