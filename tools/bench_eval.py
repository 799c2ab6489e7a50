#!/usr/bin/env python3
"""What a user would run instead of `dissent eval` on the files benches/predictions_1m.rs makes.

Usage: python3 bench_eval.py DIR   (DIR holds counts.jsonl, a.jsonl with probs, b.jsonl with
logits, 3 labels a, b, c). Needs numpy and scipy.

Computes, as dissent does: per item KL(panel || model) with the model clipped at 1e-12
(scipy.stats.entropy), Jensen-Shannon squared in bits (scipy.spatial.distance.jensenshannon),
total variation, cross-entropy, model entropy; per model their means, the KL sd, top-label
accuracy with ties apart, Pearson and Spearman (scipy.stats) of panel against model entropy;
the same per disagreement class; and the paired bootstrap of the differences between the two
models, timed on BOOT_TIMED resamples and extrapolated to 1000. Prints one JSON line of times
in seconds.
"""

import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.stats import entropy, pearsonr, spearmanr

EPS = 1e-12
BOOT_TIMED = 10
RESAMPLES = 1000


def load(path, key):
    ids, rows = [], []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            ids.append(r["item_id"])
            v = r[key]
            rows.append([v["a"], v["b"], v["c"]] if isinstance(v, dict) else v)
    return ids, np.asarray(rows, dtype=float)


def classes(counts):
    n = counts.sum(1)
    top = counts.max(1)
    tied = (counts == top[:, None]).sum(1) > 1
    share = top / n
    cls = np.where(share >= 0.9, 0, np.where(share >= 0.6, 1, 2))
    return np.where((n < 3) | tied, 3, cls)


def top_label(m):
    mx = m.max(1)
    tied = (m == mx[:, None]).sum(1) > 1
    return np.where(tied, -1, m.argmax(1))


def per_item(p, q):
    qc = np.clip(q, EPS, None)
    return {
        "kl": entropy(p, qc, axis=1),
        "js": jensenshannon(p, q, axis=1, base=2) ** 2,
        "tv": 0.5 * np.abs(p - q).sum(1),
        "ce": entropy(p, axis=1) + entropy(p, qc, axis=1),
        "ph": np.round(entropy(p, base=2, axis=1), 12),
        "mh": np.round(entropy(q, base=2, axis=1), 12),
        "hit": np.where(
            (top_label(p) < 0) | (top_label(q) < 0), -1, (top_label(p) == top_label(q)).astype(int)
        ),
    }


def figures(s, idx=None):
    s = s if idx is None else {k: v[idx] for k, v in s.items()}
    untied = s["hit"] >= 0
    return [
        s["kl"].mean(),
        s["kl"].std(ddof=1),
        s["js"].mean(),
        s["tv"].mean(),
        s["ce"].mean(),
        s["hit"][untied].mean(),
        pearsonr(s["ph"], s["mh"])[0],
        spearmanr(s["ph"], s["mh"])[0],
    ]


def main():
    d = Path(sys.argv[1])
    t0 = time.perf_counter()
    _, counts = load(d / "counts.jsonl", "counts")
    _, qa = load(d / "a.jsonl", "probs")
    _, logits = load(d / "b.jsonl", "logits")
    e = np.exp(logits - logits.max(1, keepdims=True))
    qb = e / e.sum(1, keepdims=True)
    p = counts / counts.sum(1, keepdims=True)
    cls = classes(counts)
    t_load = time.perf_counter() - t0

    t0 = time.perf_counter()
    sa = per_item(p, qa)
    fa = figures(sa)
    by_class = [figures(sa, cls == c) for c in range(4) if (cls == c).sum() > 2]
    t_one = time.perf_counter() - t0

    t0 = time.perf_counter()
    sb = per_item(p, qb)
    fb = figures(sb)
    rng = np.random.default_rng(20240611)
    n = len(p)
    for _ in range(BOOT_TIMED):
        idx = rng.integers(0, n, size=n)
        [b - a for a, b in zip(figures(sa, idx), figures(sb, idx))]
    t_boot = (time.perf_counter() - t0) / BOOT_TIMED * RESAMPLES
    print(
        json.dumps(
            {
                "items": n,
                "load_json": round(t_load, 2),
                "one_model_with_classes": round(t_one, 2),
                "bootstrap_1000_extrapolated": round(t_boot, 1),
                "kl_mean_a": fa[0],
                "kl_mean_b": fb[0],
                "spearman_a": fa[7],
                "spearman_b": fb[7],
                "classes": len(by_class),
            }
        )
    )


if __name__ == "__main__":
    main()
