"""Device choice for the deep-learning notebooks.

(Seeds are set where the reader sees them, in each notebook's parameters cell and calls, not by a helper.)"""

from __future__ import annotations

_DEVICES = ("auto", "cuda", "mps", "cpu")


def choose_device(prefer: str = "auto", verbose: bool = True):
    """Pick a torch.device: CUDA, then Apple MPS, then CPU ("auto"), or the one asked for; says which."""
    import torch

    if not isinstance(prefer, str) or prefer.lower() not in _DEVICES:
        raise ValueError(
            f"device {prefer!r} is not one of {', '.join(_DEVICES)}"
        )
    prefer = prefer.lower()
    has_cuda = torch.cuda.is_available()
    has_mps = (
        getattr(torch.backends, "mps", None) is not None
        and torch.backends.mps.is_available()
    )
    if prefer == "cuda" and not has_cuda:
        raise ValueError(
            "device 'cuda' was asked for but no CUDA GPU is visible; use DEVICE='auto' or 'cpu'"
        )
    if prefer == "mps" and not has_mps:
        raise ValueError(
            "device 'mps' was asked for but Apple MPS is not available; use DEVICE='auto' or 'cpu'"
        )
    if prefer == "auto":
        prefer = "cuda" if has_cuda else "mps" if has_mps else "cpu"
    device = torch.device(prefer)
    if verbose:
        if device.type == "cuda":
            detail = torch.cuda.get_device_name(0)
        elif device.type == "mps":
            detail = "Apple GPU"
        else:
            detail = f"{torch.get_num_threads()} threads"
        print(f"device: {device.type} ({detail})")
    return device
