import pytest


@pytest.fixture
def tmp_cache(tmp_path, monkeypatch):
    """An empty course cache, so loader tests never see the real one."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("IMAGES_AS_DATA_CACHE", str(cache))
    return cache
