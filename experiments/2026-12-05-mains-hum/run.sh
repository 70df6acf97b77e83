#!/usr/bin/env bash
# Mains hum (experiments/2026-12-05-mains-hum): `ser predict` of a fold's test clips with hum
# added, scored against their emotion; then of the long recordings of ../2026-12-05-long-pauses
# (two sentences 30 s apart, one side of a call) with hum under them.
#   bash run.sh SER MODEL ACTORS...   e.g. bash run.sh target/release/ser /tmp/fold1-join7 01 02 03 04
set -euo pipefail
cd "$(dirname "$0")/../.."
ser=$1 model=$2
shift 2
actors=$(echo "$@" | tr -d ' ')
out=/tmp/mains-hum-$actors
here=experiments/2026-12-05-mains-hum
[ -d "$out/offset50-50" ] || python3 $here/make_hum.py ../shared/data/ravdess "$out" "$@"
score() { python3 experiments/2026-12-05-long-pauses/score.py; }
for hum in none hum-70 hum-60 hum-50 hum-40 offset50-50 drift50-50 drift50-40 buzz60-50; do
  echo "$hum: $("$ser" predict "$out/$hum" --model "$model" --format json 2>/dev/null | score)"
done
long=/tmp/long-pauses-$actors
[ -d "$long/call" ] || python3 experiments/2026-12-05-long-pauses/make_recordings.py ../shared/data/ravdess "$long" "$@"
for recordings in pause-30 call; do
  [ -d "$out/$recordings/hum-50" ] || python3 $here/make_hum.py --under "$long/$recordings" "$out/$recordings"
  side=$([ $recordings = call ] && echo "--channel 1" || true)
  for hum in hum-50 drift50-50; do
    # shellcheck disable=SC2086
    echo "$recordings, $hum: $("$ser" predict "$out/$recordings/$hum" $side --model "$model" --format json 2>/dev/null | score)"
  done
done
