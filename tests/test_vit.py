"""helpers.vit and helpers.weights.load_pretrained_vit: notebook 09's TinyViT, the pretrained-ViT loader
(cache, offline message, online path), class-token attention maps, and the scaling bench's recipe pieces."""

import pytest

from helpers import ResourceNotFoundError

# the loader lives with the other pretrained weights
from helpers import weights as vit
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
    # direct fails, but a proxy may work
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert hub_reachable() is True


def test_bad_arguments_are_clear(monkeypatch):
    with pytest.raises(ValueError, match=r"use='yes'; choose 'auto'"):
        load_pretrained_vit(use="yes")
    with pytest.raises(ValueError, match="use=1; choose"):
        load_pretrained_vit(use=1)
    with pytest.raises(ValueError, match="not a timm ViT name"):
        load_pretrained_vit("resnet18")
    # the name is checked once a source is there
    monkeypatch.setattr(vit, "hub_reachable", lambda *a, **k: True)
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
        # "pretrained" weights differ from a fresh init
        torch.manual_seed(1 if pretrained else 2)
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
        model.state_dict().items(), again.state_dict().items(), strict=True
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
    # the rest of each row is the class token's self-weight
    total = maps.sum(dim=(2, 3))
    assert (total <= 1 + 1e-5).all() and (total > 0.5).all()
    # the model is unchanged: the same logits after as before, with its own
    # (fused) attention kernel switched back on
    fused_before = random_vit.blocks[-1].attn.fused_attn
    with torch.no_grad():
        before = random_vit(x)
    vit_cls_attention(random_vit, x[:1])
    assert random_vit.blocks[-1].attn.fused_attn == fused_before
    with torch.no_grad():
        after = random_vit(x)
    assert torch.equal(after, before)
    # and the maps are the weights the unfused path computes
    random_vit.blocks[-1].attn.fused_attn = False
    captured = []
    hook = random_vit.blocks[-1].attn.attn_drop.register_forward_hook(
        lambda mod, inp, out: captured.append(out)
    )
    try:
        with torch.no_grad():
            random_vit(x)
    finally:
        hook.remove()
        random_vit.blocks[-1].attn.fused_attn = fused_before
    assert torch.allclose(maps.flatten(2), captured[0][:, :, 0, 1:], atol=1e-6)


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


# ---------------------------------------------------------------- TinyViT (notebook 09 and its bench)


def test_tiny_vit_shapes_and_parameter_count():
    import torch

    from helpers.vit import TinyViT

    torch.manual_seed(0)
    vit = TinyViT(patch_size=7, dim=48, depth=3, heads=4)
    x = torch.rand(5, 1, 28, 28)
    assert vit(x).shape == (5, 10)
    assert vit.patches(x).shape == (5, 16, 49)
    # embedding 49*48+48, class token 48, positions 17*48, per block
    # 2 norms (4*48) + qkv (48*144+144) + out (48*48+48) + mlp (48*96+96 +
    # 96*48+48), final norm 2*48, head 48*10+10
    block = (
        4 * 48 + 48 * 144 + 144 + 48 * 48 + 48 + 48 * 96 + 96 + 96 * 48 + 48
    )
    want = 49 * 48 + 48 + 48 + 17 * 48 + 3 * block + 2 * 48 + 48 * 10 + 10
    assert sum(p.numel() for p in vit.parameters()) == want == 60730
    # the attention weights of the last block: class-token row sums to 1
    w = vit.blocks[-1].attn.weights
    assert w.shape == (5, 4, 17, 17)
    assert torch.allclose(w.sum(-1), torch.ones(5, 4, 17), atol=1e-5)


def test_tiny_vit_patches_are_patchify_row_by_row():
    import torch

    from helpers.vit import TinyViT

    x = torch.arange(28 * 28, dtype=torch.float32).reshape(1, 1, 28, 28)
    p = TinyViT(patch_size=7).patches(x)[0]
    # patch 1 is the second in the first row: rows 0-6, columns 7-13
    assert torch.equal(p[1], x[0, 0, 0:7, 7:14].reshape(-1))
    # patch 4 starts the second row of patches: rows 7-13, columns 0-6
    assert torch.equal(p[4], x[0, 0, 7:14, 0:7].reshape(-1))


