"""Notebook 09's small Vision Transformer (TinyViT, trained by the notebook and by
bench/bench_vit_scaling.py) and attention maps of a pretrained timm ViT.

The pretrained ViT itself is loaded by helpers.weights.load_pretrained_vit.
"""

from __future__ import annotations

import math

import torch
from torch import nn


def vit_cls_attention(model, x):
    """Class-token attention of a timm ViT's last block: images (B, 3, H, W) float -> (B, heads, gh, gw) tensor.

    Each map holds the softmax weights of the class token over the patches (they sum, with the
    class token's weight on itself, to 1), reshaped to the patch grid.
    """
    import torch

    blocks = getattr(model, "blocks", None)
    attn = (
        getattr(blocks[-1], "attn", None)
        if blocks is not None and len(blocks)
        else None
    )
    if (
        attn is None
        or not hasattr(attn, "attn_drop")
        or not hasattr(model, "patch_embed")
    ):
        raise TypeError(
            f"model is a {type(model).__name__}; expected a timm VisionTransformer "
            f"(e.g. from load_pretrained_vit())"
        )
    if not isinstance(x, torch.Tensor) or x.ndim != 4:
        raise ValueError(
            f"x must be a float tensor (B, 3, H, W), got {getattr(x, 'shape', type(x).__name__)}"
        )
    captured = []
    hook = attn.attn_drop.register_forward_hook(
        lambda mod, inp, out: captured.append(out.detach())
    )
    fused = attn.fused_attn
    # the fused kernel never materialises the weights; the explicit path does
    attn.fused_attn = False
    try:
        model.eval()
        with torch.no_grad():
            model(x)
    finally:
        attn.fused_attn = fused
        hook.remove()
    weights = captured[-1]  # (B, heads, tokens, tokens)
    prefix = getattr(model, "num_prefix_tokens", 1)
    gh, gw = model.patch_embed.grid_size
    return weights[:, :, 0, prefix:].reshape(
        weights.shape[0], weights.shape[1], gh, gw
    )


# ---------------------------------------------------------------- the small ViT of notebook 09
# Notebook 09 builds these pieces by hand (§3–§5) and shows this code; bench/bench_vit_scaling.py
# trains the same class. One definition, here.


class SelfAttention(nn.Module):
    """Multi-head self-attention: softmax(Q Kᵀ / √d) V per head.

    Keeps the last attention weights in .weights, to look at them.
    """

    def __init__(self, dim, heads):
        super().__init__()
        if dim % heads:
            raise ValueError(
                f"dim={dim} is not divisible by heads={heads}; each head "
                "gets dim // heads dimensions, e.g. dim=48 with heads=4"
            )
        self.heads, self.head_dim = heads, dim // heads
        self.qkv = nn.Linear(dim, 3 * dim)  # W_Q, W_K, W_V side by side
        self.out = nn.Linear(dim, dim)  # W_O
        self.weights = None

    def forward(self, z):  # z: (batch, tokens, dim)
        B, T, _ = z.shape
        q, k, v = (
            self.qkv(z)
            .reshape(B, T, 3, self.heads, self.head_dim)
            .permute(2, 0, 3, 1, 4)
        )
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.head_dim)
        weights = torch.softmax(scores, dim=-1)
        self.weights = weights.detach()  # (batch, heads, tokens, tokens)
        heads = (weights @ v).transpose(1, 2).reshape(B, T, -1)
        return self.out(heads)  # concatenate the heads, mix with W_O


class TransformerBlock(nn.Module):
    """z + attention(LN(z)), then z + MLP(LN(z))."""

    def __init__(self, dim, heads, mlp_ratio=2):
        super().__init__()
        self.norm1, self.attn = nn.LayerNorm(dim), SelfAttention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(
            nn.Linear(dim, mlp_ratio * dim),
            nn.GELU(),
            nn.Linear(mlp_ratio * dim, dim),
        )

    def forward(self, z):
        z = z + self.attn(self.norm1(z))
        return z + self.mlp(self.norm2(z))


class TinyViT(nn.Module):
    """A small Vision Transformer.

    Images (B, C, H, W), float in [0, 1] -> class scores (B, num_classes).
    """

    def __init__(
        self,
        image_size=28,
        patch_size=7,
        channels=1,
        dim=48,
        depth=3,
        heads=4,
        num_classes=10,
    ):
        super().__init__()
        if image_size % patch_size:
            raise ValueError(
                f"patch_size={patch_size} does not divide "
                f"image_size={image_size}; for 28x28 images use 7, 4 or 2"
            )
        self.patch_size, self.grid = patch_size, image_size // patch_size
        self.embed = nn.Linear(channels * patch_size**2, dim)  # E
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(
            torch.randn(1, self.grid**2 + 1, dim) * 0.02
        )
        self.blocks = nn.ModuleList(
            [TransformerBlock(dim, heads) for _ in range(depth)]
        )
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, num_classes)
        self.num_classes = num_classes

    def patches(self, x):
        """(B, C, H, W) -> (B, N, p*p*C): patchify() of §1, for a batch."""
        B, C, H, W = x.shape
        p = self.patch_size
        return (
            x.reshape(B, C, H // p, p, W // p, p)
            .permute(0, 2, 4, 3, 5, 1)
            .reshape(B, -1, p * p * C)
        )

    def forward(self, x):
        z = self.embed(self.patches(x))
        cls = self.cls_token.expand(len(z), -1, -1)
        z = torch.cat([cls, z], dim=1) + self.pos_embed
        for block in self.blocks:
            z = block(z)
        return self.head(self.norm(z[:, 0]))  # only the class token
