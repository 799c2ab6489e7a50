#!/usr/bin/env python3
"""Independent reference values for the figures of `dissent report`.

Usage:
    python3 report_reference.py > fixtures/agreement/report_reference.json

Reads, relative to the repository root:
  * fixtures/agreement/krippendorff_worked_example.json  (Krippendorff 2011, example C)
  * fixtures/agreement/fleiss_1971.json, fixtures/agreement/fleiss_wikipedia.json
  * fixtures/real/varierr-nli.slice.jsonl  (judgment rows; labels in rubrics/nli.yaml order)
  * fixtures/real/popquorn-offensiveness.slice.csv  (instance_id, user_id, offensiveness)

Computes, without dissent's code:
  * Krippendorff's alpha (nominal, ordinal, interval) with the PyPI `krippendorff` package,
    and nominal/interval alpha and the coincidence matrix exactly (fractions.Fraction);
  * Fleiss' kappa and per-category kappa (Fleiss 1971, eq. for kappa_j) exactly, kappa also
    with statsmodels.stats.inter_rater.fleiss_kappa;
  * Wilson 95% intervals with statsmodels.stats.proportion.proportion_confint(method="wilson");
  * reviewer x reviewer agreement on shared items (VariErr slice) by direct pair counting;
  * per-reviewer figures on fixtures/report/gold.jsonl: leave-one-out plurality agreement
    (ties apart), Cohen-style kappa with the rest, mean confidence, Brier score (with
    sklearn.metrics.brier_score_loss when scikit-learn is installed), the reliability table,
    gold pass rates.

Dependencies: numpy, krippendorff, statsmodels, scikit-learn, crowd-kit (with pandas).
"""

import csv
import json
import sys
from collections import Counter, OrderedDict, defaultdict
from fractions import Fraction
from itertools import combinations
from pathlib import Path

import krippendorff
import numpy as np
import statsmodels
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss
from statsmodels.stats.proportion import proportion_confint

ROOT = Path(__file__).resolve().parents[2]
TOL = 1e-12


def coincidence_exact(units, k):
    """units: list of per-label count lists. o_ck = sum_u n_uc (n_uk - [c=k]) / (m_u - 1)."""
    o = [[Fraction(0)] * k for _ in range(k)]
    for u in units:
        m = sum(u)
        if m < 2:
            continue
        for c in range(k):
            for d in range(k):
                pairs = u[c] * (u[d] - (1 if c == d else 0))
                o[c][d] += Fraction(pairs, m - 1)
    return o


def alpha_exact(o, delta):
    k = len(o)
    nc = [sum(row) for row in o]
    n = sum(nc)
    do = sum(o[c][d] * delta(c, d) for c in range(k) for d in range(k))
    de = sum(nc[c] * nc[d] * delta(c, d) for c in range(k) for d in range(k))
    return 1 - (n - 1) * do / de


def ordinal_delta(o):
    nc = [sum(row) for row in o]

    def delta(c, d):
        lo, hi = min(c, d), max(c, d)
        return (sum(nc[lo:hi + 1]) - Fraction(nc[c] + nc[d], 2)) ** 2

    return delta


def category_kappas_exact(units):
    ms = {sum(u) for u in units}
    assert len(ms) == 1, "per-category kappa needs equal m"
    (m,) = ms
    N, k = len(units), len(units[0])
    out = []
    for j in range(k):
        p = Fraction(sum(u[j] for u in units), N * m)
        if p in (0, 1):
            out.append(None)
            continue
        split = sum(u[j] * (m - u[j]) for u in units)
        out.append(1 - Fraction(split, N * m * (m - 1)) / (p * (1 - p)))
    return out


def fleiss_exact(units):
    (m,) = {sum(u) for u in units}
    N, k = len(units), len(units[0])
    p_bar = sum(Fraction(sum(x * x for x in u) - m, m * (m - 1)) for u in units) / N
    p_e = sum(Fraction(sum(u[j] for u in units), N * m) ** 2 for j in range(k))
    return (p_bar - p_e) / (1 - p_e)


def frac(f):
    return None if f is None else {"value": float(f), "exact": f"{f.numerator}/{f.denominator}"}


def check(name, a, b):
    if abs(float(a) - float(b)) > TOL:
        print(f"MISMATCH {name}: {a} vs {b}", file=sys.stderr)
        sys.exit(1)


