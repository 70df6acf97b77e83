#!/usr/bin/env python3
"""RAVDESS clips of the given actors with mains hum added, one folder per hum.

    python3 make_hum.py ../shared/data/ravdess OUT_DIR 01 02 03 04

A hum is 50 Hz at the given level (RMS, dBFS) with its 3rd harmonic 6 dB and its 2nd 12 dB
below, as a transformer or a ground loop puts it under a recording; `OUT/none` holds the clips
as they are (32-bit float WAV, as every folder).
"""
import glob
import os
import sys

import numpy as np
import soundfile as sf

LEVELS = [None, -60, -50, -40]


def hum(n, rate, level_db):
    t = np.arange(n) / rate
    rms = 10 ** (level_db / 20)
    wave = np.sin(2 * np.pi * 50 * t) + 0.25 * np.sin(2 * np.pi * 100 * t) + 0.5 * np.sin(2 * np.pi * 150 * t)
    return wave * rms / np.sqrt(np.mean(wave**2))


def main(data, out, actors):
    for actor in actors:
        for path in sorted(glob.glob(f"{data}/Actor_{actor}/*.flac")):
            x, rate = sf.read(path)
            name = os.path.basename(path)[:-5]
            for level in LEVELS:
                folder = f"{out}/{'none' if level is None else f'hum{level}'}"
                os.makedirs(folder, exist_ok=True)
                if level is None:
                    y = x
                else:
                    h = hum(len(x), rate, level)
                    y = x + (h[:, None] if x.ndim > 1 else h)
                sf.write(f"{folder}/{name}.wav", y.astype(np.float32), rate, subtype="FLOAT")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
