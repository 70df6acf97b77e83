#!/usr/bin/env bash
# Speaker baselines for the prosody head (experiments/2026-12-07-speaker-baseline): how
# results.txt was made. Needs Python with numpy and scikit-learn, and a release build of the
# workspace.
set -euo pipefail
cd "$(dirname "$0")/../.."
x=experiments/2026-12-07-speaker-baseline
mkdir -p /tmp/pf
cargo build --release -p ser-model --example prosody_stats
target/release/examples/prosody_stats ../shared/data/ravdess/Actor_*/*.flac > /tmp/pf/stats-length-free.json
python3 $x/probe.py /tmp/pf/stats-length-free.json experiments/2026-12-03-distillation/cv/cv.json \
  experiments/2026-12-03-distillation/cv-seed3/cv.json > $x/results.txt
