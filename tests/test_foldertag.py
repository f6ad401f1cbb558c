"""foldertag, the folder tagger: its command line, a resume that refuses to mix settings and survives kill -9 at
random points, a self-describing output (Frictionless-valid codebook, provenance), every file kind, errors a
person can act on, the same numbers as notebook 08's predict_proba, Dask, int8.

Most tests run a tiny ONNX classifier (global average pool + a fixed linear map to 1000 classes, built with
onnx.helper) so that they take seconds: what they test is the tool, not the model. The tests that need the
course's model use engine='torch' (no export); the fp32 export of the real model is checked in the slow lane.
"""

import errno
import json
import os
import signal
import subprocess
import sys
import time
import tomllib
from importlib import import_module
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import foldertag
from foldertag import Interrupted, SettingsChanged, tag_folder
from foldertag.cli import main
from foldertag.demo import MIN_FILES
from helpers.files import read_image
from tools.project import ROOT


def make_tiny_onnx(path: Path, seed: int = 0) -> Path:
    """A 1000-class softmax classifier on the mean colour of the image: (N, 3, 224, 224) -> (N, 1000)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(seed)
    w = numpy_helper.from_array(
        rng.normal(0, 4, (3, 1000)).astype(np.float32), "w"
    )
    b = numpy_helper.from_array(rng.normal(0, 1, 1000).astype(np.float32), "b")
    nodes = [
        helper.make_node("GlobalAveragePool", ["images"], ["pooled"]),
        helper.make_node("Flatten", ["pooled"], ["flat"]),
        helper.make_node("Gemm", ["flat", "w", "b"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["proba"], axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny",
        [
            helper.make_tensor_value_info(
                "images", TensorProto.FLOAT, ["N", 3, 224, 224]
            )
        ],
        [
            helper.make_tensor_value_info(
                "proba", TensorProto.FLOAT, ["N", 1000]
            )
        ],
        initializer=[w, b],
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17)]
    )
    model.ir_version = 8
    onnx.save(model, path)
    return path


@pytest.fixture(scope="module")
def corpus(demo_corpus):
    return demo_corpus[0]  # built once per run (tests/conftest.py); read-only


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return make_tiny_onnx(tmp_path_factory.mktemp("model") / "tiny.onnx")


@pytest.fixture(scope="module")
def tiny_table(corpus, tiny, tmp_path_factory):
    out = tmp_path_factory.mktemp("tiny_out")
    return tag_folder(
        corpus,
        out,
        onnx_model=tiny,
        features=("hist",),
        verbose=False,
        progress=False,
    ), out


def tag(corpus, out, tiny, **kw):
    kw = {
        "onnx_model": tiny,
        "features": (),
        "verbose": False,
        "progress": False,
        **kw,
    }
    return tag_folder(corpus, out, **kw)


def assert_same_table(a, b, atol=1e-6):
    assert list(a["path"]) == list(b["path"]) and list(a["page"]) == list(
        b["page"]
    )
    words = [
        c
        for c in a.columns
        if a[c].dtype == object or str(a[c].dtype) in ("string", "str")
    ]
    pd.testing.assert_frame_equal(
        a[words].fillna("-").astype(str), b[words].fillna("-").astype(str)
    )
    numbers = [c for c in a.columns if c not in words]
    np.testing.assert_allclose(
        a[numbers].to_numpy(float),
        b[numbers].to_numpy(float),
        atol=atol,
        equal_nan=True,
    )


# ---------------------------------------------------------------- the command line


def test_console_script_points_at_a_real_callable_and_help_gives_defaults():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    target = config["project"]["scripts"]["images-as-data"]
    module, function = target.split(":")
    assert import_module(module).__dict__[function] is main
    assert "foldertag" in config["tool"]["setuptools"]["packages"]
    out = subprocess.run(
        [sys.executable, "-m", "foldertag", "tag", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    text = " ".join(out.stdout.split())
    options = [
        w.strip("[],")
        for w in text.split()
        if w.startswith("--") and w != "--help"
    ]
    assert {
        "--precision",
        "--top-k",
        "--features",
        "--restart",
        "--pages",
        "--pdf-dpi",
        "--debug",
    } <= set(options)
    # every option has a meaning, and every option that takes a value states its default
    for opt in [
        "--top-k",
        "--features",
        "--precision",
        "--engine",
        "--pages",
        "--pdf-dpi",
        "--chunk-files",
    ]:
        after = text.split(opt, 2)[-1][:300]
        assert "(default:" in after, opt


def test_scan_writes_its_table(corpus, tmp_path, capsys):
    assert (
        main(["scan", str(corpus), "--out", str(tmp_path / "scan.csv")]) == 0
    )
    table = pd.read_csv(tmp_path / "scan.csv")
    assert len(table) == MIN_FILES and "-> " in capsys.readouterr().out
    assert (table["status"] == "system_file").sum() == 3


# ---------------------------------------------------------------- the same numbers as notebook 08


def test_tool_and_predict_proba_agree_on_the_same_photos(corpus, tmp_path):
    from helpers.data import load_coarse_tags
    from helpers.tagging import predict_proba
    from helpers.weights import load_imagenet_cnn

    photos = tmp_path / "photos"
    photos.mkdir()
    names = [
        "campaign/2024/rally.jpg",
        "phone/IMG_0002.JPG",
        "archive/moon.bmp",
        "phone/IMG_0003.JPG",
    ]
    for i, rel in enumerate(names):
        (photos / f"{i}_{Path(rel).name}").write_bytes(
            (corpus / rel).read_bytes()
        )
    table = tag_folder(
        photos,
        tmp_path / "out",
        engine="torch",
        features=(),
        top_k=3,
        threads=1,
        verbose=False,
    )
    model = load_imagenet_cnn(verbose=False)
    proba = predict_proba(
        model, [read_image(photos / p, size=256) for p in table["path"]]
    )
    classes = list(load_coarse_tags(verbose=False)["name"])
    top = np.argsort(-proba, axis=1)[:, :3]
    assert list(table["tag_1"]) == [classes[i] for i in top[:, 0]]
    assert "cat" in table["tag_1"][0] and table["tag_1"][1] == "espresso"
    got = table[["p_1", "p_2", "p_3"]].to_numpy(float)
    np.testing.assert_allclose(
        got, np.take_along_axis(proba, top, axis=1), atol=1e-4
    )


# ---------------------------------------------------------------- resume that cannot mix


def test_rerun_with_other_settings_refuses_and_names_what_changed(
    corpus, tiny, tmp_path, capsys
):
    out = tmp_path / "out"
    first = tag(corpus, out, tiny, top_k=3)
    with pytest.raises(SettingsChanged) as err:
        tag(corpus, out, tiny, top_k=5, features=("hist",))
    message = str(err.value)
    assert "top_k: 3 -> 5" in message and "features: none -> hist" in message
    assert "--restart" in message and "another output folder" in message
    assert "weights_sha256" not in message  # only what changed
    # the output was left as it was
    assert_same_table(pd.read_parquet(out / "table.parquet"), first)
    # the command line: one line, exit 2, no traceback
    code = main(
        [
            "tag",
            str(corpus),
            str(out),
            "--onnx-model",
            str(tiny),
            "--features",
            "",
            "--top-k",
            "5",
            "--quiet",
        ]
    )
    err_text = capsys.readouterr().err
    assert (
        code == 2
        and err_text.count("\n") == 1
        and "Traceback" not in err_text
        and "top_k: 3 -> 5" in err_text
    )
    other = make_tiny_onnx(tmp_path / "other.onnx", seed=1)
    with pytest.raises(SettingsChanged, match="weights_sha256: .* -> "):
        tag(corpus, out, other, top_k=3)
    again = tag(corpus, out, tiny, top_k=5, restart=True)
    assert list(again.filter(like="tag_").columns) == [
        f"tag_{i}" for i in range(1, 6)
    ]
    assert again.attrs["run"]["from_earlier_runs"] == 0
    # same key: resumes, nothing left to do
    same = tag(corpus, out, tiny, top_k=5)
    assert same.attrs["run"]["decoded_files_this_run"] == 0
    assert_same_table(same, again)


def test_the_refusal_holds_under_dask(corpus, tiny, tmp_path):
    distributed = pytest.importorskip("distributed")
    out = tmp_path / "out"
    tag(corpus, out, tiny, top_k=3)
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            dashboard_address=None,
            silence_logs=40,
        ) as cluster,
        distributed.Client(cluster, timeout="30s") as client,
    ):
        with pytest.raises(SettingsChanged, match="top_k: 3 -> 4"):
            tag(corpus, out, tiny, top_k=4, client=client)
        table = tag(
            corpus,
            tmp_path / "dask",
            tiny,
            top_k=3,
            client=client,
            partitions_per_worker=2,
            timeout=120,
        )
    serial = pd.read_parquet(out / "table.parquet")
    assert_same_table(table, serial)
    writers = {
        p.name.split("-")[0]
        for p in (tmp_path / "dask" / "chunks").glob("*.parquet")
    }
    assert len(writers) == 4  # 2 workers x 2 partitions, own chunks each


def test_kill_9_at_random_points_then_rerun_equals_an_uninterrupted_run(
    corpus, tiny, tiny_table, tmp_path
):
    reference, _ = tiny_table
    out = tmp_path / "killed"
    cmd = [
        sys.executable,
        "-m",
        "foldertag",
        "tag",
        str(corpus),
        str(out),
        "--onnx-model",
        str(tiny),
    ]
    cmd += [
        "--features",
        "hist",
        "--batch-size",
        "2",
        "--chunk-files",
        "2",
        "--quiet",
    ]
    rng = np.random.default_rng(0)
    kills = 0
    for _ in range(3):
        proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        # wait until the run has started writing, then kill it at a random moment
        deadline = time.monotonic() + 120
        while (
            proc.poll() is None
            and not (out / "key.json").exists()
            and time.monotonic() < deadline
        ):
            time.sleep(0.01)
        time.sleep(float(rng.uniform(0, 0.4)))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
    assert kills >= 2, (
        "the runs finished before they could be killed: make the corpus larger"
    )
    final = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert final.returncode == 0, final.stderr
    table = pd.read_parquet(out / "table.parquet")
    assert not table.duplicated(["path", "page"]).any()  # no row repeated
    assert_same_table(table, reference)  # none lost, none changed
    chunks = pd.concat(
        [pd.read_parquet(f) for f in (out / "chunks").glob("*.parquet")]
    )
    assert not chunks.duplicated(["sha256", "page"]).any()


# ---------------------------------------------------------------- the output describes itself


def test_output_is_parquet_csv_codebook_and_provenance(tiny_table):
    frictionless = pytest.importorskip("frictionless")
    table, out = tiny_table
    assert {p.name for p in out.iterdir()} >= {
        "table.parquet",
        "table.csv",
        "datapackage.json",
        "provenance.json",
    }
    report = frictionless.validate(out / "datapackage.json")
    assert report.valid, report.flatten(
        ["rowNumber", "fieldName", "type", "note"]
    )[:5]
    package = json.loads((out / "datapackage.json").read_text())
    fields = package["resources"][0]["schema"]["fields"]
    assert [f["name"] for f in fields] == list(table.columns)
    assert all(
        len(f["description"]) > 15
        and f["type"] in ("string", "integer", "number")
        for f in fields
    )
    units = {f["name"]: f.get("unit") for f in fields}
    assert (
        units["width"] == "pixels"
        and units["bytes"] == "bytes"
        and units["p_1"] == "probability"
    )
    back = pd.read_csv(
        out / "table.csv", keep_default_na=False, na_values=[""]
    )
    assert_same_table(pd.read_parquet(out / "table.parquet"), table)
    assert list(back["path"]) == list(table["path"])
    run = json.loads((out / "provenance.json").read_text())
    assert (
        run["precision"] == "fp32"
        and run["key"]["top_k"] == 5
        and run["key"]["features"] == "hist"
    )
    assert run["counts_by_status"] == table["status"].value_counts().to_dict()
    assert (
        run["versions"]["onnxruntime"]
        and run["seconds"] > 0
        and run["created"].startswith("20")
    )
    assert run["files"] == MIN_FILES and run["rows"] == len(table)


def test_status_codes_pages_duplicates_and_rates(
    corpus, tiny, tiny_table, tmp_path
):
    table, _ = tiny_table
    by = table.set_index(["path", "page"])
    assert set(table["status"]) == {
        "ok",
        "unreadable",
        "not_an_image",
        "system_file",
    }
    assert (table.loc[table["status"] != "ok", "reason"].str.len() > 5).all()
    assert table.loc[table["status"] != "ok", "tag_1"].isna().all()
    pdf = table[table["path"] == "scans/leaflet.pdf"]
    assert (
        list(pdf["page"]) == [1, 2]
        and (pdf["pages"] == 2).all()
        and (pdf["status"] == "ok").all()
    )
    # one row by default, the count in 'pages'
    assert by.loc[("scans/minutes_3pages.tif", 1), "pages"] == 3
    assert by.loc[("phone/IMG_0001.JPG", 1), "orientation"] == 6
    assert by.loc[("phone/IMG_0004.HEIC", 1), "format"] == "HEIF"
    rally = by.loc[("campaign/2024/rally.jpg", 1)]
    assert (
        by.loc[("campaign/2024/rally (1).jpg", 1), "dup_group"]
        == rally["dup_group"]
    )
    assert (
        by.loc[("campaign/2024/rally_crop.jpg", 1), "near_group"]
        == rally["near_group"]
    )
    assert 0 < rally["near_distance"] <= 20
    run = table.attrs["run"]
    ok_files = table.loc[table["status"] == "ok", "sha256"].nunique()
    # files decoded, not rows (the PDF counts once)
    assert run["decoded_files_this_run"] == ok_files
    every = tag(corpus, tmp_path / "all", tiny, pages="all")
    tif = every[every["path"] == "scans/minutes_3pages.tif"]
    gif = every[every["path"] == "posters/sticker.gif"]
    assert list(tif["page"]) == [1, 2, 3] and list(gif["page"]) == [1, 2]
    # three different pages, three different results
    assert tif["p_1"].nunique() == 3


def test_low_confidence_gets_an_honest_coarse_value(tiny_table):
    table, _ = tiny_table
    ok = table[table["status"] == "ok"]
    low = ok["coarse_p"] < 0.5
    assert low.any() and (ok.loc[low, "coarse"] == "uncertain").all()
    assert (ok.loc[~low, "coarse"] != "uncertain").all()


# ---------------------------------------------------------------- errors a person can act on


def one_line_error(capsys, argv, code=2):
    assert main(argv) == code
    err = capsys.readouterr().err
    assert (
        err.count("\n") == 1
        and "Traceback" not in err
        and err.startswith("images-as-data: ")
    ), err
    return err


def test_errors_are_one_line_with_the_fix(
    corpus, tiny, tmp_path, capsys, monkeypatch
):
    base = ["--onnx-model", str(tiny), "--features", "", "--quiet"]
    err = one_line_error(
        capsys, ["tag", str(tmp_path / "nowhere"), str(tmp_path / "o")] + base
    )
    assert "does not exist" in err and "check the path" in err
    afile = tmp_path / "a_file.csv"
    afile.write_text("x")
    err = one_line_error(capsys, ["tag", str(corpus), str(afile)] + base)
    assert "is a file" in err and "give a folder" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    err = one_line_error(
        capsys, ["tag", str(empty), str(tmp_path / "o")] + base
    )
    assert "holds no files" in err
    err = one_line_error(capsys, ["tag", str(corpus), str(corpus)] + base)
    assert "image folder itself" in err

    real_write = Path.write_bytes

    # a folder this user may not write to (root ignores chmod, so simulated)
    def refuse(self, data):
        if self.name.startswith(".write-test"):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", refuse)
    err = one_line_error(
        capsys, ["tag", str(corpus), str(tmp_path / "locked")] + base
    )
    assert "no permission to write" in err and "choose an output folder" in err
    monkeypatch.undo()

    import foldertag.tagger as tagger

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", "chunk.parquet")

    monkeypatch.setattr(tagger, "_write_chunk", full)
    err = one_line_error(
        capsys, ["tag", str(corpus), str(tmp_path / "full")] + base
    )
    assert "disk is full" in err and "run the same command to resume" in err
    with pytest.raises(OSError):  # --debug shows the traceback
        main(["--debug", "tag", str(corpus), str(tmp_path / "full")] + base)


def test_ctrl_c_keeps_what_is_done_and_says_how_to_resume(
    corpus, tiny, tiny_table, tmp_path, capsys, monkeypatch
):
    import foldertag.tagger as tagger

    real = tagger._prepare
    calls = []

    def interrupted(*args):
        calls.append(1)
        if len(calls) == 12:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(tagger, "_prepare", interrupted)
    out = tmp_path / "out"
    argv = [
        "tag",
        str(corpus),
        str(out),
        "--onnx-model",
        str(tiny),
        "--features",
        "hist",
        "--quiet",
    ]
    argv += ["--batch-size", "2", "--chunk-files", "2", "--workers", "1"]
    err = one_line_error(capsys, argv, code=130)
    done = int(err.split("stopped after ")[1].split()[0])
    assert 1 <= done < MIN_FILES and "run the same command to resume" in err
    monkeypatch.undo()
    # the Python API raises Interrupted, the CLI turns it into the line above
    with pytest.raises(Interrupted):
        monkeypatch.setattr(
            tagger,
            "_prepare",
            lambda *a: (_ for _ in ()).throw(KeyboardInterrupt),
        )
        tag(corpus, tmp_path / "api", tiny)
    monkeypatch.undo()
    assert main(argv) == 0
    assert_same_table(pd.read_parquet(out / "table.parquet"), tiny_table[0])


# ---------------------------------------------------------------- engines: the export and int8, on a tiny model


def tiny_torch():
    """A timm-like tiny CNN (pretrained_cfg with architecture, mean, std)."""
    import torch

    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3, stride=4),
        torch.nn.ReLU(),
        torch.nn.AdaptiveAvgPool2d(1),
        torch.nn.Flatten(),
        torch.nn.Linear(4, 10),
    ).eval()
    net.pretrained_cfg = {
        "architecture": "tiny_test_net",
        "mean": (0.5,) * 3,
        "std": (0.5,) * 3,
    }
    return net


def fake_export(model, target, size=224):
    """What torch.onnx.export writes for tiny_torch, built with onnx.helper: torch.export costs 10-40 s even for a
    tiny net, and the real export is tested in the slow lane (test_course_model_onnx_export_agrees_with_pytorch)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    conv, linear = model[0], model[4]
    weights = [
        numpy_helper.from_array(conv.weight.detach().numpy(), "cw"),
        numpy_helper.from_array(conv.bias.detach().numpy(), "cb"),
        numpy_helper.from_array(linear.weight.detach().numpy().T.copy(), "lw"),
        numpy_helper.from_array(linear.bias.detach().numpy(), "lb"),
    ]
    nodes = [
        helper.make_node(
            "Conv",
            ["images", "cw", "cb"],
            ["c"],
            kernel_shape=[3, 3],
            strides=[4, 4],
        ),
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("GlobalAveragePool", ["r"], ["g"]),
        helper.make_node("Flatten", ["g"], ["f"]),
        helper.make_node("Gemm", ["f", "lw", "lb"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["proba"], axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_cnn",
        [
            helper.make_tensor_value_info(
                "images", TensorProto.FLOAT, ["N", 3, size, size]
            )
        ],
        [helper.make_tensor_value_info("proba", TensorProto.FLOAT, ["N", 10])],
        initializer=weights,
    )
    onnx_model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17)]
    )
    onnx_model.ir_version = 8
    target.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(onnx_model, target)


