"""Probe (2026-12-05): does the head gain from more statistics? For each set of groups, a
logistic regression (scikit-learn, C=1, standardised) per fold on the fold's 16 training actors,
fused with recorded test logits (log p_net + w log p_head), w nested (best on the other folds).
python3 compare.py STATS19.json EXTRA.json CV.json [CV.json ...]
CLASS_WEIGHT=balanced weights the classes by inverse frequency (RAVDESS has half as many neutral clips)."""
import json, os, sys, warnings, numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.pipeline import make_pipeline
warnings.filterwarnings('ignore')
CLASS_WEIGHT = os.environ.get('CLASS_WEIGHT') or None
base = json.load(open(sys.argv[1])); extra = json.load(open(sys.argv[2]))
LAB = ['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'surprised']
lab = lambda p: int(p.split('/')[-1].split('-')[2]) - 1
actor = lambda p: int(p.split('/')[-1].split('-')[6].split('.')[0])
key = lambda p: '/'.join(p.split('/')[-2:])
def sm(L): L = np.array(L); e = np.exp(L - L.max()); return e / e.sum()
ws = np.round(np.arange(0, 1.55, 0.1), 2)

def folds(rec):
    out = []
    for f in sorted(rec['folds'], key=lambda f: f['fold']):
        clips = {key(c['path']): sm(c['logits']) for c in f['test_clips']}
        out.append(clips)
    return out

def run(groups, recs):
    X = lambda p: base[p] + sum((extra[p][g] for g in groups), [])
    res = {name: [] for name in recs}
    for k in range(5):
        paths = sorted(next(iter(recs.values()))[k])
        test = set(actor(p) for p in paths)
        tr = [p for p in base if actor(p) not in test]
        clf = make_pipeline(StandardScaler(), LogisticRegression(C=1, max_iter=5000, class_weight=CLASS_WEIGHT))
        clf.fit(np.array([X(p) for p in tr]), [lab(p) for p in tr])
        lp = np.log(clf.predict_proba(np.array([X(p) for p in paths])) + 1e-12)
        yt = np.array([lab(p) for p in paths])
        for name, fl in recs.items():
            ln = np.log(np.array([fl[k][p] for p in paths]) + 1e-12)
            res[name].append((yt, ln, lp))
    out = []
    for name, r in res.items():
        acc = lambda w, f: ((f[1] + w * f[2]).argmax(1) == f[0]).mean()
        def uar(w, f):
            pr = (f[1] + w * f[2]).argmax(1); return np.mean([(pr[f[0] == c] == c).mean() for c in range(8)])
        fixed = max(ws, key=lambda w: np.mean([acc(w, f) for f in r]))
        nested, nu = [], []
        for k in range(5):
            w = max(ws, key=lambda w: np.mean([acc(w, r[j]) for j in range(5) if j != k]))
            nested.append(acc(w, r[k])); nu.append(uar(w, r[k]))
        alone = np.mean([(f[2].argmax(1) == f[0]).mean() for f in r])
        out.append('%s: head alone %.1f; at 0.6 %.1f; best w %.1f %.1f; nested %.1f ± %.1f / UAR %.1f' % (
            name, 100 * alone, 100 * np.mean([acc(0.6, f) for f in r]), fixed,
            100 * np.mean([acc(fixed, f) for f in r]), 100 * np.mean(nested), 100 * np.std(nested, ddof=1), 100 * np.mean(nu)))
    return out

recs = {a.split('/')[-2]: folds(json.load(open(a))) for a in sys.argv[3:]}
all_groups = list(next(iter(extra.values())).keys())
sets = [()] + [(g,) for g in all_groups] + [tuple(all_groups)]
for s in sets:
    for line in run(list(s), recs):
        print('+'.join(s) or 'nineteen', '|', line, flush=True)
