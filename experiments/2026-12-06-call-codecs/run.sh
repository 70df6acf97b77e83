#!/usr/bin/env bash
# Codecs of calls and voice messages (experiments/2026-12-06-call-codecs): how each number in
# README.md was made. Needs the reference Python environment of tools/make_fixtures.py
# (soundfile, soxr, PyAV) and the fold networks of folds 1 and 2 (the joined-utterance recipe,
# seed 7, each trained by `ser train` on its fold's 16 other actors) in /tmp/fold1-join7 and
# /tmp/fold2-join7.
set -euo pipefail
cd "$(dirname "$0")/../.."
x=experiments/2026-12-06-call-codecs
cargo build --release
out=/tmp/call-codecs
{
  /tmp/refvenv/bin/python tools/robustness.py target/release/ser /tmp/fold1-join7 ../shared/data/ravdess $out 01 02 03 04
  /tmp/refvenv/bin/python tools/robustness.py target/release/ser /tmp/fold2-join7 ../shared/data/ravdess $out 05 06 07 08
} > $x/robustness-folds1-2.txt
# Decoding speed: an hour of fold 1's clips at 8 kHz, as GSM 6.10 and as 16-bit PCM.
/tmp/refvenv/bin/python - <<'PY'
import glob, numpy as np, soundfile as sf, soxr
parts = []
for f in sorted(glob.glob('../shared/data/ravdess/Actor_0[1-4]/*.flac')):
    x, sr = sf.read(f, always_2d=True)
    parts.append(soxr.resample(x.mean(1), sr, 8000))
y = np.tile(np.concatenate(parts), 4)[:3600 * 8000]
sf.write('/tmp/call-codecs/hour.gsm.wav', y, 8000, subtype='GSM610')
sf.write('/tmp/call-codecs/hour.pcm.wav', y, 8000, subtype='PCM_16')
PY
for i in 1 2 3; do
  for f in gsm pcm; do /usr/bin/time -f "%e s, %M KB: $f" target/release/ser info /tmp/call-codecs/hour.$f.wav > /dev/null; done
done
