"""Pytest hooks for the whole course root: they apply when nbval runs notebooks/ alone too."""

import pytest


def pytest_collection_modifyitems(config, items):
    """nbval's notebook cells: the `notebooks` marker (make test-fast leaves them out), and the
    exercise cells' outputs compared too, so a fresh lecture-mode run must print the stored ✅."""
    for item in items:
        # nbval's item for one notebook cell
        if item.__class__.__name__ == "IPyNbCell":
            item.add_marker(pytest.mark.notebooks)
            if "exercise" in item.cell.get("metadata", {}).get("tags", []):
                item.options["check"] = True
