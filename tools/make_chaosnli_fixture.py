"""Makes fixtures/predictions/chaosnli-mnli/: REAL model predictions on ChaosNLI-MNLI items (a
panel of 100 annotators each), for `dissent predictions import` and `dissent eval`, with scipy's
figures for both models as the reference `eval` is tested against.

Input: `source.jsonl` in that folder, the first 21 items (file order) of two published
prediction files of the repository TheGuy-26/chaosnli-deberta-modernbert (commit bcc95ca6),
`results/deberta_mnli_m_predictions.json` and `results/modernbert_mnli_m_predictions.json`,
transcribed field for field: the item's `uid`, ChaosNLI's `human_distribution` and
`human_entropy` (the same in both files), and each model's `model_distribution` and
`model_confidence`, in ChaosNLI's label order [entailment, neutral, contradiction]. The models:
`MoritzLaurer/DeBERTa-v3-large-mnli-fever-anli-ling-wanli` and `tasksource/ModernBERT-large-nli`,
run off the shelf by that repository's `src/evaluate_models.py`.

The transcription is checked here: the panel's entropy (bits) against the file's
`human_entropy` (1e-12), each model's top probability against its `model_confidence` (exact),
the counts (100 × the shares) against the shares, and each distribution's sum (ModernBERT's
float32 softmax within 1e-6; DeBERTa's is float16, within 2e-3).

Output:
- `counts.jsonl`: the panels as label counts (ChaosNLI's 100 annotators: 100 × its shares);
- `deberta.jsonl`, `modernbert.jsonl`: `probs` in ChaosNLI's order, each divided by its sum
  (DeBERTa's float16 outputs sum to 1 within 2e-3 only; dissent asks 1e-6), to be imported with
  `--labels entailment,neutral,contradiction`;
- `reference.json`: scipy's figures for both, by tools/reference/divergence_reference.py's
  `model_figures`, on the distributions as written.

    /tmp/pyref/bin/python tools/make_chaosnli_fixture.py
"""

import json
import sys
from pathlib import Path

import numpy as np
import scipy
from scipy.stats import entropy

sys.path.insert(0, str(Path(__file__).parent / "reference"))
from divergence_reference import model_figures  # noqa: E402

OUT = Path(__file__).parents[1] / "fixtures/predictions/chaosnli-mnli"
LABELS = ["entailment", "neutral", "contradiction"]
MODELS = {"deberta": 2e-3, "modernbert": 1e-6}

rows = [json.loads(line) for line in open(OUT / "source.jsonl")]
items = []
for r in rows:
    p = np.array(r["human_distribution"])
    assert abs(entropy(p, base=2) - r["human_entropy"]) < 1e-12, r["uid"]
    counts = [int(round(100 * x)) for x in p]
    assert sum(counts) == 100 and np.allclose(np.array(counts) / 100, p, atol=1e-12), r["uid"]
    item = {"uid": r["uid"], "counts": counts}
    for name, tolerance in MODELS.items():
        q = np.array(r[name])
        assert q.max() == r[f"{name}_confidence"], (r["uid"], name)
        assert abs(q.sum() - 1) < tolerance, (r["uid"], name, q.sum())
        item[name] = (q / q.sum()).tolist()
    items.append(item)

with open(OUT / "counts.jsonl", "w") as f:
    for it in items:
        f.write(
            json.dumps(
                {
                    "item_id": f"chaosnli-{it['uid']}",
                    "task": "nli",
                    "counts": dict(zip(LABELS, it["counts"])),
                    "chaosnli_uid": it["uid"],
                }
            )
            + "\n"
        )
for name in MODELS:
    with open(OUT / f"{name}.jsonl", "w") as f:
        for it in items:
            f.write(json.dumps({"item_id": f"chaosnli-{it['uid']}", "probs": it[name]}) + "\n")


def read_back(name):
    """The items with `name`'s distributions as dissent reads them from the file just written."""
    probs = {}
    for line in open(OUT / f"{name}.jsonl"):
        r = json.loads(line)
        probs[r["item_id"]] = r["probs"]
    return [{"counts": it["counts"], name: probs[f"chaosnli-{it['uid']}"]} for it in items]


reference = {
    "command": "/tmp/pyref/bin/python tools/make_chaosnli_fixture.py",
    "versions": {"numpy": np.__version__, "scipy": scipy.__version__},
}
for name in MODELS:
    figures = model_figures(name, read_back(name))
    del figures["items"]
    reference[name] = {"items": len(items), **figures}
(OUT / "reference.json").write_text(json.dumps(reference, indent=1) + "\n")
print(json.dumps(reference, indent=1))
