#!/usr/bin/env python3
"""Paired comparison of two `ser cv` results, fold by fold.

Folds with the same number hold the same test actors (same --folds K), so the difference of
two runs on one fold is free of the actor-to-actor spread (about 5 points here) that the
means carry; only seed noise (about 1.6 points per fold on RAVDESS) remains.

    python3 tools/compare_cv.py BASE/cv.json NEW/cv.json
    python3 tools/compare_cv.py experiments/2026-11-27-all-training-speakers/seed7/cv.json \
        experiments/2026-11-28-mild-recording-conditions/cv/bundled-seed7/cv.json
"""
import json
import sys


def folds(path):
    with open(path) as f:
        record = json.load(f)
    return {fold["fold"]: fold for fold in record["folds"]}


def last_train_accuracy(fold):
    """The last epoch's training accuracy (of the networks' mean, for `ser cv --seeds` folds)."""
    histories = [m["history"] for m in fold["members"]] if "members" in fold else [fold["history"]]
    return sum(h[-1]["train_accuracy"] for h in histories) / len(histories)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    base, new = folds(sys.argv[1]), folds(sys.argv[2])
    shared = sorted(set(base) & set(new))
    if not shared:
        sys.exit("the two runs have no fold in common")
    print("fold  test actors        accuracy            UAR                 train acc (last epoch)")
    deltas = []
    for k in shared:
        b, n = base[k], new[k]
        if b["split"]["test_speakers"] != n["split"]["test_speakers"]:
            sys.exit(f"fold {k} tests different actors in the two runs")
        d_acc = 100 * (n["test"]["accuracy"] - b["test"]["accuracy"])
        d_uar = 100 * (n["test"]["uar"] - b["test"]["uar"])
        deltas.append((d_acc, d_uar))
        actors = ",".join(s.removeprefix("actor_") for s in n["split"]["test_speakers"])
        print(
            f"{k:>4}  {actors:<17}  "
            f"{100 * b['test']['accuracy']:5.1f} → {100 * n['test']['accuracy']:5.1f} ({d_acc:+5.1f})  "
            f"{100 * b['test']['uar']:5.1f} → {100 * n['test']['uar']:5.1f} ({d_uar:+5.1f})  "
            f"{100 * last_train_accuracy(b):5.1f} → {100 * last_train_accuracy(n):5.1f}"
        )
    mean_acc = sum(d[0] for d in deltas) / len(deltas)
    mean_uar = sum(d[1] for d in deltas) / len(deltas)
    print(f"mean paired difference over {len(deltas)} fold(s): accuracy {mean_acc:+.1f}, UAR {mean_uar:+.1f} points")


if __name__ == "__main__":
    main()
