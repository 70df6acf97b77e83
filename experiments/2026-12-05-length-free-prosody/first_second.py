#!/usr/bin/env python3
"""The first second of each RAVDESS sentence once trimmed (as `join_clips.py` trims), as FLAC under
OUT/Actor_NN/ with the original names, so `ser eval --data OUT` reads their labels: utterances
shorter than any the model or its head learned from (RAVDESS sentences are 1.4-3.2 s trimmed).

    python3 first_second.py ../shared/data/ravdess OUT 01 02 03 04
"""
import glob
import os
import sys

import soundfile as sf

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../2026-12-03-whole-clips"))
from join_clips import mono, trimmed  # noqa: E402


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    src, out, actors = sys.argv[1], sys.argv[2], sys.argv[3:]
    for actor in actors:
        os.makedirs(f"{out}/Actor_{actor}", exist_ok=True)
        for path in sorted(glob.glob(f"{src}/Actor_{actor}/*.flac")):
            samples, rate = mono(path)
            sf.write(f"{out}/Actor_{actor}/{os.path.basename(path)}", trimmed(samples, rate)[:rate], rate)


if __name__ == "__main__":
    main()
