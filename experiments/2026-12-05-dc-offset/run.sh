#!/usr/bin/env bash
# DC offsets (experiments/2026-12-05-dc-offset): `ser predict` of a fold's test clips with an
# offset added, scored against their emotion.
#   bash run.sh SER MODEL ACTORS...   e.g. bash run.sh target/release/ser /tmp/fold1-join7 01 02 03 04
set -euo pipefail
cd "$(dirname "$0")/../.."
ser=$1 model=$2
shift 2
out=/tmp/dc-offset-$(echo "$@" | tr -d ' ')
[ -d "$out/dc0.05" ] || python3 experiments/2026-12-05-dc-offset/make_offsets.py ../shared/data/ravdess "$out" "$@"
for dc in 0 0.0002 0.0005 0.001 0.002 0.005 0.01 0.02 0.05; do
  echo "offset $dc: $("$ser" predict "$out/dc$dc" --model "$model" --format json 2>/dev/null |
    python3 experiments/2026-12-05-long-pauses/score.py)"
done