def test_self_attention_matches_pytorch():
    import torch
    import torch.nn.functional as F

    from helpers.vit import SelfAttention

    torch.manual_seed(0)
    att, z = SelfAttention(8, 2), torch.randn(3, 5, 8)
    q, k, v = att.qkv(z).reshape(3, 5, 3, 2, 4).permute(2, 0, 3, 1, 4)
    want = att.out(
        F.scaled_dot_product_attention(q, k, v)
        .transpose(1, 2)
        .reshape(3, 5, 8)
    )
    assert torch.allclose(att(z), want, atol=1e-6)


def test_tiny_vit_bad_settings_are_clear():
    from helpers.vit import SelfAttention, TinyViT

    with pytest.raises(ValueError, match="patch_size=5 does not divide"):
        TinyViT(patch_size=5)
    with pytest.raises(ValueError, match="dim=10 is not divisible by heads=4"):
        SelfAttention(10, 4)


@pytest.fixture(scope="module")
def bench():
    from bench import bench_vit_scaling

    return bench_vit_scaling


def test_bench_trains_the_helpers_model(bench):
    from helpers.vit import TinyViT

    assert isinstance(bench.make_model("ViT", 0), TinyViT)
    with pytest.raises(ValueError, match="model 'MLP'; choose ViT or CNN"):
        bench.make_model("MLP", 0)


def test_bench_schedule_warms_up_then_decays_to_zero(bench):
    f = bench.warmup_cosine(100, warmup=0.1)
    assert f(0) == pytest.approx(0.1) and f(9) == pytest.approx(1.0)
    assert f(10) == pytest.approx(1.0)
    assert f(55) == pytest.approx(0.5)  # halfway through the cosine
    assert f(99) < 0.001
    values = [f(s) for s in range(10, 100)]
    assert all(a >= b for a, b in zip(values, values[1:], strict=False))


def test_bench_decays_only_weight_matrices(bench):
    groups = bench.param_groups(bench.make_model("ViT", 0), 0.05)
    decayed, free = groups[0]["params"], groups[1]["params"]
    assert groups[0]["weight_decay"] == 0.05 and groups[1]["weight_decay"] == 0
    assert all(p.ndim == 2 for p in decayed)  # linear layers' weights
    shapes = {tuple(p.shape) for p in free}
    assert (1, 1, 48) in shapes and (1, 17, 48) in shapes  # class, positions


def test_bench_augmentations_keep_shape_and_range(bench):
    import torch

    x = torch.rand(64, 1, 28, 28)
    for name, aug in bench.AUGMENT.items():
        a = aug(x, torch.Generator().manual_seed(0))
        b = aug(x, torch.Generator().manual_seed(0))
        assert a.shape == x.shape and torch.equal(a, b), name
        assert 0 <= float(a.min()) and float(a.max()) <= 1, name
        assert not torch.equal(a, x), name
    # light = flip and an integer shift: every pixel value is one of the input's
    light = bench.augment_light(x[:1], torch.Generator().manual_seed(1))
    values = set(x[0].flatten().tolist()) | {0.0}
    assert set(light.flatten().tolist()) <= values


def test_bench_plateau_criterion(bench):
    flat = {
        "train_loss": [2.0] * 5 + [1.0] * 15,
        "val_epoch": list(range(1, 21)),
        "val_acc": [0.5] * 16 + [0.6, 0.6, 0.6, 0.6],
    }
    loss_change, acc_change = bench.plateau(flat)
    assert loss_change == 0 and acc_change == pytest.approx(0.1)
    falling = {**flat, "train_loss": [2.0 - 0.05 * i for i in range(20)]}
    assert bench.plateau(falling)[0] > 0.02
