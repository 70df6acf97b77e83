#!/usr/bin/env python3
"""Recordings with long pauses, from RAVDESS sentences of known emotion.

For each of the given actors, each emotion, intensity and repetition: statement 1, a pause,
statement 2 (both trimmed to 50 ms around their sound), over a -65 dBFS hiss, at 48 kHz.

- `pause-P/`: the pause is P seconds of the hiss alone (P = 0.3, 1, 3, 10, 30): a speaker who
  stops, an interview's silence.
- `call/`: a stereo call. The left channel is this speaker; in a 10 s pause the other side
  (two sentences of another of the given actors, in another emotion) speaks on the right
  channel at the speaker's level and bleeds into the left 25 dB down (a headset's sidetone).
  `ser predict --channel 1` is to give the left speaker's emotion.

Names keep RAVDESS's seven fields of the first sentence, so `ser eval` and the scorer read
their labels and actors.

    python3 make_recordings.py ../shared/data/ravdess OUT_DIR 01 02 03 04
"""
import glob
import os
import sys

import numpy as np
import soundfile as sf

RATE = 48000
HISS_DB = -65.0
BLEED_DB = -25.0
PAUSES = [0.3, 1, 3, 10, 30]
CALL_PAUSE = 10.0


def trim(x):
    """The clip from 50 ms before its first sample above 1 % of its peak to 50 ms after its last."""
    loud = np.where(np.abs(x) > 0.01 * np.abs(x).max())[0]
    return x[max(0, loud[0] - 2400) : loud[-1] + 2400]


def mono(path):
    x = sf.read(path)[0]
    return x.mean(axis=1) if x.ndim > 1 else x


def hiss(rng, n):
    return rng.normal(0.0, 10 ** (HISS_DB / 20), n)


def main(data, out, actors):
    rng = np.random.default_rng(0)
    pairs = []  # (name, first sentence, second sentence, actor, emotion)
    for actor in actors:
        for first in sorted(glob.glob(f"{data}/Actor_{actor}/*.flac")):
            f = os.path.basename(first).split("-")
            if f[4] != "01":
                continue
            second = os.path.join(os.path.dirname(first), "-".join(f[:4] + ["02"] + f[5:]))
            pairs.append((os.path.basename(first)[:-5], trim(mono(first)), trim(mono(second)), actor, f[2]))
    for p in PAUSES:
        os.makedirs(f"{out}/pause-{p}", exist_ok=True)
        for name, a, b, _, _ in pairs:
            x = np.concatenate([a, np.zeros(int(p * RATE)), b])
            x = x + hiss(rng, len(x))
            sf.write(f"{out}/pause-{p}/{name}.wav", x.astype(np.float32), RATE, subtype="FLOAT")
    os.makedirs(f"{out}/call", exist_ok=True)
    for name, a, b, actor, emotion in pairs:
        others = [q for q in pairs if q[3] != actor and q[4] != emotion]
        _, c, d, _, _ = others[rng.integers(len(others))]
        turn = np.concatenate([c, np.zeros(int(0.5 * RATE)), d])[: int(CALL_PAUSE * RATE)]
        start = (int(CALL_PAUSE * RATE) - len(turn)) // 2
        pause_right = np.zeros(int(CALL_PAUSE * RATE))
        pause_right[start : start + len(turn)] = turn
        right = np.concatenate([np.zeros(len(a)), pause_right, np.zeros(len(b))])
        left = np.concatenate([a, np.zeros(int(CALL_PAUSE * RATE)), b])
        left = left + 10 ** (BLEED_DB / 20) * right
        right = right + 10 ** (BLEED_DB / 20) * np.concatenate([a, np.zeros(int(CALL_PAUSE * RATE)), b])
        stereo = np.stack([left + hiss(rng, len(left)), right + hiss(rng, len(right))], axis=1)
        sf.write(f"{out}/call/{name}.wav", stereo.astype(np.float32), RATE, subtype="FLOAT")
    print(f"{len(pairs)} recordings per condition in {out}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
