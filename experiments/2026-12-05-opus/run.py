#!/usr/bin/env python3
"""Opus voice messages and browser recordings through `ser`: does its Opus decoder give what
libopus gives, and does the bundled model say of an Opus copy what it says of the original?

For every RAVDESS clip (../shared/data/ravdess), three Opus copies are encoded by libopus
(ffmpeg via PyAV): 12 and 24 kbit/s in VoIP mode (SILK, as voice messages and calls), and
64 kbit/s in audio mode (CELT, as a browser's MediaRecorder). Then:

- decoder: for every tenth clip, `ser`'s ingest (the `load` example: decode, mono, 16 kHz) of
  the Opus file against the same ingest of libopus's decoding of it, written as a float WAV;
  the SNR between the two says how far ser's decoder is from libopus's;
- model: `ser predict --format json` of the originals and of each copy; how often the copy gets
  the original's label, and the mean confidence. (The bundled model trained on these 20 actors,
  so its accuracy here says nothing about new speakers; agreement does say what the codec costs.)

    python3 experiments/2026-12-05-opus/run.py [WORK_DIR]   # prints results/opus.txt's table

Needs `cargo build --release` and `cargo build --release -p ser-audio --example load`, and
PyAV (`pip install av==14.0.0`), soundfile and numpy.
"""
import json
import pathlib
import subprocess
import sys

import av
import numpy as np
import soundfile as sf

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "ravdess"
SER = ROOT / "target" / "release" / "ser"
LOAD = ROOT / "target" / "release" / "examples" / "load"
WORK = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/opus-experiment")
SETTINGS = {"voip-12k": (12000, "voip"), "voip-24k": (24000, "voip"), "audio-64k": (64000, "audio")}


def encode(src, dst, bit_rate, application):
    """libopus, mono, 48 kHz, 20 ms frames, in Ogg."""
    x, rate = sf.read(src, dtype="float32", always_2d=True)
    x = x.mean(axis=1)
    assert rate == 48000, src
    with av.open(str(dst), "w", format="ogg") as out:
        stream = out.add_stream("libopus", rate=48000, layout="mono")
        stream.bit_rate = bit_rate
        stream.codec_context.options = {"application": application}
        for start in range(0, len(x), 960):
            frame = av.AudioFrame.from_ndarray(x[None, start:start + 960], format="flt", layout="mono")
            frame.sample_rate, frame.pts = 48000, start
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def libopus_decode(src, dst):
    with av.open(str(src)) as inp:
        stream = inp.streams.audio[0]
        dec = av.CodecContext.create("libopus", "r")
        dec.extradata = stream.codec_context.extradata
        y = np.concatenate([f.to_ndarray().reshape(-1) for p in inp.demux(stream) if p.size
                            for f in dec.decode(p)])
    if y.dtype == np.int16:
        y = y / 32768.0
    sf.write(dst, y.astype(np.float32), 48000, subtype="FLOAT")


def ingest(path):
    out = WORK / "samples.f32"
    subprocess.run([LOAD, path, out], check=True, capture_output=True)
    return np.fromfile(out, dtype="<f4")


def predict(paths):
    result = subprocess.run([SER, "predict", "--format", "json", *map(str, paths)],
                            check=True, capture_output=True, text=True)
    return {pathlib.Path(r["path"]).stem: r for r in json.loads(result.stdout)}


def main():
    clips = sorted(DATA.glob("Actor_*/*.flac"))
    originals = predict(clips)
    lines = [f"{len(clips)} RAVDESS clips; the bundled model's labels of the originals are the reference",
             "", f"{'copy':<12} {'SNR vs libopus (dB), median [min]':>34} {'same label':>11} "
             f"{'mean confidence':>16}"]
    mean_conf = np.mean([r["confidence"] for r in originals.values()])
    lines.append(f"{'original':<12} {'':>34} {'':>11} {100 * mean_conf:>15.1f}%")
    for name, (bit_rate, application) in SETTINGS.items():
        folder = WORK / name
        folder.mkdir(parents=True, exist_ok=True)
        copies = []
        for clip in clips:
            dst = folder / (clip.stem + ".opus")
            if not dst.exists():
                encode(clip, dst, bit_rate, application)
            copies.append(dst)
        snrs = []
        for dst in copies[::10]:
            ref_wav = WORK / "libopus.wav"
            libopus_decode(dst, ref_wav)
            ours, ref = ingest(dst), ingest(ref_wav)
            assert len(ours) == len(ref), (dst, len(ours), len(ref))
            snrs.append(10 * np.log10(np.sum(ref ** 2) / np.sum((ours - ref) ** 2)))
        predicted = predict(copies)
        same = np.mean([predicted[k]["label"] == originals[k]["label"] for k in originals])
        conf = np.mean([r["confidence"] for r in predicted.values()])
        lines.append(f"{name:<12} {np.median(snrs):>26.1f} [{min(snrs):5.1f}] "
                     f"{100 * same:>10.1f}% {100 * conf:>15.1f}%")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
