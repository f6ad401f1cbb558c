"""Scan-like vote tally sheets, clean or altered, for the case study of notebook 11 (Cantu 2019).

``make_tally_sheets(n, altered_share=0.3, seed=0, difficulty="medium")`` draws a printed form
like the lecture's figure (columns VOTOS VÁLIDOS, VOTOS ANULADOS, VOTOS EN BLANCO, six rows),
fills it with numbers written in real handwriting (MNIST digits, helpers.data.load_handwritten_digits),
alters a share of the sheets the ways tallies were altered (an erased and rewritten number with
faint residue, a correction-fluid patch, an overwritten digit, the same value repeated across rows
and columns, each copy written with its own strokes: see COPY_MODELS), and scans every sheet (slight
rotation, blur, uneven lighting, noise, JPEG).
Returns ``(images uint8 (n, 176, 144) 0..255, labels int64 (n,) 1 = altered, metadata DataFrame)``;
``return_clean=True`` adds each sheet's clean twin (the same sheet and scan without the alteration).

Also two small formulas that the notebook teaches and its checkers and tests reuse:
``kappa_from_table`` (Cohen's kappa from a confusion table) and ``rogan_gladen`` (a prevalence
corrected for a classifier's sensitivity and specificity), and ``rogan_gladen_interval`` (its
bootstrap interval for many districts at once, for notebook 11's coverage check).
"""

from __future__ import annotations

import numpy as np

from .validate import check_int, check_positive_int

# rows, columns in pixels: small enough for a CPU lecture
SHEET_SHAPE = (176, 144)
COLUMNS = ("VOTOS VÁLIDOS", "VOTOS ANULADOS", "VOTOS EN BLANCO")
MAX_ROWS = 6
ALTERATIONS = ("erased", "fluid", "overwrite", "repeated")
DIFFICULTIES = {"easy": 0.2, "medium": 0.5, "hard": 0.8}
# How a forger writes each copy of a repeated value (the "repeated" alteration). None of them is
# the truth: the notebook reports the detector under each, because the result depends on it.
COPY_MODELS = {
    "perturbed": "one writer: the same handwritten digit, every copy with its own strokes (an elastic "
    "distortion of about 1 px, a slight turn and scale, a thinner or broader line, another pressure)",
    "new_sample": "every copy written with another handwritten sample of the digit (another MNIST "
    "writer): no more alike than two different people's digits",
    "identical": "every copy the same glyph image, pixel for pixel (the generator's old behaviour: an "
    "artefact no hand produces; kept to show how much it flatters a detector)",
}
# How an honest sheet is written. Also an assumption: the repetition score compares a sheet's own
# digits with each other, so how alike an honest writer's repeated digits are matters as much as how
# alike a forger's copies are.
HONEST_HANDS = {
    "one": "each sheet written by one person: one handwritten sample per digit per sheet, every "
    "occurrence with its own strokes (the same perturbation as a forger's copies, copy_glyph)",
    "many": "every digit of a clean sheet another handwritten sample (another MNIST writer): honest "
    "repeated values look no more alike than two people's digits (the generator's earlier behaviour)",
}

_COL_X = (3, 49, 95, 141)  # x edges of the three columns
_HEADER_Y = (3, 27)  # the printed header band
# y edges of the six rows: 27, 51, ..., 171
_ROW_Y = tuple(27 + 24 * k for k in range(MAX_ROWS + 1))
# MNIST 28x28 resized to this (its 20 px core -> 12..15 px)
_GLYPH_SIZES = (17, 19, 21)
_CHUNK = 256  # sheets composed at once (bounds memory, keeps it vectorised)
_BANK: dict = {}
_INK_DARK = np.float32(0.82)  # how dark a full stroke of ink is


# ---------------------------------------------------------------- argument checks


def cell_box(row: int, col: int) -> tuple:
    """Pixel box (y0, y1, x0, x1) of a cell of the form: row 0..5 from the top, col 0 = VÁLIDOS, 1, 2."""
    if not (0 <= row < MAX_ROWS and 0 <= col < len(COLUMNS)):
        raise ValueError(
            f"cell ({row}, {col}) is not on the form: rows 0..{MAX_ROWS - 1}, columns 0..2"
        )
    return _ROW_Y[row], _ROW_Y[row + 1], _COL_X[col], _COL_X[col + 1]


