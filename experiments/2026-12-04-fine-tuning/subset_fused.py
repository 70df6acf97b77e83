#!/usr/bin/env python3
"""`subset_cv.py` for networks with their prosody head, as the bundled model predicts: per fold,
accuracy and UAR on the clips of the chosen labels when network and head choose among every
label, and among the chosen ones only (`--labels`), from the fused logits of
`../2026-12-04-prosody/fuse_cv.py` (each fold's head fitted on its training actors).

    python3 subset_fused.py HEADS STATS WEIGHT CV.json neutral,happy,sad,angry
"""
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../2026-12-04-prosody"))
from fuse_cv import fold_rows, fused_logits  # noqa: E402

heads, stats_path, weight, record_path, chosen = sys.argv[1:]
chosen = chosen.split(",")
stats = json.load(open(stats_path))
per_fold = fold_rows([{f["fold"]: f for f in json.load(open(record_path))["folds"]}], heads, stats)


def scores(truth, labels, logits, allowed):
    """Accuracy and UAR (%) over the clips of the chosen labels, argmax over `allowed`."""
    hits = {l: [0, 0] for l in chosen}
    for y, row in zip(truth, logits):
        if y in chosen:
            best = max(allowed, key=lambda i: row[i])
            hits[y][0] += labels[best] == y
            hits[y][1] += 1
    n = sum(t for _, t in hits.values())
    return 100 * sum(h for h, _ in hits.values()) / n, 100 * statistics.mean(h / t for h, t in hits.values())


rows = []
print(f"fold | every label | the {len(chosen)} chosen (accuracy / UAR, %, head weight {weight})")
for k, fold in per_fold.items():
    truth, labels = fold[:2]
    logits = fused_logits(fold, float(weight))
    every = scores(truth, labels, logits, range(len(labels)))
    some = scores(truth, labels, logits, [labels.index(l) for l in chosen])
    rows.append(every + some)
    print(f"{k} | {every[0]:.1f} / {every[1]:.1f} | {some[0]:.1f} / {some[1]:.1f}")
m = [statistics.mean(c) for c in zip(*rows)]
sd = [statistics.stdev(c) for c in zip(*rows)]
print(f"mean | {m[0]:.1f} ± {sd[0]:.1f} / {m[1]:.1f} | {m[2]:.1f} ± {sd[2]:.1f} / {m[3]:.1f}")
