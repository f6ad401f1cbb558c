"""Tag images with a pretrained ImageNet CNN: preprocessing, batched prediction, tags, coarse tags.

Used by 08_autotaggers and later units. Images go in as NumPy arrays, uint8 (0..255) or float
([0, 1]), gray (H, W) or RGB (H, W, 3), one at a time or as a batch/list; probabilities come
out as float32 arrays (N, 1000) in the model's class order (helpers.imagenet_class_names()).
"""

from __future__ import annotations

import numpy as np

from .validate import check_image, check_int, check_positive_int
from .weights import normalisation


def _as_image_list(images, name: str = "images") -> list[np.ndarray]:
    """One image (H, W) / (H, W, 3), a batch (N, H, W[, 3]) or a list of images -> list of arrays."""
    if isinstance(images, np.ndarray):
        if images.ndim == 4 or (
            images.ndim == 3 and images.shape[-1] not in (3, 4)
        ):
            return list(images)  # a batch: (N, H, W, C) or (N, H, W) gray
        return [images]  # one image
    if isinstance(images, (list, tuple)):
        if len(images) == 0:
            raise ValueError(
                f"{name} is an empty list; pass at least one image"
            )
        return list(images)
    raise TypeError(
        f"{name} must be a numpy array or a list of arrays, got {type(images).__name__}"
    )


def preprocess(images, model, size: int = 224, crop_pct: float = 0.875):
    """Images (uint8 or float [0, 1], gray or RGB, any sizes) -> float32 torch tensor (N, 3, size, size) for model.

    Like timm's evaluation transform: resize the shorter side to size / crop_pct (bilinear, with
    antialiasing), centre-crop size x size, scale to [0, 1], subtract the mean and divide by the std
    per channel that the model's weights expect (model.pretrained_cfg: for the course's
    EfficientNet-Lite0, 0.5 and 0.5, i.e. [-1, 1]). Gray images are repeated to 3 channels.
    crop_pct=1.0 keeps the whole image.
    """
    import torch
    import torch.nn.functional as F

    check_int(size, "size", "224 is what the model was trained on", low=16)
    if not (isinstance(crop_pct, (int, float)) and 0.5 <= crop_pct <= 1.0):
        raise ValueError(
            f"crop_pct={crop_pct!r} must be a number in [0.5, 1.0] (0.875 = timm's default, 1.0 = no crop)"
        )
    mean, std = normalisation(model)
    mean_t = torch.tensor(mean, dtype=torch.float32).view(3, 1, 1)
    std_t = torch.tensor(std, dtype=torch.float32).view(3, 1, 1)
    out = []
    for i, img in enumerate(_as_image_list(images)):
        img = check_image(img, name=f"images[{i}]", channels="gray_or_rgb")
        # a copy: read-only inputs are fine
        x = torch.from_numpy(np.array(img, dtype=np.float32))
        if img.dtype == np.uint8:
            x = x / 255.0
        # gray -> 3 channels
        x = x.unsqueeze(-1).expand(*x.shape, 3) if x.ndim == 2 else x
        x = x.permute(2, 0, 1).unsqueeze(0)  # (1, 3, H, W)
        h, w = x.shape[-2:]
        scale = (size / crop_pct) / min(h, w)
        new_h, new_w = max(size, round(h * scale)), max(size, round(w * scale))
        x = F.interpolate(
            x,
            size=(new_h, new_w),
            mode="bilinear",
            align_corners=False,
            antialias=True,
        )
        top, left = (new_h - size) // 2, (new_w - size) // 2
        x = x[0, :, top : top + size, left : left + size].clamp(0, 1)
        out.append((x - mean_t) / std_t)
    return torch.stack(out)


# the model's input and timm's evaluation crop (preprocess's defaults)
TAG_SIZE, CROP_PCT = (224, 0.875)
# 256: the shorter side before the centre crop
RESIZE_TO = round(TAG_SIZE / CROP_PCT)


def crop_and_normalise(
    rgb: np.ndarray, mean, std, size: int = TAG_SIZE
) -> np.ndarray:
    """The last steps of preprocess in NumPy, for one uint8 RGB image already resized (shorter side 256).

    Centre crop size x size, scale to [0, 1], subtract mean, divide by std -> float32 (3, size, size).
    For an image whose shorter side is round(size / crop_pct), preprocess resizes nothing and does
    exactly this, so preprocess(img, model)[0] equals crop_and_normalise(img, *normalisation(model)).
    The folder tagger (foldertag) uses it after read_image(path, size=256).
    """
    if (
        rgb.dtype != np.uint8
        or rgb.ndim != 3
        or rgb.shape[2] != 3
        or min(rgb.shape[:2]) < size
    ):
        raise ValueError(
            f"rgb must be uint8 (H, W, 3) with both sides >= {size}, got {rgb.dtype} {rgb.shape}; "
            f"read it with read_image(path, size={round(size / CROP_PCT)})"
        )
    h, w = rgb.shape[:2]
    top, left = (h - size) // 2, (w - size) // 2
    x = rgb[top : top + size, left : left + size].astype(
        np.float32
    ) / np.float32(255.0)
    x = (x - np.asarray(mean, np.float32)) / np.asarray(std, np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1))


