import pytest

from helpers import choose_device


@pytest.mark.parametrize(
    "has_cuda, has_mps, want",
    [(True, True, "cuda"), (False, True, "mps"), (False, False, "cpu")],
)
def test_choose_device_auto_prefers_cuda_then_mps_then_cpu(
    monkeypatch, capsys, has_cuda, has_mps, want
):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: has_cuda)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda i: "Fake GPU")
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: has_mps)
    assert choose_device().type == want
    detail = {"cuda": "Fake GPU", "mps": "Apple GPU", "cpu": "threads"}[want]
    out = capsys.readouterr().out
    assert out.startswith(f"device: {want} (") and detail in out
    # asking for the CPU gives the CPU on any machine, quietly when asked
    assert choose_device("CPU", verbose=False).type == "cpu"
    assert capsys.readouterr().out == ""


def test_choose_device_bad_input():
    with pytest.raises(
        ValueError, match="'tpu' is not one of auto, cuda, mps, cpu"
    ):
        choose_device("tpu")
    import torch

    if not torch.cuda.is_available():
        with pytest.raises(
            ValueError,
            match="no CUDA GPU is visible; use DEVICE='auto' or 'cpu'",
        ):
            choose_device("cuda")
