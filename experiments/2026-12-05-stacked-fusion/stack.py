#!/usr/bin/env python3
"""A learned combiner of network and prosody head instead of the bundled model's one weight:
multinomial logistic regression over each clip's network log-probabilities and head
log-probabilities (16 inputs), fitted on four folds' test clips and scored on the fifth (every
fold's inputs come from that fold's network and head, which never heard its actors). Printed
beside the scalar fusion the bundled model uses (log p_network + 0.6 · log p_head).

    python3 stack.py HEADS STATS CV.json > results.txt
"""
import json
import os
import statistics
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../2026-12-04-prosody"))
from fuse_cv import fold_rows  # noqa: E402

heads, stats_path, record_path = sys.argv[1:]
record = json.load(open(record_path))
per_fold = fold_rows([{f["fold"]: f for f in record["folds"]}], heads, json.load(open(stats_path)))
data = {}
for k, (truth, labels, networks, evidence) in per_fold.items():
    y = np.array([labels.index(t) for t in truth])
    data[k] = (np.array(networks), np.array(evidence), y)


def scores(y, predicted):
    """Accuracy and UAR, %."""
    uar = np.mean([(predicted[y == c] == c).mean() for c in np.unique(y)])
    return 100 * (y == predicted).mean(), 100 * uar


def report(name, per_fold_scores):
    acc = [a for a, _ in per_fold_scores]
    uar = [u for _, u in per_fold_scores]
    folds = ", ".join(f"{a:.1f}" for a in acc)
    print(f"{name}: {statistics.mean(acc):.1f} ± {statistics.stdev(acc):.1f} / "
          f"{statistics.mean(uar):.1f} % (folds {folds})")


report("scalar, weight 0.6", [scores(y, np.argmax(n + 0.6 * e, 1)) for n, e, y in data.values()])
for c in [0.01, 0.03, 0.1, 0.3, 1.0, 10.0]:
    rows = []
    for k, (n, e, y) in data.items():
        others = [j for j in data if j != k]
        x = np.vstack([np.hstack(data[j][:2]) for j in others])
        t = np.concatenate([data[j][2] for j in others])
        combiner = LogisticRegression(C=c, max_iter=5000).fit(x, t)
        rows.append(scores(y, combiner.predict(np.hstack([n, e]))))
    report(f"learned, C = {c}", rows)


def constrained_fit(n, e, y):
    """A weight for the head and a bias per class on top of the scalar fusion's form (nine
    numbers), of least negative log-likelihood."""
    from scipy.optimize import minimize
    from scipy.special import log_softmax

    def nll(theta):
        z = n + theta[0] * e + theta[1:]
        return -log_softmax(z, axis=1)[np.arange(len(y)), y].mean()

    return minimize(nll, np.r_[0.6, np.zeros(n.shape[1])], method="L-BFGS-B").x


rows = []
for k, (n, e, y) in data.items():
    others = [j for j in data if j != k]
    theta = constrained_fit(*(np.concatenate([data[j][i] for j in others]) for i in range(3)))
    print(f"fold {k}: head weight {theta[0]:.2f}, class biases {np.round(theta[1:] - theta[1:].mean(), 2)}")
    rows.append(scores(y, np.argmax(n + theta[0] * e + theta[1:], 1)))
report("head weight and class biases", rows)
