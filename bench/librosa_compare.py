#!/usr/bin/env python3
"""ser vs librosa on the same RAVDESS files, in the same run, both pinned to one core.

Prints the median time per pass over the files and the speed-up ratios:
  * log-mel of 16 kHz samples (STFT + Slaney mel + power_to_db), target >= 10x;
  * decoding alone (to mono at the file's rate), against soundfile.read (libsndfile, which
    librosa.load decodes with): the floor under the full ingest;
  * full ingest: decode + resample to 16 kHz + log-mel, against
    librosa.load(sr=16000) + melspectrogram + power_to_db, target >= 10x.
librosa runs at its best: one BLAS/OpenMP thread, OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset.

    python3 -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install librosa==0.10.2.post1
    /tmp/refvenv/bin/python bench/librosa_compare.py [--reps 30] [--files 8]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("SER_DATA_DIR", ROOT.parent / "shared" / "data"))
CORE = "0"
ENV = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
ENV.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
           NUMBA_NUM_THREADS="1")

LIBROSA = r"""
import json, statistics, sys, time
import numpy as np, librosa, soundfile
reps, files = int(sys.argv[1]), sys.argv[2:]
P = dict(sr=16000, n_fft=512, win_length=400, hop_length=160, n_mels=64, fmin=0.0, fmax=8000.0,
         center=True, pad_mode="constant", power=2.0)
def log_mel(y):
    return librosa.power_to_db(librosa.feature.melspectrogram(y=y, **P), ref=np.max, top_db=80.0)
def median_ms(f):
    f()
    t = []
    for _ in range(reps):
        s = time.perf_counter(); f(); t.append((time.perf_counter() - s) * 1e3)
    return statistics.median(t)
clips = [librosa.load(f, sr=16000)[0] for f in files]
lm = median_ms(lambda: [log_mel(y) for y in clips])
dec = median_ms(lambda: [librosa.to_mono(soundfile.read(f, dtype="float32")[0].T) for f in files])
ing = median_ms(lambda: [log_mel(librosa.load(f, sr=16000)[0]) for f in files])
print(json.dumps({"files": len(files), "log_mel_ms": lm, "decode_ms": dec, "ingest_ms": ing}))
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--files", type=int, default=8)
    args = ap.parse_args()
    files = sorted((DATA / "ravdess").glob("Actor_*/*.flac"))[:: 150][: args.files]
    if not files:
        sys.exit(f"no RAVDESS FLAC files under {DATA}/ravdess")
    files = [str(f) for f in files]
    subprocess.run(["cargo", "build", "-q", "--release", "--example", "timing"], cwd=ROOT,
                   check=True)
    ours = json.loads(subprocess.check_output(
        ["taskset", "-c", CORE, str(ROOT / "target/release/examples/timing"), str(args.reps)]
        + files, env=ENV))
    ref = json.loads(subprocess.check_output(
        ["taskset", "-c", CORE, sys.executable, "-c", LIBROSA, str(args.reps)] + files, env=ENV))
    n = len(files)
    print(f"{n} RAVDESS files, median of {args.reps} passes, one core each")
    print(f"{'':22}{'ser ms/file':>12}{'librosa ms/file':>17}{'speed-up':>10}")
    for key, label in (("log_mel_ms", "log-mel (16 kHz in)"), ("decode_ms", "decode only"),
                       ("ingest_ms", "full ingest")):
        print(f"{label:22}{ours[key] / n:12.3f}{ref[key] / n:17.3f}{ref[key] / ours[key]:9.1f}x")


if __name__ == "__main__":
    main()
