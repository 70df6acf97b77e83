#!/usr/bin/env bash
# Length-free prosody head, experiments/2026-12-05-length-free-prosody: how each number in
# README.md was made. The *-studio results and heads-studio/ are this script's output at commit
# fca0732, whose `ser prosody` fitted heads on the studio clips alone; since then it also measures
# each clip through a phone line, a room and noise (`prosody_fit::recording_conditions`). Needs the fold corpora /tmp/foldK-train (the fold's 16 training actors,
# symlinked), /tmp/old42.json and /tmp/old7.json (experiments/2026-12-04-prosody/run.sh), and,
# for the old head's column, a `prosody_stats` example built at commit d3c5dbc
# (/tmp/prosody_stats_old: `git stash; cargo build --release -p ser-model --example prosody_stats`).
set -euo pipefail
cd "$(dirname "$0")/../.."
ser=target/release/ser
x=experiments/2026-12-05-length-free-prosody
E=experiments
mkdir -p /tmp/pf $x/results/heads

# 1. Each fold's head, fitted on its 16 training actors (the head does not depend on the network
#    it is added to; /tmp/nohead is models/default's config.json and model.bpk).
for f in 1 2 3 4 5; do
  $ser prosody --data /tmp/fold$f-train --model /tmp/nohead --out /tmp/ph/fold$f
  mkdir -p $x/results/heads/fold$f && cp /tmp/ph/fold$f/prosody.json $x/results/heads/fold$f/
done

