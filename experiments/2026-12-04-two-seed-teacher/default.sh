#!/usr/bin/env bash
# The bundled model (models/default) from this recipe, 2026-12-07: how it and the scores its card
# and metrics.json record were made (README.md, "The bundled model from this recipe"). Training
# takes about an hour and a half on one core of this project's machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
ser=target/release/ser
x=experiments/2026-12-04-two-seed-teacher
E=experiments

# 1. The five folds' students, one `ser cv` record each (fold 5 of seed 3, as its paired twin),
#    as one record, the recipe's cross-validation.
python3 - <<'PY'
import json
x = "experiments/2026-12-04-two-seed-teacher/cv"
records = [json.load(open(f"{x}/fold{k}/cv.json")) for k in range(1, 6)]
merged = records[0]
merged["folds"] = [f for r in records for f in r["folds"] if f.get("test_clips")]
merged["seeds"] = [42]
merged["fold_seeds"] = [r["seeds"][0] for r in records]
merged["commands"] = [r["summary"]["command"] for r in records]
json.dump(merged, open(f"{x}/cv.json", "w"))
PY

# 2. Each fold's student with its fold's length-free head (../2026-12-05-length-free-prosody),
#    fused at the bundled weight 0.6, with the statistics the current code measures
#    (/tmp/pf/stats-length-free.json as that experiment's run.sh makes it); the scores become
#    models/default's cross_validation entry, and the temperature fitted on all folds its head's.
fuse() { python3 $E/2026-12-04-prosody/fuse_cv.py --heads $E/2026-12-05-length-free-prosody/results/heads \
  --stats /tmp/pf/stats-length-free.json --weight 0.6 "$@"; }
fuse --fit-temperature $x/cv/cv.json > $x/results/default-recipe.txt
fuse $E/2026-12-03-distillation/cv/cv.json > $x/results/previous-recipe.txt
python3 $E/2026-12-04-fine-tuning/subset_fused.py $E/2026-12-05-length-free-prosody/results/heads \
  /tmp/pf/stats-length-free.json 0.6 $x/cv/cv.json neutral,happy,sad,angry > $x/results/four-emotions.txt
python3 $E/2026-12-04-fine-tuning/subset_cv.py $x/cv/cv.json neutral,happy,sad,angry \
  > $x/results/four-emotions-network.txt

# 3. The teacher, two networks of the untaught recipe trained on all 20 actors: the network
#    bundled until 2026-12-03 (seed 7, as committed in a4e65af) and seed 42.
mkdir -p /tmp/s62/teacher7
for f in config.json model.bpk metrics.json; do
  git show a4e65af:models/default/$f > /tmp/s62/teacher7/$f
done
$ser train --data ../shared/data/ravdess --valid-speakers 0 --seed 42 --threads 1 \
  --config $E/2026-12-03-joined-utterances/config.json --out /tmp/s62/join42
$ser ensemble /tmp/s62/teacher7 /tmp/s62/join42 --out /tmp/two-seed-teacher

# 4. The student, seed 42, on all 20 actors; then its head, at the temperature of step 2.
$ser train --data ../shared/data/ravdess --valid-speakers 0 --seed 42 --threads 1 \
  --config $x/bundled-config.json --out /tmp/s62/student
$ser prosody --data ../shared/data/ravdess --model /tmp/s62/student --out /tmp/s62/student \
  --temperature 1.305

# 5. Bundled: the student's files, with step 2's fused scores (and the seed of each fold's
#    student) as its cross_validation entry (MODEL.md's cross-validation and prosody sections
#    are written by hand from the results).
cp /tmp/s62/student/{config.json,model.bpk,prosody.json,metrics.json,curves.svg,MODEL.md} models/default/
fuse --fit-temperature --metrics models/default/metrics.json $x/cv/cv.json > /dev/null
