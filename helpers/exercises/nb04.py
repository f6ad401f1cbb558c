"""Checks for 04_haar_features_and_faces (integral images, lfw_subset patches, OpenCV's face cascade)."""

import functools

import numpy as np

from . import exercise
from .answers import AnswerError, as_int, as_number, check_choice, check_number

# Exercise 3's hand-labelled set: photo name -> human face boxes (x, y, width, height) drawn by
# hand.
# The cameraman is in profile: a frontal-face cascade should miss him, and a good minNeighbors cannot help.
LABELLED_FACES = {
    "astronaut": [(175, 62, 100, 100)],
    "camera": [(190, 80, 80, 95)],
    "coffee": [],
    "chelsea": [],
    "immunohistochemistry": [],
}


def _test_image(seed=7, shape=(17, 23)):
    return (
        np.random.default_rng(seed)
        .integers(0, 256, size=shape)
        .astype(np.float64)
    )


class _CountingTable:
    """An integral image that counts its look-ups: ii[r, c] is one; a slice, or the whole table, is more."""

    def __init__(self, table):
        self._table = np.asarray(table)
        self.lookups = 0
        self.bulk = False
        self.shape = self._table.shape
        self.ndim = self._table.ndim
        self.dtype = self._table.dtype

    def __getitem__(self, key):
        if (
            isinstance(key, tuple)
            and len(key) == 2
            and all(isinstance(k, (int, np.integer)) for k in key)
        ):
            self.lookups += 1
            return self._table[key]
        if isinstance(key, (int, np.integer)):
            # chained indexing ii[r][c]: the row is not read yet, only the entry taken from it
            return _CountingRow(self, self._table[key])
        self.bulk = True
        return self._table[key]

    def __array__(self, dtype=None, copy=None):
        self.bulk = True
        return self._table if dtype is None else self._table.astype(dtype)

    def __len__(self):
        return len(self._table)

    def __iter__(self):
        self.bulk = True
        return iter(self._table)


class _CountingRow:
    """A row of a _CountingTable: row[c] is one look-up of the table; anything else reads the row."""

    def __init__(self, table, row):
        self._table = table
        self._row = row

    def __getitem__(self, key):
        if isinstance(key, (int, np.integer)):
            self._table.lookups += 1
            return self._row[key]
        self._table.bulk = True
        return self._row[key]

    def __array__(self, dtype=None, copy=None):
        self._table.bulk = True
        return self._row if dtype is None else self._row.astype(dtype)

    def __len__(self):
        return len(self._row)

    def __iter__(self):
        self._table.bulk = True
        return iter(self._row)

    def __getattr__(self, name):  # .sum(), .shape, ...: the row itself is read
        self._table.bulk = True
        return getattr(self._row, name)


@exercise("04.region_sum")
def _region_sum(answer):
    """answer: a function region_sum(ii_cv, r0, c0, r1, c1) for integral images with a leading zero row and column."""
    if not callable(answer):
        raise AnswerError(
            "give a function: def region_sum(ii, r0, c0, r1, c1): return ...  (then region_sum, "
            f"without brackets), got {type(answer).__name__}"
        )
    img = _test_image()
    ii = np.zeros((img.shape[0] + 1, img.shape[1] + 1))
    # cv2.integral's layout: ii[r, c] = img[:r, :c].sum()
    ii[1:, 1:] = img.cumsum(axis=0).cumsum(axis=1)
    boxes = [
        (3, 4, 10, 15),
        (0, 0, 16, 22),
        (0, 5, 7, 9),
        (6, 0, 6, 0),
        (16, 22, 16, 22),
        (2, 2, 2, 20),
    ]
    for r0, c0, r1, c1 in boxes:
        want = img[r0 : r1 + 1, c0 : c1 + 1].sum()
        table = _CountingTable(ii)
        try:
            got = as_number(
                answer(table, r0, c0, r1, c1), "one number from region_sum"
            )
        except AnswerError as exc:
            return f"region_sum(ii, {r0}, {c0}, {r1}, {c1}) did not return a number: {exc}"
        # the student's own code failed: say where, not a traceback
        except Exception as exc:
            return f"region_sum(ii, {r0}, {c0}, {r1}, {c1}) raised {type(exc).__name__}: {exc}"
        if np.isclose(got, want):
            if table.bulk:
                return (
                    "the sum is right, but it reads a whole block of the table (a slice, or the table "
                    "as an array); the point of an integral image is that single entries are enough"
                )
            if table.lookups > 4:
                return f"the sum is right with {table.lookups} look-ups; four single entries are enough"
            continue
        skimage_style = (
            ii[r1, c1] - ii[r0 - 1, c1] - ii[r1, c0 - 1] + ii[r0 - 1, c0 - 1]
        )
        if np.isclose(got, skimage_style):
            return (
                "off by one: in this table ii[r, c] is the sum of the rows ABOVE r and the columns LEFT of c "
                "(not including them); which entry covers the rectangle up to and including row r1 and column c1?"
            )
        if np.isclose(
            got, ii[r1 + 1, c1 + 1] - ii[r0, c1 + 1] - ii[r1 + 1, c0]
        ):
            return "the block above and left of the rectangle was subtracted twice: add it back once"
        if np.isclose(got, ii[r0 : r1 + 1, c0 : c1 + 1].sum()) or np.isclose(
            got, ii[r0 : r1 + 2, c0 : c1 + 2].sum()
        ):
            return "that sums entries of the integral image; each entry already is a sum of pixels"
        return (
            f"region_sum(ii, {r0}, {c0}, {r1}, {c1}) gave {got:g}, the pixels sum to {want:g}. Each entry of "
            "the table is the sum of a block from the top-left corner: combine four such blocks so that only "
            "the rectangle remains (§2 draws it for scikit-image's layout)"
        )
    return None


