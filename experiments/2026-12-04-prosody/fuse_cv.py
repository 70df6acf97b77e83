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

With `--fit-temperature`, a softmax temperature for the fused logits is also fitted (least
negative log-likelihood, as ser's `fit_temperature`): per fold on the other four folds' clips,
whose expected calibration error (ECE) on the fold itself is printed beside the ECE at
temperature 1, and on all five folds, the temperature a model of this recipe would carry.

With `--metrics MODEL/metrics.json`, the fused scores at the fixed weight (accuracy, UAR,
macro-F1 and the ECE of the fused probabilities, per fold) become that model's
`cross_validation` entry, the one the web page's About line and `/api/v1/model` report, so a
model that carries a head reports what networks and head score together. The keys mean what
`ser cv`'s do: `ece` and `ece_uncalibrated` at temperature 1 (the fold models'), and with
`--fit-temperature` `ece_cross_fitted` at each fold's nested temperature and `temperature` the
one fitted on all folds; a record joined from runs of one fold each says each fold's seed
(`fold_seeds`), and the entry keeps it.

    python3 fuse_cv.py --heads /tmp/pf/heads --stats stats.json --weight 0.6 [--fit-temperature] \
        [--metrics M] A/cv.json [B/cv.json ...]
"""
import argparse
import json
import math
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tools"))
from ensemble_cv import add_fold, ece, ensemble, folds, percent, scores, softmax, top_labels, write_summary  # noqa: E402


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


def fused_logits(fold, w):
    """log p_networks + w · log p_head, clip by clip."""
    _, _, networks, evidence = fold
    return [[n + w * p for n, p in zip(net, pros)] for net, pros in zip(networks, evidence)]


def fused_scores(fold, w):
    """Accuracy and UAR (%) of the fused logits."""
    truth, labels = fold[:2]
    return percent(scores(truth, top_labels(fused_logits(fold, w), labels)))


def nll(rows, t):
    """Mean negative log-likelihood of (true label index, logits) rows at temperature `t`."""
    total = 0.0
    for y, row in rows:
        z = [v / t for v in row]
        top = max(z)
        total += math.log(sum(math.exp(v - top) for v in z)) + top - z[y]
    return total / len(rows)


def fit_temperature(rows):
    """The temperature of least NLL: golden-section search on 1/T in [0.05, 20], as
    ser_train::calibration::fit_temperature searches."""
    g = (5**0.5 - 1) / 2
    lo, hi = 1 / 20, 1 / 0.05
    a, b = hi - g * (hi - lo), lo + g * (hi - lo)
    fa, fb = nll(rows, 1 / a), nll(rows, 1 / b)
    for _ in range(80):
        if fa <= fb:
            hi, b, fb = b, a, fa
            a = hi - g * (hi - lo)
            fa = nll(rows, 1 / a)
        else:
            lo, a, fa = a, b, fb
            b = lo + g * (hi - lo)
            fb = nll(rows, 1 / b)
    return 1 / (0.5 * (lo + hi))


def temperatures(per_fold, w):
    """Per fold, the temperature fitted on the other folds' fused logits; and the one of all."""
    rows = {}
    for k, fold in per_fold.items():
        labels = fold[1]
        rows[k] = [(labels.index(y), row) for y, row in zip(fold[0], fused_logits(fold, w))]
    nested = {k: fit_temperature([r for g, rs in rows.items() if g != k for r in rs]) for k in rows}
    return nested, fit_temperature([r for rs in rows.values() for r in rs])


def summary(per_fold, w, nested_t=None):
    """Accuracy, UAR, macro-F1 (fractions) and calibration error of each fold at weight `w`, the
    scores `ser cv` records, of the fused probabilities (the softmax of the fused logits: at 1
    for `ece` and `ece_uncalibrated`, at each fold's temperature in `nested_t`, when given, for
    `ece_cross_fitted`)."""
    out = {"accuracy": [], "uar": [], "macro_f1": [], "ece": []}
    if nested_t:
        out["ece_cross_fitted"] = []
    for k, fold in per_fold.items():
        truth, labels = fold[:2]
        logits = fused_logits(fold, w)
        add_fold(out, truth, [softmax(row) for row in logits], labels)
        if nested_t:
            t = nested_t[k]
            out["ece_cross_fitted"].append(ece(truth, [softmax([v / t for v in row]) for row in logits], labels))
    out["ece_uncalibrated"] = out["ece"]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--heads", required=True)
    ap.add_argument("--stats", required=True)
    ap.add_argument("--weight", type=float, required=True)
    ap.add_argument("--fit-temperature", action="store_true")
    ap.add_argument("--metrics")
    ap.add_argument("records", nargs="+")
    a = ap.parse_args()
    with open(a.stats) as f:
        stats = json.load(f)
    runs = [folds(path) for path in a.records]
    per_fold = fold_rows([held for _, held in runs], a.heads, stats)
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
    nested_t, temperature = temperatures(per_fold, a.weight) if a.fit_temperature else (None, 1.0)
    fused = summary(per_fold, a.weight, nested_t)
    if a.fit_temperature:
        for k, e1, et in zip(per_fold, fused["ece"], fused["ece_cross_fitted"]):
            print("fold %d: temperature %.2f (other folds), ECE %.1f %% at 1, %.1f %% at it" % (k, nested_t[k], 100 * e1, 100 * et))
        print("mean ECE: %.1f %% at 1, %.1f %% at the nested temperatures; on all folds: temperature %.3f" % (100 * statistics.mean(fused["ece"]), 100 * statistics.mean(fused["ece_cross_fitted"]), temperature))
    if a.metrics:
        # One record is one recipe's networks (its seeds); several are an ensemble of records.
        seeds, fold_seeds = [], {}
        if len(a.records) == 1:
            with open(a.records[0]) as f:
                record = json.load(f)
            seeds = record.get("seeds", [])
            # A record joined from runs of different seeds, one per fold, says each fold's.
            if "fold_seeds" in record:
                fold_seeds = {"fold_seeds": record["fold_seeds"]}
        command = "python3 experiments/2026-12-04-prosody/fuse_cv.py " + " ".join(sys.argv[1:])
        fused = {"prosody_weight": a.weight, "temperature": round(temperature, 3), **fold_seeds, **fused}
        write_summary(a.metrics, a.records, runs[0][0], sorted(per_fold), fused, command, seeds)
        print(f"wrote the fused cross_validation into {a.metrics}")


if __name__ == "__main__":
    main()