def test_onnx_export_is_checked_and_cached_under_a_key_of_the_weights(
    tmp_cache, monkeypatch
):
    import torch

    import foldertag.engines as engines
    from helpers.sources import ResourceNotFoundError

    monkeypatch.setattr(engines, "_export_onnx", fake_export)
    model = tiny_torch()
    path = engines.onnx_tagger_path(model, verbose=False)
    assert path.parent == tmp_cache / "weights"
    assert path.name == f"tiny_test_net-{engines.state_key(model)[:16]}.onnx"
    x = (
        np.random.default_rng(0)
        .uniform(-1, 1, (2, 3, 224, 224))
        .astype(np.float32)
    )
    with torch.inference_mode():
        want = torch.softmax(model(torch.from_numpy(x)), dim=1).numpy()
    np.testing.assert_allclose(
        engines.OnnxEngine(str(path))(x), want, atol=1e-5
    )
    mtime = path.stat().st_mtime_ns
    # a second call must not export again
    monkeypatch.setattr(engines, "_export_onnx", None)
    assert (
        engines.onnx_tagger_path(model, verbose=False) == path
        and path.stat().st_mtime_ns == mtime
    )
    with torch.no_grad():
        model[0].weight[0, 0, 0, 0] += (
            1  # other weights -> another file, never the stale one
        )
    stale = model[0].weight.detach().clone()

    # an export that does not match the model is refused
    def wrong_export(m, target, size=224):
        with torch.no_grad():
            m[0].weight += 1
        fake_export(m, target, size)
        with torch.no_grad():
            m[0].weight.copy_(stale)

    monkeypatch.setattr(engines, "_export_onnx", wrong_export)
    with pytest.raises(ResourceNotFoundError, match="disagrees with PyTorch"):
        engines.onnx_tagger_path(model, verbose=False)
    assert sorted(p.name for p in (tmp_cache / "weights").glob("*.onnx")) == [
        path.name
    ]


