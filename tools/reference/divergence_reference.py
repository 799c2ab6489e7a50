"""Reference values for src/domain/divergence.rs from scipy, on fixtures/divergence/items.json.

    python3 -m venv /tmp/pyref && /tmp/pyref/bin/pip install numpy scipy
    /tmp/pyref/bin/python tools/reference/divergence_reference.py > fixtures/divergence/reference.json

`model_figures` is also the reference of tools/make_chaosnli_fixture.py.

Zero model probabilities are clipped at 1e-12 before KL and cross-entropy (scipy normalizes the
clipped vector, as dissent does). JS is scipy's distance squared (the divergence), base 2. The
standard deviation is the sample one (ddof=1). Accuracy leaves out items whose panel plurality or
model top label is tied. Entropies are rounded to 12 decimals for Spearman (dissent's RANK_TIE).
"""

import json
import sys
from pathlib import Path

import numpy as np
import scipy
from scipy.spatial.distance import jensenshannon
from scipy.stats import entropy, pearsonr, spearmanr

EPS = 1e-12


def top(v):
    v = np.asarray(v, dtype=float)
    m = v.max()
    return int(v.argmax()) if (v == m).sum() == 1 else None


def model_figures(name, items):
    rows = []
    for it in items:
        p = np.asarray(it["counts"], float)
        p = p / p.sum()
        q = np.asarray(it[name], float)
        qc = np.clip(q, EPS, None)
        rows.append(
            {
                "kl": float(entropy(p, qc)),
                "js": float(jensenshannon(p, q, base=2) ** 2),
                "tv": float(0.5 * np.abs(p - q).sum()),
                "ce": float(entropy(p) + entropy(p, qc)),
                "panel_h": float(entropy(p, base=2)),
                "model_h": float(entropy(q, base=2)),
                "hit": None if top(p) is None or top(q) is None else top(p) == top(q),
                "clipped": bool(((p > 0) & (q < EPS)).any()),
            }
        )
    kl = np.array([r["kl"] for r in rows])
    hits = [r["hit"] for r in rows if r["hit"] is not None]
    ph = [r["panel_h"] for r in rows]
    mh = [r["model_h"] for r in rows]
    return {
        "items": rows,
        "kl_mean": float(kl.mean()),
        "kl_sd": float(kl.std(ddof=1)),
        "clipped_items": sum(r["clipped"] for r in rows),
        "js_mean": float(np.mean([r["js"] for r in rows])),
        "tv_mean": float(np.mean([r["tv"] for r in rows])),
        "cross_entropy_mean": float(np.mean([r["ce"] for r in rows])),
        "accuracy": float(np.mean(hits)),
        "tied_items": len(rows) - len(hits),
        "pearson": float(pearsonr(ph, mh)[0]),
        "spearman": float(spearmanr(np.round(ph, 12), np.round(mh, 12))[0]),
    }


if __name__ == "__main__":
    data = json.loads((Path(__file__).parents[2] / "fixtures/divergence/items.json").read_text())
    out = {
        "command": "python3 tools/reference/divergence_reference.py",
        "versions": {"numpy": np.__version__, "scipy": scipy.__version__},
        "first": model_figures("first", data["items"]),
        "second": model_figures("second", data["items"]),
        "major_first": model_figures("first", [i for i in data["items"] if i["class"] == "major"]),
    }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")
