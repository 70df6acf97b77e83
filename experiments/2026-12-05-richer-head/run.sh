#!/usr/bin/env bash
# Richer head probe (experiments/2026-12-05-richer-head): how each number in README.md was made.
# Needs /tmp/pf/stats-length-free.json (the nineteen statistics of every clip, as
# ../2026-12-05-length-free-prosody/run.sh makes it) and Python with librosa and scikit-learn.
set -euo pipefail
cd "$(dirname "$0")"
E=..
mkdir -p results /tmp/pf
python3 probe/extra_features.py ../../../shared/data/ravdess /tmp/pf/extra.json
python3 probe/oracle_gender.py /tmp/pf/stats-length-free.json /tmp/pf/oracle-sex.json
records=($E/2026-12-03-distillation/cv/cv.json $E/2026-12-03-distillation/cv-seed3/cv.json)
python3 probe/compare.py /tmp/pf/stats-length-free.json /tmp/pf/extra.json "${records[@]}" > results/spectral.txt
python3 probe/compare.py /tmp/pf/stats-length-free.json /tmp/pf/oracle-sex.json "${records[@]}" > results/oracle-sex.txt

# The two-seed teacher's students (../2026-12-04-two-seed-teacher, one cv.json per fold) with
# the length-free, conditions-fitted fold heads, as the bundled recipe's are scored.
python3 - <<'PY'
import json
folds = []
for k in range(1, 6):
    rec = json.load(open(f'../2026-12-04-two-seed-teacher/cv/fold{k}/cv.json'))
    folds += [f for f in rec['folds'] if f.get('test_clips')]
rec['folds'] = folds
json.dump(rec, open('/tmp/pf/two-seed-students.json', 'w'))
PY
python3 $E/2026-12-04-prosody/fuse_cv.py --heads $E/2026-12-05-length-free-prosody/results/heads \
  --stats /tmp/pf/stats-length-free.json --weight 0.6 /tmp/pf/two-seed-students.json > results/two-seed-students.txt

# The head fitted with classes weighted by inverse frequency, as the networks are trained
# (`class_weights`), instead of unweighted.
CLASS_WEIGHT=balanced python3 probe/compare.py /tmp/pf/stats-length-free.json /tmp/pf/oracle-sex.json "${records[@]}" \
  | grep '^nineteen' > results/balanced-head.txt
