"""Probe (2026-12-06): two ways of combining the bundled recipe's fold networks with the prosody
head that the product does not use, scored on the test logits `ser cv` recorded.

For each fold, the head (logistic regression over the nineteen statistics, as `ser prosody`
fits it) is fitted on the fold's 16 training actors' clean clips. Every score is the mean over
the five folds; "nested" picks each fold's weight on the other four (the honest number).

python3 probe.py STATS19.json SEED42_CV.json SEED3_CV.json
  pooling: the product's log-linear fusion, log p_net + w log p_head, against linear pooling
           of the probabilities, (1 - a) p_net + a p_head, for each seed's networks
  pair:    the two seeds' networks averaged (mean log-probabilities, or mean probabilities),
           then fused with the head as the product fuses one network
"""
import json, sys
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

stats, records = json.load(open(sys.argv[1])), sys.argv[2:]
label = lambda p: int(p.split('/')[-1].split('-')[2]) - 1
actor = lambda p: int(p.split('/')[-1].split('-')[6].split('.')[0])
key = lambda p: '/'.join(p.split('/')[-2:])
LOG_WEIGHTS = np.round(np.arange(0, 1.55, 0.1), 2)
LINEAR_WEIGHTS = np.round(np.arange(0, 0.95, 0.05), 2)


def softmax(logits):
    e = np.exp(np.array(logits) - max(logits))
    return e / e.sum()


def folds():
    """Per fold: labels, each record's network probabilities, the head's probabilities."""
    per_record = [sorted(json.load(open(r))['folds'], key=lambda f: f['fold']) for r in records]
    out = []
    for k in range(5):
        clips = [{key(c['path']): softmax(c['logits']) for c in rec[k]['test_clips']} for rec in per_record]
        paths = sorted(clips[0])
        unheard = {actor(p) for p in paths}
        train = [p for p in stats if actor(p) not in unheard]
        head = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))
        head.fit([stats[p] for p in train], [label(p) for p in train])
        out.append((np.array([label(p) for p in paths]),
                    [np.array([c[p] for p in paths]) for c in clips],
                    head.predict_proba([stats[p] for p in paths])))
    return out


def scores(combine, weights, runs):
    """Mean accuracy / UAR at the best weight over all folds, and nested."""
    def one(w, run):
        y, nets, head = run
        predicted = combine(nets, head, w).argmax(1)
        return (predicted == y).mean(), np.mean([(predicted[y == c] == c).mean() for c in range(8)])
    best = max(weights, key=lambda w: np.mean([one(w, r)[0] for r in runs]))
    nested = [one(max(weights, key=lambda w: np.mean([one(w, r)[0] for j, r in enumerate(runs) if j != k])), runs[k])
              for k in range(len(runs))]
    return '%.1f / %.1f at %.2f | %.1f / %.1f |' % (
        *(100 * np.mean([one(best, r) for r in runs], 0)), best, *(100 * np.mean(nested, 0)))


log = lambda p: np.log(p + 1e-12)
runs = folds()
print('| networks | fusion | best weight: accuracy / UAR | nested: accuracy / UAR |')
print('|---|---|---|---|')
for i, name in enumerate(['seed 42 (bundled recipe)', 'seed 3']):
    print('|', name, '| log-linear (the product) |', scores(lambda n, h, w: log(n[i]) + w * log(h), LOG_WEIGHTS, runs))
    print('|', name, '| linear pooling |', scores(lambda n, h, w: (1 - w) * n[i] + w * h, LINEAR_WEIGHTS, runs))
print('| seeds 42 and 3, mean log-probabilities | log-linear |',
      scores(lambda n, h, w: (log(n[0]) + log(n[1])) / 2 + w * log(h), LOG_WEIGHTS, runs))
print('| seeds 42 and 3, mean probabilities | log-linear |',
      scores(lambda n, h, w: log((n[0] + n[1]) / 2) + w * log(h), LOG_WEIGHTS, runs))