def _model_device(model):
    try:
        return next(model.parameters()).device
    except (StopIteration, AttributeError):
        raise TypeError(
            f"model must be a torch module with parameters, got {type(model).__name__}; "
            f"use helpers.load_imagenet_cnn()"
        ) from None


def features_and_proba(
    model,
    images,
    batch_size: int = 32,
    size: int = 224,
    crop_pct: float = 0.875,
):
    """Run the CNN once per batch -> (features float32 (N, D) pooled penultimate layer, proba float32 (N, 1000)).

    features are what the classifier head sees (D = 1280 for EfficientNet-Lite0); proba are the
    softmax of its logits. Images are preprocessed batch by batch, so memory stays small.
    """
    import torch

    check_positive_int(batch_size, "batch_size", "e.g. 32")
    device = _model_device(model)
    items = _as_image_list(images)
    feats, probs = [], []
    with torch.inference_mode():
        for start in range(0, len(items), batch_size):
            x = preprocess(
                items[start : start + batch_size],
                model,
                size=size,
                crop_pct=crop_pct,
            ).to(device)
            pooled = model.forward_head(
                model.forward_features(x), pre_logits=True
            )
            logits = model.get_classifier()(pooled)
            feats.append(pooled.float().cpu().numpy())
            probs.append(torch.softmax(logits.float(), dim=1).cpu().numpy())
    return np.concatenate(feats), np.concatenate(probs)


def predict_proba(
    model,
    images,
    batch_size: int = 32,
    size: int = 224,
    crop_pct: float = 0.875,
) -> np.ndarray:
    """Class probabilities in batches -> float32 array (N, n_classes), rows sum to 1."""
    import torch

    check_positive_int(batch_size, "batch_size", "e.g. 32")
    device = _model_device(model)
    items = _as_image_list(images)
    probs = []
    with torch.inference_mode():
        for start in range(0, len(items), batch_size):
            x = preprocess(
                items[start : start + batch_size],
                model,
                size=size,
                crop_pct=crop_pct,
            ).to(device)
            probs.append(torch.softmax(model(x).float(), dim=1).cpu().numpy())
    return np.concatenate(probs)


def _check_proba(proba, names):
    proba = np.asarray(proba)
    if proba.ndim == 1:
        proba = proba[None]
    if proba.ndim != 2 or not np.issubdtype(proba.dtype, np.floating):
        raise ValueError(
            f"proba must be a float array (N, n_classes), got shape {proba.shape} dtype {proba.dtype}; "
            f"use predict_proba(model, images)"
        )
    if len(names) != proba.shape[1]:
        raise ValueError(
            f"{len(names)} class names for {proba.shape[1]} probability columns; "
            f"pass imagenet_class_names() (or the coarse tag names) in model order"
        )
    return proba


def top_k_tags(proba, names, k: int = 5) -> list[list[tuple[str, float]]]:
    """proba (N, C) or (C,), names (C) -> per image the k most likely (name, probability), best first."""
    proba = _check_proba(proba, names)
    check_int(k, "k", "the number of tags per image", high=proba.shape[1])
    order = np.argsort(-proba, axis=1, kind="stable")[:, :k]
    return [
        [(names[j], float(row[j])) for j in idx]
        for row, idx in zip(proba, order, strict=True)
    ]


def tags_over_threshold(
    proba, names, threshold: float = 0.1, max_tags: int | None = None
):
    """proba (N, C) or (C,), names (C) -> per image each (name, p) with p >= threshold, best first."""
    proba = _check_proba(proba, names)
    if (
        not isinstance(threshold, (int, float, np.floating))
        or not 0 < threshold <= 1
    ):
        raise ValueError(
            f"threshold={threshold!r} must be a probability in (0, 1], e.g. 0.1"
        )
    out = []
    for row in proba:
        idx = np.flatnonzero(row >= threshold)
        idx = idx[np.argsort(-row[idx], kind="stable")][:max_tags]
        out.append([(names[j], float(row[j])) for j in idx])
    return out


def coarse_proba(proba, coarse_of_class) -> tuple[np.ndarray, list[str]]:
    """Roll fine-class probabilities up: proba (N, C), coarse_of_class (C labels) -> (P (N, K) sums per tag, tags).

    Tag names come in order of first appearance in coarse_of_class; each row of P still sums to 1.
    """
    coarse_of_class = list(coarse_of_class)
    proba = _check_proba(proba, coarse_of_class)
    tags = list(dict.fromkeys(coarse_of_class))
    member = np.zeros((len(coarse_of_class), len(tags)), dtype=proba.dtype)
    member[
        np.arange(len(coarse_of_class)),
        [tags.index(t) for t in coarse_of_class],
    ] = 1
    return proba @ member, tags
