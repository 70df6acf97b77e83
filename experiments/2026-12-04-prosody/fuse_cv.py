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
import statistics

LABELS = ["neutral", "calm", "happy", "sad", "angry", "fearful", "disgust", "surprised"]


def log_softmax(row):
    top = max(row)
    log_sum = math.log(sum(math.exp(v - top) for v in row)) + top
    return [v - log_sum for v in row]


def head_log_p(head, stats):
    z = [(x - m) / s for x, m, s in zip(stats, head["mean"], head["scale"])]
    return log_softmax([b + sum(w * v for w, v in zip(row, z)) for row, b in zip(head["coef"], head["intercept"])])


def key(path):
    return "/".join(path.split("/")[-2:])


def folds(records, heads, stats):
    """Per fold: (truth, log p of the networks, log p of the head) per clip."""
    out = {}
    for fnum in range(1, 6):
        probs = {}
        for record in records:
            fold = next(f for f in record["folds"] if f["fold"] == fnum)
            labels = fold["test"]["labels"] if "test" in fold else LABELS
            for clip in fold["test_clips"]:
                p = [math.exp(v) for v in log_softmax(clip["logits"])]
                probs.setdefault(key(clip["path"]), []).append([p[labels.index(l)] for l in LABELS])
        with open(f"{heads}/fold{fnum}/prosody.json") as f:
            head = json.load(f)
        assert head["labels"] == LABELS
        rows = []
        for path, ps in sorted(probs.items()):
            assert len(ps) == len(records), path
            mean = [sum(p[i] for p in ps) / len(ps) for i in range(len(LABELS))]
            truth = int(path.split("/")[-1].split("-")[2]) - 1
            rows.append((truth, [math.log(max(v, 1e-38)) for v in mean], head_log_p(head, stats[path])))
        out[fnum] = rows
    return out


def scores(rows, w):
    pred = [max(range(len(LABELS)), key=lambda i: net[i] + w * pros[i]) for _, net, pros in rows]
    truth = [t for t, _, _ in rows]
    acc = sum(p == t for p, t in zip(pred, truth)) / len(rows)
    recalls = [sum(p == t == c for p, t in zip(pred, truth)) / sum(t == c for t in truth) for c in set(truth)]
    return 100 * acc, 100 * sum(recalls) / len(recalls)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--heads", required=True)
    ap.add_argument("--stats", required=True)
    ap.add_argument("--weight", type=float, required=True)
    ap.add_argument("records", nargs="+")
    a = ap.parse_args()
    with open(a.stats) as f:
        stats = json.load(f)
    records = []
    for path in a.records:
        with open(path) as f:
            records.append(json.load(f))
    per_fold = folds(records, a.heads, stats)
    for fnum, rows in per_fold.items():
        print("fold %d: networks %.1f / %.1f, with the head %.1f / %.1f" % (fnum, *scores(rows, 0), *scores(rows, a.weight)))
    for w in (0.0, a.weight):
        accs, uars = zip(*(scores(rows, w) for rows in per_fold.values()))
        print("w %.1f: %.1f ± %.1f / %.1f" % (w, statistics.mean(accs), statistics.stdev(accs), statistics.mean(uars)))
    grid = [i / 10 for i in range(16)]
    print("mean accuracy by weight: " + " ".join("%.1f:%.1f" % (w, statistics.mean(scores(r, w)[0] for r in per_fold.values())) for w in grid))
    nested = []
    for fnum, rows in per_fold.items():
        others = [r for g, r in per_fold.items() if g != fnum]
        w = max(grid, key=lambda w: statistics.mean(scores(r, w)[0] for r in others))
        nested.append((w, *scores(rows, w)))
    print("nested: weights %s, %.1f ± %.1f / %.1f" % ([w for w, _, _ in nested], statistics.mean(a for _, a, _ in nested), statistics.stdev(a for _, a, _ in nested), statistics.mean(u for _, _, u in nested)))


main()
