"""The lecture's worked example (Webb Williams et al. 2020, seven California counties), recomputed.

Starting from data/counties_webb_williams_2020.csv and the slide's printed weights, the forward pass
X·β1 → Z0, ReLU → Z1, 1×2 filter → K, [1, K]·β3 → Ŷ0, sigmoid → Ŷ1 must reproduce every printed
matrix to within what 4-decimal rounding of the weights explains (the bounds notebook 06 derives).
The slide prints the filter's second weight as 0.186; its own K implies 0.18654, so the test uses
the data file's B2_restored (0.1865), checks that it is K's implied weight rounded to 4 decimals,
and asserts that 0.186 does NOT reproduce K (so a silent "fix" of either is noticed).
"""

import numpy as np
import pytest

from helpers import load_county_table
from helpers.data import load_slide_worked_example

H = 0.00005  # the largest error of a number printed to 4 decimals

# ---- the slide's printed numbers, from the one data file (data/slide_worked_example.json)
SLIDE = load_slide_worked_example(verbose=False)
SLIDE_X, SLIDE_VOTE_SHARE, SLIDE_COUNTIES = (
    SLIDE["X"],
    SLIDE["vote_share"],
    SLIDE["counties"],
)
B1, B2_PRINTED, B3 = SLIDE["B1"], SLIDE["B2"], SLIDE["B3"]
# the filter with the fourth digit the slide's own K implies, from the data file
B2 = SLIDE["B2_restored"]
Z0, Z1, K, Y0, Y1 = (SLIDE[k] for k in ("Z0", "Z1", "K", "Y0", "Y1"))


def test_the_data_file_holds_the_slide_as_printed():
    """Spot values read off the slide (a typo in the data file would move them), and the shapes of the chain."""
    assert B2_PRINTED.tolist() == [-0.5090, 0.186]
    assert B1[0, 1] == 0.6163 and B3.tolist() == [0.4660, 0.2257, -0.1782]
    assert Z0[6, 0] == -186.8042 and K[3, 0] == 3.0203 and Y1[6] == 0.5951
    assert [a.shape for a in (SLIDE_X, B1, Z0, Z1, K, Y0, Y1)] == [
        (7, 4),
        (4, 3),
        (7, 3),
        (7, 3),
        (7, 2),
        (7,),
        (7,),
    ]


def test_loader_names_a_damaged_file(tmp_path, monkeypatch):
    import helpers.data as data

    monkeypatch.setattr(data, "DATA_DIR", tmp_path)
    with pytest.raises(
        FileNotFoundError, match="slide_worked_example.json is missing"
    ):
        data.load_slide_worked_example(verbose=False)
    (tmp_path / "slide_worked_example.json").write_text(
        '{"X": [[1]]}', encoding="utf-8"
    )
    with pytest.raises(ValueError, match="lacks .*B1"):
        data.load_slide_worked_example(verbose=False)


def slide_filter(z, b2):
    """The 1×2 kernel slid along each row, unflipped: K[i, j] = b2[0] z[i, j] + b2[1] z[i, j+1]."""
    return b2[0] * z[:, :-1] + b2[1] * z[:, 1:]


def forward_with_bounds(X):
    """Forward pass from X (7×4) with the slide's weights -> dict name: (ours, bound on |ours - exact|)."""
    z0 = X @ B1
    e_z0 = H * np.abs(X).sum(axis=1, keepdims=True) * np.ones((1, 3))
    z1 = np.maximum(z0, 0)
    k = slide_filter(z1, B2)
    e_k = (
        (np.abs(B2[0]) + H) * e_z0[:, :-1]
        + (np.abs(B2[1]) + H) * e_z0[:, 1:]
        + H * (z1[:, :-1] + z1[:, 1:])
    )
    y0 = B3[0] + k @ B3[1:]
    e_y0 = e_k @ (np.abs(B3[1:]) + H) + H * (1 + np.abs(k).sum(axis=1))
    y1 = 1 / (1 + np.exp(-y0))
    return {
        "Z0": (z0, e_z0),
        "Z1": (z1, e_z0),
        "K": (k, e_k),
        "Y0": (y0, e_y0),
        "Y1": (y1, e_y0 / 4),
    }


def table_X():
    table = load_county_table(verbose=False)
    return table, np.column_stack(
        [
            np.ones(len(table)),
            table[["white_pct", "college_pct", "median_income"]],
        ]
    )


def test_csv_is_the_slides_table():
    table, X = table_X()
    assert list(table["county"]) == SLIDE_COUNTIES
    np.testing.assert_array_equal(X, SLIDE_X)
    np.testing.assert_array_equal(
        table["vote_share"].to_numpy(), SLIDE_VOTE_SHARE
    )


@pytest.mark.parametrize("name", ["Z0", "Z1", "K", "Y0", "Y1"])
def test_end_to_end_from_the_csv_matches_every_printed_matrix(name):
    _, X = table_X()
    ours, bound = forward_with_bounds(X)[name]
    slide = {"Z0": Z0, "Z1": Z1, "K": K, "Y0": Y0, "Y1": Y1}[name]
    diff = np.abs(ours - slide)
    assert np.all(diff <= bound + H), (
        f"{name}: max |diff| {diff.max():.5f} exceeds the rounding bound"
    )
    # the slide's weights are rounded, so exact equality would be suspicious
    assert diff.max() > 0


def test_each_step_from_the_slides_own_input():
    np.testing.assert_array_equal(np.maximum(Z0, 0), Z1)  # ReLU is exact
    assert np.all(
        np.abs(SLIDE_X @ B1 - Z0)
        <= H * np.abs(SLIDE_X).sum(axis=1, keepdims=True) + H
    )
    bound_k = H * (Z1[:, :-1] + Z1[:, 1:]) + H * np.abs(B2).sum() + H
    assert np.all(np.abs(slide_filter(Z1, B2) - K) <= bound_k)
    K1 = np.column_stack([np.ones(7), K])
    assert np.all(
        np.abs(K1 @ B3 - Y0)
        <= H * np.abs(K1).sum(axis=1) + H * np.abs(B3[1:]).sum() + H
    )
    assert np.all(np.abs(1 / (1 + np.exp(-Y0)) - Y1) <= H / 4 + H)


def test_the_printed_filter_weight_lost_a_digit():
    # with 0.186 read as a 3-decimal rounding, every entry of K is still out of bounds
    bound = (
        H * Z1[:, :-1] + 0.0005 * Z1[:, 1:] + H * np.abs(B2_PRINTED).sum() + H
    )
    assert np.all(np.abs(slide_filter(Z1, B2_PRINTED) - K) > bound)
    # K's first column is b2[1] * Z1[:, 1] (Z1[:, 0] is zero): every county implies b2[1] = 0.18653..0.18654
    implied = K[:, 0] / Z1[:, 1]
    assert np.all(np.abs(implied - 0.186535) < 0.00001)
    assert np.round(implied, 4).tolist() == [B2[1]] * 7
    assert B2[0] == B2_PRINTED[0]  # only the second weight was restored


def test_the_flipped_filter_is_not_what_the_slide_did():
    assert np.all(slide_filter(Z1, B2[::-1]) < 0) and np.all(K > 0)


def test_a_changed_csv_value_is_caught():
    """The end-to-end check can fail: one county's college share off by 0.1 breaks the agreement."""
    _, X = table_X()
    X = X.copy()
    X[3, 2] += 0.1
    ours, bound = forward_with_bounds(X)["Z0"]
    assert not np.all(np.abs(ours - Z0) <= bound + H)
