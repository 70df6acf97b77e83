#!/usr/bin/env python3
"""What an ensemble of `ser cv` runs would score, fold by fold, without training anything.

Each run's cv.json records every test clip's logits (`test_clips`). For every fold that all the
runs hold, the ensemble's probabilities are the mean of the runs' softmax probabilities (at
temperature 1); its accuracy and UAR are printed beside each member's, then every column's mean
over the folds and the ensemble's mean ± sd. Runs of one recipe with different seeds measure
what averaging seeds gains; runs of different recipes, what combining them gains.

    python3 tools/ensemble_cv.py experiments/A/cv.json experiments/B/cv.json [...]
    python3 tools/ensemble_cv.py --metrics MODEL/metrics.json A/cv.json B/cv.json [...]

With `--metrics`, the ensemble's scores of every fold (accuracy, UAR, macro-F1 and expected
calibration error at temperature 1, as `ser cv` computes them) are also written into that
metrics.json as its `cross_validation` entry, the one the web page and `/api/v1/model` report;
the file is replaced whole by a rename, never left half-written.
"""
import json
import math
import os
import statistics
import sys

# Confidence bins of the calibration error, as ser's (15 equal-width bins of the top probability).
ECE_BINS = 15


def folds(path):
    """A record's fold count and its folds that hold test clips, by number."""
    with open(path) as f:
        record = json.load(f)
    held = {fold["fold"]: fold for fold in record["folds"] if "test_clips" in fold}
    # Records written by fold_clips.py name no fold count; their folds are those they hold.
    return record.get("folds_total", len(held)), held


def softmax(logits):
    top = max(logits)
    exps = [math.exp(v - top) for v in logits]
    total = sum(exps)
    return [e / total for e in exps]


def scores(truth, predicted):
    """Accuracy, UAR and macro-F1 (means over the classes present), as fractions, as ser's
    metrics compute them."""
    correct = sum(t == p for t, p in zip(truth, predicted))
    recalls, f1s = [], []
    for label in sorted(set(truth)):
        hits = sum(t == p == label for t, p in zip(truth, predicted))
        said = sum(p == label for p in predicted)
        recall = hits / sum(t == label for t in truth)
        precision = hits / said if said else 0.0
        recalls.append(recall)
        f1s.append(2 * precision * recall / (precision + recall) if hits else 0.0)
    return correct / len(truth), sum(recalls) / len(recalls), sum(f1s) / len(f1s)


def percent(fold_scores):
    """Accuracy and UAR of `scores` in percent, as the tables print them (rounded off the
    float error of the fraction, so that a half such as 153/240 = 63.75 % prints as 63.8)."""
    return round(100 * fold_scores[0], 9), round(100 * fold_scores[1], 9)


def ece(truth, probs, labels):
    """Expected calibration error of probability rows (fraction), as ser computes it."""
    bins = [[0.0, 0] for _ in range(ECE_BINS)]  # confidence sum, correct clips
    for label, row in zip(truth, probs):
        best = max(range(len(row)), key=row.__getitem__)
        b = bins[min(int(row[best] * ECE_BINS), ECE_BINS - 1)]
        b[0] += row[best]
        b[1] += labels[best] == label
    return sum(abs(conf - correct) for conf, correct in bins) / len(truth)


def ensemble(members, labels):
    """The mean probabilities of the members, clip by clip."""
    out = []
    for rows in zip(*members):
        probs = [softmax(row["logits"]) for row in rows]
        out.append([sum(p[i] for p in probs) / len(probs) for i in range(len(labels))])
    return out


def top_labels(probs, labels):
    """The label of the largest probability of each row."""
    return [labels[max(range(len(labels)), key=row.__getitem__)] for row in probs]


def add_fold(summary, truth, probs, labels):
    """Appends one fold's accuracy, UAR, macro-F1 (fractions) and ECE of `probs`, the per-fold
    scores `ser cv` records, to `summary`'s lists; returns the three scores."""
    fold_scores = scores(truth, top_labels(probs, labels))
    for key, value in zip(["accuracy", "uar", "macro_f1"], fold_scores):
        summary[key].append(value)
    summary["ece"].append(ece(truth, probs, labels))
    return fold_scores


def write_summary(path, records, fold_count, shared, summary, command, seeds=()):
    """Sets `path`'s (a model's metrics.json) `cross_validation` entry to `summary`, the scores
    of the networks of `records` (with `seeds` when they are seeds of one recipe), made by
    `command`."""
    with open(path) as f:
        metrics = json.load(f)
    metrics["cross_validation"] = {
        "folds": fold_count,
        "seeds": list(seeds),
        "members": records,
        "fold_numbers": shared,
        "command": command,
        **summary,
    }
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(metrics, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def main():
    args = sys.argv[1:]
    metrics_path = None
    if args[:1] == ["--metrics"]:
        metrics_path, args = args[1], args[2:]
    if len(args) < 2:
        sys.exit(__doc__)
    fold_counts, runs = zip(*(folds(path) for path in args))
    shared = sorted(set.intersection(*(set(r) for r in runs)))
    if not shared:
        sys.exit("the runs have no fold with recorded test clips in common")
    names = " ".join(f"{'run ' + str(i + 1):<11}" for i in range(len(runs)))
    print(f"fold  {names} ensemble     (accuracy / UAR, %)")
    rows = []
    summary = {"accuracy": [], "uar": [], "macro_f1": [], "ece": []}
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
        single = [percent(scores(truth, [c["predicted"] for c in clips])) for clips in members]
        combined = percent(add_fold(summary, truth, ensemble(members, labels), labels))
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
    if metrics_path:
        # At temperature 1 (the ensemble's), so the calibrated and raw errors are one.
        summary["ece_uncalibrated"] = summary["ece"]
        # The ensemble's networks come from the records, not from seeds of one recipe.
        command = f"python3 tools/ensemble_cv.py --metrics {metrics_path} " + " ".join(args)
        write_summary(metrics_path, args, fold_counts[0], shared, summary, command)
        print(f"wrote the ensemble's cross_validation into {metrics_path}")


if __name__ == "__main__":
    main()
