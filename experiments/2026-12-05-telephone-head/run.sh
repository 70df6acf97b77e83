#!/usr/bin/env bash
# The phone model with a prosody head (experiments/2026-12-05-telephone-head): how each number in
# README.md was made. Needs /tmp/foldK-train (fold K's 16 training actors, symlinked) and
# /tmp/foldK-join7 (the bundled recipe's untaught seed-7 fold network without a head), both as
# ../2026-12-05-length-free-prosody/run.sh makes them.
set -euo pipefail
cd "$(dirname "$0")/../.."
ser=target/release/ser
x=experiments/2026-12-05-telephone-head
E=experiments
mkdir -p $x/results /tmp/telh
for f in 1 2; do
  actors=$(seq -s " " -f %02g $((4 * f - 3)) $((4 * f)))
  # The phone recipe's fold network (as models/telephone, seed 42); `ser train` now fits the
  # prosody head on the fold's training clips, clean and under recording conditions.
  [ -f /tmp/telh/fold$f/prosody.json ] || $ser train --data /tmp/fold$f-train --valid-speakers 0 \
    --seed 42 --threads 1 --config $E/2026-12-03-telephone-joins/config.json --out /tmp/telh/fold$f
  rm -rf /tmp/telh/fold$f-net && mkdir /tmp/telh/fold$f-net
  cp /tmp/telh/fold$f/{config.json,model.bpk} /tmp/telh/fold$f-net/
  # The bundled recipe's fold network with the fold's head (as fitted for the bundled model).
  rm -rf /tmp/telh/join7-fold$f-head && cp -r /tmp/fold$f-join7 /tmp/telh/join7-fold$f-head
  cp $E/2026-12-05-length-free-prosody/results/heads/fold$f/prosody.json /tmp/telh/join7-fold$f-head/
  # Continuous speech: each actor's four sentences of one emotion joined by 0.3 s pauses; the
  # babble talkers come from the corpus's other actors.
  python3 $E/2026-12-03-whole-clips/join_clips.py ../shared/data/ravdess /tmp/telh/tight tight $actors
  rm -rf /tmp/telh/tight$f-all && mkdir /tmp/telh/tight$f-all
  for a in $(seq -f %02g 1 20); do
    if [[ " $actors " == *" $a "* ]]; then src=/tmp/telh/tight/Actor_$a; else src=$PWD/../shared/data/ravdess/Actor_$a; fi
    ln -s "$(realpath $src)" /tmp/telh/tight$f-all/Actor_$a
  done
  for m in telh/fold$f-net:phone-network telh/fold$f:phone-head fold$f-join7:bundled-network telh/join7-fold$f-head:bundled-head; do
    python3 tools/robustness.py $ser /tmp/${m%%:*} ../shared/data/ravdess /tmp/robust $actors \
      | tail -8 > $x/results/sentences-fold$f-${m##*:}.txt
    python3 tools/robustness.py $ser /tmp/${m%%:*} /tmp/telh/tight$f-all /tmp/telh/robust-tight $actors \
      | tail -8 > $x/results/continuous-fold$f-${m##*:}.txt
  done
done
