# Resamples the RAVDESS FLAC tree to 24 kHz mono 16-bit FLAC with a loose silence trim, small
# enough to carry to a lent GPU machine (reference tool, run with librosa/soxr/soundfile):
#   python resample.py ../shared/data/ravdess OUT 24000
import glob, os, sys

import librosa
import soundfile as sf
import soxr

src, dst, rate = sys.argv[1], sys.argv[2], int(sys.argv[3])
for p in sorted(glob.glob(f"{src}/Actor_*/*.flac")):
    x, sr = sf.read(p, dtype="float32", always_2d=True)
    y = soxr.resample(x.mean(axis=1), sr, rate, quality="HQ")
    # Looser than ser's trim (30 dB), with a 0.15 s margin: ser's own trim still decides the edges.
    # Frames of 128 ms every 32 ms, as ser's trim at 16 kHz (3072 and 768 samples at 24 kHz).
    frame, hop = int(0.128 * rate), int(0.032 * rate)
    _, (a, b) = librosa.effects.trim(y, top_db=38, frame_length=frame, hop_length=hop)
    m = int(0.15 * rate)
    y = y[max(0, a - m): b + m]
    out = os.path.join(dst, os.path.relpath(p, src))
    os.makedirs(os.path.dirname(out), exist_ok=True)
    sf.write(out, y, rate, subtype="PCM_16", compression_level=1.0)
