#!/usr/bin/env python3
"""Stereo calls from RAVDESS, one speaker per channel, with crosstalk.

Actor 01 and actor 02 take turns (every tenth file of each, six turns apiece, 0.5 s apart),
each on a channel of their own over a -65 dBFS hiss; each voice also reaches the other channel
`bleed` dB down (a headset's sidetone, a phone line's echo): `call-{none,20,30,40}.wav`. Then
double talk: both speak at once (the same pairs of files side by side, 1 s apart), the right
side's voice 0, 10 or 20 dB quieter than the left's and each bleeding into the other channel
20 dB down: `double-{0,10,20}.wav`, with the right side alone (no bleed) as
`double-{0,10,20}-right-alone.wav`. `turns.json` holds the turns' times.

    python3 make_calls.py ../shared/data/ravdess OUT_DIR
"""
import glob
import json
import os
import sys

import numpy as np
import soundfile as sf

RATE = 48000


def mono(path):
    x = sf.read(path)[0]
    return x.mean(axis=1) if x.ndim > 1 else x


def trim(x):
    """The clip from 50 ms before its first sample above 1 % of its peak to 50 ms after its last."""
    loud = np.where(np.abs(x) > 0.01 * np.abs(x).max())[0]
    return x[max(0, loud[0] - 2400) : loud[-1] + 2400]


def main(data, out):
    os.makedirs(out, exist_ok=True)
    left = [trim(mono(p)) for p in sorted(glob.glob(f"{data}/Actor_01/*.flac"))[::10]]
    right = [trim(mono(p)) for p in sorted(glob.glob(f"{data}/Actor_02/*.flac"))[::10]]
    rng = np.random.default_rng(0)
    hiss = lambda n: 10 ** (-65 / 20) * rng.standard_normal(n)

    # Turns.
    l, r, t, turns = [], [], 0.0, []
    gap = np.zeros(RATE // 2)
    for a, b in zip(left, right):
        l += [a, np.zeros(len(b)), gap]
        r += [np.zeros(len(a)), b, gap]
        turns.append(("left", t, t + len(a) / RATE))
        t += len(a) / RATE
        turns.append(("right", t, t + len(b) / RATE))
        t += len(b) / RATE + 0.5
    l, r = np.concatenate(l), np.concatenate(r)
    for bleed in [None, 20, 30, 40]:
        g = 0.0 if bleed is None else 10 ** (-bleed / 20)
        both = np.stack([l + g * r + hiss(len(l)), r + g * l + hiss(len(l))], axis=1)
        sf.write(f"{out}/call-{bleed or 'none'}.wav", both, RATE, subtype="PCM_16")
    json.dump(turns, open(f"{out}/turns.json", "w"), indent=0)

    # Double talk.
    l, r = [], []
    for a, b in zip(left, right):
        n = max(len(a), len(b))
        l += [np.pad(a, (0, n - len(a))), np.zeros(RATE)]
        r += [np.pad(b, (0, n - len(b))), np.zeros(RATE)]
    l, r = np.concatenate(l), np.concatenate(r)
    for quieter in [0, 10, 20]:
        g = 10 ** (-quieter / 20)
        both = np.stack([l + 0.1 * g * r + hiss(len(l)), g * r + 0.1 * l + hiss(len(l))], axis=1)
        sf.write(f"{out}/double-{quieter}.wav", both, RATE, subtype="PCM_16")
        sf.write(f"{out}/double-{quieter}-right-alone.wav", g * r + hiss(len(l)), RATE, subtype="PCM_16")


if __name__ == "__main__":
    main(*sys.argv[1:])
