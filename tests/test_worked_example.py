"""The lecture's worked example (Webb Williams et al. 2020, seven California counties), recomputed.

Starting from data/counties_webb_williams_2020.csv and the slide's printed weights, the forward pass
X·β1 → Z0, ReLU → Z1, 1×2 filter → K, [1, K]·β3 → Ŷ0, sigmoid → Ŷ1 must reproduce every printed
matrix to within what 4-decimal rounding of the weights explains (the bounds notebook 06 derives).
The slide prints the filter's second weight as 0.186; its own K implies 0.18654, so the test uses
0.1865 and also asserts that 0.186 does NOT reproduce K (so a silent "fix" of either is noticed).
"""
import numpy as np
import pytest

from helpers import load_county_table

H = 0.00005  # the largest error of a number printed to 4 decimals

# ---- typed in from the slides (seed/000_e6e3523455767d71.txt, "Example: CNN for predicting outcomes")
SLIDE_X = np.array([[1, 87.7, 16.2, 215.37], [1, 88.5, 18.8, 236.70], [1, 86.3, 22.0, 233.06],
                    [1, 87.4, 32.2, 328.35], [1, 74.0, 18.7, 236.02], [1, 90.7, 19.3, 273.47],
                    [1, 84.8, 31.3, 347.95]])
SLIDE_VOTE_SHARE = np.array([0.46, 0.48, 0.36, 0.51, 0.55, 0.52, 0.60])
SLIDE_COUNTIES = ["Lake", "Shasta", "Mendocino", "Sonoma", "Sutter", "Amador", "Napa"]
B1 = np.array([[-0.0007, 0.6163, -0.3102], [-0.4425, -0.1089, 0.3600],
               [-0.2725, -0.5114, 0.1802], [-0.4045, 0.1266, 0.1269]])
B2_PRINTED = np.array([-0.5090, 0.186])
B2 = np.array([-0.5090, 0.1865])
B3 = np.array([0.4660, 0.2257, -0.1782])
Z0 = np.array([[-130.3434, 10.0404, 61.5057], [-140.0340, 11.3235, 64.9685], [-138.4599, 9.4660, 64.2914],
               [-180.2716, 16.1915, 78.6155], [-133.3151, 12.8679, 59.6443], [-156.0177, 15.4824, 70.5158],
               [-186.8042, 19.4159, 80.0041]])
Z1 = np.array([[0, 10.0404, 61.5057], [0, 11.3235, 64.9685], [0, 9.4660, 64.2914], [0, 16.1915, 78.6155],
               [0, 12.8679, 59.6443], [0, 15.4824, 70.5158], [0, 19.4159, 80.0041]])
K = np.array([[1.8729, 6.3629], [2.1122, 6.3558], [1.7657, 7.1749], [3.0203, 6.4238],
              [2.4003, 4.5766], [2.8880, 5.2738], [3.6218, 5.0418]])
Y0 = np.array([-0.2450, -0.1897, -0.4139, 0.0031, 0.1923, 0.1782, 0.3852])
Y1 = np.array([0.4391, 0.4527, 0.3980, 0.5008, 0.5479, 0.5444, 0.5951])


def slide_filter(z, b2):
    """The 1×2 kernel slid along each row, unflipped: K[i, j] = b2[0] z[i, j] + b2[1] z[i, j+1]."""
    return b2[0] * z[:, :-1] + b2[1] * z[:, 1:]


def forward_with_bounds(X):
    """Forward pass from X (7×4) with the slide's weights -> dict name: (ours, bound on |ours - exact|)."""
    z0 = X @ B1
    e_z0 = H * np.abs(X).sum(axis=1, keepdims=True) * np.ones((1, 3))
    z1 = np.maximum(z0, 0)
    k = slide_filter(z1, B2)
    e_k = (np.abs(B2[0]) + H) * e_z0[:, :-1] + (np.abs(B2[1]) + H) * e_z0[:, 1:] + H * (z1[:, :-1] + z1[:, 1:])
    y0 = B3[0] + k @ B3[1:]
    e_y0 = e_k @ (np.abs(B3[1:]) + H) + H * (1 + np.abs(k).sum(axis=1))
    y1 = 1 / (1 + np.exp(-y0))
    return {"Z0": (z0, e_z0), "Z1": (z1, e_z0), "K": (k, e_k), "Y0": (y0, e_y0), "Y1": (y1, e_y0 / 4)}


def table_X():
    table = load_county_table(verbose=False)
    return table, np.column_stack([np.ones(len(table)), table[["white_pct", "college_pct", "median_income"]]])


def test_csv_is_the_slides_table():
    table, X = table_X()
    assert list(table["county"]) == SLIDE_COUNTIES
    np.testing.assert_array_equal(X, SLIDE_X)
    np.testing.assert_array_equal(table["vote_share"].to_numpy(), SLIDE_VOTE_SHARE)


@pytest.mark.parametrize("name", ["Z0", "Z1", "K", "Y0", "Y1"])
def test_end_to_end_from_the_csv_matches_every_printed_matrix(name):
    _, X = table_X()
    ours, bound = forward_with_bounds(X)[name]
    slide = {"Z0": Z0, "Z1": Z1, "K": K, "Y0": Y0, "Y1": Y1}[name]
    diff = np.abs(ours - slide)
    assert np.all(diff <= bound + H), f"{name}: max |diff| {diff.max():.5f} exceeds the rounding bound"
    assert diff.max() > 0  # the slide's weights are rounded, so exact equality would be suspicious


def test_each_step_from_the_slides_own_input():
    np.testing.assert_array_equal(np.maximum(Z0, 0), Z1)                              # ReLU is exact
    assert np.all(np.abs(SLIDE_X @ B1 - Z0) <= H * np.abs(SLIDE_X).sum(axis=1, keepdims=True) + H)
    bound_k = H * (Z1[:, :-1] + Z1[:, 1:]) + H * np.abs(B2).sum() + H
    assert np.all(np.abs(slide_filter(Z1, B2) - K) <= bound_k)
    K1 = np.column_stack([np.ones(7), K])
    assert np.all(np.abs(K1 @ B3 - Y0) <= H * np.abs(K1).sum(axis=1) + H * np.abs(B3[1:]).sum() + H)
    assert np.all(np.abs(1 / (1 + np.exp(-Y0)) - Y1) <= H / 4 + H)


def test_the_printed_filter_weight_lost_a_digit():
    # with 0.186 read as a 3-decimal rounding, every entry of K is still out of bounds
    bound = H * Z1[:, :-1] + 0.0005 * Z1[:, 1:] + H * np.abs(B2_PRINTED).sum() + H
    assert np.all(np.abs(slide_filter(Z1, B2_PRINTED) - K) > bound)
    # K's first column is b2[1] * Z1[:, 1] (Z1[:, 0] is zero): every county implies b2[1] = 0.18653..0.18654
    implied = K[:, 0] / Z1[:, 1]
    assert np.all(np.abs(implied - 0.186535) < 0.00001)
    assert np.round(implied, 4).tolist() == [0.1865] * 7


def test_the_flipped_filter_is_not_what_the_slide_did():
    assert np.all(slide_filter(Z1, B2[::-1]) < 0) and np.all(K > 0)


def test_a_changed_csv_value_is_caught():
    """The end-to-end check can fail: one county's college share off by 0.1 breaks the agreement."""
    _, X = table_X()
    X = X.copy()
    X[3, 2] += 0.1
    ours, bound = forward_with_bounds(X)["Z0"]
    assert not np.all(np.abs(ours - Z0) <= bound + H)