def _check_args(
    n,
    altered_share,
    seed,
    difficulty,
    kinds,
    copy_model="perturbed",
    honest_hand="one",
):
    check_positive_int(n, "n", "the number of sheets, e.g. n=500")
    if n > 200_000:
        raise ValueError(
            f"n={n} sheets would need {n * 176 * 144 / 2**30:.1f} GiB; generate at most 200,000 at once"
        )
    if (
        isinstance(altered_share, bool)
        or not isinstance(altered_share, (int, float, np.floating))
        or not 0 <= altered_share <= 1
    ):
        raise ValueError(
            f"altered_share={altered_share!r}; give the share of altered sheets as a number in [0, 1], "
            f"e.g. 0.3"
        )
    check_int(seed, "seed", "the same seed gives the same sheets", low=0)
    if isinstance(difficulty, str):
        if difficulty not in DIFFICULTIES:
            raise ValueError(
                f"difficulty={difficulty!r}; use one of {', '.join(map(repr, DIFFICULTIES))} "
                f"or a number in [0, 1] (0 = perfect scans, bold alterations)"
            )
        difficulty = DIFFICULTIES[difficulty]
    elif (
        isinstance(difficulty, bool)
        or not isinstance(difficulty, (int, float, np.floating))
        or not 0 <= difficulty <= 1
    ):
        raise ValueError(
            f"difficulty={difficulty!r}; use a number in [0, 1] or one of "
            f"{', '.join(map(repr, DIFFICULTIES))}"
        )
    if isinstance(kinds, str):
        kinds = (kinds,)
    kinds = tuple(kinds)
    bad = [k for k in kinds if k not in ALTERATIONS]
    if bad or not kinds:
        raise ValueError(
            f"kinds={kinds!r}: unknown or none {bad}; choose from {ALTERATIONS}"
        )
    if copy_model not in COPY_MODELS:
        raise ValueError(
            f"copy_model={copy_model!r}; use one of {', '.join(map(repr, COPY_MODELS))}"
        )
    if honest_hand not in HONEST_HANDS:
        raise ValueError(
            f"honest_hand={honest_hand!r}; use one of {', '.join(map(repr, HONEST_HANDS))}"
        )
    return float(difficulty), kinds


# ---------------------------------------------------------------- the printed form and the handwriting


