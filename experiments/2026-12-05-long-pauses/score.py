#!/usr/bin/env python3
"""Accuracy, UAR and mean confidence of `ser predict --format json` over RAVDESS-named files.

    ser predict DIR --format json | python3 score.py
"""
import json
import os
import sys

LABELS = ["neutral", "calm", "happy", "sad", "angry", "fearful", "disgust", "surprised"]

rows = [r for r in json.load(sys.stdin) if "label" in r]
truth = [LABELS[int(os.path.basename(r["path"]).split("-")[2]) - 1] for r in rows]
right = [r["label"] == t for r, t in zip(rows, truth)]
recalls = [
    sum(ok for ok, t in zip(right, truth) if t == label) / truth.count(label)
    for label in LABELS
    if label in truth
]
print(
    f"n {len(rows)}  accuracy {100 * sum(right) / len(rows):.1f} %  "
    f"UAR {100 * sum(recalls) / len(recalls):.1f} %  "
    f"mean confidence {100 * sum(r['confidence'] for r in rows) / len(rows):.1f} %"
)
