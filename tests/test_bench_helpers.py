"""The benches' own comparison code: a bench that crashes at its last step wastes its whole run."""

import numpy as np
import pandas as pd
import pytest

from bench.bench_corpus import same_table


def tag_table():
    """A tag table's kinds of columns: paths, codes, formats and tags (text); sizes and scores (numbers)."""
    return pd.DataFrame(
        {
            "path": ["a.jpg", "b.png"],
            "status": ["ok", "ok"],
            "format": pd.array(["JPEG", "PNG"], dtype="string"),
            "tag_1": ["cup", "dog"],
            "width": [640, 320],
            "p_1": [0.91, 0.55],
            "hist_0": [0.1, np.nan],
        }
    )


def test_same_table_compares_text_exactly_and_numbers_within_a_gap():
    a, b = tag_table(), tag_table()
    assert same_table(a, b) == (True, 0.0)
    b.loc[1, "p_1"] = 0.55 + 3e-6
    same, gap = same_table(a, b)
    assert same and gap == pytest.approx(3e-6)
    b.loc[0, "format"] = "MPO"
    assert same_table(a, b)[0] is False
