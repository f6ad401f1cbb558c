import pytest

from helpers import choose_device


def test_choose_device_auto_says_which(capsys):
    import torch

    device = choose_device()
    expected = (
        "cuda"
        if torch.cuda.is_available()
        else "mps"
        if torch.backends.mps.is_available()
        else "cpu"
    )
    assert device.type == expected
    assert capsys.readouterr().out.startswith(f"device: {expected} (")


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
