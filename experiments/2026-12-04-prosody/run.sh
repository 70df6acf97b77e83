#!/usr/bin/env bash
# Prosody head, experiments/2026-12-04-prosody: how each number in README.md was made.
# Needs the fold networks of the joined-utterance recipe (/tmp/foldK-join7, /tmp/foldK-join42,
# trained as experiments/2026-12-03-joined-utterances/README.md says) and the fold corpora
# /tmp/foldK-train (16 training actors) and /tmp/foldK-test (4 test actors), symlinked.
set -euo pipefail
cd "$(dirname "$0")/../.."
ser=target/release/ser
x=experiments/2026-12-04-prosody
E=experiments

# 1. Kept fold networks, scored by ser eval without and with a head fitted on the fold's
#    training actors (weight 0.6).
for s in 7 42; do for f in 1 2 3 4 5; do
  $ser prosody --data /tmp/fold$f-train --model /tmp/fold$f-join$s --out /tmp/pf/j${s}f$f
  a=$($ser eval --data /tmp/fold$f-test --model /tmp/fold$f-join$s | head -1)
  b=$($ser eval --data /tmp/fold$f-test --model /tmp/pf/j${s}f$f | head -1)
  echo "join$s fold $f | $a | $b"
done; done > $x/results/kept-fold-networks.txt
# The heads depend only on the fold's training clips, not on the network they join.
for f in 1 2 3 4 5; do mkdir -p $x/results/heads/fold$f; cp /tmp/pf/j7f$f/prosody.json $x/results/heads/fold$f/; done

# 2. Recorded test logits of networks whose fold models were not kept, fused with those heads.
cargo run --release -p ser-model --example prosody_stats -- ../shared/data/ravdess/Actor_*/*.flac > /tmp/pf/stats.json
fuse() { python3 $x/fuse_cv.py --heads $x/results/heads --stats /tmp/pf/stats.json "$@"; }
fuse --weight 0.6 $E/2026-12-03-distillation/cv/cv.json > $x/results/taught-seed42.txt
fuse --weight 0.6 $E/2026-12-03-distillation/cv-seed3/cv.json > $x/results/taught-seed3.txt
python3 tools/merge_cv.py /tmp/old42.json $E/2026-11-27-seed-ensemble/{seed42,folds-3-4/seed42,fold-5/seed42}/cv.json
python3 tools/merge_cv.py /tmp/old7.json $E/2026-11-27-seed-ensemble/{seed7,folds-3-4/seed7,fold-5/seed7}/cv.json
fuse --weight 0.2 $E/2026-12-03-joined-utterances/results/join7-test-clips.json \
  $E/2026-11-28-mild-recording-conditions/cv/bundled-seed7/cv.json \
  $E/2026-11-27-all-training-speakers/seed42/cv.json $E/2026-11-27-all-training-speakers/seed7/cv.json \
  /tmp/old42.json /tmp/old7.json > $x/results/ensemble.txt
# The same fusions written as the bundled models' cross_validation entries (the web page's About
# line, /api/v1/model): the commands their cards quote, OLD42/OLD7 being /tmp/old42.json, /tmp/old7.json.
mkdir -p OLD42 OLD7 && cp /tmp/old42.json OLD42/cv.json && cp /tmp/old7.json OLD7/cv.json
fuse --weight 0.6 --fit-temperature \
  --metrics models/default/metrics.json $E/2026-12-03-distillation/cv/cv.json > $x/results/taught-seed42-temperature.txt
fuse --weight 0.6 --fit-temperature \
  $E/2026-12-03-distillation/cv-seed3/cv.json > $x/results/taught-seed3-temperature.txt
# For comparison: the network without its head (weight 0), and the ensemble with its head.
fuse --weight 0.0 --fit-temperature \
  $E/2026-12-03-distillation/cv/cv.json > $x/results/taught-seed42-network-temperature.txt
fuse --weight 0.2 --fit-temperature $E/2026-12-03-joined-utterances/results/join7-test-clips.json \
  $E/2026-11-28-mild-recording-conditions/cv/bundled-seed7/cv.json \
  $E/2026-11-27-all-training-speakers/seed42/cv.json $E/2026-11-27-all-training-speakers/seed7/cv.json \
  /tmp/old42.json /tmp/old7.json > $x/results/ensemble-temperature.txt
fuse --weight 0.2 \
  --metrics models/ensemble/metrics.json $E/2026-12-03-joined-utterances/results/join7-test-clips.json \
  $E/2026-11-28-mild-recording-conditions/cv/bundled-seed7/cv.json \
  $E/2026-11-27-all-training-speakers/seed42/cv.json $E/2026-11-27-all-training-speakers/seed7/cv.json \
  OLD42/cv.json OLD7/cv.json > /dev/null
rm -r OLD42 OLD7

# 3. The bundled models' heads, fitted on all 20 actors.
# The temperature fitted on all five folds (above) becomes the bundled head's: it is that of
# network and head together, so the network alone (--no-prosody) keeps config.json's 1.
$ser prosody --data ../shared/data/ravdess --model models/default --out models/default --temperature 1.417
$ser prosody --data ../shared/data/ravdess --model models/ensemble --out models/ensemble --weight 0.2
