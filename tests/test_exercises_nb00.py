"""Notebook 00's checkers: the device the notebook chose passes, whatever the machine; the count in any form."""

import numpy as np
import pytest

from helpers.exercises import evaluate


@pytest.fixture
def machine(monkeypatch):
    """Pretend the machine has a CUDA GPU, or not: returns a setter."""
    import torch

    def set_gpu(has_cuda: bool):
        monkeypatch.setattr(torch.cuda, "is_available", lambda: has_cuda)
        monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)

    return set_gpu


def test_device_on_a_gpu_machine_follows_the_notebooks_device(machine):
    machine(True)
    assert evaluate("00.device", "cuda")[0] is True
    assert evaluate("00.device", " CUDA ", prefer="auto")[0] is True
    # a student who set DEVICE = "cpu" on a GPU machine is right with "cpu"
    assert evaluate("00.device", "cpu", prefer="cpu")[0] is True
    assert evaluate("00.device", np.str_("cpu"), prefer="cpu")[0] is True
    ok, message = evaluate("00.device", "cuda", prefer="cpu")
    assert ok is False and "with DEVICE='cpu'" in message
    ok, message = evaluate("00.device", "cpu")
    assert ok is False and "'cpu' is not the device" in message


def test_device_on_a_cpu_machine(machine):
    machine(False)
    assert evaluate("00.device", "cpu")[0] is True
    ok, message = evaluate("00.device", "cuda")
    assert ok is False and "'cuda' is not the device" in message
    ok, message = evaluate("00.device", "gpu")
    assert ok is False and 'give "cuda", "mps" or "cpu"' in message
    ok, message = evaluate("00.device", "cpu", prefer="cuda")
    assert ok is False and "no CUDA GPU is visible" in message


def test_device_accepts_a_torch_device_and_follows_the_notebooks_device(
    machine,
):
    import torch

    machine(False)
    assert evaluate("00.device", torch.device("cpu"))[0] is True
    assert evaluate("00.device", "cuda:0", device=torch.device("cuda", 0))[0]
    assert evaluate("00.device", torch.device("cuda"), device="cuda")[0]
    # the notebook's own device decides, not a second call of choose_device
    ok, message = evaluate("00.device", "cpu", device=torch.device("mps"))
    assert ok is False and "'cpu' is not the device" in message
    ok, message = evaluate("00.device", torch.device("meta"))
    assert ok is False and 'give "cuda", "mps" or "cpu"' in message


@pytest.mark.parametrize(
    "answer", [1797, np.int64(1797), 1797.0, np.array([1797])]
)
def test_n_digits_accepts_the_count(answer):
    assert evaluate("00.n_digits", answer)[0] is True


@pytest.mark.parametrize(
    "answer, hint",
    [
        (1797 * 64, "number of pixel values"),
        (8, "size of one image"),
        (100, "first entry of images.shape"),
        ("1797", "not the text"),
        (np.zeros((1797, 8, 8)), "values (shape (1797, 8, 8))"),
    ],
)
def test_n_digits_hints(answer, hint):
    ok, message = evaluate("00.n_digits", answer)
    assert ok is False and hint in message, message
