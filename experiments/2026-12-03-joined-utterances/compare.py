#!/usr/bin/env python3
"""Tables of this experiment: fold networks trained with joined utterances against the bundled
recipe's, on each fold's RAVDESS clips and (folds 1-3) the joined test sets of
`experiments/2026-12-03-whole-clips`.

    python3 experiments/2026-12-03-joined-utterances/compare.py
"""
import json
import os
import statistics

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WHOLE = os.path.join(ROOT, "experiments/2026-12-03-whole-clips/results")
CV = os.path.join(ROOT, "experiments/2026-11-28-mild-recording-conditions/cv/seed7/cv.json")


def load(path):
    with open(path) as f:
        return json.load(f)


def cell(doc):
    ece = f"{100 * doc['ece']:.1f}" if "ece" in doc else "—"
    return f"{100 * doc['accuracy']:.1f} / {100 * doc['uar']:.1f} / {ece}"


def main():
    baseline_cv = {f["fold"]: f["test"] for f in load(CV)["folds"]}
    print("RAVDESS clips, accuracy / UAR / ECE, %")
    print("| fold | bundled recipe, seed 7 | with joins, seed 7 | difference (accuracy, UAR) |")
    print("|---|---|---|---|")
    acc, uar, old_acc, old_uar = [], [], [], []
    for k in range(1, 6):
        path = os.path.join(HERE, f"results/fold{k}-join7-ravdess.json")
        if not os.path.exists(path):
            continue
        new = load(path)
        whole = os.path.join(WHOLE, f"fold{k}-mild7-ravdess-whole.json")
        if os.path.exists(whole):
            old, note = load(whole), ""
        else:
            # ser cv of c256275 (first 3 s of a clip; 2.25 % of clips are longer) keeps no ECE.
            old, note = baseline_cv[k], " (ser cv record)"
        acc.append(new["accuracy"])
        uar.append(new["uar"])
        old_acc.append(old["accuracy"])
        old_uar.append(old["uar"])
        print(
            f"| {k} | {cell(old)}{note} | {cell(new)} | "
            f"{100 * (new['accuracy'] - old['accuracy']):+.1f}, {100 * (new['uar'] - old['uar']):+.1f} |"
        )
    if len(acc) > 1:
        sd = lambda xs: 100 * statistics.stdev(xs)
        mean = lambda xs: 100 * statistics.mean(xs)
        print(
            f"| mean ± sd | {mean(old_acc):.1f} ± {sd(old_acc):.1f} / {mean(old_uar):.1f} ± {sd(old_uar):.1f}"
            f" | {mean(acc):.1f} ± {sd(acc):.1f} / {mean(uar):.1f} ± {sd(uar):.1f}"
            f" | {mean(acc) - mean(old_acc):+.1f}, {mean(uar) - mean(old_uar):+.1f} |"
        )
    print("\nJoined test sets (folds 1-3), accuracy / UAR / ECE, %")
    print("| fold | set | bundled recipe, seed 7 (whole-clip reading) | with joins | difference |")
    print("|---|---|---|---|---|")
    for k in range(1, 4):
        for name in ("pairs", "quads", "tight"):
            path = os.path.join(HERE, f"results/fold{k}-join7-{name}.json")
            if not os.path.exists(path):
                continue
            new = load(path)
            old = load(os.path.join(WHOLE, f"fold{k}-mild7-{name}-whole.json"))
            print(
                f"| {k} | {name} | {cell(old)} | {cell(new)} | "
                f"{100 * (new['accuracy'] - old['accuracy']):+.1f} |"
            )


if __name__ == "__main__":
    main()
