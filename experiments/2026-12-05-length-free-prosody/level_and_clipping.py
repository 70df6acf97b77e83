#!/usr/bin/env python3
"""RAVDESS clips (mixed to mono) as a hot or a quiet recording: `clipped` cuts every sample at 20 %
of the clip's peak (heavy clipping, as an overdriven phone or headset microphone gives), `quiet`
plays the clip 30 dB lower. Written as 24-bit FLAC under OUT/CONDITION/Actor_NN/ with the
original names, so `ser eval --data` reads their labels.

    python3 level_and_clipping.py ../shared/data/ravdess OUT 01 02 03 04
"""
import glob
import os
import sys

import numpy as np
import soundfile as sf

CONDITIONS = {
    "clipped": lambda x: np.clip(x, -0.2 * np.abs(x).max(), 0.2 * np.abs(x).max()),
    "quiet": lambda x: x * 10 ** (-30 / 20),
}


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    src, out, actors = sys.argv[1], sys.argv[2], sys.argv[3:]
    for name, degrade in CONDITIONS.items():
        for actor in actors:
            os.makedirs(f"{out}/{name}/Actor_{actor}", exist_ok=True)
            for path in sorted(glob.glob(f"{src}/Actor_{actor}/*.flac")):
                x, rate = sf.read(path, dtype="float32")
                x = x.mean(axis=1) if x.ndim > 1 else x
                sf.write(f"{out}/{name}/Actor_{actor}/{os.path.basename(path)}", degrade(x), rate, subtype="PCM_24")


if __name__ == "__main__":
    main()
