"""Pretrained Vision Transformers (timm) when they can be had, and their attention maps (notebook 09).

No pretrained ViT ships offline with a package, so ``load_pretrained_vit`` tries the course cache,
then the Hugging Face hub through timm, says which it used, and (with ``use="auto"``) returns None
with a clear message when neither works: the notebook then trains a small ViT from scratch.
Importing this module imports nothing heavy (torch and timm are imported inside the functions).
"""
from __future__ import annotations

import os
import socket

from .data import ResourceNotFoundError, Source, SourceUnavailable, cache_dir, pretty_path, resolve

PRETRAINED_VIT = "vit_tiny_patch16_224"
HUB_HOST = "huggingface.co"
_USE = ("auto", True, False)


def hub_reachable(host: str = HUB_HOST, port: int = 443, timeout: float = 3.0) -> bool:
    """True when a TCP connection to host:port opens within timeout seconds (nothing is sent), or a proxy is set."""
    if any(os.environ.get(k) for k in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")):
        return True  # behind a proxy a direct connection may fail while downloads work: let timm try
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError:
        return False
    return True


def _cached_vit_file(name: str):
    return cache_dir(create=False) / "vit" / f"{name}.safetensors"


def load_pretrained_vit(name: str = PRETRAINED_VIT, use="auto", verbose: bool = True):
    """A timm ViT with ImageNet weights, in eval mode on the CPU, or None (use="auto" and none found, or use=False).

    use: "auto" tries and falls back to None with a message; True must load (else ResourceNotFoundError);
    False skips. Sources, in order: the course cache (<cache>/vit/NAME.safetensors), then the hub
    download through timm (which is then saved to the cache, so the next run works offline).
    """
    if use not in _USE or isinstance(use, int) and not isinstance(use, bool):
        raise ValueError(f"use={use!r}; choose 'auto' (try, else train from scratch), True (must load) or False (skip)")
    if not isinstance(name, str) or not name.startswith("vit_"):
        raise ValueError(f"name={name!r} is not a timm ViT name; use e.g. {PRETRAINED_VIT!r} "
                         f"(timm.list_models('vit_*') lists them)")
    if use is False:
        if verbose:
            print("pretrained ViT: skipped (USE_PRETRAINED_VIT = False)")
        return None
    cached = _cached_vit_file(name)

    def timm_checked():  # imported only when a source is there: offline, the fallback costs nothing
        import timm

        if not timm.is_model(name):
            raise ValueError(f"timm has no model {name!r}; timm.list_models('vit_*') lists the ViTs")
        return timm

    def from_cache():
        if not cached.is_file():
            raise SourceUnavailable(f"no file {pretty_path(cached)}")
        from safetensors.torch import load_file

        model = timm_checked().create_model(name, pretrained=False)
        model.load_state_dict(load_file(cached))
        return model

    def from_package():
        raise SourceUnavailable("no Python package ships pretrained ViT weights")

    def online():
        if not hub_reachable():
            raise SourceUnavailable(f"{HUB_HOST} is not reachable (no internet connection)")
        timm = timm_checked()
        try:
            model = timm.create_model(name, pretrained=True)
        except Exception as exc:  # LocalEntryNotFoundError, HTTPError, ... depending on what broke
            raise SourceUnavailable(f"download failed: {type(exc).__name__}: {exc}") from None
        try:  # keep a copy, so that the next run works offline
            from safetensors.torch import save_file

            cached.parent.mkdir(parents=True, exist_ok=True)
            save_file({k: v.contiguous() for k, v in model.state_dict().items()}, cached)
        except OSError:
            pass
        return model

    sources = [
        Source("cache", pretty_path(cached), from_cache,
               f"run once online (the weights are then saved to {pretty_path(cached)})"),
        Source("offline", "none ships", from_package, "no offline source exists for pretrained ViTs"),
        Source("online", f"timm.create_model({name!r}, pretrained=True) from the Hugging Face hub", online,
               "connect to the internet and run again"),
    ]
    try:
        model = resolve(f"pretrained ViT {name}", sources, verbose=verbose)
    except ResourceNotFoundError:
        if use is True:
            raise
        if verbose:
            print(f"pretrained ViT {name}: not in the course cache and {HUB_HOST} is not reachable, "
                  f"so we train a small ViT from scratch instead.")
        return None
    return model.eval()


def vit_cls_attention(model, x):
    """Class-token attention of a timm ViT's last block: images (B, 3, H, W) float -> (B, heads, gh, gw) tensor.

    Each map holds the softmax weights of the class token over the patches (they sum, with the
    class token's weight on itself, to 1), reshaped to the patch grid.
    """
    import torch

    blocks = getattr(model, "blocks", None)
    attn = getattr(blocks[-1], "attn", None) if blocks is not None and len(blocks) else None
    if attn is None or not hasattr(attn, "attn_drop") or not hasattr(model, "patch_embed"):
        raise TypeError(f"model is a {type(model).__name__}; expected a timm VisionTransformer "
                        f"(e.g. from load_pretrained_vit())")
    if not isinstance(x, torch.Tensor) or x.ndim != 4:
        raise ValueError(f"x must be a float tensor (B, 3, H, W), got {getattr(x, 'shape', type(x).__name__)}")
    captured = []
    hook = attn.attn_drop.register_forward_hook(lambda mod, inp, out: captured.append(out.detach()))
    fused = attn.fused_attn
    attn.fused_attn = False  # the fused kernel never materialises the weights; the explicit path does
    try:
        model.eval()
        with torch.no_grad():
            model(x)
    finally:
        attn.fused_attn = fused
        hook.remove()
    weights = captured[-1]                               # (B, heads, tokens, tokens)
    prefix = getattr(model, "num_prefix_tokens", 1)
    gh, gw = model.patch_embed.grid_size
    return weights[:, :, 0, prefix:].reshape(weights.shape[0], weights.shape[1], gh, gw)
