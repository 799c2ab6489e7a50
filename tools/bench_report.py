#!/usr/bin/env python3
"""What a user would run instead of `dissent report` for its agreement figures.

Usage: python3 bench_report.py JUDGMENTS.csv   (item_id, reviewer, label columns; the CSV that
benches/throughput.rs generates). Needs numpy, krippendorff, statsmodels and crowd-kit.

Computes Krippendorff's alpha (nominal and ordinal) with the `krippendorff` package, Fleiss'
kappa with statsmodels, Dawid-Skene with crowd-kit (pandas), and a 1000-resample item
bootstrap of both alphas. The bootstrap
calls krippendorff.alpha once per resample and level; it runs BOOT_TIMED resamples and
extrapolates to 1000 (a full run takes the better part of an hour). Prints one JSON line with
the times in seconds.
"""

import csv
import json
import sys
import time

import krippendorff
import numpy as np
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

LABELS = {"mild": 0, "moderate": 1, "severe": 2}
BOOT_TIMED = 10
RESAMPLES = 1000


def main():
    t0 = time.perf_counter()
    items, reviewers, cells = {}, {}, []
    with open(sys.argv[1], newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            i = items.setdefault(row["item_id"], len(items))
            r = reviewers.setdefault(row["reviewer"], len(reviewers))
            cells.append((r, i, LABELS[row["label"]]))
    mat = np.full((len(reviewers), len(items)), np.nan)
    for r, i, v in cells:
        mat[r, i] = v
    t_load = time.perf_counter() - t0

    t0 = time.perf_counter()
    alphas = {lvl: float(krippendorff.alpha(reliability_data=mat, level_of_measurement=lvl)) for lvl in ("nominal", "ordinal")}
    t_alpha = time.perf_counter() - t0

    t0 = time.perf_counter()
    table, _ = aggregate_raters(mat.T.astype(int))
    kappa = float(fleiss_kappa(table, method="fleiss"))
    t_kappa = time.perf_counter() - t0

    import pandas as pd
    from crowdkit.aggregation import DawidSkene

    t0 = time.perf_counter()
    names = {v: k for k, v in items.items()}
    workers = {v: k for k, v in reviewers.items()}
    df = pd.DataFrame({"task": [names[i] for _, i, _ in cells], "worker": [workers[r] for r, _, _ in cells], "label": [v for _, _, v in cells]})
    ds = DawidSkene(n_iter=100, tol=1e-5).fit(df)
    t_ds = time.perf_counter() - t0

    rng = np.random.default_rng(20240611)
    t0 = time.perf_counter()
    for _ in range(BOOT_TIMED):
        cols = rng.integers(0, mat.shape[1], mat.shape[1])
        for lvl in ("nominal", "ordinal"):
            krippendorff.alpha(reliability_data=mat[:, cols], level_of_measurement=lvl)
    per_resample = (time.perf_counter() - t0) / BOOT_TIMED

    print(json.dumps({
        "alpha": alphas,
        "fleiss_kappa": kappa,
        "load_s": round(t_load, 2),
        "alpha_s": round(t_alpha, 2),
        "kappa_s": round(t_kappa, 2),
        "dawid_skene_s": round(t_ds, 2),
        "dawid_skene_iterations": len(ds.loss_history_),
        "bootstrap_per_resample_s": round(per_resample, 3),
        "total_with_1000_resamples_s": round(t_load + t_alpha + t_kappa + t_ds + per_resample * RESAMPLES, 1),
    }))


if __name__ == "__main__":
    main()
