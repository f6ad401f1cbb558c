"""helpers.weights.load_pretrained_vit and helpers.vit: the pretrained-ViT loader (cache, offline message, online path) and class-token attention maps."""

import pytest

from helpers import ResourceNotFoundError
from helpers import (
    weights as vit,
)  # the loader lives with the other pretrained weights
from helpers.vit import vit_cls_attention
from helpers.weights import hub_reachable, load_pretrained_vit


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("IMAGES_AS_DATA_CACHE", str(tmp_path))
    return tmp_path


@pytest.fixture(scope="module")
def random_vit():
    import timm
    import torch

    torch.manual_seed(0)
    return timm.create_model("vit_tiny_patch16_224", pretrained=False).eval()


def test_hub_reachable_is_a_quick_tcp_check(monkeypatch):
    for key in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(key, raising=False)

    def refuse(*args, **kwargs):
        raise OSError("Name or service not known")

    monkeypatch.setattr(vit.socket, "create_connection", refuse)
    assert hub_reachable() is False

    class Conn:
        def close(self):
            pass

    monkeypatch.setattr(
        vit.socket, "create_connection", lambda *a, **k: Conn()
    )
    assert hub_reachable() is True

    monkeypatch.setattr(vit.socket, "create_connection", refuse)
    monkeypatch.setenv(
        "HTTPS_PROXY", "http://proxy.example:3128"
    )  # direct fails, but a proxy may work
    assert hub_reachable() is True


def test_bad_arguments_are_clear(monkeypatch):
    with pytest.raises(ValueError, match=r"use='yes'; choose 'auto'"):
        load_pretrained_vit(use="yes")
    with pytest.raises(ValueError, match="use=1; choose"):
        load_pretrained_vit(use=1)
    with pytest.raises(ValueError, match="not a timm ViT name"):
        load_pretrained_vit("resnet18")
    monkeypatch.setattr(
        vit, "hub_reachable", lambda *a, **k: True
    )  # the name is checked once a source is there
    with pytest.raises(
        ValueError, match="timm has no model 'vit_nonexistent'"
    ):
        load_pretrained_vit("vit_nonexistent")


def test_skip_returns_none(capsys):
    assert load_pretrained_vit(use=False) is None
    assert "skipped" in capsys.readouterr().out


def test_offline_auto_falls_back_with_a_message(
    empty_cache, monkeypatch, capsys
):
    monkeypatch.setattr(vit, "hub_reachable", lambda *a, **k: False)
    assert load_pretrained_vit(use="auto") is None
    out = capsys.readouterr().out
    assert "not reachable" in out and "from scratch" in out


def test_offline_required_raises_naming_every_source(empty_cache, monkeypatch):
    monkeypatch.setattr(vit, "hub_reachable", lambda *a, **k: False)
    with pytest.raises(ResourceNotFoundError) as err:
        load_pretrained_vit(use=True)
    text = str(err.value)
    assert "1. cache" in text and "2. offline" in text and "3. online" in text
    assert "huggingface.co is not reachable" in text


def test_online_path_downloads_and_caches_then_cache_is_used(
    empty_cache, monkeypatch, random_vit, capsys
):
    import timm
    import torch

    calls = []

    def fake_create(name, pretrained=False, **kw):
        calls.append(pretrained)
        torch.manual_seed(
            1 if pretrained else 2
        )  # "pretrained" weights differ from a fresh init
        return timm.models.create_model(name, pretrained=False)

    monkeypatch.setattr(vit, "hub_reachable", lambda *a, **k: True)
    monkeypatch.setattr(timm, "create_model", fake_create)
    model = load_pretrained_vit(use=True)
    assert calls == [True] and not model.training
    assert "loaded from online source" in capsys.readouterr().out
    cached = empty_cache / "vit" / "vit_tiny_patch16_224.safetensors"
    assert cached.is_file()

    monkeypatch.setattr(vit, "hub_reachable", lambda *a, **k: False)
    again = load_pretrained_vit(use="auto")
    assert "loaded from cache source" in capsys.readouterr().out
    for (k, a), (_, b) in zip(
        model.state_dict().items(), again.state_dict().items()
    ):
        assert torch.equal(a, b), k


def test_download_failure_is_reported(empty_cache, monkeypatch):
    import timm

    def broken(*a, **k):
        raise RuntimeError("HTTP 503")

    monkeypatch.setattr(vit, "hub_reachable", lambda *a, **k: True)
    monkeypatch.setattr(timm, "create_model", broken)
    with pytest.raises(
        ResourceNotFoundError, match="download failed: RuntimeError: HTTP 503"
    ):
        load_pretrained_vit(use=True)


def test_cls_attention_maps(random_vit):
    import torch

    x = torch.rand(2, 3, 224, 224)
    maps = vit_cls_attention(random_vit, x)
    heads = random_vit.blocks[-1].attn.num_heads
    assert maps.shape == (2, heads, 14, 14)
    assert (maps >= 0).all()
    total = maps.sum(
        dim=(2, 3)
    )  # the rest of each row is the class token's self-weight
    assert (total <= 1 + 1e-5).all() and (total > 0.5).all()
    # the model is unchanged: same logits with the fused kernel as before
    fused_before = random_vit.blocks[-1].attn.fused_attn
    vit_cls_attention(random_vit, x[:1])
    assert random_vit.blocks[-1].attn.fused_attn == fused_before


def test_cls_attention_rejects_other_models():
    import torch

    with pytest.raises(TypeError, match="expected a timm VisionTransformer"):
        vit_cls_attention(torch.nn.Linear(2, 2), torch.rand(1, 3, 224, 224))


def test_cls_attention_rejects_bad_images(random_vit):
    import numpy as np

    with pytest.raises(
        ValueError, match=r"x must be a float tensor \(B, 3, H, W\)"
    ):
        vit_cls_attention(random_vit, np.zeros((3, 224, 224)))
