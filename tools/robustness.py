#!/usr/bin/env python3
"""How a model holds up when the audio is not studio-clean: `ser eval` on degraded copies.

Copies the RAVDESS clips of the given actors under conditions a deployed model meets (telephone
band, background noise, other voices behind the speaker, a reverberant room, call recorders'
and messengers' codecs: G.711 µ-law and GSM 6.10 files at 8 kHz, Opus voice messages, MP3,
which ser decodes itself), keeping their names so that `ser eval` reads their labels, and
prints each condition's accuracy and UAR beside the clean clips'. Score
a model on actors it never heard (a model trained without them, e.g. on one CV fold's training
actors), or the numbers measure memory instead of robustness.

Reference tooling only (needs numpy, scipy, soundfile, soxr and PyAV, as the environment of
tools/make_fixtures.py has):

    python3 tools/robustness.py SER MODEL_DIR DATA_DIR OUT_DIR ACTOR [ACTOR ...]
    python3 tools/robustness.py target/release/ser /tmp/fold1-model ../shared/data/ravdess \\
        /tmp/robust 01 02 03 04

Every clip's degradation is seeded by its condition and position, so the files are the same
in every run; those already in OUT_DIR are kept (score several models on the same copies, one
after another or at once), and only the named actors' copies are scored, whatever other actors
OUT_DIR holds.
"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile

import numpy as np
import scipy.signal
import soundfile
import soxr

# Voices summed behind a clip in the babble condition.
BABBLE_TALKERS = 3

def _sndfile(subtype):
    """A writer of WAV files of libsndfile's `subtype`."""
    return lambda path, signal, rate: soundfile.write(path, signal, rate, format="WAV", subtype=subtype)


def _ffmpeg(container, codec, bit_rate, options=None):
    """A writer of ffmpeg's `codec` in `container`, through PyAV."""
    def write(path, signal, rate):
        from make_fixtures import av_write  # PyAV: only these conditions need it
        av_write(path, signal[:, None], rate, container, codec, bit_rate, options)
    return write


# Conditions whose copies are stored in a codec, as call recorders and messengers store them,
# instead of as 16-bit PCM WAV at the clip's rate: the rate they are stored at, their file
# suffix and their writer.
STORED = {
    "mu-law 8 kHz": (8000, ".wav", _sndfile("ULAW")),
    "GSM 6.10 8 kHz": (8000, ".wav", _sndfile("GSM610")),
    "Opus 12 kbps voice": (48000, ".opus", _ffmpeg("ogg", "libopus", 12000, {"application": "voip"})),
    "Opus 24 kbps voice": (48000, ".opus", _ffmpeg("ogg", "libopus", 24000, {"application": "voip"})),
    "MP3 32 kbps": (24000, ".mp3", _ffmpeg("mp3", "libmp3lame", 32000)),
}


def white_noise(signal, rate, rng, snr_db):
    """Gaussian noise at `snr_db` below the clip's mean power (over the whole clip)."""
    noise = rng.standard_normal(len(signal))
    return mix(signal, noise, snr_db)


def mix(signal, interference, snr_db):
    """`signal` plus `interference` scaled to `snr_db` below it."""
    power = np.mean(signal**2)
    scale = np.sqrt(power / (np.mean(interference**2) * 10 ** (snr_db / 10) + 1e-20))
    return signal + scale * interference


def telephone(signal, rate, rng):
    """Narrowband telephone audio: down to 8 kHz (nothing above 4 kHz) and back."""
    narrow = soxr.resample(signal, rate, 8000)
    return soxr.resample(narrow, 8000, rate)[: len(signal)]


def reverb(signal, rate, rng, rt60=0.5):
    """A synthetic room: convolution with exponentially decaying noise (RT60 `rt60` s)."""
    length = int(rt60 * rate)
    t = np.arange(length) / rate
    response = rng.standard_normal(length) * np.exp(-6.9 * t / rt60)
    response[0] = 1.0
    wet = scipy.signal.fftconvolve(signal, response)[: len(signal)]
    return wet / (np.max(np.abs(wet)) + 1e-12) * np.max(np.abs(signal))


def babble(signal, rate, rng, others, snr_db):
    """Three utterances of other actors summed behind the clip at `snr_db`."""
    talkers = np.zeros(len(signal))
    for path in rng.choice(others, size=BABBLE_TALKERS, replace=False):
        voice, voice_rate = soundfile.read(path, always_2d=True)
        voice = voice.mean(axis=1)
        if voice_rate != rate:
            voice = soxr.resample(voice, voice_rate, rate)
        voice = np.resize(voice, len(signal))
        talkers += voice / (np.sqrt(np.mean(voice**2)) + 1e-12)
    return mix(signal, talkers, snr_db)