def krippendorff_2011():
    doc = json.loads((ROOT / "fixtures/agreement/krippendorff_worked_example.json").read_text())
    cats = doc["categories"]
    coders = list(doc["coders"].values())
    mat = np.array([[np.nan if v is None else v for v in row] for row in coders], dtype=float)
    units = [[sum(1 for row in coders if row[u] == c) for c in cats] for u in range(len(coders[0]))]
    o = coincidence_exact(units, len(cats))
    out = OrderedDict()
    out["coincidence"] = [[float(x) for x in row] for row in o]
    out["coincidence_exact"] = [[f"{x.numerator}/{x.denominator}" for x in row] for row in o]
    exact = {
        "nominal": alpha_exact(o, lambda c, d: int(c != d)),
        "ordinal": alpha_exact(o, ordinal_delta(o)),
        "interval": alpha_exact(o, lambda c, d: (cats[c] - cats[d]) ** 2),
    }
    for level, a in exact.items():
        pkg = float(krippendorff.alpha(reliability_data=mat, level_of_measurement=level))
        check(f"2011 {level}", a, pkg)
        out[f"alpha_{level}"] = frac(a)
        out[f"alpha_{level}_package"] = pkg
    out["published"] = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849}
    return out


def fleiss(name):
    doc = json.loads((ROOT / "fixtures/agreement" / name).read_text())
    units = doc["counts"]
    kappa = fleiss_exact(units)
    check(name, kappa, sm_fleiss(np.array(units), method="fleiss"))
    return OrderedDict(
        fleiss_kappa=frac(kappa),
        fleiss_kappa_statsmodels=float(sm_fleiss(np.array(units), method="fleiss")),
        category_kappas=[frac(x) for x in category_kappas_exact(units)],
    )


def wilson_cases():
    out = []
    for passed, total in [(81, 263), (0, 10), (10, 10), (5, 10), (1, 3), (2, 3), (3, 3), (5, 9)]:
        lo, hi = proportion_confint(passed, total, alpha=0.05, method="wilson")
        out.append(OrderedDict(passed=passed, total=total, low=float(lo), high=float(hi)))
    return out


def varierr_slice():
    labels = ["entailment", "neutral", "contradiction"]  # rubrics/nli.yaml order
    rows = [json.loads(l) for l in (ROOT / "fixtures/real/varierr-nli.slice.jsonl").read_text().splitlines() if l.strip()]
    by_item = OrderedDict()
    for r in rows:
        by_item.setdefault(r["item_id"], {})[r["reviewer"]] = r["label"]
    units = [[sum(1 for v in votes.values() if v == l) for l in labels] for votes in by_item.values()]
    o = coincidence_exact(units, 3)
    a = alpha_exact(o, lambda c, d: int(c != d))
    reviewers = sorted({r["reviewer"] for r in rows})
    mat = np.array([[labels.index(by_item[i][r]) if r in by_item[i] else np.nan for i in by_item] for r in reviewers], dtype=float)
    check("varierr slice", a, krippendorff.alpha(reliability_data=mat, level_of_measurement="nominal"))
    pairs = defaultdict(lambda: [0, 0])
    for votes in by_item.values():
        for x, y in combinations(sorted(votes), 2):
            pairs[(x, y)][0] += 1
            pairs[(x, y)][1] += int(votes[x] == votes[y])
    return OrderedDict(
        items=len(by_item),
        judgments=len(rows),
        alpha_nominal=frac(a),
        coincidence=[[float(x) for x in row] for row in o],
        label_totals=[sum(u[j] for u in units) for j in range(3)],
        pairs=[OrderedDict(a=x, b=y, shared=s, agreeing=g) for (x, y), (s, g) in sorted(pairs.items())],
    )


