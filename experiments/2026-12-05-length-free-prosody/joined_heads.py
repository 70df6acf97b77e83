#!/usr/bin/env python3
"""Accuracy of a fold network alone and with the old (20-statistic) and new (length-free) heads
on single RAVDESS sentences and on joined ones (`../2026-12-03-whole-clips/join_clips.py`), all of
actors the network and both heads never heard.

Network probabilities: `ser predict --no-prosody --format json` (the network's windows, as a
model with a head computes them before adding it). Head log-probabilities: each head's JSON
applied to the statistics its version of ser measures (STATS_OLD, STATS_NEW:
`prosody_stats` example output of the old and the new code), fused as
log p_network + weight · log p_head, as `EmotionModel::logits` adds them.

    python3 joined_heads.py PREDICTIONS.json OLD_HEAD.json STATS_OLD.json NEW_HEAD.json STATS_NEW.json
"""
import json
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../2026-12-04-prosody"))
from fuse_cv import head_log_p  # noqa: E402


def key(path):
    return "/".join(path.split("/")[-2:])


def label_of(path, labels):
    return labels[int(path.split("/")[-1].split("-")[2]) - 1]


def main():
    preds, old_head, old_stats, new_head, new_stats = (json.load(open(a)) for a in sys.argv[1:6])
    labels = old_head["labels"]
    assert labels == new_head["labels"]
    right = {"network": 0, "old head": 0, "new head": 0}
    for p in preds:
        truth = labels.index(label_of(p["path"], labels))
        net = [math.log(max(p["probabilities"][l], 1e-38)) for l in labels]
        right["network"] += max(range(len(labels)), key=lambda i: net[i]) == truth
        for name, head, stats in (("old head", old_head, old_stats), ("new head", new_head, new_stats)):
            ev = head_log_p(head, stats[key(p["path"])])
            fused = [n + head["weight"] * e for n, e in zip(net, ev)]
            right[name] += max(range(len(labels)), key=lambda i: fused[i]) == truth
    print(f"n = {len(preds)}: " + ", ".join(f"{k} {100 * v / len(preds):.1f} %" for k, v in right.items()))


if __name__ == "__main__":
    main()