# 2. Fused with the recorded test logits of the bundled recipe (two seeds) and the ensemble's six
#    networks; the first and the last write the bundled models' cross_validation entries.
target/release/examples/prosody_stats ../shared/data/ravdess/Actor_*/*.flac > /tmp/pf/stats-length-free.json
fuse() { python3 $E/2026-12-04-prosody/fuse_cv.py --heads $x/results/heads --stats /tmp/pf/stats-length-free.json "$@"; }
fuse --weight 0.6 --fit-temperature --metrics models/default/metrics.json \
  $E/2026-12-03-distillation/cv/cv.json > $x/results/taught-seed42-temperature.txt
fuse --weight 0.6 --fit-temperature $E/2026-12-03-distillation/cv-seed3/cv.json > $x/results/taught-seed3-temperature.txt
ens=($E/2026-12-03-joined-utterances/results/join7-test-clips.json
  $E/2026-11-28-mild-recording-conditions/cv/bundled-seed7/cv.json
  $E/2026-11-27-all-training-speakers/seed42/cv.json $E/2026-11-27-all-training-speakers/seed7/cv.json)
fuse --weight 0.2 --fit-temperature "${ens[@]}" /tmp/old42.json /tmp/old7.json > $x/results/ensemble-temperature.txt
mkdir -p OLD42 OLD7 && cp /tmp/old42.json OLD42/cv.json && cp /tmp/old7.json OLD7/cv.json
fuse --weight 0.2 --metrics models/ensemble/metrics.json "${ens[@]}" OLD42/cv.json OLD7/cv.json > /dev/null
rm -r OLD42 OLD7

# 3. The bundled heads, fitted on all 20 actors (the default's temperature: step 2's "on all folds").
$ser prosody --data ../shared/data/ravdess --model models/default --out models/default --temperature 1.343
$ser prosody --data ../shared/data/ravdess --model models/ensemble --out models/ensemble --weight 0.2

# 4. Longer utterances: sentences of unheard actors joined (experiments/2026-12-03-whole-clips),
#    scored by fold networks of the bundled network's teacher recipe (untaught, seed 7) alone and
#    with the old and the new fold heads.
for f in 1 2; do
  $ser train --data /tmp/fold$f-train --valid-speakers 0 --seed 7 --threads 1 \
    --config $E/2026-12-03-joined-utterances/config.json --out /tmp/fold$f-join7
  rm -f /tmp/fold$f-join7/prosody.json   # the network alone: both heads are applied below
  actors=$(seq -f %02g $((4 * f - 3)) $((4 * f)))
  for set in pairs tight; do
    python3 $E/2026-12-03-whole-clips/join_clips.py ../shared/data/ravdess /tmp/j-$set $set $actors
  done
  for set in single pairs tight; do
    if [ $set = single ]; then dirs=$(for a in $actors; do echo ../shared/data/ravdess/Actor_$a; done)
    else dirs=$(for a in $actors; do echo /tmp/j-$set/Actor_$a; done); fi
    files=$(for d in $dirs; do ls $d/*.flac; done)
    $ser predict $dirs --model /tmp/fold$f-join7 --format json > /tmp/pf/fold$f-$set.json
    /tmp/prosody_stats_old $files > /tmp/pf/fold$f-$set-old.json
    target/release/examples/prosody_stats $files > /tmp/pf/fold$f-$set-new.json
    echo "fold $f, $set: $(python3 $x/joined_heads.py /tmp/pf/fold$f-$set.json \
      $E/2026-12-04-prosody/results/heads/fold$f/prosody.json /tmp/pf/fold$f-$set-old.json \
      $x/results/heads/fold$f/prosody.json /tmp/pf/fold$f-$set-new.json)"
  done
done > $x/results/joined.txt

# 4b. Shorter utterances: the first second of each trimmed sentence, the same networks and heads.
for f in 1 2; do
  actors=$(seq -f %02g $((4 * f - 3)) $((4 * f)))
  python3 $x/first_second.py ../shared/data/ravdess /tmp/short-f$f $actors
  files=$(for a in $actors; do ls /tmp/short-f$f/Actor_$a/*.flac; done)
  $ser predict /tmp/short-f$f --model /tmp/fold$f-join7 --format json > /tmp/pf/fold$f-short.json
  /tmp/prosody_stats_old $files > /tmp/pf/fold$f-short-old.json
  target/release/examples/prosody_stats $files > /tmp/pf/fold$f-short-new.json
  echo "fold $f, first 1 s: $(python3 $x/joined_heads.py /tmp/pf/fold$f-short.json \
    $E/2026-12-04-prosody/results/heads/fold$f/prosody.json /tmp/pf/fold$f-short-old.json \
    $x/results/heads/fold$f/prosody.json /tmp/pf/fold$f-short-new.json)"
done > $x/results/first-second.txt

# 5. Recording conditions (tools/robustness.py) of the same fold networks alone, with the fold's
#    head fitted on studio clips (heads-studio) and with the head as ser prosody now fits it.
for f in 1 2; do
  actors=$(seq -f %02g $((4 * f - 3)) $((4 * f)))
  for variant in studio-head:heads-studio head:heads; do
    dir=/tmp/fold$f-join7-${variant%%:*}
    rm -rf $dir && cp -r /tmp/fold$f-join7 $dir && cp $x/results/${variant##*:}/fold$f/prosody.json $dir/
  done
  for m in join7:network join7-studio-head:studio-head join7-head:head; do
    python3 tools/robustness.py $ser /tmp/fold$f-${m%%:*} ../shared/data/ravdess /tmp/robust $actors \
      | tail -8 > $x/results/robustness-fold$f-${m##*:}.txt
  done
done

# 6. A hot (clipped at 20 % of the peak) and a quiet (-30 dB) recording, network and head now
#    (the fold models of step 5).
for f in 1 2; do
  actors=$(seq -f %02g $((4 * f - 3)) $((4 * f)))
  python3 $x/level_and_clipping.py ../shared/data/ravdess /tmp/cond-f$f $actors
  for c in clipped quiet; do
    echo "$c fold $f: network: $($ser eval --data /tmp/cond-f$f/$c --model /tmp/fold$f-join7 | head -1) |" \
      "with the head: $($ser eval --data /tmp/cond-f$f/$c --model /tmp/fold$f-join7-head | head -1)"
  done
done > $x/results/level-and-clipping.txt
