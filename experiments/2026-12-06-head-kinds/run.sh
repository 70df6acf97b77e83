#!/usr/bin/env bash
# Prosody head kinds and speaker baselines (experiments/2026-12-06-head-kinds): how each number in
# README.md was made. Needs Python with scikit-learn and a release build of the workspace.
set -euo pipefail
cd "$(dirname "$0")/../.."
x=experiments/2026-12-06-head-kinds
mkdir -p /tmp/pf
cargo build --release -p ser-model --example prosody_stats
target/release/examples/prosody_stats ../shared/data/ravdess/Actor_*/*.flac > /tmp/pf/stats-length-free.json
records=(experiments/2026-12-03-distillation/cv/cv.json experiments/2026-12-03-distillation/cv-seed3/cv.json)
for mode in kinds baselines; do
  python3 $x/probe.py $mode /tmp/pf/stats-length-free.json "${records[@]}" > $x/results/$mode.md
done