def popquorn_slice():
    with open(ROOT / "fixtures/real/popquorn-offensiveness.slice.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    items = list(OrderedDict.fromkeys(r["instance_id"] for r in rows))
    users = sorted({r["user_id"] for r in rows})
    mat = np.full((len(users), len(items)), np.nan)
    for r in rows:
        mat[users.index(r["user_id"]), items.index(r["instance_id"])] = float(r["offensiveness"])
    values = [1.0, 2.0, 3.0, 4.0, 5.0]
    units = [[int(np.sum(mat[:, i] == v)) for v in values] for i in range(len(items))]
    o = coincidence_exact(units, 5)
    exact_interval = alpha_exact(o, lambda c, d: Fraction(values[c] - values[d]) ** 2)
    out = OrderedDict(items=len(items), judgments=len(rows))
    for level in ["nominal", "ordinal", "interval"]:
        out[f"alpha_{level}_package"] = float(krippendorff.alpha(reliability_data=mat, level_of_measurement=level))
    check("popquorn interval", exact_interval, out["alpha_interval_package"])
    out["alpha_interval"] = frac(exact_interval)
    return out


def per_reviewer(path, labels):
    """Per-reviewer figures of judgment rows at `path`, exact where they are rational.
    Confidences are on the tumor rubric's 1-5 scale."""
    rows = [json.loads(l) for l in (ROOT / path).read_text().splitlines() if l.strip()]
    items = OrderedDict()
    for r in rows:
        items.setdefault(r["item_id"], []).append(r)
    out = OrderedDict()
    for who in sorted({r["reviewer"] for r in rows}):
        agree = disagree = tied = 0
        own, rest_top, confs, hits = Counter(), Counter(), [], []
        bins = [[0, Fraction(0), 0] for _ in range(5)]
        gold = [0, 0]
        for votes in items.values():
            mine = [v for v in votes if v["reviewer"] == who]
            if not mine:
                continue
            (me,) = mine
            c = Fraction(me["confidence"] - 1, 4) if "confidence" in me else None
            if c is not None:
                confs.append(c)
            if "gold_label" in me:
                gold[1] += 1
                gold[0] += me["label"] == me["gold_label"]
            rest = Counter(v["label"] for v in votes if v["reviewer"] != who)
            top = max(rest.values())
            tops = [l for l in labels if rest[l] == top]
            if len(tops) > 1:
                tied += 1
                continue
            hit = me["label"] == tops[0]
            agree += hit
            disagree += not hit
            own[me["label"]] += 1
            rest_top[tops[0]] += 1
            if c is None:
                continue
            hits.append((c, hit))
            b = min(int(c * 5), 4)
            bins[b][0] += 1
            bins[b][1] += c
            bins[b][2] += hit
        n = agree + disagree
        p_o = Fraction(agree, n)
        p_e = sum(Fraction(own[l], n) * Fraction(rest_top[l], n) for l in labels)
        brier = sum((c - h) ** 2 for c, h in hits) / len(hits) if hits else None
        row = OrderedDict(
            agree=agree, disagree=disagree, tied=tied,
            rate=frac(p_o),
            kappa=frac((p_o - p_e) / (1 - p_e)),
            mean_confidence=frac(sum(confs) / len(confs)) if confs else None,
            brier=frac(brier),
            reliability=[OrderedDict(judgments=b[0], mean_confidence=None if not b[0] else float(b[1] / b[0]), agreement=None if not b[0] else b[2] / b[0]) for b in bins],
            gold=gold,
        )
        try:
            if not hits:
                raise ImportError
            from sklearn.metrics import brier_score_loss
            row["brier_sklearn"] = float(brier_score_loss([int(h) for _, h in hits], [float(c) for c, _ in hits]))
            check(f"brier {who}", brier, row["brier_sklearn"])
        except ImportError:
            pass
        out[who] = row
    return out


def dawid_skene_varierr():
    import pandas as pd
    from crowdkit.aggregation import DawidSkene

    labels = ["entailment", "neutral", "contradiction"]
    rows = [json.loads(l) for l in (ROOT / "fixtures/real/varierr-nli.slice.jsonl").read_text().splitlines() if l.strip()]
    df = pd.DataFrame([{"task": r["item_id"], "worker": r["reviewer"], "label": r["label"]} for r in rows])
    ds = DawidSkene(n_iter=100, tol=1e-5).fit(df)
    out = OrderedDict(iterations=len(ds.loss_history_), priors=[float(ds.priors_[l]) for l in labels])
    confusion = OrderedDict()
    for worker in sorted(df.worker.unique()):
        e = ds.errors_.loc[worker]  # index: label given, columns: true class
        confusion[worker] = [[float(e.loc[g, t]) if g in e.index else 0.0 for g in labels] for t in labels]
    out["confusion"] = confusion  # [true][given]
    return out


def main():
    out = OrderedDict()
    out["how"] = (
        "python3 -m venv /tmp/rep_venv && /tmp/rep_venv/bin/pip install krippendorff numpy statsmodels scikit-learn crowd-kit; "
        "/tmp/rep_venv/bin/python tools/reference/report_reference.py > fixtures/agreement/report_reference.json"
    )
    out["versions"] = {
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "statsmodels": statsmodels.__version__,
        "krippendorff": _version("krippendorff"),
        "scikit-learn": _version("scikit-learn"),
        "crowd-kit": _version("crowd-kit"),
        "pandas": _version("pandas"),
    }
    out["krippendorff_2011"] = krippendorff_2011()
    out["fleiss_1971"] = fleiss("fleiss_1971.json")
    out["fleiss_wikipedia"] = fleiss("fleiss_wikipedia.json")
    out["wilson"] = wilson_cases()
    out["varierr_slice"] = varierr_slice()
    out["popquorn_slice"] = popquorn_slice()
    out["gold_batch"] = per_reviewer("fixtures/report/gold.jsonl", ["mild", "moderate", "severe"])
    out["dawid_skene_varierr_slice"] = dawid_skene_varierr()
    out["varierr_slice_reviewers"] = per_reviewer("fixtures/real/varierr-nli.slice.jsonl", ["entailment", "neutral", "contradiction"])
    print(json.dumps(out, indent=1, ensure_ascii=False))


def _version(name):
    from importlib.metadata import version
    return version(name)


if __name__ == "__main__":
    main()
