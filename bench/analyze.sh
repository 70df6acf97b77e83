#!/usr/bin/env bash
# Speed and memory of `ser analyze` on constructed long recordings (RAVDESS clips joined by
# silent and noisy gaps, 16-bit mono WAV): prints, for 10 and 60 minutes, the median wall time
# of 3 runs, the real-time factor and the peak resident memory (GNU time's max RSS).
# Targets (issue 5): 60 min at >= 200x real time on 2 cores, <= 200 MB, the same for 10 min.
#
#   bash bench/analyze.sh [RAVDESS_DIR] [RATE]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data/ravdess}
rate=${2:-16000}
cargo build --release --quiet --bin ser --example make_recording
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for minutes in 10 60; do
  wav="$tmp/rec-$minutes.wav"
  target/release/examples/make_recording "$data" "$minutes" "$wav" "$rate" 2>/dev/null
  runs=()
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$tmp/time" target/release/ser analyze "$wav" --format json >/dev/null
    runs+=("$(cat "$tmp/time")")
  done
  printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p | awk -v m="$minutes" -v r="$rate" \
    '{printf "%3d min @ %d Hz: median %.2f s = %.0fx real time, peak RSS %.0f MB\n", m, r, $1, m*60/$1, $2/1024}'
done
