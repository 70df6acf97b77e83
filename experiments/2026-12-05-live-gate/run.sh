#!/usr/bin/env bash
# Live-mode speech gate (experiments/2026-12-05-live-gate): which of the live mode's windows
# (3 s, every 0.25 s, as `GET /api/v1/stream` cuts them) each gate gives an emotion, on speech
# under many conditions and on sounds without speech. Uses the recordings that
# experiments/2026-12-05-speech-check/run.sh makes under /tmp/sc (made here when missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
x=experiments/2026-12-05-live-gate
S=experiments/2026-12-05-speech-check
L=experiments/2026-12-05-length-free-prosody
actors="01 02 03 04 05 06 07 08"
cargo build -q --release
cargo build -q --release -p ser-serve --example live_windows
if [ ! -d /tmp/sc/noises ]; then
  python3 tools/robustness.py target/release/ser models/default ../shared/data/ravdess /tmp/sc/robust $actors > /dev/null
  python3 $L/level_and_clipping.py ../shared/data/ravdess /tmp/sc/level $actors
  python3 $S/make_noises.py ../shared/data/ravdess /tmp/sc/noises
fi
# The same sounds lasting 10 s, as a fan or a hum would in a live stream.
[ -d /tmp/sc/noises-10s ] || python3 $S/make_noises.py ../shared/data/ravdess /tmp/sc/noises-10s 10
mkdir -p /tmp/lg
windows() { target/release/examples/live_windows "$1" > "/tmp/lg/$(basename "$1").csv"; }
speech=(../shared/data/ravdess /tmp/sc/level/quiet /tmp/sc/level/clipped /tmp/sc/robust/telephone-8-kHz
  /tmp/sc/robust/reverb-RT60-0.5-s /tmp/sc/robust/white-noise-20-dB-SNR /tmp/sc/robust/white-noise-5-dB-SNR
  /tmp/sc/robust/babble-10-dB-SNR /tmp/sc/robust/babble-unheard-10-dB)
for d in "${speech[@]}" /tmp/sc/noises /tmp/sc/noises-10s; do windows "$d"; done
python3 $x/summarise.py $(for d in "${speech[@]}"; do echo "/tmp/lg/$(basename "$d").csv"; done) \
  --noise /tmp/lg/noises.csv /tmp/lg/noises-10s.csv > $x/results/gates.txt
# Steady sounds coming and going in a 10-minute recording (`ser analyze`); with SER_BEFORE set to
# another build of `ser` (results/steady-sounds.txt: that of 25a1410), it is measured too.
cargo build -q --release --example make_recording
target/release/examples/make_recording ../shared/data/ravdess 10 /tmp/lg/rec10.wav 2>/dev/null
python3 $x/steady_sounds.py /tmp/lg/rec10.wav ${SER_BEFORE:+before=$SER_BEFORE} now=target/release/ser \
  > $x/results/steady-sounds.txt
