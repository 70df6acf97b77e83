#!/usr/bin/env python3
"""What answering with fewer labels (`--labels`, `ser eval --only-corpus-labels`) does on a
whole cross-validation, from the test logits a `ser cv` record keeps: per fold, the accuracy and
UAR on the clips of the chosen labels when the network chooses among all its labels, and when
it chooses among the chosen ones only.

    python3 subset_cv.py CV.json neutral,happy,sad,angry
"""
import json
import statistics
import sys

record = json.load(open(sys.argv[1]))
chosen = sys.argv[2].split(",")
labels = record["pooled"]["labels"]
keep = [labels.index(l) for l in chosen]


def scores(clips, allowed):
    """Accuracy and UAR (%) of clips whose label is chosen, argmax over `allowed` outputs."""
    hits = {l: [0, 0] for l in chosen}
    for clip in clips:
        if clip["label"] not in chosen:
            continue
        best = max(allowed, key=lambda i: clip["logits"][i])
        hits[clip["label"]][0] += labels[best] == clip["label"]
        hits[clip["label"]][1] += 1
    n = sum(t for _, t in hits.values())
    accuracy = 100 * sum(h for h, _ in hits.values()) / n
    uar = 100 * statistics.mean(h / t for h, t in hits.values() if t)
    return accuracy, uar


rows = []
print(f"fold | all {len(labels)} labels | the {len(chosen)} chosen")
for fold in record["folds"]:
    every = scores(fold["test_clips"], range(len(labels)))
    some = scores(fold["test_clips"], keep)
    rows.append(every + some)
    print(f"{fold['fold']} | {every[0]:.1f} / {every[1]:.1f} | {some[0]:.1f} / {some[1]:.1f}")
means = [statistics.mean(c) for c in zip(*rows)]
sds = [statistics.stdev(c) for c in zip(*rows)]
print(
    f"mean | {means[0]:.1f} ± {sds[0]:.1f} / {means[1]:.1f} | "
    f"{means[2]:.1f} ± {sds[2]:.1f} / {means[3]:.1f}"
)
