#!/usr/bin/env python3
"""Writes what `ser cv` records of each fold's test clips, for fold networks trained apart.

The joined-utterance folds were trained by `ser train` on each fold's 16 training actors (so
that their networks could also be scored on joined test sets), which leaves no cv.json. This
runs `ser predict --format json` of each fold's network on its 4 test actors and writes a
cv.json whose folds hold `test_clips` (path, label, predicted, logits = log-probabilities,
which softmax maps back to the same probabilities) and the label order, the part that
`tools/ensemble_cv.py` reads.

    python3 fold_clips.py SER DATA OUT.json FOLD=MODEL_DIR [...]
    e.g. fold_clips.py target/release/ser ../shared/data/ravdess j7.json 1=/tmp/fold1-join7 ...
"""
import json
import math
import os
import subprocess
import sys

# RAVDESS's emotion codes 01-08, the third field of its file names.
RAVDESS_EMOTIONS = ["neutral", "calm", "happy", "sad", "angry", "fearful", "disgust", "surprised"]


def fold_record(ser, data, fold, model):
    # The logits follow the model's own label order, as `ser cv` records them.
    with open(os.path.join(model, "config.json")) as f:
        labels = json.load(f)["labels"]
    actors = [f"Actor_{a:02d}" for a in range(4 * fold - 3, 4 * fold + 1)]
    dirs = [os.path.join(data, a) for a in actors]
    out = subprocess.run(
        [ser, "predict", "--model", model, "--format", "json", *dirs],
        check=True, capture_output=True, text=True,
    ).stdout
    clips = []
    for row in json.loads(out):
        rel = os.path.relpath(row["path"], data)
        label = RAVDESS_EMOTIONS[int(os.path.basename(rel).split("-")[2]) - 1]
        probs = row["probabilities"]
        logits = [math.log(max(probs[l], 1e-30)) for l in labels]
        clips.append({"path": rel, "label": label, "predicted": row["label"], "logits": logits})
    clips.sort(key=lambda c: c["path"])
    return {"fold": fold, "test": {"labels": labels}, "test_clips": clips}


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    ser, data, out = sys.argv[1:4]
    folds = []
    for arg in sys.argv[4:]:
        fold, model = arg.split("=", 1)
        folds.append(fold_record(ser, data, int(fold), model))
    with open(out, "w") as f:
        json.dump({"folds": folds}, f)


if __name__ == "__main__":
    main()
