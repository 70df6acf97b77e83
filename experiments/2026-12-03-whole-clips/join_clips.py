#!/usr/bin/env python3
"""Longer utterances from RAVDESS: clips of one actor, emotion and intensity joined end to end.

RAVDESS sentences last 1.4-3.2 s (5th-99th percentile) once trimmed, so a model of 3 s
windows rarely meets the clips longer than its window that other corpora and real use bring.
Joining sentences of one emotion makes such utterances with a known label (in pairs and quads
each part keeps its own leading and trailing silence, so they hold pauses of about 1-2 s):

- pairs: statement 1 then statement 2 of one repetition (4.4-8.3 s trimmed), 30 per actor;
- quads: both statements of both repetitions (10.8-16.9 s), 15 per actor;
- tight: the quads' four sentences each trimmed of its silence (librosa.effects.trim at 30 dB,
  computed here with numpy) and joined by 0.3 s gaps, as one continuous utterance (5.7-13.0 s).

Written as FLAC at the source rate under OUT/Actor_NN/ with RAVDESS names (statement field 01,
repetition field that of the first part), so `ser eval --data OUT` reads their labels.

    python3 join_clips.py ../shared/data/ravdess OUT pairs|quads|tight 05 06 07 08
"""
import os
import sys

import numpy as np
import soundfile as sf


def mono(path):
    samples, rate = sf.read(path, dtype="float32")
    return (samples.mean(axis=1) if samples.ndim > 1 else samples), rate


def trimmed(samples, rate, top_db=30.0):
    """librosa.effects.trim: frames of 2048 samples every 512 at 16 kHz (scaled to `rate`),
    kept from the first to the last whose RMS is within `top_db` of the loudest."""
    frame, hop = 2048 * rate // 16000, 512 * rate // 16000
    padded = np.pad(samples, frame // 2)
    n = 1 + (len(padded) - frame) // hop
    rms = np.array([np.sqrt(np.mean(padded[i * hop : i * hop + frame] ** 2)) for i in range(n)])
    db = 20 * np.log10(np.maximum(rms, 1e-10))
    loud = np.nonzero(db > db.max() - top_db)[0]
    return samples[loud[0] * hop : min(len(samples), (loud[-1] + 1) * hop)]


def main():
    if len(sys.argv) < 5 or sys.argv[3] not in ("pairs", "quads", "tight"):
        sys.exit(__doc__)
    src, out, mode, actors = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    groups = [[1], [2]] if mode == "pairs" else [[1, 2]]
    for actor in actors:
        os.makedirs(f"{out}/Actor_{actor}", exist_ok=True)
        for emotion in range(1, 9):
            # RAVDESS has no strong intensity of neutral.
            for intensity in [1] if emotion == 1 else [1, 2]:
                for repetitions in groups:
                    parts = []
                    for rep in repetitions:
                        for statement in (1, 2):
                            name = f"03-01-{emotion:02}-{intensity:02}-{statement:02}-{rep:02}-{actor}"
                            samples, rate = mono(f"{src}/Actor_{actor}/{name}.flac")
                            if mode == "tight":
                                samples = trimmed(samples, rate)
                                if parts:
                                    parts.append(np.zeros(int(0.3 * rate), np.float32))
                            parts.append(samples)
                    name = f"03-01-{emotion:02}-{intensity:02}-01-{repetitions[0]:02}-{actor}"
                    sf.write(f"{out}/Actor_{actor}/{name}.flac", np.concatenate(parts), rate)


if __name__ == "__main__":
    main()
