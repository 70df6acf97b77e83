#!/usr/bin/env bash
# Long pauses (experiments/2026-12-05-long-pauses): `ser predict` of two sentences of one
# emotion with a pause between them, and of one side of a call, scored against the emotion.
#   bash run.sh SER MODEL ACTORS...   e.g. bash run.sh target/release/ser /tmp/fold1-join7 01 02 03 04
set -euo pipefail
cd "$(dirname "$0")/../.."
ser=$1 model=$2
shift 2
out=/tmp/long-pauses-$(echo "$@" | tr -d ' ')
[ -d "$out/call" ] || python3 experiments/2026-12-05-long-pauses/make_recordings.py ../shared/data/ravdess "$out" "$@"
score() { python3 experiments/2026-12-05-long-pauses/score.py; }
for p in 0.3 1 3 10 30; do
  echo "pause $p s: $("$ser" predict "$out/pause-$p" --model "$model" --format json 2>/dev/null | score)"
done
echo "call, left side: $("$ser" predict "$out/call" --model "$model" --channel 1 --format json 2>/dev/null | score)"