def _form_template() -> np.ndarray:
    """The printed form (lines and headers) as print density in [0, 1], float32 SHEET_SHAPE."""
    if "form" in _BANK:
        return _BANK["form"]
    import cv2

    k = 4  # draw 4x larger, then shrink: antialiased print
    H, W = SHEET_SHAPE
    big = np.zeros((H * k, W * k), np.uint8)
    x0, x1 = _COL_X[0] * k, _COL_X[-1] * k
    for y in (_HEADER_Y[0], *_ROW_Y):
        cv2.line(
            big,
            (x0, y * k),
            (x1, y * k),
            255,
            3 if y in (_HEADER_Y[0], _ROW_Y[0], _ROW_Y[-1]) else 2,
        )
    for x in _COL_X:
        cv2.line(
            big, (x * k, _HEADER_Y[0] * k), (x * k, _ROW_Y[-1] * k), 255, 3
        )
    font = cv2.FONT_HERSHEY_SIMPLEX
    for c, title in enumerate(COLUMNS):
        words = title.split(" ", 1)  # "VOTOS" / "VÁLIDOS", ...
        cx = (_COL_X[c] + _COL_X[c + 1]) * k // 2
        for text, y in zip(words, (12, 23), strict=True):
            # Hershey fonts have no accents: draw it by hand
            plain = text.replace("Á", "A")
            scale = min(
                0.95,
                0.9
                * (_COL_X[1] - _COL_X[0] - 4)
                * k
                / cv2.getTextSize(plain, font, 1.0, 2)[0][0],
            )
            (tw, th), _ = cv2.getTextSize(plain, font, scale, 2)
            org = (cx - tw // 2, y * k)
            cv2.putText(big, plain, org, font, scale, 255, 2, cv2.LINE_AA)
            if "Á" in text:
                i = text.index("Á")
                ax = (
                    org[0]
                    + cv2.getTextSize(plain[:i], font, scale, 2)[0][0]
                    + cv2.getTextSize("A", font, scale, 2)[0][0] // 2
                )
                cv2.line(
                    big,
                    (ax, org[1] - th - 3),
                    (ax + 5, org[1] - th - 9),
                    255,
                    2,
                    cv2.LINE_AA,
                )
    form = (
        cv2.resize(big, (W, H), interpolation=cv2.INTER_AREA).astype(
            np.float32
        )
        / 255
    )
    # thin lines lose density when shrunk: restore it
    _BANK["form"] = np.clip(form * 1.6, 0, 1)
    return _BANK["form"]


def _glyph_bank(verbose: bool):
    """Handwritten digits resized to each glyph size, thin and thick pen -> dict, plus indices per digit."""
    if "glyphs" in _BANK:
        return _BANK["glyphs"], _BANK["by_digit"]
    import cv2

    from .data import load_handwritten_digits

    digits, labels = load_handwritten_digits(verbose=verbose)
    glyphs = {}
    for s in _GLYPH_SIZES:
        thin = np.stack(
            [
                cv2.resize(d, (s, s), interpolation=cv2.INTER_AREA)
                for d in digits
            ]
        )
        thin = np.clip(thin.astype(np.float32) / 255 * 1.3, 0, 1)
        thick = thin.copy()  # a broader pen: grey dilation by one pixel
        thick[:, 1:, :] = np.maximum(thick[:, 1:, :], thin[:, :-1, :])
        thick[:, :, 1:] = np.maximum(thick[:, :, 1:], thick[:, :, :-1])
        glyphs[s] = (thin, thick)
    by_digit = [np.flatnonzero(labels == d) for d in range(10)]
    _BANK["glyphs"], _BANK["by_digit"] = glyphs, by_digit
    return glyphs, by_digit


class _Writer:
    """One hand on one sheet: glyph size, pen, ink strength; writes numbers into an ink layer.

    hand_rng: None = every digit another handwritten sample (honest_hand "many"); a Generator = one
    sample per digit for the whole sheet, each occurrence perturbed by copy_glyph with this stream
    (honest_hand "one").
    """

    def __init__(self, rng, glyphs, by_digit, hand_rng=None):
        self.rng, self.by_digit, self.hand_rng = rng, by_digit, hand_rng
        self.base = {}  # digit -> its glyph id on this sheet (one hand)
        self.size = int(rng.choice(_GLYPH_SIZES))
        self.pen = glyphs[self.size][int(rng.random() < 0.4)]
        self.strength = rng.uniform(0.75, 1.0)
        # distance between digits
        self.advance = self.size * rng.uniform(0.5, 0.6)
        # where in the cell this hand starts numbers
        self.indent = rng.uniform(0.1, 0.9)

    def pick(self, number: str) -> list:
        # the same draws from rng in both modes, so the sheets' layout does not depend on the hand
        ids = [int(self.rng.choice(self.by_digit[int(ch)])) for ch in number]
        if self.hand_rng is None:
            return ids
        return [
            self.base.setdefault(ch, g)
            for ch, g in zip(number, ids, strict=True)
        ]

    def position(self, row: int, col: int, n_digits: int, jitter: float = 2.0):
        """Top-left (y, x) of the first digit of an n-digit number in a cell."""
        s, rng = self.size, self.rng
        width = self.advance * (n_digits - 1) + s
        room = _COL_X[col + 1] - _COL_X[col] - width - 2
        x = (
            _COL_X[col]
            + 1
            + max(0.0, room) * self.indent
            + rng.uniform(-jitter, jitter)
        )
        y = (
            (_ROW_Y[row] + _ROW_Y[row + 1]) / 2
            - s / 2
            + rng.uniform(-jitter, jitter) * 0.6
        )
        return y, x

    def write(
        self,
        ink,
        number: str,
        row: int,
        col: int,
        glyph_ids=None,
        at=None,
        strength=None,
        glyph_images=None,
    ):
        """Draw the digits of `number` (a string) into ink (H, W); return (glyph ids, (y0, y1, x0, x1) box).

        glyph_images: one (size, size) float image per digit to draw instead of the pen's glyphs
        (a copy written with its own strokes, see copy_glyph).
        """
        ids = self.pick(number) if glyph_ids is None else glyph_ids
        if glyph_images is None and self.hand_rng is not None:
            glyph_images = [
                copy_glyph(self.pen[g], self.hand_rng) for g in ids
            ]
        elif glyph_images is None:
            glyph_images = [self.pen[gid] for gid in ids]
        y, x = self.position(row, col, len(number)) if at is None else at
        strength = self.strength if strength is None else strength
        s = self.size
        H, W = ink.shape
        y0 = min(max(round(y), 0), H - s)
        boxes = []
        for k, glyph in enumerate(glyph_images):
            x0 = min(
                max(
                    round(x + k * self.advance + self.rng.uniform(-0.7, 0.7)),
                    0,
                ),
                W - s,
            )
            yk = min(max(y0 + round(self.rng.uniform(-0.8, 0.8)), 0), H - s)
            region = ink[yk : yk + s, x0 : x0 + s]
            np.maximum(region, glyph * strength, out=region)
            boxes.append((yk, yk + s, x0, x0 + s))
        b = np.array(boxes)
        return ids, (
            int(b[:, 0].min()),
            int(b[:, 1].max()),
            int(b[:, 2].min()),
            int(b[:, 3].max()),
        )


def copy_glyph(glyph, rng) -> np.ndarray:
    """The same digit written again by the same hand: glyph (s, s) float in [0, 1] -> a new (s, s) float32.

    Sizes, on a 17-21 px glyph (about 12-15 px of digit): a smooth elastic displacement field of
    0.5-1.0 px RMS (a stroke bends by a few per cent of the digit's height), a turn of up to 4
    degrees, a scale of 0.95-1.05, a shear of up to 0.06, and a line up to half a pixel broader or
    a little thinner. Two copies differ in every pixel the strokes cover, yet stay more alike than
    two samples of the digit by different writers (tests/test_tally.py measures both).
    """
    import cv2

    g = np.asarray(glyph, dtype=np.float32)
    s = g.shape[0]
    field = rng.standard_normal((2, s, s)).astype(np.float32)
    rms = rng.uniform(0.5, 1.0)
    dx, dy = (cv2.GaussianBlur(f, (0, 0), 2.5) for f in field)
    norm = np.sqrt((dx**2 + dy**2).mean()) + 1e-6
    dx, dy = dx * (rms / norm), dy * (rms / norm)
    angle = np.deg2rad(rng.uniform(-4, 4))
    scale = rng.uniform(0.95, 1.05)
    shear = rng.uniform(-0.06, 0.06)
    c = (s - 1) / 2
    yy, xx = np.mgrid[0:s, 0:s].astype(np.float32) - c
    cos, sin = np.cos(angle) / scale, np.sin(angle) / scale
    map_x = cos * xx - sin * yy + shear * yy + c + dx
    map_y = sin * xx + cos * yy + c + dy
    out = cv2.remap(
        g,
        map_x.astype(np.float32),
        map_y.astype(np.float32),
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0,
    )
    width = rng.uniform(-0.3, 0.5)  # > 0 a broader line, < 0 a thinner one
    kernel = np.ones((3, 3), np.uint8)
    if width > 0:
        out = (1 - width) * out + width * cv2.dilate(out, kernel)
    else:
        out = (1 + width) * out - width * cv2.erode(out, kernel)
    return np.clip(out * rng.uniform(0.9, 1.1), 0, 1).astype(np.float32)


# ---------------------------------------------------------------- numbers on a sheet


def _draw_values(rng, n_rows):
    """The numbers of one clean sheet: list of rows [valid, annulled, blank], None = empty cell."""
    rows = []
    for _ in range(n_rows):
        valid = int(np.exp(rng.uniform(0, np.log(400))))
        annulled = (
            int(rng.geometric(0.15)) - 1 if rng.random() < 0.45 else None
        )
        blank = int(rng.integers(0, 10)) if rng.random() < 0.2 else None
        rows.append([valid, annulled, blank])
    return rows


def _new_value(rng, old: int) -> int:
    """A plausible fraudulent rewrite: a different, usually larger number of at most three digits."""
    new = (
        old + int(rng.integers(10, 200))
        if rng.random() < 0.8
        else max(0, old - int(rng.integers(5, 60)))
    )
    new = min(new, 999)
    return new if new != old else (old + 11) % 1000


def _soft_mask(rng, box, shape, grow=3, sigma=1.0):
    """A correction-fluid patch over box: a blobby rectangle with soft edges -> float32 (H, W) in [0, 1]."""
    import cv2

    y0, y1, x0, x1 = box
    H, W = shape
    mask = np.zeros(shape, np.float32)
    gy0, gy1 = max(0, y0 - grow), min(H, y1 + grow)
    gx0, gx1 = max(0, x0 - grow), min(W, x1 + grow)
    mask[gy0:gy1, gx0:gx1] = 1
    # dabs of the brush stick out of the rectangle
    for _ in range(int(rng.integers(2, 6))):
        cy, cx = rng.uniform(gy0, gy1), rng.uniform(gx0, gx1)
        cv2.circle(mask, (int(cx), int(cy)), int(rng.integers(2, 5)), 1.0, -1)
    return cv2.GaussianBlur(mask, (0, 0), sigma)


# ---------------------------------------------------------------- the generator


def make_tally_sheets(
    n: int,
    altered_share: float = 0.3,
    seed: int = 0,
    difficulty="medium",
    kinds=ALTERATIONS,
    return_clean: bool = False,
    verbose: bool = True,
    copy_model: str = "perturbed",
    honest_hand: str = "one",
):
    """Generate n scan-like tally sheets -> (images uint8 (n, 176, 144), labels int64 (n,) 1 = altered, metadata).

    altered_share: share of altered sheets (exactly round(n * altered_share) of them, at random positions).
    difficulty: 0..1 or "easy"/"medium"/"hard": rougher scans (rotation, blur, uneven light, noise, JPEG) and
    more careful alterations (fainter residue, fluid closer to the paper's tone) as it grows; 0 = perfect scans.
    kinds: the alterations to use, from ALTERATIONS ("erased", "fluid", "overwrite", "repeated").
    metadata (pandas DataFrame, one row per sheet): altered, kind, n_rows, values (what the sheet shows,
    rows of (valid, annulled, blank), None = empty), original (the clean twin's numbers), cells (altered
    (row, column) pairs, see cell_box), box (y0, y1, x0, x1 around the pixels the alteration changed, before the
    scan's rotation), twin_diff (mean
    absolute grey-level difference to the clean twin inside box, after the scan: not how visible the
    alteration is, since for an erasure or a fluid patch it is mostly the new number, which differs from the
    old one; 0 for clean sheets), stain, fold,
    angle, blur, noise, jpeg (quality, 0 = none), lighting.
    return_clean=True also returns the clean twins (uint8, same shape): identical where nothing was altered.
    copy_model: how each copy of a repeated value is written, one of COPY_MODELS ("perturbed": the same
    writer's digit with its own strokes every time; "new_sample": another writer's sample of the digit;
    "identical": pixel copies, the old artefact). The copies draw from a random stream of their own, so
    for one seed the three models give the same sheets except for the repeated cells.
    honest_hand: how the sheet's own (honest) numbers are written, one of HONEST_HANDS ("one": one
    person per sheet, one handwritten sample per digit, each occurrence with its own strokes as
    copy_glyph draws them; "many": every digit another writer's sample, the earlier behaviour).
    Forged and rewritten numbers are written by the sheet's hand too. For one seed both give the
    same layout, values, alterations and scans; only the handwriting differs.
    """
    difficulty, kinds = _check_args(
        n, altered_share, seed, difficulty, kinds, copy_model, honest_hand
    )
    import pandas as pd

    # a stream of its own: a notebook's default_rng(seed).permutation(n) must not reproduce the labels' draw
    rng = np.random.default_rng((seed, 2019))
    glyphs, by_digit = _glyph_bank(verbose)
    form = _form_template()
    H, W = SHEET_SHAPE
    n_altered = int(round(n * altered_share))
    labels = np.zeros(n, np.int64)
    labels[rng.permutation(n)[:n_altered]] = 1
    kind_of = np.array(["none"] * n, dtype=object)
    kind_of[labels == 1] = rng.choice(
        np.array(kinds, dtype=object), size=n_altered
    )

    images = np.empty((n, H, W), np.uint8)
    clean = np.empty((n, H, W), np.uint8) if return_clean else None
    records = []
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    for start in range(0, n, _CHUNK):
        stop = min(n, start + _CHUNK)
        m = stop - start
        # ink below any correction fluid
        under = np.zeros((m, H, W), np.float32)
        # ink written after the alteration
        over = np.zeros((m, H, W), np.float32)
        fluid = np.zeros((m, H, W), np.float32)  # correction-fluid cover, 0..1
        twin_under = np.zeros((m, H, W), np.float32)  # the clean twin's ink
        white = np.zeros(m, np.float32)
        for j in range(m):
            i = start + j
            hand_rng = (
                np.random.default_rng((seed, 2019, 23, i))
                if honest_hand == "one"
                else None
            )
            writer = _Writer(rng, glyphs, by_digit, hand_rng)
            n_rows = int(rng.integers(3, MAX_ROWS + 1))
            values = _draw_values(rng, n_rows)
            original = [list(r) for r in values]
            placed = {}
            for r, row in enumerate(values):
                for c, v in enumerate(row):
                    if v is not None:
                        ids, box = writer.write(twin_under[j], str(v), r, c)
                        placed[(r, c)] = (ids, box)
            under[j] = twin_under[j]
            kind, cells, box = kind_of[i], [], None
            if kind in ("erased", "fluid", "overwrite"):
                r = int(rng.integers(0, n_rows))
                cells = [(r, 0)]
                ids, box = placed[(r, 0)]
                old = values[r][0]
                if kind == "overwrite":
                    k = int(rng.integers(0, len(str(old))))
                    digits = list(str(old))
                    new_digit = str(
                        (int(digits[k]) + int(rng.integers(1, 10))) % 10
                    )
                    # no leading zero
                    if k == 0 and new_digit == "0" and len(digits) > 1:
                        new_digit = str(int(digits[0]) % 9 + 1)
                    gid = int(rng.choice(by_digit[int(new_digit)]))
                    y0, y1, x0, x1 = box
                    x = x0 + k * writer.advance + rng.uniform(-1, 1)
                    writer.write(
                        over[j],
                        new_digit,
                        r,
                        0,
                        glyph_ids=[gid],
                        at=(y0 + rng.uniform(-1, 1), x),
                        strength=min(1.0, writer.strength + 0.1),
                    )
                    digits[k] = new_digit
                    values[r][0] = int("".join(digits))
                else:
                    new = _new_value(rng, old)
                    values[r][0] = new
                    if kind == "erased":
                        # erase: the old number fades to a faint residue, the rubbed paper is smudged grey
                        residue = rng.uniform(0.3, 0.6) * (
                            1 - 0.5 * difficulty
                        )
                        cell = np.zeros((H, W), np.float32)
                        cell[box[0] : box[1], box[2] : box[3]] = 1
                        under[j] -= np.where(
                            cell > 0, twin_under[j] * (1 - residue), 0
                        )
                        smudge = rng.uniform(0.05, 0.12) * (
                            1 - 0.5 * difficulty
                        )
                        import cv2

                        under[j] = np.maximum(
                            under[j],
                            cv2.GaussianBlur(cell, (0, 0), 2.0) * smudge,
                        )
                    else:
                        fluid[j] = _soft_mask(rng, box, (H, W)) * rng.uniform(
                            0.9, 1.0
                        )
                        white[j] = rng.uniform(0.5, 1.0) * (
                            1 - 0.6 * difficulty
                        )
                    _, new_box = writer.write(over[j], str(new), r, 0)
                    box = (
                        min(box[0], new_box[0]),
                        max(box[1], new_box[1]),
                        min(box[2], new_box[2]),
                        max(box[3], new_box[3]),
                    )
            elif kind == "repeated":
                # the suspicious pattern of the slides: one value written again and again, by one hand
                k = int(rng.integers(3, n_rows + 1))
                rows = np.sort(rng.choice(n_rows, size=k, replace=False))
                # also copied into VOTOS ANULADOS (as in panel D)
                both = rng.random() < 0.6
                # a plausible count, as in the slides' 128, 307
                value = int(rng.integers(20, 400))
                ids = writer.pick(str(value))
                # the copies' own strokes come from a stream of their own (same sheets for every copy model)
                copy_rng = np.random.default_rng((seed, 2019, 17, i))
                boxes = []
                for r in rows:
                    for c in (0, 1) if both else (0,):
                        if c == 0 and values[r][c] == value:
                            continue  # already shows the value
                        # the old entry is gone: erase it from the ink
                        if (r, c) in placed:
                            _, b = placed[(r, c)]
                            under[j][b[0] : b[1], b[2] : b[3]] = 0
                        values[r][c] = value
                        if copy_model == "identical":
                            # the pen's glyphs: pixel copies
                            copies = [writer.pen[g] for g in ids]
                        elif copy_model == "new_sample":
                            copies = [
                                writer.pen[
                                    int(copy_rng.choice(by_digit[int(ch)]))
                                ]
                                for ch in str(value)
                            ]
                        else:
                            copies = [
                                copy_glyph(writer.pen[g], copy_rng)
                                for g in ids
                            ]
                        _, b = writer.write(
                            under[j],
                            str(value),
                            int(r),
                            c,
                            glyph_ids=ids,
                            glyph_images=copies,
                        )
                        cells.append((int(r), c))
                        boxes.append(b)
                if boxes:
                    bb = np.array(boxes)
                    box = (
                        int(bb[:, 0].min()),
                        int(bb[:, 1].max()),
                        int(bb[:, 2].min()),
                        int(bb[:, 3].max()),
                    )
            records.append(
                {
                    "altered": bool(labels[i]),
                    "kind": kind,
                    "n_rows": n_rows,
                    "values": tuple(tuple(r) for r in values),
                    "original": tuple(tuple(r) for r in original),
                    "cells": tuple(cells),
                    "box": box,
                }
            )

        # ---- paper, print, ink, fluid: whole chunk at once
        tone = rng.uniform(205, 245, m).astype(np.float32)[:, None, None]
        print_dark = rng.uniform(0.65, 0.85, m).astype(np.float32)[
            :, None, None
        ]
        paper = tone * (1 - print_dark * form)
        fluid_tone = tone + (255 - tone) * white[:, None, None]

        def compose(
            ink_under, ink_over, cover, paper=paper, fluid_tone=fluid_tone
        ):
            img = paper * (1 - _INK_DARK * ink_under)
            if cover is not None:
                import cv2

                shadow = np.stack(
                    [
                        np.clip(cv2.GaussianBlur(f, (0, 0), 1.2) - f, 0, 1)
                        if f.any()
                        else f
                        for f in cover
                    ]
                )
                img = img * (1 - cover) + fluid_tone * cover
                # the dried edge of the fluid casts a faint line
                img = img * (1 - 0.9 * shadow)
            return img * (1 - _INK_DARK * ink_over)

        altered_img = compose(under, over, fluid)
        twin_img = compose(twin_under, np.zeros_like(over), None)
        # grey levels: where the alteration is
        changed = np.abs(altered_img - twin_img) > 2
        for j in np.flatnonzero(labels[start:stop]):
            rows_, cols_ = (
                np.flatnonzero(changed[j].any(axis=1)),
                np.flatnonzero(changed[j].any(axis=0)),
            )
            records[start + j]["box"] = (
                (
                    int(rows_[0]),
                    int(rows_[-1]) + 1,
                    int(cols_[0]),
                    int(cols_[-1]) + 1,
                )
                if rows_.size
                else None
            )

        # ---- natural blemishes on clean and altered sheets alike: stains and fold lines
        stain = rng.random(m) < 0.15
        fold = rng.random(m) < 0.2
        blemish = {}
        for j in np.flatnonzero(stain):
            cy, cx, rad = (
                rng.uniform(0, H),
                rng.uniform(0, W),
                rng.uniform(8, 25),
            )
            blemish[j] = 1 - rng.uniform(0.05, 0.18) * np.exp(
                -((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * rad**2)
            )
        for j in np.flatnonzero(fold):
            if rng.random() < 0.5:
                y = rng.uniform(30, H - 10)
                line = 1 - rng.uniform(0.06, 0.15) * np.exp(
                    -((yy - y) ** 2) / 1.5
                )
            else:
                x = rng.uniform(20, W - 20)
                line = 1 - rng.uniform(0.06, 0.15) * np.exp(
                    -((xx - x) ** 2) / 1.5
                )
            blemish[j] = blemish.get(j, 1) * line

        # ---- the scan: uneven lighting, rotation, blur, noise, JPEG (same for the clean twin)
        d = difficulty
        theta = rng.uniform(0, 2 * np.pi, m)
        light_amp = rng.uniform(0, 0.35 * d, m)
        # lighting falls off along a random direction
        ux, uy = (xx[0] / W - 0.5, yy[:, 0] / H - 0.5)
        light = (
            1
            - (light_amp * 0.5).astype(np.float32)[:, None, None]
            - (light_amp * np.cos(theta)).astype(np.float32)[:, None, None]
            * ux[None, None, :]
            - (light_amp * np.sin(theta)).astype(np.float32)[:, None, None]
            * uy[None, :, None]
        )
        angle = rng.uniform(-3 * d, 3 * d, m)
        shift = rng.uniform(-2 * d, 2 * d, (m, 2))
        blur = rng.uniform(0, 1.2 * d, m)
        noise = rng.uniform(0, 12 * d, m)
        jpeg = np.where(
            rng.random(m) < d, rng.integers(int(95 - 60 * d), 96, m), 0
        )
        noise_field = rng.standard_normal((m, H, W), dtype=np.float32)
        outs = []
        for img in (altered_img, twin_img):
            for j, b in blemish.items():
                img[j] *= b
            img *= light
            outs.append(
                _scan(img, angle, shift, blur, noise, noise_field, jpeg, tone)
            )
        images[start:stop] = outs[0]
        if return_clean:
            clean[start:stop] = np.where(
                labels[start:stop, None, None] == 1, outs[1], outs[0]
            )
        for j in range(m):
            rec = records[start + j]
            b = rec["box"]
            rec["twin_diff"] = (
                float(
                    np.abs(
                        outs[0][j, b[0] : b[1], b[2] : b[3]].astype(np.float32)
                        - outs[1][j, b[0] : b[1], b[2] : b[3]]
                    ).mean()
                )
                if b
                else 0.0
            )
            rec.update(
                stain=bool(stain[j]),
                fold=bool(fold[j]),
                angle=float(angle[j]),
                blur=float(blur[j]),
                noise=float(noise[j]),
                jpeg=int(jpeg[j]),
                lighting=float(light_amp[j]),
            )

    meta = pd.DataFrame.from_records(records)
    meta.index.name = "sheet"
    return (
        (images, labels, meta, clean)
        if return_clean
        else (images, labels, meta)
    )


def _scan(img, angle, shift, blur, noise, noise_field, jpeg, tone):
    """Scanner artefacts on a chunk of float images (m, H, W) -> uint8 (m, H, W); per-sheet settings as arrays."""
    import cv2

    m, H, W = img.shape
    out = np.empty((m, H, W), np.uint8)
    for j in range(m):
        x = img[j]
        if angle[j] != 0 or shift[j].any():
            M = cv2.getRotationMatrix2D((W / 2, H / 2), float(angle[j]), 1.0)
            M[:, 2] += shift[j]
            x = cv2.warpAffine(
                x,
                M,
                (W, H),
                flags=cv2.INTER_LINEAR,
                borderMode=cv2.BORDER_CONSTANT,
                borderValue=float(tone[j, 0, 0]) * 0.9,
            )
        if blur[j] > 0.05:
            x = cv2.GaussianBlur(x, (0, 0), float(blur[j]))
        x = x + noise[j] * noise_field[j]
        u8 = np.clip(np.rint(x), 0, 255).astype(np.uint8)
        if jpeg[j]:
            ok, buf = cv2.imencode(
                ".jpg", u8, [cv2.IMWRITE_JPEG_QUALITY, int(jpeg[j])]
            )
            u8 = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
        out[j] = u8
    return out


# ---------------------------------------------------------------- the measurement formulas


def kappa_from_table(table) -> float:
    """Cohen's kappa from a K x K confusion table of two coders (counts) -> float in [-1, 1].

    kappa = (p_o - p_e) / (1 - p_e): p_o the observed share of agreement (the diagonal), p_e the
    agreement expected by chance from the two coders' marginal shares.
    """
    t = np.asarray(table, dtype=float)
    if t.ndim != 2 or t.shape[0] != t.shape[1] or t.shape[0] < 2:
        raise ValueError(
            f"table has shape {t.shape}; give a square K x K table of counts (K >= 2), "
            f"rows = coder 1's labels, columns = coder 2's"
        )
    if np.any(t < 0) or not np.all(np.isfinite(t)) or t.sum() == 0:
        raise ValueError(
            "table must hold non-negative counts with at least one rating"
        )
    total = t.sum()
    p_o = np.trace(t) / total
    p_e = float((t.sum(axis=1) / total) @ (t.sum(axis=0) / total))
    if p_e == 1:
        raise ValueError(
            "both coders gave every item the same single label: kappa is undefined (0 / 0)"
        )
    return float((p_o - p_e) / (1 - p_e))


def rogan_gladen(observed_share, sensitivity, specificity, clip: bool = True):
    """Prevalence corrected for misclassification (Rogan & Gladen 1978) -> float (or array).

    true share = (observed share + specificity - 1) / (sensitivity + specificity - 1); clip=True keeps it in
    [0, 1]. Needs sensitivity + specificity > 1 (a classifier better than chance).
    """
    p = np.asarray(observed_share, dtype=float)
    se = np.asarray(sensitivity, dtype=float)
    sp = np.asarray(specificity, dtype=float)
    for name, v in (
        ("observed_share", p),
        ("sensitivity", se),
        ("specificity", sp),
    ):
        if np.any(v < 0) or np.any(v > 1) or not np.all(np.isfinite(v)):
            raise ValueError(f"{name}={v!r} must be a share in [0, 1]")
    if np.any(se + sp <= 1):
        raise ValueError(
            f"sensitivity + specificity = {np.round(se + sp, 3)} must exceed 1: a classifier no better "
            f"than chance carries no information to correct with"
        )
    est = (p + sp - 1) / (se + sp - 1)
    if clip:
        est = np.clip(est, 0, 1)
    return float(est) if est.ndim == 0 else est


# ---------------------------------------------------------------- cells of the form


def crop_cells(images, column: int = 0, pad: int = 3) -> np.ndarray:
    """Cut one column's six cells out of each sheet -> uint8 (n, 6, 24 + 2 pad, 46 + 2 pad), rows top to bottom.

    The printed grid says where each number is; pad adds a margin so that a slightly rotated scan
    still keeps the whole number in its crop.
    """
    images = np.asarray(images)
    if (
        images.ndim != 3
        or images.shape[1:] != SHEET_SHAPE
        or images.dtype != np.uint8
    ):
        raise ValueError(
            f"images must be uint8 sheets of shape (n, {SHEET_SHAPE[0]}, {SHEET_SHAPE[1]}) from "
            f"make_tally_sheets, got {images.dtype} {images.shape}"
        )
    if column not in range(len(COLUMNS)):
        raise ValueError(
            f"column={column!r}; use 0 ({COLUMNS[0]}), 1 ({COLUMNS[1]}) or 2 ({COLUMNS[2]})"
        )
    check_int(pad, "pad", "a margin in pixels, e.g. 2", low=0, high=8)
    H, W = SHEET_SHAPE
    padded = np.pad(images, ((0, 0), (pad, pad), (pad, pad)), mode="edge")
    x0, x1 = _COL_X[column], _COL_X[column + 1]
    return np.stack(
        [
            padded[:, _ROW_Y[r] : _ROW_Y[r + 1] + 2 * pad, x0 : x1 + 2 * pad]
            for r in range(MAX_ROWS)
        ],
        axis=1,
    )


def cell_labels(
    meta, column: int = 0, kinds=("erased", "fluid", "overwrite")
) -> np.ndarray:
    """Which cells of a column carry an alteration of the given kinds -> int64 (n, 6), 1 = altered cell."""
    out = np.zeros((len(meta), MAX_ROWS), np.int64)
    for i, (kind, cells) in enumerate(
        zip(meta["kind"], meta["cells"], strict=True)
    ):
        if kind in kinds:
            for r, c in cells:
                if c == column:
                    out[i, r] = 1
    return out


def rogan_gladen_interval(
    observed_share,
    n_sheets: int,
    sensitivity,
    n_altered: int,
    specificity,
    n_clean: int,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
):
    """Bootstrap interval of the Rogan-Gladen share for one or many districts at once -> (low, high).

    Resamples the three shares that enter the correction: the district's flagged share (n_sheets
    sheets) and the sensitivity and specificity measured on n_altered altered and n_clean clean
    calibration sheets. Resampling 0/1 flags with replacement and taking their mean is a binomial
    draw divided by the count, which is what this does, for every district in one array.
    observed_share, sensitivity, specificity: floats or 1-d arrays of one length (one per district).
    Returns the percentile interval of the clipped estimate; resamples with Se + Sp <= 1 are dropped.
    """
    p, se, sp = (
        np.atleast_1d(np.asarray(v, dtype=float))
        for v in (observed_share, sensitivity, specificity)
    )
    for name, v in (
        ("observed_share", p),
        ("sensitivity", se),
        ("specificity", sp),
    ):
        if np.any(v < 0) or np.any(v > 1) or not np.all(np.isfinite(v)):
            raise ValueError(f"{name}={v!r} must hold shares in [0, 1]")
    for name, v in (
        ("n_sheets", n_sheets),
        ("n_altered", n_altered),
        ("n_clean", n_clean),
        ("n_boot", n_boot),
    ):
        check_positive_int(
            v, name, "a count: the number of sheets behind the share"
        )
    if not 0 < level < 1:
        raise ValueError(
            f"level={level!r}; give a coverage in (0, 1), e.g. 0.95"
        )
    p, se, sp = np.broadcast_arrays(p, se, sp)
    rng = np.random.default_rng(seed)
    shape = (len(p), n_boot)
    p_b = rng.binomial(n_sheets, p[:, None], shape) / n_sheets
    se_b = rng.binomial(n_altered, se[:, None], shape) / n_altered
    sp_b = 1 - rng.binomial(n_clean, 1 - sp[:, None], shape) / n_clean
    informative = se_b + sp_b > 1
    est = np.where(
        informative,
        (p_b + sp_b - 1) / np.where(informative, se_b + sp_b - 1, 1),
        np.nan,
    )
    tail = 100 * (1 - level) / 2
    with np.errstate(all="ignore"):
        low, high = np.nanpercentile(
            np.clip(est, 0, 1), [tail, 100 - tail], axis=1
        )
    if np.ndim(observed_share) == 0 and np.ndim(sensitivity) == 0:
        return float(low[0]), float(high[0])
    return low, high