@exercise("04.two_rect")
def _two_rect(answer):
    from ..data import load_face_patches

    face = load_face_patches(verbose=False)[0][0]
    left, right = face[6:10, 3:12].sum(), face[6:10, 12:21].sum()
    return check_number(
        answer,
        float(right - left),
        decimals=3,
        what="one number (the feature value)",
        slips=[
            (
                float(left - right),
                "the sign is flipped: scikit-image takes the second rectangle (right) minus the first (left)",
            ),
            (
                float(face[6:9, 12:20].sum() - face[6:9, 3:11].sum()),
                "the row and column ranges are inclusive: rows 6-9 are four rows (6, 7, 8, 9)",
            ),
            (
                float(right + left),
                "a two-rectangle feature is a difference of the two sums, not their total",
            ),
        ],
        otherwise=(
            "a two-rectangle feature is one rectangle's pixel sum minus the other's, on X[0]; "
            "§2's rect_sum gives a rectangle's sum (inclusive corners)"
        ),
    )


def raw_hits(scale_factor=1.05, labelled=None):
    """Frontal-face cascade raw hits (minNeighbors=0) on each labelled photo -> dict name -> list of boxes."""
    names = tuple(labelled or LABELLED_FACES)
    return {
        name: [list(b) for b in boxes]
        for name, boxes in _raw_hits(float(scale_factor), names).items()
    }


@functools.lru_cache(maxsize=8)
def _raw_hits(scale_factor, names):
    import cv2

    from ..data import load_photo
    from ..weights import load_cascade

    cascade = load_cascade("frontalface", verbose=False)
    hits = {}
    for name in names:
        img = load_photo(name, verbose=False)
        gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY) if img.ndim == 3 else img
        hits[name] = tuple(
            tuple(int(v) for v in b)
            for b in cascade.detectMultiScale(
                gray, scaleFactor=scale_factor, minNeighbors=0
            )
        )
    return hits


def detection_errors(hits, labelled, k):
    """(missed faces, false boxes) over all photos when raw hits are grouped with minNeighbors=k."""
    import cv2

    missed = false = 0
    for name, faces in labelled.items():
        boxes = (
            cv2.groupRectangles(hits[name], int(k), 0.2)[0]
            if k > 0
            else hits[name]
        )
        centres = [(x + w / 2, y + h / 2) for x, y, w, h in boxes]
        inside = [
            [
                fx <= cx < fx + fw and fy <= cy < fy + fh
                for (fx, fy, fw, fh) in faces
            ]
            for cx, cy in centres
        ]
        missed += sum(
            not any(row[j] for row in inside) for j in range(len(faces))
        )
        false += sum(not any(row) for row in inside)
    return missed, false


@exercise("04.min_neighbors")
def _min_neighbors(answer, scale_factor=1.05, labelled=None):
    k = as_int(answer, "a whole number (a value for minNeighbors)")
    if not 1 <= k <= 20:
        return f"minNeighbors={k} is outside the range asked for: try 1 to 20"
    labelled = LABELLED_FACES if labelled is None else labelled
    hits = raw_hits(float(scale_factor), labelled)
    errors = {j: detection_errors(hits, labelled, j) for j in range(1, 21)}
    fewest = min(sum(e) for e in errors.values())
    want = min(j for j, e in errors.items() if sum(e) == fewest)
    missed, false = errors[k]
    if k == want:
        return None
    if missed + false == fewest:
        return (
            f"minNeighbors={k} is as good ({missed} missed, {false} false), but a smaller value already is; "
            "give the smallest"
        )
    return (
        f"with minNeighbors={k}: {missed} face(s) missed and {false} false box(es), {missed + false} "
        "errors. Which of the two kinds does a larger minNeighbors remove, and which can it add? "
        "Count both for every k from 1 to 20 and compare"
    )


# Judge: counting faces in protest photos as a measure of crowd size.
CROWD_OPTIONS = {
    "A": "marches shot from the side are undercounted (profiles are missed)",
    "B": "far-away faces below the smallest window are missed: big crowds shrink most",
    "C": "recall may differ by skin tone and lighting, so by who protests",
    "D": "a learned detector can count the same photo differently on every run: average several",
    "E": "every face fires many overlapping windows, so big crowds are counted many times over",
}


@exercise("04.crowd_bias")
def _crowd_bias(answer):
    return check_choice(
        answer,
        defensible={"A", "B", "C"},
        hints={
            "D": (
                "run the cascade twice on the same photo with the same settings: do the boxes "
                "change? A detector can be perfectly repeatable and still miss the same kinds of "
                "faces every time (§5 and §8)"
            ),
            "E": (
                "the raw hits are many per face, but the count is of the boxes left after "
                "grouping (§6): what does minNeighbors do with overlapping hits?"
            ),
        },
        what="the letter(s) of the defensible answer(s)",
    )