def test_int8_quantization_is_static_qdq_per_channel(
    tmp_cache, tmp_path, monkeypatch
):
    import onnx

    import foldertag.engines as engines

    monkeypatch.setattr(engines, "_export_onnx", fake_export)
    fp32 = engines.onnx_tagger_path(tiny_torch(), verbose=False)
    target = tmp_path / "int8.onnx"
    engines._quantize(fp32, target, (0.5,) * 3, (0.5,) * 3, n=16)
    graph = onnx.load(target).graph
    ops = [n.op_type for n in graph.node]
    assert ops.count("QuantizeLinear") >= 2 and "DequantizeLinear" in ops
    scales = {i.name: onnx.numpy_helper.to_array(i) for i in graph.initializer}
    # per channel
    assert any(
        k.startswith("cw") and k.endswith("_scale") and v.size == 4
        for k, v in scales.items()
    )
    x = engines.calibration_batch(8, seed=1)
    a, b = engines.OnnxEngine(str(fp32))(x), engines.OnnxEngine(str(target))(x)
    assert (
        np.abs(a - b).max() < 0.05
        and (a.argmax(1) == b.argmax(1)).mean() >= 0.75
    )


@pytest.mark.notebooks  # the real export costs about 12 s on an empty cache; notebook 10 runs it too
def test_course_model_onnx_export_agrees_with_pytorch(corpus, tmp_path):
    onnx_table = tag_folder(
        corpus,
        tmp_path / "onnx",
        engine="onnx",
        features=(),
        batch_size=8,
        verbose=False,
    )
    torch_table = tag_folder(
        corpus,
        tmp_path / "torch",
        engine="torch",
        features=(),
        batch_size=8,
        threads=1,
        verbose=False,
    )
    ok = onnx_table["status"] == "ok"
    assert (
        ok.sum() >= 20
        and (onnx_table.loc[ok, "tag_1"] == torch_table.loc[ok, "tag_1"]).all()
    )
    probs = [f"p_{i}" for i in range(1, 6)]
    diff = np.abs(
        onnx_table.loc[ok, probs].to_numpy(float)
        - torch_table.loc[ok, probs].to_numpy(float)
    )
    assert diff.max() < 1e-4


def test_import_is_light():
    """Importing foldertag loads no model or cluster library (they come in when a function needs them)."""
    code = (
        "import sys, foldertag; print(sorted(m for m in ('torch', 'timm', 'onnxruntime', 'distributed', "
        "'cv2', 'matplotlib.pyplot') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == 0 and out.stdout.strip() == "[]", (
        out.stdout + out.stderr
    )
    assert foldertag.__version__
