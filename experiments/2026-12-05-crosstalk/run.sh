#!/usr/bin/env bash
# Crosstalk in stereo calls (experiments/2026-12-05-crosstalk): seconds of speech `ser analyze
# --channel N` finds on each side. SER (default target/release/ser) is the build to measure;
# results/speech-before.txt is this script run with a build whose VadParams::crosstalk_db
# default was 150 dB (the check never rejects a frame: the detector as it was before it).
set -euo pipefail
cd "$(dirname "$0")/../.."
ser=${1:-target/release/ser}
out=/tmp/crosstalk
python3 experiments/2026-12-05-crosstalk/make_calls.py ../shared/data/ravdess $out
speech() { $ser analyze "$@" --format json | python3 -c "import json,sys; print(round(json.load(sys.stdin)['speech_s'], 1))"; }
python3 -c "
import json
t = json.load(open('$out/turns.json'))
for side in ['left', 'right']:
    print(f'{side} side speaks {sum(e - s for w, s, e in t if w == side):.1f} s of its turns')"
for bleed in none 20 30 40; do
  echo "turns, bleed $bleed dB: left $(speech $out/call-$bleed.wav --channel 1) s, right $(speech $out/call-$bleed.wav --channel 2) s"
done
for q in 0 10 20; do
  echo "double talk, right $q dB quieter: right $(speech $out/double-$q.wav --channel 2) s (alone, no bleed: $(speech $out/double-$q-right-alone.wav) s), left $(speech $out/double-$q.wav --channel 1) s"
done
