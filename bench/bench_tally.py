"""helpers.tally.make_tally_sheets: speed, and how the repetition score depends on how copies are written.

Usage: .venv/bin/python -m bench.bench_tally [N_SHEETS] [REPEATS] [SEEDS]   (defaults 2000, 3, 3)
Writes bench/results/tally.md with two tables:

1. Speed: sheets per second, chunked (the shipped route) against one sheet at a time (the same
   generator with its chunk size set to 1), both in the same process, best of REPEATS runs (wall
   clock and CPU time), for each difficulty; and the cost of writing every copy of a repeated value
   with its own strokes (copy_model "perturbed", the default) against pixel copies ("identical"),
   and honest sheets written by one hand (honest_hand "one", the default) against many.
2. The repetition score of notebook 11 (the highest normalised cross-correlation between two inked
   cells of the VÁLIDOS column) under each copy model: ROC AUC for sheets with repeated values
   against clean sheets, and the share of repeated sheets above the clean sheets' 95th percentile
   (recall at 5% false positives), mean and standard deviation over SEEDS seeds of N_SHEETS sheets,
   for honest sheets written by one hand and by many (helpers.tally.HONEST_HANDS), clean scans.
"""

import platform
import sys
import time

import numpy as np

import helpers.tally as tally
from tools.project import ROOT


def best_time(fn, repeats):
    """Run fn() `repeats` times -> (best wall seconds, best CPU seconds)."""
    walls, cpus = [], []
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus)


def repetition_score(cells):
    """Notebook 11's repetition score, per sheet (the same code)."""
    import cv2

    ink = 255 - cells.astype(np.float32)
    scores = np.zeros(len(cells))
    for s, sheet in enumerate(ink):
        inner = sheet[:, 7:-7, 6:-6]
        inked = np.flatnonzero(inner.std(axis=(1, 2)) > 15)
        for a in inked:
            for b in inked[inked > a]:
                match = cv2.matchTemplate(
                    sheet[b], inner[a], cv2.TM_CCOEFF_NORMED
                ).max()
                scores[s] = max(scores[s], match)
    return scores


def repetition_table(n, seeds, difficulties=("easy",)):
    from sklearn.metrics import roc_auc_score

    rows = []
    for difficulty, hand in (
        (d, h) for d in difficulties for h in tally.HONEST_HANDS
    ):
        for model in tally.COPY_MODELS:
            aucs, recalls = [], []
            for seed in range(seeds):
                X, _, meta = tally.make_tally_sheets(
                    n,
                    altered_share=0.3,
                    seed=100 + seed,
                    difficulty=difficulty,
                    copy_model=model,
                    honest_hand=hand,
                    verbose=False,
                )
                kind = meta["kind"].to_numpy()
                keep = np.isin(kind, ["none", "repeated"])
                score = repetition_score(tally.crop_cells(X[keep]))
                rep = kind[keep] == "repeated"
                aucs.append(roc_auc_score(rep, score))
                cut = np.quantile(score[~rep], 0.95)
                recalls.append(float((score[rep] > cut).mean()))
            rows.append((difficulty, hand, model, aucs, recalls))
    return rows


def main(argv):
    n = int(argv[1]) if len(argv) > 1 else 2000
    repeats = int(argv[2]) if len(argv) > 2 else 3
    seeds = int(argv[3]) if len(argv) > 3 else 3
    # digit bank and printed form: one-off costs
    tally.make_tally_sheets(10, verbose=False)
    chunk = tally._CHUNK
    rows = []
    for difficulty in ("easy", "hard"):
        for label, size, model, hand in (
            ("chunked (shipped)", chunk, "perturbed", "one"),
            ("one sheet at a time", 1, "perturbed", "one"),
            ("chunked, pixel copies", chunk, "identical", "one"),
            ("chunked, many hands", chunk, "perturbed", "many"),
        ):
            tally._CHUNK = size
            try:
                wall, cpu = best_time(
                    lambda d=difficulty, m=model, h=hand: (
                        tally.make_tally_sheets(
                            n,
                            difficulty=d,
                            copy_model=m,
                            honest_hand=h,
                            verbose=False,
                        )
                    ),
                    repeats,
                )
            finally:
                tally._CHUNK = chunk
            rows.append((difficulty, label, wall, cpu))
    t0 = time.perf_counter()
    rep_rows = repetition_table(n, seeds)
    rep_wall = time.perf_counter() - t0
    lines = [
        f"# make_tally_sheets: {n} sheets of {tally.SHEET_SHAPE[0]}x{tally.SHEET_SHAPE[1]} px",
        "",
        f"`{' '.join(['python', '-m', 'bench.bench_tally'] + argv[1:])}`; "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}. "
        f"Run on a machine shared with other jobs: wall times depend on what else ran; compare the "
        f"ratios within one run.",
        "",
        f"## Speed (best of {repeats})",
        "",
        "| difficulty | route | wall s | CPU s | sheets / s (wall) | CPU ratio vs chunked |",
        "|---|---|---|---|---|---|",
    ]
    for difficulty in ("easy", "hard"):
        ref = next(
            r
            for r in rows
            if r[0] == difficulty and r[1].startswith("chunked (")
        )
        for d, label, wall, cpu in rows:
            if d == difficulty:
                lines.append(
                    f"| {d} | {label} | {wall:.2f} | {cpu:.2f} | {n / wall:.0f} | {cpu / ref[3]:.2f} |"
                )
    lines += [
        "",
        "## The repetition score under each copy model",
        "",
        f"Sheets with repeated values against clean sheets (other kinds left out), {seeds} seeds "
        f"(100, 101, ...) of {n} sheets each, 30% altered; mean ± standard deviation over seeds "
        f"({rep_wall:.0f} s). Recall at 5% FPR: the share of repeated sheets scoring above the "
        f"clean sheets' 95th percentile.",
        "",
        "| difficulty | honest sheets | copy model | ROC AUC | recall at 5% FPR |",
        "|---|---|---|---|---|",
    ]
    for difficulty, hand, model, aucs, recalls in rep_rows:
        hands = "one hand" if hand == "one" else "many hands"
        auc = f"{np.mean(aucs):.3f} ± {np.std(aucs, ddof=1):.3f}"
        recall = f"{np.mean(recalls):.2f} ± {np.std(recalls, ddof=1):.2f}"
        lines.append(
            f"| {difficulty} | {hands} | {model} | {auc} | {recall} |"
        )
    lines += [
        "",
        "Copy models (helpers.tally.COPY_MODELS):",
        "",
        *[f"- **{k}**: {v}" for k, v in tally.COPY_MODELS.items()],
        "",
        "How honest sheets are written (helpers.tally.HONEST_HANDS, the generator's honest_hand):",
        "",
        *[f"- **{k}**: {v}" for k, v in tally.HONEST_HANDS.items()],
    ]
    text = "\n".join(lines) + "\n"
    out = ROOT / "bench" / "results" / "tally.md"
    out.write_text(text, encoding="utf-8")
    print(text)
    print("written", out.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