def conditions(others, scored):
    """Each condition's degradation of a clip: `(signal, rate, rng, clip) -> signal`.

    `others` are the clips of actors not scored (for a CV fold's model, its training actors);
    in "babble unheard" the voices behind a clip are instead those of the other scored actors,
    whom the model never heard either (offered when at least two actors are scored).
    """
    found = {
        "telephone 8 kHz": lambda s, r, g, c: telephone(s, r, g),
        "white noise 20 dB SNR": lambda s, r, g, c: white_noise(s, r, g, 20),
        "white noise 5 dB SNR": lambda s, r, g, c: white_noise(s, r, g, 5),
        "babble 10 dB SNR": lambda s, r, g, c: babble(s, r, g, others, 10),
        "reverb RT60 0.5 s": lambda s, r, g, c: reverb(s, r, g),
    }
    if len({clip.parent.name for clip in scored}) > 1:
        found["babble unheard 10 dB"] = lambda s, r, g, c: babble(
            s, r, g, [o for o in scored if o.parent.name != c.parent.name], 10
        )
    # Last, so that the conditions before keep their seeds (their position) and their copies.
    for name, (stored_rate, _, _) in STORED.items():
        found[name] = lambda s, r, g, c, to=stored_rate: soxr.resample(s, r, to)
    return found


def evaluate(ser, model, source, actors, out, expected):
    """`ser eval` on `actors` alone of `source` (the corpus, or a condition's folder of copies),
    which must hold `expected` clips of theirs.

    A condition's folder keeps the copies of every actor scored before (for other folds'
    models), which the model may have trained on; what gets scored is a view in `out` holding
    links to the requested actors only. The cache in `out` is keyed by the files the links
    resolve to, so it serves every view.
    """
    with tempfile.TemporaryDirectory(dir=out) as view:
        for a in actors:
            (pathlib.Path(view) / a).symlink_to((source / a).resolve())
        result = subprocess.run(
            [ser, "eval", "--model", model, "--data", view, "--format", "json", "--cache", str(out / "cache")],
            check=True,
            capture_output=True,
            text=True,
        )
    report = json.loads(result.stdout)
    if report["n"] != expected:
        sys.exit(f"{source}: scored {report['n']} clips of {', '.join(actors)}, expected {expected}")
    return 100 * report["accuracy"], 100 * report["uar"]


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    ser, model, data, out = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3]), pathlib.Path(sys.argv[4])
    actors = [f"Actor_{a}" for a in sys.argv[5:]]
    clips = sorted(p for a in actors for p in (data / a).iterdir() if p.is_file())
    others = sorted(p for d in data.iterdir() if d.is_dir() and d.name not in actors for p in d.iterdir())
    if len(others) < BABBLE_TALKERS:
        sys.exit(f"{data}: babble needs at least {BABBLE_TALKERS} clips of actors other than {', '.join(actors)} there")
    out.mkdir(parents=True, exist_ok=True)
    results = {"clean": evaluate(ser, model, data, actors, out, len(clips))}
    for index, (name, degrade) in enumerate(conditions(others, clips).items()):
        folder = out / name.replace(" ", "-")
        # None: 16-bit PCM WAV at the clip's own rate.
        stored_rate, suffix, write = STORED.get(name, (None, ".wav", _sndfile("PCM_16")))
        for number, clip in enumerate(clips):
            target = folder / clip.parent.name / (clip.stem + suffix)
            if target.exists():
                continue  # written by an earlier run: the same seed gave the same file
            rng = np.random.default_rng([index, number])
            signal, rate = soundfile.read(clip, always_2d=True)
            degraded = degrade(signal.mean(axis=1), rate, rng, clip)
            target.parent.mkdir(parents=True, exist_ok=True)
            # Named for this process: runs scoring several models at once on one OUT_DIR may
            # write the same copy together, and each renames its own whole file into place.
            partial = target.with_name(f"{target.stem}.{os.getpid()}.partial")
            write(partial, np.clip(degraded, -1, 1), stored_rate or rate)
            partial.rename(target)  # an interrupted run leaves no half-written copy to reuse
        results[name] = evaluate(ser, model, folder, actors, out, len(clips))
    base = results["clean"]
    print(f"{len(clips)} clips of {', '.join(actors)}, model {model}")
    print(f"{'condition':<24} {'accuracy':>9} {'UAR':>7} {'vs clean (acc)':>15}")
    for name, (acc, uar) in results.items():
        print(f"{name:<24} {acc:>8.1f}% {uar:>6.1f}% {acc - base[0]:>+14.1f}")


if __name__ == "__main__":
    main()
