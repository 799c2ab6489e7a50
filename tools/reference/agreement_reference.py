#!/usr/bin/env python3
"""Independent reference values for nominal agreement metrics.

Usage:
    python3 agreement_reference.py PATH

PATH is one of
  * a judgment-rows JSONL file (one JSON object per line with `item_id`,
    `reviewer`, `label`), e.g. /work/shared/data/varierr-nli.judgments.jsonl;
  * a fixture JSON with `coders` (coder -> list of values, null = missing),
    e.g. fixtures/agreement/krippendorff_worked_example.json;
  * a fixture JSON with `counts` (one row of per-category counts per subject),
    e.g. fixtures/agreement/fleiss_1971.json.

Prints one JSON object with
  * krippendorff_alpha   nominal alpha, exact rational arithmetic
                         (fractions.Fraction, coincidence matrix), rounded once
                         to the nearest double;
  * krippendorff_alpha_package  the same computed by the PyPI `krippendorff`
                         package from the raw data (reliability matrix, or
                         value counts for `counts` input); the two must agree
                         to 1e-12 or the script exits with status 1;
  * percent_agreement    pooled pairwise agreement
                         sum_u sum_c n_uc (n_uc - 1) / sum_u m_u (m_u - 1)
                         over units with m_u >= 2;
  * fleiss_kappa         Fleiss (1971) kappa, exact, only when every unit has the
                         same number m >= 2 of ratings; otherwise null with a
                         reason. Cross-checked against a numpy float version.

Dependencies: Python standard library, numpy, krippendorff.
"""

import json
import sys
from collections import Counter, OrderedDict
from fractions import Fraction

import numpy as np
import krippendorff

TOL = 1e-12


def load(path):
    """Return (units, categories, package_input, meta).

    units: list of Counter(category -> count), one per unit (all units,
           including those with fewer than two values).
    package_input: ("reliability_data", matrix) or ("value_counts", matrix),
           built directly from the file, not from `units`.
    """
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    stripped = text.lstrip()
    doc = None
    if stripped.startswith("{"):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError:
            doc = None  # JSONL: several objects
    if doc is not None and "coders" in doc:
        coders = doc["coders"]
        names = list(coders)
        n_units = len(coders[names[0]])
        cats = list(doc.get("categories") or sorted({v for c in names for v in coders[c] if v is not None}))
        units = [Counter(coders[c][u] for c in names if coders[c][u] is not None) for u in range(n_units)]
        idx = {c: i for i, c in enumerate(cats)}
        mat = np.full((len(names), n_units), np.nan)
        for r, c in enumerate(names):
            for u, v in enumerate(coders[c]):
                if v is not None:
                    mat[r, u] = idx[v]
        n_judg = int(np.sum(~np.isnan(mat)))
        return units, cats, ("reliability_data", mat), {"format": "coders", "coders": len(names), "judgments": n_judg}
    if doc is not None and "counts" in doc:
        counts = doc["counts"]
        cats = list(doc.get("categories") or range(1, len(counts[0]) + 1))
        units = [Counter({cats[j]: n for j, n in enumerate(row) if n}) for row in counts]
        vc = np.array(counts, dtype=np.int64)
        return units, cats, ("value_counts", vc), {"format": "counts", "judgments": int(vc.sum())}
    # judgment rows
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    by_item = OrderedDict()
    seen = set()
    for r in rows:
        key = (r["item_id"], r["reviewer"])
        if key in seen:
            raise SystemExit(f"duplicate judgment for {key}")
        seen.add(key)
        by_item.setdefault(r["item_id"], []).append(r)
    cats = sorted({r["label"] for r in rows})
    units = [Counter(r["label"] for r in rs) for rs in by_item.values()]
    reviewers = sorted({r["reviewer"] for r in rows})
    ridx = {v: i for i, v in enumerate(reviewers)}
    cidx = {v: i for i, v in enumerate(cats)}
    iidx = {v: i for i, v in enumerate(by_item)}
    mat = np.full((len(reviewers), len(by_item)), np.nan)
    for r in rows:
        mat[ridx[r["reviewer"]], iidx[r["item_id"]]] = cidx[r["label"]]
    return units, cats, ("reliability_data", mat), {
        "format": "judgment rows (JSONL)",
        "reviewers": len(reviewers),
        "judgments": len(rows),
    }


