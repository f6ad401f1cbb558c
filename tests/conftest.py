import pytest


@pytest.fixture
def tmp_cache(tmp_path, monkeypatch):
    """An empty course cache, so loader tests never see the real one."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("IMAGES_AS_DATA_CACHE", str(cache))
    return cache


def pytest_collection_modifyitems(config, items):
    """nbval's notebook cells: the `notebooks` marker (make test-fast leaves them out), and the
    exercise cells' outputs compared too, so a fresh lecture-mode run must print the stored ✅."""
    for item in items:
        if item.__class__.__name__ == "IPyNbCell":  # nbval's item for one notebook cell
            item.add_marker(pytest.mark.notebooks)
            if "exercise" in item.cell.get("metadata", {}).get("tags", []):
                item.options["check"] = True
