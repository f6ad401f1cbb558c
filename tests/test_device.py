import numpy as np
import pytest

from helpers import choose_device, seed_everything


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


def test_seed_everything_repeats():
    import torch

    a = seed_everything(7).random(3), torch.rand(2), np.random.rand()
    b = seed_everything(7).random(3), torch.rand(2), np.random.rand()
    np.testing.assert_array_equal(a[0], b[0])
    assert torch.equal(a[1], b[1]) and a[2] == b[2]
    for bad in (-1, 1.5, "3", True):
        with pytest.raises(ValueError, match="non-negative integer"):
            seed_everything(bad)
