"""Makes fixtures/predictions/: a CIFAR-10H slice and two SYNTHETIC models' predictions for it,
with scipy's figures for both as the reference dissent's `eval` is tested against.

No public model predictions sit beside a multi-annotator panel in ../shared/data (CIFAR-10H's
repository publishes the human counts and probabilities only; ChaosNLI's keeps its model outputs
outside its repository). So the models here are made up, from a seeded generator, to stand for
the two kinds that seed 2 compares; they are not any real network's outputs:

- `hard`: a classifier trained on hard labels: 0.92 on the panel's plurality, with 15% of the
  items confidently on another label (0.9 there), the rest spread evenly; written as logits
  (the log of those probabilities) in the rubric's label order;
- `soft`: a classifier trained on the panel's distributions: the panel's shares mixed with 10%
  uniform and perturbed by a Dirichlet draw (concentration 200 × the mixed shares); written as
  `distribution` objects. It leaves out the slice's last item (to show a missing prediction).

    /tmp/pyref/bin/python tools/make_prediction_fixture.py ../shared/data/cifar10h.counts.jsonl

(numpy 2.4.6, scipy 1.17.1; seed 14.) Entropies are rounded to 12 decimals for Spearman, as dissent
ties entropies within 1e-12 (RANK_TIE): equal on paper, they differ in their last bits.
"""

import json
import sys
from pathlib import Path

import numpy as np
import scipy
from scipy.spatial.distance import jensenshannon
from scipy.stats import entropy, spearmanr, pearsonr

OUT = Path(__file__).parents[1] / "fixtures/predictions"
EPS = 1e-12
LABELS = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]

rows = [json.loads(l) for l in open(sys.argv[1])]
counts = np.array([[r["counts"][l] for l in LABELS] for r in rows], float)
shares = counts / counts.sum(1, keepdims=True)
h = np.array([entropy(p, base=2) for p in shares])
# the 20 first items of the file and the 20 most ambiguous (highest panel entropy), file order
pick = sorted(set(range(20)) | set(np.argsort(-h, kind="stable")[:20].tolist()))
rng = np.random.default_rng(14)

slice_lines, hard, soft = [], [], []
for i in pick:
    p = shares[i]
    slice_lines.append(json.dumps(rows[i]))
    top = int(p.argmax())
    if rng.random() < 0.15:
        top = int(rng.choice([k for k in range(10) if k != int(p.argmax())]))
        q = np.full(10, 0.1 / 9)
        q[top] = 0.9
    else:
        q = np.full(10, 0.08 / 9)
        q[top] = 0.92
    hard.append(q)
    mixed = 0.9 * p + 0.1 / 10
    soft.append(rng.dirichlet(200 * mixed))

(OUT / "cifar10h.slice.jsonl").write_text("\n".join(slice_lines) + "\n")
with open(OUT / "hard.jsonl", "w") as f:
    for i, q in zip(pick, hard):
        f.write(json.dumps({"item_id": rows[i]["item_id"], "logits": [round(float(x), 12) for x in np.log(q)]}) + "\n")
with open(OUT / "soft.jsonl", "w") as f:
    for i, q in list(zip(pick, soft))[:-1]:
        q = np.round(q, 12)
        q[-1] = 1 - q[:-1].sum()
        f.write(json.dumps({"item_id": rows[i]["item_id"], "distribution": dict(zip(LABELS, map(float, q)))}) + "\n")


def read_back(name):
    """The distributions as dissent reads them from the files just written."""
    out = {}
    for line in open(OUT / name):
        r = json.loads(line)
        if "logits" in r:
            x = np.array(r["logits"])
            e = np.exp(x - x.max())
            out[r["item_id"]] = e / e.sum()
        else:
            out[r["item_id"]] = np.array([r["distribution"][l] for l in LABELS])
    return out


def figures(model):
    kl, js, ph, mh = [], [], [], []
    for i in pick:
        q = model.get(rows[i]["item_id"])
        if q is None:
            continue
        p = shares[i]
        kl.append(entropy(p, np.clip(q, EPS, None)))
        js.append(jensenshannon(p, q, base=2) ** 2)
        ph.append(entropy(p, base=2))
        mh.append(entropy(q, base=2))
    return {
        "items": len(kl),
        "kl_mean": float(np.mean(kl)),
        "kl_sd": float(np.std(kl, ddof=1)),
        "js_mean": float(np.mean(js)),
        "pearson": float(pearsonr(ph, mh)[0]),
        "spearman": float(spearmanr(np.round(ph, 12), np.round(mh, 12))[0]),
    }


reference = {
    "command": "python3 tools/make_prediction_fixture.py ../shared/data/cifar10h.counts.jsonl",
    "versions": {"numpy": np.__version__, "scipy": scipy.__version__},
    "hard": figures(read_back("hard.jsonl")),
    "soft": figures(read_back("soft.jsonl")),
}
(OUT / "reference.json").write_text(json.dumps(reference, indent=1) + "\n")
print(json.dumps(reference, indent=1))
