"""Probe (2026-12-04): late fusion of network probabilities (mean over cv.json records) with a prosody SVM, nested weight."""
import json, sys, numpy as np, warnings
warnings.filterwarnings('ignore')
from sklearn.svm import SVC
from sklearn.preprocessing import StandardScaler
from sklearn.pipeline import make_pipeline
import os
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
MODEL = eval(os.environ.get('MODEL', 'SVC(probability=True, random_state=0)'))
F = json.load(open(os.environ.get('FEATS', '/tmp/pros/feats.json')))
cols = None
args = sys.argv[1:]
if args[0] == '--cols': cols = [int(c) for c in args[1].split(',')]; args = args[2:]
recs = [json.load(open(a)) for a in args]
LAB = ['neutral','calm','happy','sad','angry','fearful','disgust','surprised']
def lab(p): return int(p.split('/')[-1].split('-')[2]) - 1
def actor(p): return int(p.split('/')[-1].split('-')[6].split('.')[0])
def sm(L): L=np.array(L); e=np.exp(L-L.max()); return e/e.sum()
def key(p): return '/'.join(p.split('/')[-2:])
res = []
for fnum in range(1, 6):
    probs = {}
    for r in recs:
        fold = [f for f in r['folds'] if f['fold'] == fnum][0]
        labels = fold.get('test', {}).get('labels', LAB) if 'test' in fold else LAB
        for c in fold['test_clips']:
            p = sm(c['logits']); p = p[[labels.index(l) for l in LAB]]
            probs.setdefault(key(c['path']), []).append(p)
    paths = sorted(probs); assert all(len(probs[p]) == len(recs) for p in paths)
    test = set(actor(p) for p in paths)
    tr = [p for p in F if actor(p) not in test]
    sel = (lambda v: [v[i] for i in cols]) if cols else (lambda v: v)
    X = np.array([sel(F[p]) for p in tr]); y = np.array([lab(p) for p in tr])
    Xt = np.array([sel(F[p]) for p in paths]); yt = np.array([lab(p) for p in paths])
    pn = np.array([np.mean(probs[p], 0) for p in paths])
    pp = make_pipeline(StandardScaler(), MODEL).fit(X, y).predict_proba(Xt)
    res.append((yt, pn, pp))
    print(fnum, 'net %.1f prosody %.1f' % (100*(pn.argmax(1)==yt).mean(), 100*(pp.argmax(1)==yt).mean()))
ws = np.linspace(0, 1.5, 16)
def pred(w, r): yt, pn, pp = r; return (np.log(pn+1e-9) + w*np.log(pp+1e-9)).argmax(1)
def acc(w, r): return (pred(w, r) == r[0]).mean()
def uar(w, r): pr = pred(w, r); return np.mean([(pr[r[0]==k]==k).mean() for k in range(8)])
print(' '.join('%.1f:%.1f' % (w, 100*np.mean([acc(w, r) for r in res])) for w in ws))
nested = []; nu = []
for k, r in enumerate(res):
    others = [res[j] for j in range(len(res)) if j != k]
    w = max(ws, key=lambda w: np.mean([acc(w, o) for o in others]))
    nested.append(acc(w, r)); nu.append(uar(w, r)); print('fold', k+1, 'w %.1f' % w, '%.1f' % (100*acc(w, r)))
print('nested fusion acc %.1f ± %.1f uar %.1f; net alone %.1f / %.1f; prosody alone %.1f' % (100*np.mean(nested), 100*np.std(nested, ddof=1), 100*np.mean(nu), 100*np.mean([acc(0, r) for r in res]), 100*np.mean([uar(0, r) for r in res]), 100*np.mean([(r[2].argmax(1)==r[0]).mean() for r in res])))
