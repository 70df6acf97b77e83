#!/usr/bin/env python3
"""Joins the cv.json files of folds run apart into one that `ser cv --resume` continues.

Folds of one cross-validation can run as separate processes (`ser cv --only K --out DIR_K`, on
different cores or machines). Joined into OUT/cv.json, `ser cv --resume --out OUT` with the
same options keeps them all and only writes the summary, the pooled plots and, with `--card`,
the model card; it refuses the record if the folds were made with another configuration, seeds
or split. Refused here: runs of different configurations, seeds or fold counts, and a fold that
two runs hold.

    python3 tools/merge_cv.py OUT/cv.json DIR_1/cv.json DIR_2/cv.json [...]
"""
import json
import os
import sys


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out, inputs = sys.argv[1], sys.argv[2:]
    runs = []
    for path in inputs:
        with open(path) as f:
            run = json.load(f)
        # Records written before `ser cv --seeds` existed trained one network of the
        # configuration's seed, which is how `ser cv --resume` reads them too.
        run.setdefault("seeds", [run["config"]["seed"]])
        runs.append(run)
    first = runs[0]
    for path, run in zip(inputs[1:], runs[1:]):
        for key in ("config", "seeds", "folds_total", "data"):
            if run.get(key) != first.get(key):
                sys.exit(f"{path}: another {key} than {inputs[0]}")
    folds = sorted((fold for run in runs for fold in run["folds"]), key=lambda f: f["fold"])
    numbers = [fold["fold"] for fold in folds]
    if len(set(numbers)) != len(numbers):
        sys.exit(f"a fold is in two of the runs: {numbers}")
    # `ser cv --resume` reads the configuration, seeds, fold count and folds; it recomputes the
    # summary from the folds.
    merged = {key: first[key] for key in ("config", "seeds", "folds_total", "data")}
    merged["folds"] = folds
    merged["folds_done"] = numbers
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    temporary = out + ".tmp"
    with open(temporary, "w") as f:
        json.dump(merged, f, indent=2)
    os.replace(temporary, out)
    print(f"{out}: folds {numbers}")


if __name__ == "__main__":
    main()
