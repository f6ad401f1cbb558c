import pytest

from foldertag.demo import MIN_FILES, make_demo_corpus


@pytest.fixture
def tmp_cache(tmp_path, monkeypatch):
    """An empty course cache, so loader tests never see the real one."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("IMAGES_AS_DATA_CACHE", str(cache))
    return cache


@pytest.fixture(scope="session")
def demo_corpus(tmp_path_factory):
    """The demo corpus (MIN_FILES messy files, seed 0) -> (folder, manifest), built once for the whole run.

    Shared by tests/test_files.py, test_foldertag.py and test_exercises_nb10.py: read it, never write
    into it (a test that needs to change files makes its own copy).
    """
    folder = tmp_path_factory.mktemp("demo_corpus") / "photos"
    return folder, make_demo_corpus(folder, MIN_FILES, seed=0)
