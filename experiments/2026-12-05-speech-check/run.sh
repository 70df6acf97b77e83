#!/usr/bin/env bash
# Speech check (experiments/2026-12-05-speech-check): how many clips `ser predict` refuses as
# "no speech found" (and as silent), on speech under many conditions and on sounds without
# speech. Needs Python with numpy, scipy, soundfile and soxr.
set -euo pipefail
cd "$(dirname "$0")/../.."
ser=target/release/ser
x=experiments/2026-12-05-speech-check
L=experiments/2026-12-05-length-free-prosody
actors="01 02 03 04 05 06 07 08"
cargo build -q --release
# Degraded copies of actors 01-08 (the tool scores a model on them too; only the copies are used).
python3 tools/robustness.py $ser models/default ../shared/data/ravdess /tmp/sc/robust $actors > /dev/null
python3 $L/first_second.py ../shared/data/ravdess /tmp/sc/first-second $actors
python3 $L/level_and_clipping.py ../shared/data/ravdess /tmp/sc/level $actors
python3 $x/make_noises.py ../shared/data/ravdess /tmp/sc/noises
count() {
  local n
  n=$({ $ser predict "$1" --format csv 2>/tmp/sc/errors.txt || true; } | tail -n +2 | wc -l)
  echo "$1: predicted $n, no speech $(grep -c 'no speech found' /tmp/sc/errors.txt || true)," \
    "silent $(grep -c 'no sound to classify' /tmp/sc/errors.txt || true)"
}
{
  for d in ../shared/data/ravdess ../shared/data/ravdess-wav /tmp/sc/robust/[!c]* /tmp/sc/first-second \
    /tmp/sc/level/* /tmp/sc/noises; do count "$d"; done
  echo "answers given to sounds without speech:"
  $ser predict /tmp/sc/noises 2>/dev/null || true
} > $x/results/refusals.txt
