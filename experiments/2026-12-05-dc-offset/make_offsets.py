#!/usr/bin/env python3
"""RAVDESS clips of the given actors with a DC offset added, one folder per offset.

    python3 make_offsets.py ../shared/data/ravdess OUT_DIR 01 02 03 04

`OUT/dc0` holds the clips as they are (32-bit float WAV, as every other folder, so that only
the offset differs); `OUT/dcX` the clips plus X (a fraction of full scale).
"""
import glob
import os
import sys

import numpy as np
import soundfile as sf

OFFSETS = [0, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05]


def main(data, out, actors):
    for actor in actors:
        for path in sorted(glob.glob(f"{data}/Actor_{actor}/*.flac")):
            x, rate = sf.read(path)
            name = os.path.basename(path)[:-5]
            for dc in OFFSETS:
                os.makedirs(f"{out}/dc{dc}", exist_ok=True)
                sf.write(f"{out}/dc{dc}/{name}.wav", (x + dc).astype(np.float32), rate, subtype="FLOAT")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
