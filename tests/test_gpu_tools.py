"""The GPU run's tools (issue 19): tools.cell_times reads papermill's cell timings; bench/gpu_run.sh's options."""

import subprocess

import nbformat
import pytest

from tools.cell_times import cell_times, main
from tools.project import ROOT


def timed_notebook(cells):
    """A notebook as papermill leaves it: (source, status, duration, outputs) per code cell."""
    nb = nbformat.v4.new_notebook()
    for source, status, duration, outputs in cells:
        cell = nbformat.v4.new_code_cell(source, outputs=outputs)
        cell.metadata["papermill"] = {
            "status": status,
            "duration": duration,
            "exception": status == "failed",
        }
        nb.cells.append(cell)
    nb.metadata["papermill"] = {
        "parameters": {"N_TRAIN": 55000, "BATCH_SIZE": 512}
    }
    return nb


DEVICE_OUT = [
    nbformat.v4.new_output(
        "stream", name="stdout", text="device: cuda (NVIDIA H200)\n"
    )
]


def test_cell_times_sums_the_cells_run_and_names_where_a_run_stopped():
    nb = timed_notebook(
        [
            ("import torch", "completed", 3.5, []),
            (
                "# the device\ndevice = choose_device()",
                "completed",
                0.25,
                DEVICE_OUT,
            ),
            ("histories = {}\nfor name in names: ...", "completed", 126.4, []),
            ("rows = []", "running", None, []),
            ("plot()", "pending", None, []),
        ]
    )
    s = cell_times(nb)
    assert (s["cells"], s["ran"], s["pending"]) == (5, 3, 2)
    assert s["seconds"] == pytest.approx(130.15)
    assert s["slowest"][0] == (126.4, 2, "histories = {}")
    assert s["slowest"][2] == (
        0.25,
        1,
        "device = choose_device()",
    )  # comment lines skipped
    assert s["stopped_in"] == (3, "rows = []") and s["failed_cell"] is None
    assert s["device"] == "cuda (NVIDIA H200)"
    assert s["parameters"] == {"N_TRAIN": 55000, "BATCH_SIZE": 512}


def test_cell_times_table_says_finished_failed_or_stopped(tmp_path):
    runs = {
        "done.ipynb": [("a = 1", "completed", 1.0, [])],
        "failed.ipynb": [
            ("a = 1", "completed", 1.0, []),
            ("1/0", "failed", 0.5, []),
        ],
        "stopped.ipynb": [
            ("a = 1", "completed", 1.0, []),
            ("train()", "running", None, []),
        ],
    }
    paths = []
    for name, cells in runs.items():
        paths.append(tmp_path / name)
        nbformat.write(timed_notebook(cells), paths[-1])
    out = tmp_path / "times.md"
    assert main([*map(str, paths), "--out", str(out)]) == 0
    text = out.read_text()
    assert "| done.ipynb | 1 of 1 | 0 | 1.0 | yes |" in text
    assert "| failed.ipynb | 2 of 2 | 0 | 1.5 | no: cell failed |" in text
    assert (
        "| stopped.ipynb | 1 of 2 | 1 | 1.0 | no: stopped in code cell 1 (`train()`) |"
        in text
    )
    assert (
        "`BATCH_SIZE = 512`, `N_TRAIN = 55000`" in text
    )  # nbformat sorts the keys


def test_cell_times_refuses_a_notebook_papermill_did_not_run(tmp_path, capsys):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("a = 1")])
    path = tmp_path / "plain.ipynb"
    nbformat.write(nb, path)
    assert main([str(path), "--out", str(tmp_path / "x.md")]) == 1
    assert "no cell carries papermill timings" in capsys.readouterr().out
    assert main([str(tmp_path / "missing.ipynb")]) == 1
    assert "no such notebook" in capsys.readouterr().out


def test_gpu_run_script_refuses_an_unknown_option():
    run = subprocess.run(
        ["bash", str(ROOT / "bench" / "gpu_run.sh"), "--fast"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.returncode == 2
    assert (
        "unknown option --fast (--smoke, --install-only, --skip-install)"
        in run.stdout
    )


def test_h200_evidence_rows_come_from_the_stored_run(tmp_path):
    """bench.h200_evidence recomputes the committed table from the stored H200 notebooks: per
    update = seconds / updates, and the hand-written loop's updates = epochs x ceil(N_TRAIN/BATCH)."""
    import pandas as pd

    from bench.h200_evidence import main as evidence

    out = tmp_path / "evidence.md"
    assert evidence(["--out", str(out)]) == 0
    fresh = pd.read_csv(out.with_suffix(".csv"))
    committed = pd.read_csv(ROOT / "bench" / "results" / "h200_evidence.csv")
    pd.testing.assert_frame_equal(fresh, committed)
    by_batch = fresh[fresh["loop"] == "fit (Adam)"].set_index("batch")
    assert list(by_batch.index) == [8, 32, 128]
    assert by_batch.loc[8, "updates"] == 6250  # 10,000 images / 8, 5 epochs
    assert by_batch.loc[8, "ms_per_update"] == pytest.approx(
        by_batch.loc[8, "seconds"] / 6250 * 1e3, abs=0.01
    )
    sgd = fresh[fresh["loop"] == "07 train (SGD)"].iloc[0]
    assert sgd["updates"] == 15 * 1719  # ceil(55,000 / 32) = 1,719 per epoch
    assert "stopped in code cell" in out.read_text()


def test_h200_evidence_names_a_missing_table(tmp_path):
    from bench.h200_evidence import rows_07

    nb = nbformat.read(
        ROOT / "bench/results/h200_2026-12-04/07_full_mode_partial.ipynb",
        as_version=4,
    )
    nb["cells"] = [
        c
        for c in nb["cells"]
        if not "".join(c["source"]).startswith("rows = {}\nfor bs in")
    ]
    with pytest.raises(ValueError, match="0 code cells start with"):
        rows_07(nb)
