"""Attention maps of a pretrained timm Vision Transformer (notebook 09).

The pretrained ViT itself is loaded by helpers.weights.load_pretrained_vit.
"""

from __future__ import annotations


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
