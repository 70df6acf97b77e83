"""Balanced head probe: the head fitted with class weights (inverse frequency, as the network is
trained) against the unweighted head, fused with the recorded fold networks' test logits."""
import json, sys
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

stats, records = json.load(open(sys.argv[1])), sys.argv[2:]
label = lambda p: int(p.split('/')[-1].split('-')[2]) - 1
actor = lambda p: int(p.split('/')[-1].split('-')[6].split('.')[0])
key = lambda p: '/'.join(p.split('/')[-2:])
WEIGHTS = np.round(np.arange(0, 1.55, 0.1), 2)

def log_softmax(l):
    l = np.array(l); l = l - l.max(); return l - np.log(np.exp(l).sum())

def runs(record, balanced):
    folds = sorted(json.load(open(record))['folds'], key=lambda f: f['fold'])
    out = []
    for f in folds:
        clips = {key(c['path']): log_softmax(c['logits']) for c in f['test_clips']}
        paths = sorted(clips)
        unheard = {actor(p) for p in paths}
        train = [p for p in stats if actor(p) not in unheard]
        head = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000, class_weight='balanced' if balanced else None))
        head.fit([stats[p] for p in train], [label(p) for p in train])
        out.append((np.array([label(p) for p in paths]), np.array([clips[p] for p in paths]),
                    head.predict_log_proba([stats[p] for p in paths])))
    return out

def one(w, run):
    y, net, head = run
    pred = (net + w * head).argmax(1)
    return np.array([(pred == y).mean(), np.mean([(pred[y == c] == c).mean() for c in range(8)])])

def report(rs):
    at06 = np.mean([one(0.6, r) for r in rs], 0)
    nested = np.mean([one(max(WEIGHTS, key=lambda w: np.mean([one(w, r)[0] for j, r in enumerate(rs) if j != k])), rs[k]) for k in range(len(rs))], 0)
    folds = [one(0.6, r)[0] for r in rs]
    return 'w 0.6: %.1f / %.1f | nested: %.1f / %.1f | folds at 0.6: %s' % (*(100 * at06), *(100 * nested), ' '.join('%.1f' % (100 * f) for f in folds))

for record in records:
    for balanced in (False, True):
        print(record.split('/')[-2], 'balanced' if balanced else 'unweighted', report(runs(record, balanced)))
