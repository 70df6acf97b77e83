#!/usr/bin/env python3
"""Cross-validated scores of networks with a prosody head, from recorded test logits.

Each fold's head is the `prosody.json` that `ser prosody` fitted on that fold's 16 training
actors (HEADS/fold{F}/prosody.json); STATS holds every clip's prosodic statistics as
`cargo run --release -p ser-model --example prosody_stats` prints them (the same measures the
model applies). A clip's fused logits are log p_networks + w · log p_head, exactly as
`EmotionModel::logits` adds them; with several records the networks' probabilities are averaged
first, as an ensemble averages them. Prints accuracy / UAR per fold at the fixed weight, the mean
over folds for weights 0-1.5, and the nested estimate: each fold scored at the weight best on
the other four.

    python3 fuse_cv.py --heads /tmp/pf/heads --stats stats.json --weight 0.6 A/cv.json [B/cv.json ...]
"""
import argparse
import json
import math
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tools"))
from ensemble_cv import ensemble, folds, percent, scores  # noqa: E402


def head_log_p(head, stats):
    """The head's log-probabilities for one clip's statistics, as ProsodyHead computes them."""
    z = [(x - m) / s for x, m, s in zip(stats, head["mean"], head["scale"])]
    row = [b + sum(w * v for w, v in zip(coef, z)) for coef, b in zip(head["coef"], head["intercept"])]
    top = max(row)
    log_sum = math.log(sum(math.exp(v - top) for v in row)) + top
    return [v - log_sum for v in row]


def fold_rows(runs, heads, stats):
    """Per fold: the true labels, the labels, the log of the networks' mean probabilities and the
    head's log-probabilities, clip by clip."""
    out = {}
    for k in sorted(set.intersection(*(set(run) for run in runs))):
        members = [run[k]["test_clips"] for run in runs]
        labels = runs[0][k]["test"]["labels"]
        with open(f"{heads}/fold{k}/prosody.json") as f:
            head = json.load(f)
        assert head["labels"] == labels, f"fold {k}: the head orders its labels differently"
        networks = [[math.log(max(p, 1e-38)) for p in row] for row in ensemble(members, labels)]
        evidence = [head_log_p(head, stats["/".join(c["path"].split("/")[-2:])]) for c in members[0]]
        out[k] = ([c["label"] for c in members[0]], labels, networks, evidence)
    return out


def fused_scores(fold, w):
    """Accuracy and UAR (%) of log p_networks + w · log p_head."""
    truth, labels, networks, evidence = fold
    predicted = [
        labels[max(range(len(labels)), key=lambda i: net[i] + w * pros[i])]
        for net, pros in zip(networks, evidence)
    ]
    return percent(scores(truth, predicted))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--heads", required=True)
    ap.add_argument("--stats", required=True)
    ap.add_argument("--weight", type=float, required=True)
    ap.add_argument("records", nargs="+")
    a = ap.parse_args()
    with open(a.stats) as f:
        stats = json.load(f)
    per_fold = fold_rows([folds(path)[1] for path in a.records], a.heads, stats)
    for k, fold in per_fold.items():
        print("fold %d: networks %.1f / %.1f, with the head %.1f / %.1f" % (k, *fused_scores(fold, 0), *fused_scores(fold, a.weight)))
    for w in (0.0, a.weight):
        accs, uars = zip(*(fused_scores(fold, w) for fold in per_fold.values()))
        print("w %.1f: %.1f ± %.1f / %.1f" % (w, statistics.mean(accs), statistics.stdev(accs), statistics.mean(uars)))
    grid = [i / 10 for i in range(16)]
    mean_accuracy = lambda w, fs: statistics.mean(fused_scores(f, w)[0] for f in fs)  # noqa: E731
    print("mean accuracy by weight: " + " ".join("%.1f:%.1f" % (w, mean_accuracy(w, per_fold.values())) for w in grid))
    nested = []
    for k, fold in per_fold.items():
        others = [f for g, f in per_fold.items() if g != k]
        w = max(grid, key=lambda w: mean_accuracy(w, others))
        nested.append((w, *fused_scores(fold, w)))
    print("nested: weights %s, %.1f ± %.1f / %.1f" % ([w for w, _, _ in nested], statistics.mean(a for _, a, _ in nested), statistics.stdev(a for _, a, _ in nested), statistics.mean(u for _, _, u in nested)))


main()
