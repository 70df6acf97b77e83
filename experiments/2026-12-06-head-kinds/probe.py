"""Probe (2026-12-06): is the prosody head's logistic regression the limit, and would the head
read a speaker better relative to their own voice?

For each head, fitted per fold on the fold's 16 training actors' clean clips over the nineteen
statistics, the test logits recorded by `ser cv` are fused as log p_net + w log p_head with w at
0.6 (the product's), the best w over all folds, and nested (each fold at the w best on the other
four; the honest number).

python3 probe.py kinds|baselines STATS19.json CV.json [CV.json ...]
  kinds:     other classifiers over the same statistics (regularisation, SVM, MLP, trees)
  baselines: the statistics relative to the speaker's own: minus the mean of all their clips
             (labels unused; RAVDESS gives every actor every emotion in equal measure), divided by
             their spread too, or minus the mean of their neutral clips only (an enrolment)
"""
import json, sys, warnings
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

warnings.filterwarnings('ignore')
mode, stats, records = sys.argv[1], json.load(open(sys.argv[2])), sys.argv[3:]
label = lambda p: int(p.split('/')[-1].split('-')[2]) - 1
actor = lambda p: int(p.split('/')[-1].split('-')[6].split('.')[0])
key = lambda p: '/'.join(p.split('/')[-2:])
WEIGHTS = np.round(np.arange(0, 1.55, 0.1), 2)


def softmax(logits):
    e = np.exp(np.array(logits) - max(logits))
    return e / e.sum()


def scaled(classifier):
    return lambda: make_pipeline(StandardScaler(), classifier)


def logistic(c=1.0):
    return scaled(LogisticRegression(C=c, max_iter=5000))


KINDS = {
    'logistic C=1 (the product)': logistic(),
    'logistic C=0.1': logistic(0.1),
    'logistic C=10': logistic(10),
    'SVM, RBF, C=1': scaled(SVC(C=1, probability=True, random_state=0)),
    'SVM, RBF, C=3': scaled(SVC(C=3, probability=True, random_state=0)),
    'MLP 64, alpha 1': scaled(MLPClassifier((64,), alpha=1.0, max_iter=3000, random_state=0)),
    'MLP 64, alpha 0.1': scaled(MLPClassifier((64,), alpha=0.1, max_iter=3000, random_state=0)),
    'gradient-boosted trees': lambda: HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, random_state=0),
    'random forest, 500 trees': lambda: RandomForestClassifier(500, min_samples_leaf=2, random_state=0, n_jobs=2),
}


def speaker_baselines():
    by_actor, neutral = {}, {}
    for p, v in stats.items():
        by_actor.setdefault(actor(p), []).append(v)
        if label(p) == 0:
            neutral.setdefault(actor(p), []).append(v)
    mean = {a: np.mean(v, 0) for a, v in by_actor.items()}
    spread = {a: np.std(v, 0) + 1e-6 for a, v in by_actor.items()}
    mean_neutral = {a: np.mean(v, 0) for a, v in neutral.items()}
    return {
        'as measured (the product)': lambda p: np.array(stats[p]),
        "minus the speaker's mean": lambda p: np.array(stats[p]) - mean[actor(p)],
        "z-scored by the speaker's mean and sd": lambda p: (np.array(stats[p]) - mean[actor(p)]) / spread[actor(p)],
        'as measured, and minus the mean': lambda p: np.concatenate([stats[p], np.array(stats[p]) - mean[actor(p)]]),
        "minus the speaker's neutral clips' mean": lambda p: np.array(stats[p]) - mean_neutral[actor(p)],
    }


def scores(make, features, folds):
    runs = []
    for k, clips in enumerate(folds):
        paths = sorted(clips)
        unheard = {actor(p) for p in paths}
        train = [p for p in stats if actor(p) not in unheard]
        head = make().fit(np.array([features(p) for p in train]), [label(p) for p in train])
        log_head = np.log(head.predict_proba(np.array([features(p) for p in paths])) + 1e-12)
        log_net = np.log(np.array([clips[p] for p in paths]) + 1e-12)
        runs.append((np.array([label(p) for p in paths]), log_net, log_head))
    predicted = lambda w, r: (r[1] + w * r[2]).argmax(1)
    acc = lambda w, r: (predicted(w, r) == r[0]).mean()
    uar = lambda w, r: np.mean([(predicted(w, r)[r[0] == c] == c).mean() for c in range(8)])
    best = max(WEIGHTS, key=lambda w: np.mean([acc(w, r) for r in runs]))
    nested_acc, nested_uar = [], []
    for k in range(len(runs)):
        w = max(WEIGHTS, key=lambda w: np.mean([acc(w, r) for j, r in enumerate(runs) if j != k]))
        nested_acc.append(acc(w, runs[k]))
        nested_uar.append(uar(w, runs[k]))
    return '| %.1f | %.1f | %.1f at %.1f | %.1f / %.1f |' % (
        100 * np.mean([(r[2].argmax(1) == r[0]).mean() for r in runs]),
        100 * np.mean([acc(0.6, r) for r in runs]), 100 * np.mean([acc(best, r) for r in runs]), best,
        100 * np.mean(nested_acc), 100 * np.mean(nested_uar))


folds = {}
for path in records:
    rec = json.load(open(path))
    folds[path.split('/')[-2]] = [
        {key(c['path']): softmax(c['logits']) for c in f['test_clips']}
        for f in sorted(rec['folds'], key=lambda f: f['fold'])]
print('| head | network record | head alone | w 0.6 | best w | nested (UAR) |')
print('|---|---|---|---|---|---|')
if mode == 'kinds':
    cases = [(name, make, lambda p: stats[p]) for name, make in KINDS.items()]
else:
    cases = [(name, logistic(), features) for name, features in speaker_baselines().items()]
for name, make, features in cases:
    for record, fl in folds.items():
        print('| %s | %s %s' % (name, record, scores(make, features, fl)), flush=True)