def alpha_exact(units):
    """Nominal alpha from the coincidence matrix, exact.

    o_ck = sum_u (number of ordered c-k pairs of values in u) / (m_u - 1),
    n_c = sum_k o_ck, n = sum_c n_c,
    alpha = 1 - (n - 1) * (n - sum_c o_cc) / (n^2 - sum_c n_c^2).
    """
    o = {}
    for u in units:
        m = sum(u.values())
        if m < 2:
            continue
        for c, nc in u.items():
            for k, nk in u.items():
                pairs = nc * (nc - 1) if c == k else nc * nk
                if pairs:
                    o[(c, k)] = o.get((c, k), Fraction(0)) + Fraction(pairs, m - 1)
    n_c = {}
    for (c, _k), v in o.items():
        n_c[c] = n_c.get(c, Fraction(0)) + v
    n = sum(n_c.values(), Fraction(0))
    diag = sum((v for (c, k), v in o.items() if c == k), Fraction(0))
    denom = n * n - sum((v * v for v in n_c.values()), Fraction(0))
    if denom == 0:
        return None, n
    return 1 - (n - 1) * (n - diag) / denom, n


def percent_agreement_exact(units):
    num = den = 0
    for u in units:
        m = sum(u.values())
        if m < 2:
            continue
        num += sum(nc * (nc - 1) for nc in u.values())
        den += m * (m - 1)
    return Fraction(num, den) if den else None


def fleiss_exact(units, cats):
    ms = {sum(u.values()) for u in units}
    if len(ms) != 1:
        dist = Counter(sum(u.values()) for u in units)
        return None, (
            "Fleiss' kappa (Fleiss 1971) requires the same number of ratings m for every subject; "
            "here the number of ratings per item varies: "
            + ", ".join(f"{cnt} items with m={m}" for m, cnt in sorted(dist.items(), reverse=True))
        )
    (m,) = ms
    if m < 2:
        return None, "fewer than two ratings per subject"
    N = len(units)
    p_bar = sum((Fraction(sum(nc * nc for nc in u.values()) - m, m * (m - 1)) for u in units), Fraction(0)) / N
    p_j = [Fraction(sum(u.get(c, 0) for u in units), N * m) for c in cats]
    p_e = sum((p * p for p in p_j), Fraction(0))
    if p_e == 1:
        return None, "chance agreement is 1 (a single category used)"
    return (p_bar - p_e) / (1 - p_e), None


def fleiss_numpy(units, cats):
    x = np.array([[u.get(c, 0) for c in cats] for u in units], dtype=float)
    N, m = x.shape[0], x.sum(axis=1)[0]
    P_i = (np.sum(x * x, axis=1) - m) / (m * (m - 1))
    p_j = x.sum(axis=0) / (N * m)
    P_e = np.sum(p_j * p_j)
    return float((P_i.mean() - P_e) / (1 - P_e))


def frac_str(f):
    return None if f is None else f"{f.numerator}/{f.denominator}"


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    path = sys.argv[1]
    units, cats, (kind, mat), meta = load(path)

    a_exact, n_pairable = alpha_exact(units)
    a_pkg = float(krippendorff.alpha(**{kind: mat}, level_of_measurement="nominal"))
    if a_exact is None or abs(float(a_exact) - a_pkg) > TOL:
        print(f"MISMATCH: exact {a_exact} vs krippendorff package {a_pkg!r}", file=sys.stderr)
        sys.exit(1)

    pa = percent_agreement_exact(units)
    fk, fk_reason = fleiss_exact(units, cats)
    fk_np = None
    if fk is not None:
        fk_np = fleiss_numpy(units, cats)
        if abs(float(fk) - fk_np) > TOL:
            print(f"MISMATCH: Fleiss exact {fk} vs numpy {fk_np!r}", file=sys.stderr)
            sys.exit(1)

    m_dist = Counter(sum(u.values()) for u in units)
    out = OrderedDict()
    out["input"] = path
    out.update(meta)
    out["items"] = len(units)
    out["ratings_per_item"] = {str(m): c for m, c in sorted(m_dist.items(), reverse=True)}
    out["pairable_items"] = sum(c for m, c in m_dist.items() if m >= 2)
    out["pairable_values"] = int(n_pairable)
    out["categories"] = cats
    out["category_totals"] = {str(c): sum(u.get(c, 0) for u in units) for c in cats}
    out["krippendorff_alpha"] = float(a_exact)
    out["krippendorff_alpha_exact"] = frac_str(a_exact)
    out["krippendorff_alpha_package"] = a_pkg
    out["krippendorff_alpha_abs_diff"] = abs(float(a_exact) - a_pkg)
    out["percent_agreement"] = None if pa is None else float(pa)
    out["percent_agreement_exact"] = frac_str(pa)
    out["fleiss_kappa"] = None if fk is None else float(fk)
    out["fleiss_kappa_exact"] = frac_str(fk)
    out["fleiss_kappa_numpy"] = fk_np
    out["fleiss_kappa_reason"] = fk_reason
    out["versions"] = {
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "krippendorff": getattr(krippendorff, "__version__", None) or _dist_version("krippendorff"),
    }
    print(json.dumps(out, indent=1))


def _dist_version(name):
    try:
        from importlib.metadata import version
        return version(name)
    except Exception:  # pragma: no cover
        return None


if __name__ == "__main__":
    main()
