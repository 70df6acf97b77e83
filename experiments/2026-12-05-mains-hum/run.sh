#!/usr/bin/env bash
# Mains hum (experiments/2026-12-05-mains-hum): `ser predict` of a fold's test clips with hum
# added, scored against their emotion.
#   bash run.sh SER MODEL ACTORS...   e.g. bash run.sh target/release/ser /tmp/fold1-join7 01 02 03 04
set -euo pipefail
cd "$(dirname "$0")/../.."
ser=$1 model=$2
shift 2
out=/tmp/mains-hum-$(echo "$@" | tr -d ' ')
[ -d "$out/hum-40" ] || python3 experiments/2026-12-05-mains-hum/make_hum.py ../shared/data/ravdess "$out" "$@"
for hum in none hum-60 hum-50 hum-40; do
  echo "$hum: $("$ser" predict "$out/$hum" --model "$model" --format json 2>/dev/null |
    python3 experiments/2026-12-05-long-pauses/score.py)"
done
