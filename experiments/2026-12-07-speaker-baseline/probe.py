"""Speaker baseline probe: the prosody head's statistics standardised per speaker (by their mean
and sd over a baseline of the speaker's clips), alone (`spk`), less the mean only (`mean`), or beside the statistics as they
are (`both`), fitted per fold on the 16 training actors (baseline: all their clips) and fused with
the recorded fold networks' test logits. The test speakers' baseline: all their clips, or a
skewed subset (only low-arousal emotions, only high-arousal ones, only neutral, 12 random
clips), as a recording's own clips would be."""
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
rng = np.random.default_rng(0)

def log_softmax(l):
    l = np.array(l); l = l - l.max(); return l - np.log(np.exp(l).sum())

SUBSETS = {
  'all': lambda ps: ps,
  'low-arousal': lambda ps: [p for p in ps if label(p) in (0, 1, 3)],
  'high-arousal': lambda ps: [p for p in ps if label(p) in (2, 4, 5, 7)],
  'neutral-only': lambda ps: [p for p in ps if label(p) in (0,)],
  'random12': lambda ps: list(rng.choice(ps, 12, replace=False)),
}

def normalise(paths, base_of, scaled=True):
    """stats of paths, less each speaker's baseline mean and, `scaled`, over its sd."""
    out = []
    for p in paths:
        base = np.array([stats[q] for q in base_of[actor(p)]])
        m, s = base.mean(0), (base.std(0) + 1e-6 if scaled else 1.0)
        out.append((np.array(stats[p]) - m) / s)
    return np.array(out)

def runs(record, mode, subset):
    folds = sorted(json.load(open(record))['folds'], key=lambda f: f['fold'])
    out = []
    for f in folds:
        clips = {key(c['path']): log_softmax(c['logits']) for c in f['test_clips']}
        paths = sorted(clips)
        unheard = {actor(p) for p in paths}
        train = [p for p in stats if actor(p) not in unheard]
        by = {}
        for p in list(stats):
            by.setdefault(actor(p), []).append(p)
        base = {a: (sorted(SUBSETS[subset](sorted(ps))) if a in unheard else ps) for a, ps in by.items()}
        if mode == 'raw':
            X, Xt = [stats[p] for p in train], [stats[p] for p in paths]
        elif mode in ('spk', 'mean'):
            scaled = mode == 'spk'
            X, Xt = normalise(train, base, scaled), normalise(paths, base, scaled)
        else:  # both
            X = np.hstack([[stats[p] for p in train], normalise(train, base)])
            Xt = np.hstack([[stats[p] for p in paths], normalise(paths, base)])
        head = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))
        head.fit(X, [label(p) for p in train])
        net = np.array([clips[p] for p in paths])
        out.append((np.array([label(p) for p in paths]), net, np.log(np.maximum(head.predict_proba(Xt), 1e-38))))
    return out

def one(w, run):
    y, net, head = run
    pred = (net + w * head).argmax(1)
    return np.array([(pred == y).mean(), np.mean([(pred[y == c] == c).mean() for c in range(8)])])

def report(rs):
    at06 = np.mean([one(0.6, r) for r in rs], 0)
    nested = np.mean([one(max(WEIGHTS, key=lambda w: np.mean([one(w, r)[0] for j, r in enumerate(rs) if j != k])), rs[k]) for k in range(len(rs))], 0)
    alone = np.mean([[(r[2].argmax(1) == r[0]).mean()] for r in rs])
    folds = [one(0.6, r)[0] for r in rs]
    return 'head alone %.1f | w 0.6: %.1f / %.1f | nested: %.1f / %.1f | folds: %s' % (100 * alone, *(100 * at06), *(100 * nested), ' '.join('%.1f' % (100 * f) for f in folds))

for record in records:
    print(record)
    print('  raw               ', report(runs(record, 'raw', 'all')))
    for mode in ('spk', 'mean', 'both'):
        for subset in SUBSETS:
            print('  %-4s %-13s' % (mode, subset), report(runs(record, mode, subset)))
