"""The README's JupyterLab command, `make lab`, starts a server that lists the course notebooks.

It runs the Makefile's `lab` recipe with the interpreter running these tests (VENV=sys.prefix) on a
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
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
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


@pytest.mark.skipif(
    shutil.which("make") is None, reason="make is not installed"
)
def test_make_lab_serves_the_notebooks(tmp_path):
    port = free_port()
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
            proc, f"{base}/api/contents/notebooks", log
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
        assert re.search(r'"preferredPath":\s*"notebooks"', page), (
            "the file browser should open in notebooks/"
        )

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


@pytest.mark.skipif(
    shutil.which("make") is None, reason="make is not installed"
)
@pytest.mark.parametrize("uid, allow_root", [("0", True), ("1000", False)])
def test_make_lab_adds_allow_root_only_for_root(tmp_path, uid, allow_root):
    """The recipe's command line, with `id -u` faked and a stand-in `jupyter` that prints its arguments."""
    bin_dir = tmp_path / "bin"
    venv_bin = tmp_path / "venv" / "bin"
    bin_dir.mkdir()
    venv_bin.mkdir(parents=True)
    (bin_dir / "id").write_text(
        f'#!/bin/sh\n[ "$1" = "-u" ] && echo {uid} && exit 0\nexec /usr/bin/id "$@"\n'
    )
    (venv_bin / "jupyter").write_text('#!/bin/sh\necho "jupyter $*"\n')
    (venv_bin / "python").symlink_to(sys.executable)
    for f in (bin_dir / "id", venv_bin / "jupyter"):
        f.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    env.pop("JUPYTER_TOKEN", None)
    out = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-o",
            "setup",
            "lab",
            f"VENV={tmp_path / 'venv'}",
            "LAB_PORT=8899",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    (token,) = re.findall(
        r"lab: open http://localhost:8899/lab\?token=([0-9a-f]{32}) ",
        out.stdout,
    )  # a fresh random token
    (jupyter,) = [
        line for line in out.stdout.splitlines() if line.startswith("jupyter ")
    ]
    assert jupyter.startswith(
        "jupyter lab --ip=localhost --port=8899 --ServerApp.port_retries=0"
    )
    assert ("--allow-root" in jupyter.split()) == allow_root, jupyter
