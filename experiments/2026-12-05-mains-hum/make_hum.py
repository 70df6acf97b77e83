#!/usr/bin/env python3
"""RAVDESS clips of the given actors with mains hum added, one folder per hum.

    python3 make_hum.py ../shared/data/ravdess OUT_DIR 01 02 03 04
    python3 make_hum.py --under IN_DIR OUT_DIR        # hum under every WAV of a folder

A steady hum (`hum-70` ... `hum-40`) is 50 Hz at that level (RMS, dBFS) with its 3rd harmonic
6 dB and its 2nd 12 dB below, as a transformer or a ground loop puts it under a recording;
`none` holds the clips as they are. Harsher kinds, for the remover rather than the networks:
`offset50-50` is 50.13 Hz with seven harmonics; `drift50-50` and `drift50-40` the same with its
amplitude swaying ±20 % every 3.3 s and its frequency ±0.03 Hz every 10 s; `buzz60-50` is 59.92 Hz with twelve
harmonics (up to 719 Hz), swaying alike. `--under` puts the steady -50 dBFS hum and
`drift50-50` under each WAV of IN_DIR (e.g. the recordings of ../2026-12-05-long-pauses),
each kind in its folder of OUT_DIR. Every file is 32-bit float WAV.
"""
import glob
import os
import sys

import numpy as np
import soundfile as sf

STEADY = [-70, -60, -50, -40]
SEVEN = [1, 0.3, 0.5, 0.2, 0.25, 0.1, 0.1]
TWELVE = [1, 0.5, 0.7, 0.4, 0.5, 0.3, 0.3, 0.2, 0.2, 0.15, 0.15, 0.1]
SWAYING = {  # name: (fundamental, harmonic amplitudes, level, swaying)
    "offset50-50": (50.13, SEVEN, -50, False),
    "drift50-50": (50.13, SEVEN, -50, True),
    "drift50-40": (50.13, SEVEN, -40, True),
    "buzz60-50": (59.92, TWELVE, -50, True),
}


def steady(n, rate, level_db):
    t = np.arange(n) / rate
    wave = np.sin(2 * np.pi * 50 * t) + 0.25 * np.sin(2 * np.pi * 100 * t) + 0.5 * np.sin(2 * np.pi * 150 * t)
    return wave * 10 ** (level_db / 20) / np.sqrt(np.mean(wave**2))


def swaying(n, rate, kind, rng):
    f0, amps, level_db, sways = SWAYING[kind]
    t = np.arange(n) / rate
    sway = 1 + 0.2 * sways * np.sin(2 * np.pi * 0.3 * t + rng.uniform(0, 2 * np.pi))
    freq = f0 + 0.03 * sways * np.sin(2 * np.pi * 0.1 * t + rng.uniform(0, 2 * np.pi))
    phase = 2 * np.pi * np.cumsum(freq) / rate
    wave = sway * sum(a * np.sin(k * phase + rng.uniform(0, 2 * np.pi)) for k, a in enumerate(amps, 1))
    return wave * 10 ** (level_db / 20) / np.sqrt(np.mean(wave**2))


def save(path, x, rate):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    sf.write(path, x.astype(np.float32), rate, subtype="FLOAT")


def with_hum(x, hum):
    return x + (hum[:, None] if x.ndim > 1 else hum)


def main(data, out, actors):
    rng = np.random.default_rng(1)
    for actor in actors:
        for path in sorted(glob.glob(f"{data}/Actor_{actor}/*.flac")):
            x, rate = sf.read(path)
            name = os.path.basename(path)[:-5] + ".wav"
            save(f"{out}/none/{name}", x, rate)
            for level in STEADY:
                save(f"{out}/hum{level}/{name}", with_hum(x, steady(len(x), rate, level)), rate)
            for kind in SWAYING:
                save(f"{out}/{kind}/{name}", with_hum(x, swaying(len(x), rate, kind, rng)), rate)


def under(folder, out):
    rng = np.random.default_rng(2)
    for path in sorted(glob.glob(f"{folder}/*.wav")):
        x, rate = sf.read(path)
        name = os.path.basename(path)
        save(f"{out}/hum-50/{name}", with_hum(x, steady(len(x), rate, -50)), rate)
        save(f"{out}/drift50-50/{name}", with_hum(x, swaying(len(x), rate, "drift50-50", rng)), rate)


if __name__ == "__main__":
    if sys.argv[1] == "--under":
        under(sys.argv[2], sys.argv[3])
    else:
        main(sys.argv[1], sys.argv[2], sys.argv[3:])
