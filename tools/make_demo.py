#!/usr/bin/env python3
"""Writes fixtures/demo/demo.jsonl: the console's embedded demo batch (judgment rows,
tumor_severity_grade). Deterministic: run it again to regenerate the same file.

It shows every state a newcomer should meet: the seed's mri-2031, a rubric problem, a genuine
ambiguity, an agreement, a gold miss and a gold hit, an item with no reported confidence, a
low-coverage item, hostile escape sequences in evidence, and ordinary items to scroll."""
import json
import random
from pathlib import Path

rng = random.Random(2031)
POOL = ["A. Okafor", "B. Lindqvist", "C. Haddad", "D. Moreau", "E. Tanaka", "F. Novak", "G. Silva", "H. Mensah"]
LABELS = ["mild", "moderate", "severe"]
EVIDENCE = {
    "mild": ["lesion 11 mm, no edema", "sub-threshold on the strict reading", "no mass effect, margins clean"],
    "moderate": ["lesion 18 mm > 15 mm threshold", "size + parietal location", "22 mm on axial, edema confined"],
    "severe": ["edema visible in T2-FLAIR", "34 mm with midline shift", "mass effect on the ventricle"],
}
rows = []


def item(item_id, summary, judgments, gold=None):
    for reviewer, label, conf, *evidence in judgments:
        row = {"item_id": item_id, "task": "tumor_severity_grade", "reviewer": reviewer, "label": label}
        if conf is not None:
            row["confidence"] = conf
        row["evidence"] = evidence[0] if evidence else rng.choice(EVIDENCE[label])
        row["summary"] = summary
        row["scan"] = f"MRI brain, T1/T2-FLAIR, study {item_id.split('-')[1]}"
        if gold:
            row["gold_label"] = gold
        rows.append(row)


item("mri-2031", "Parietal lesion, 18 mm on the standard view; possible perilesional edema on T2-FLAIR only.", [
    ("A", "moderate", 4.2, "lesion 18mm > 15mm threshold"),
    ("B", "moderate", 4.6, "size + parietal location"),
    ("C", "severe", 4.8, "edema visible in T2-FLAIR"),
    ("D", "mild", 2.6, "strict reading sub-threshold"),
])
item("mri-2032", "Irregular frontal lesion; the rubric's size thresholds do not say which view to measure on.", [
    ("A. Okafor", "mild", 1.5, "unclear which view the threshold uses"),
    ("B. Lindqvist", "moderate", 2, "measured on coronal, guessing"),
    ("C. Haddad", "severe", 1, "irregular margin, rubric silent on it"),
    ("D. Moreau", "moderate", 2, "borderline; rubric ambiguous"),
    ("E. Tanaka", "mild", 1.5, "not sure the edema counts"),
])
item("mri-2033", "Temporal lesion 29 mm with faint edema: both moderate and severe are defensible readings.", [
    ("A. Okafor", "moderate", 4.5, "29 mm, under the 30 mm line"),
    ("B. Lindqvist", "severe", 5, "edema extends beyond the margin"),
    ("C. Haddad", "moderate", 4.5, "edema confined on my reading"),
    ("D. Moreau", "severe", 4.8, "edema on two slices"),
])
item("mri-2034", "Small occipital lesion, 8 mm, no edema, no mass effect.", [
    (r, "mild", 4.6 + 0.1 * i) for i, r in enumerate(POOL[:5])
])
item("mri-2035", "Gold item (pathology-confirmed severe): 31 mm lesion, edema subtle on the standard view.", [
    ("A. Okafor", "moderate", 4, "looks under 30 mm to me"),
    ("B. Lindqvist", "moderate", 3.8),
    ("C. Haddad", "severe", 4.4, "31 mm on the long axis"),
    ("F. Novak", "moderate", 4),
], gold="severe")
item("mri-2036", "Gold item (confirmed mild): 9 mm lesion, clean margins.", [
    (r, "mild", 4.5) for r in POOL[2:6]
], gold="mild")
item("mri-2037", "Legacy panel imported without confidence scores.", [
    ("G. Silva", "mild", None), ("H. Mensah", "severe", None), ("A. Okafor", "moderate", None), ("B. Lindqvist", "severe", None),
])
item("mri-2038", "Only two reviewers have read this scan so far.", [
    ("C. Haddad", "moderate", 4), ("D. Moreau", "moderate", 4.2),
])
item("mri-2039", "Report pasted from another system: its evidence holds terminal escape sequences.", [
    ("E. Tanaka", "moderate", 4, "\u001b]0;pwned\u0007 see \u001b[2J\u001b[H report\r overwritten \u0007 bell"),
    ("F. Novak", "moderate", 4.2),
    ("G. Silva", "severe", 3.5),
])
for n in range(2001, 2031):
    base = rng.choice(LABELS)
    k = rng.choice([3, 4, 5, 5])
    reviewers = rng.sample(POOL, k)
    spread = rng.random()
    judgments = []
    for r in reviewers:
        label = base if rng.random() > spread * 0.6 else rng.choice(LABELS)
        judgments.append((r, label, round(rng.uniform(2.5, 5), 1)))
    item(f"mri-{n}", f"Routine follow-up scan {n}: {rng.choice(['frontal', 'parietal', 'temporal', 'occipital'])} lesion.", judgments)

out = Path(__file__).resolve().parent.parent / "fixtures" / "demo" / "demo.jsonl"
out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
print(f"wrote {len(rows)} rows to {out}")
