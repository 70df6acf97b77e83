#!/usr/bin/env python3
"""What an ensemble of `ser cv` runs would score, fold by fold, without training anything.

Each run's cv.json records every test clip's logits (`test_clips`). For every fold that all the
runs hold, the ensemble's probabilities are the mean of the runs' softmax probabilities (at
temperature 1); its accuracy and UAR are printed beside each member's, then every column's mean
over the folds and the ensemble's mean ± sd. Runs of one recipe with different seeds measure
what averaging seeds gains; runs of different recipes, what combining them gains.

    python3 tools/ensemble_cv.py experiments/A/cv.json experiments/B/cv.json [...]
"""
import json
import math
import statistics
import sys


def folds(path):
    with open(path) as f:
        record = json.load(f)
    return {fold["fold"]: fold for fold in record["folds"] if "test_clips" in fold}


def softmax(logits):
    top = max(logits)
    exps = [math.exp(v - top) for v in logits]
    total = sum(exps)
    return [e / total for e in exps]


def scores(truth, predicted):
    """Accuracy and UAR (mean recall over the classes present) in percent."""
    correct = sum(t == p for t, p in zip(truth, predicted))
    recalls = []
    for label in sorted(set(truth)):
        hits = [p == label for t, p in zip(truth, predicted) if t == label]
        recalls.append(sum(hits) / len(hits))
    return 100 * correct / len(truth), 100 * sum(recalls) / len(recalls)


def ensemble(members, labels):
    """The label of the largest mean probability, clip by clip."""
    out = []
    for rows in zip(*members):
        probs = [softmax(row["logits"]) for row in rows]
        mean = [sum(p[i] for p in probs) / len(probs) for i in range(len(labels))]
        out.append(labels[max(range(len(labels)), key=mean.__getitem__)])
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    runs = [folds(path) for path in sys.argv[1:]]
    shared = sorted(set.intersection(*(set(r) for r in runs)))
    if not shared:
        sys.exit("the runs have no fold with recorded test clips in common")
    names = " ".join(f"{'run ' + str(i + 1):<11}" for i in range(len(runs)))
    print(f"fold  {names} ensemble     (accuracy / UAR, %)")
    rows = []
    for k in shared:
        members = [run[k]["test_clips"] for run in runs]
        keys = [[(c["path"], c["label"]) for c in clips] for clips in members]
        if any(key != keys[0] for key in keys[1:]):
            sys.exit(f"fold {k}: the runs tested different clips")
        truth = [c["label"] for c in members[0]]
        # Every fold's test report names the label order of its logits; runs joined by
        # tools/merge_cv.py carry no pooled report, so the fold's own is read.
        labels = runs[0][k]["test"]["labels"]
        if any(run[k]["test"]["labels"] != labels for run in runs[1:]):
            sys.exit(f"fold {k}: the runs order their labels differently")
        single = [scores(truth, [c["predicted"] for c in clips]) for clips in members]
        combined = scores(truth, ensemble(members, labels))
        rows.append(single + [combined])
        cells = " ".join(f"{a:5.1f}/{u:5.1f}" for a, u in single)
        print(f"{k:>4}  {cells} {combined[0]:5.1f}/{combined[1]:5.1f}")
    # Each column (members, then the ensemble) averaged over the folds.
    means = [[statistics.mean(r[j][i] for r in rows) for i in range(2)] for j in range(len(rows[0]))]
    print(f"mean  {' '.join(f'{a:5.1f}/{u:5.1f}' for a, u in means)}")
    if len(rows) > 1:
        sd = [statistics.stdev(r[-1][i] for r in rows) for i in range(2)]
        print(
            f"ensemble over {len(rows)} folds: accuracy {means[-1][0]:.1f} ± {sd[0]:.1f} %, "
            f"UAR {means[-1][1]:.1f} ± {sd[1]:.1f} % (sd over folds)"
        )
    # The mean over folds of (ensemble minus the mean of its members), by linearity.
    mean_gain = [means[-1][i] - statistics.mean(m[i] for m in means[:-1]) for i in range(2)]
    print(
        f"ensemble minus the mean of its members over {len(rows)} fold(s): "
        f"accuracy {mean_gain[0]:+.1f}, UAR {mean_gain[1]:+.1f} points"
    )


if __name__ == "__main__":
    main()
