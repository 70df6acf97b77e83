#!/usr/bin/env python3
"""Regenerates the test fixtures of `ser`.

1. librosa parity (tests/fixtures/librosa/): for real RAVDESS clips read from ../shared/data,
   the 16 kHz samples are produced by ser's own ingest (the `load` example), then librosa
   computes the reference log-mel, MFCC and trim ranges *from those same samples*. Only
   librosa's outputs are stored (no audio), plus a checksum of the samples so a test can tell
   "ingest changed" from "features differ". Mel filterbanks for several parameter sets too.
2. Decoder fixtures (tests/fixtures/formats/): small synthetic tones in every supported format
   and sample width, written by libsndfile (soundfile), and by ffmpeg (PyAV) where libsndfile
   has no writer (AAC in M4A, Opus in WebM); and speechlike.opus, the speech-like fixture below
   encoded by libopus for voice (24 kbit/s), with libopus's own decoding of it beside it
   (speechlike.opus.wav), which ser's Opus decoder must reproduce; and speechlike.gsm.wav, the
   same at 8 kHz in GSM 6.10 as call recorders store it, in WAV and raw (speechlike.gsm), with
   libsndfile's decoding of it (speechlike.gsm.ref.wav), which ser's GSM decoder must reproduce
   to the bit; the same as Dialogic VOX (speechlike.vox, headerless OKI ADPCM, and codes that
   drive its decoder to its limits, vox_extremes.vox), with FFmpeg's decoding of each beside it,
   and the same codes in WAV (`.oki.wav`); G.722 as FFmpeg encodes it, headerless
   (speechlike.g722), in WAV and in AU, with FFmpeg's decoding beside it;
   Shorten (`shorten_fixtures`, by tools/shorten_encode.py) as .shn files and inside SPHERE, and
   speechlike.shn.
3. tests/fixtures/speechlike.wav: one second of synthetic voiced syllables (a harmonic series
   under a gliding pitch, with pauses), which the speech detector takes for speech where it takes
   a steady tone for noise: what tests of `ser predict` and `POST /api/v1/predict` classify when
   they need no corpus (`python3 tools/make_fixtures.py speechlike` writes only this one, `formats`
   only the decoder fixtures, `librosa` only the parity fixtures of 1).

Run it in a throwaway venv with pinned versions:

    python3 -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install librosa==0.10.2.post1 soundfile==0.14.0 numpy==2.4.6 scipy==1.17.1 av==14.0.0
    /tmp/refvenv/bin/python tools/make_fixtures.py
"""
import json
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import librosa
import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
LIBROSA_DIR = ROOT / "tests" / "fixtures" / "librosa"
FORMATS_DIR = ROOT / "tests" / "fixtures" / "formats"

# Ten clips, mixed actors and sexes, every emotion; two stereo, two original WAVs.
CLIPS = [
    "ravdess/Actor_01/03-01-02-01-01-02-01.flac",  # stereo
    "ravdess/Actor_02/03-01-05-02-01-01-02.flac",
    "ravdess/Actor_03/03-01-03-02-02-01-03.flac",
    "ravdess/Actor_06/03-01-04-01-02-02-06.flac",
    "ravdess/Actor_09/03-01-06-02-01-02-09.flac",
    "ravdess/Actor_12/03-01-07-01-02-01-12.flac",
    "ravdess/Actor_15/03-01-08-02-02-02-15.flac",
    "ravdess/Actor_18/03-01-01-01-01-01-18.flac",
    "ravdess-wav/Actor_20/03-01-06-01-01-02-20.wav",  # original WAV, stereo
    "ravdess-wav/Actor_01/03-01-05-02-01-01-01.wav",  # original WAV, mono
]

# Parameter sets: ser's defaults, and a librosa-style set with reflect padding and fixed ref.
PARAMS = {
    "default": dict(sr=16000, n_fft=512, win_length=400, hop_length=160, n_mels=64,
                    fmin=0.0, fmax=8000.0, center=True, pad_mode="constant",
                    ref="max", top_db=80.0),
    "reflect": dict(sr=16000, n_fft=1024, win_length=1024, hop_length=256, n_mels=80,
                    fmin=50.0, fmax=7600.0, center=True, pad_mode="reflect",
                    ref=1.0, top_db=None),
}
# Filterbank-only checks, including librosa's own defaults at 22.05 kHz.
FILTERBANKS = [
    dict(sr=16000, n_fft=512, n_mels=64, fmin=0.0, fmax=8000.0),
    dict(sr=16000, n_fft=1024, n_mels=80, fmin=50.0, fmax=7600.0),
    dict(sr=22050, n_fft=2048, n_mels=128, fmin=0.0, fmax=11025.0),
]


def ser_samples(path: Path) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "samples.f32"
        subprocess.run(
            ["cargo", "run", "-q", "--release", "-p", "ser-audio", "--example", "load", "--",
             str(path), str(out)],
            cwd=ROOT, check=True)
        return np.fromfile(out, dtype="<f4")


def log_mel(y: np.ndarray, p: dict) -> np.ndarray:
    S = librosa.feature.melspectrogram(
        y=y, sr=p["sr"], n_fft=p["n_fft"], win_length=p["win_length"],
        hop_length=p["hop_length"], n_mels=p["n_mels"], fmin=p["fmin"], fmax=p["fmax"],
        center=p["center"], pad_mode=p["pad_mode"], power=2.0, htk=False, norm="slaney")
    ref = np.max if p["ref"] == "max" else p["ref"]
    return librosa.power_to_db(S, ref=ref, amin=1e-10, top_db=p["top_db"]).astype(np.float32)


def librosa_fixtures():
    if not DATA.is_dir():
        sys.exit(f"{DATA} not found: the parity fixtures need RAVDESS in ../shared/data")
    LIBROSA_DIR.mkdir(parents=True, exist_ok=True)
    cases = []
    for i, rel in enumerate(CLIPS):
        y = ser_samples(DATA / rel)
        case = {"clip": rel, "n_samples": int(y.size),
                "sum_abs": float(np.abs(y.astype(np.float64)).sum()), "log_mel": {}, "trim": {}}
        for name, p in PARAMS.items():
            if name != "default" and i % 3:
                continue  # the second set on a few clips keeps the fixtures small
            fname = f"clip{i:02d}_{name}.npy"
            np.save(LIBROSA_DIR / fname, log_mel(y, p))
            case["log_mel"][name] = fname
        if i < 3:
            mfcc = librosa.feature.mfcc(S=log_mel(y, PARAMS["default"]), n_mfcc=20)
            fname = f"clip{i:02d}_mfcc20.npy"
            np.save(LIBROSA_DIR / fname, mfcc.astype(np.float32))
            case["mfcc20"] = fname
        for top_db in (60, 30):
            _, idx = librosa.effects.trim(y, top_db=top_db, frame_length=2048, hop_length=512)
            case["trim"][str(top_db)] = [int(idx[0]), int(idx[1])]
        cases.append(case)
        print(f"{rel}: {y.size} samples")
    banks = []
    for j, fb in enumerate(FILTERBANKS):
        fname = f"melbank{j}.npy"
        np.save(LIBROSA_DIR / fname, librosa.filters.mel(
            sr=fb["sr"], n_fft=fb["n_fft"], n_mels=fb["n_mels"], fmin=fb["fmin"],
            fmax=fb["fmax"], htk=False, norm="slaney"))
        banks.append({**fb, "file": fname})
    manifest = {"librosa": librosa.__version__, "numpy": np.__version__,
                "params": PARAMS, "clips": cases, "filterbanks": banks}
    (LIBROSA_DIR / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")


def format_fixtures():
    """A 0.25 s tone: left channel 0.5*sin(440 Hz), other channels half of that each."""
    FORMATS_DIR.mkdir(parents=True, exist_ok=True)
    specs = [  # name, rate, channels, container, subtype
        ("pcm_u8.wav", 22050, 1, "WAV", "PCM_U8"),
        ("pcm_s16.wav", 22050, 2, "WAV", "PCM_16"),
        ("pcm_s24.wav", 44100, 1, "WAV", "PCM_24"),
        ("pcm_s32.wav", 8000, 1, "WAV", "PCM_32"),
        ("float32.wav", 16000, 2, "WAV", "FLOAT"),
        ("float64.wav", 32000, 1, "WAV", "DOUBLE"),
        ("extensible_6ch.wav", 48000, 6, "WAVEX", "PCM_24"),
        ("s16.flac", 44100, 2, "FLAC", "PCM_16"),
        ("s24.flac", 96000, 1, "FLAC", "PCM_24"),
        ("vorbis.ogg", 44100, 2, "OGG", "VORBIS"),
        ("mpeg3.mp3", 44100, 1, "MP3", "MPEG_LAYER_III"),
        ("opus.ogg", 48000, 2, "OGG", "OPUS"),
        ("pcm_s16be.aiff", 22050, 2, "AIFF", "PCM_16"),
        ("pcm_s24be.caf", 32000, 1, "CAF", "PCM_24"),
        # WAV with 64-bit sizes: RF64 (as broadcast recorders write past 4 GiB) and Wave64.
        ("rf64_s24.wav", 44100, 2, "RF64", "PCM_24"),
        ("float32.w64", 22050, 1, "W64", "FLOAT"),
        # Sun AU (big-endian) and NIST SPHERE (LDC's corpora; either byte order, "+LITTLE").
        ("pcm_s16.au", 22050, 2, "AU", "PCM_16"),
        ("mulaw.au", 8000, 1, "AU", "ULAW"),
        ("float32.au", 16000, 1, "AU", "FLOAT"),
        ("pcm_s16le.sph", 16000, 1, "NIST+LITTLE", "PCM_16"),
        ("pcm_s24be.sph", 44100, 2, "NIST+BIG", "PCM_24"),
        ("mulaw.sph", 8000, 2, "NIST", "ULAW"),
        # Telephony: G.711 µ-law and A-law at 8 kHz, as call recorders write them; ADPCM.
        ("mulaw.wav", 8000, 1, "WAV", "ULAW"),
        ("alaw.wav", 8000, 1, "WAV", "ALAW"),
        ("ima_adpcm.wav", 8000, 1, "WAV", "IMA_ADPCM"),
        ("ms_adpcm.wav", 16000, 2, "WAV", "MS_ADPCM"),
        ("gsm610.wav", 8000, 1, "WAV", "GSM610"),
        # Written by ffmpeg: AAC in M4A, its index after the samples (ffmpeg's default) and
        # before them (`-movflags +faststart`, which a pipe can read), each with an edit list
        # that says where the encoder's priming ends and the padding begins; Opus in WebM,
        # which does not say how much padding the encoder added.
        ("aac.m4a", 44100, 2, "ipod", "aac"),
        ("aac_faststart.m4a", 44100, 1, "ipod+faststart", "aac"),
        # Apple Lossless, in M4A as iTunes stores it and in CAF as Apple's tools do.
        ("alac.m4a", 44100, 2, "ipod", "alac"),
        ("alac.caf", 32000, 1, "caf", "alac"),
        ("opus.webm", 48000, 1, "webm", "libopus"),
    ]
    listing = []
    for name, rate, channels, container, subtype in specs:
        t = np.arange(int(0.25 * rate)) / rate
        tone = 0.5 * np.sin(2 * np.pi * 440.0 * t)
        data = np.stack([tone] + [0.5 * tone] * (channels - 1), axis=1)
        # "ipod+faststart": the muxer's movflags; "NIST+BIG": libsndfile's byte order.
        container, *flags = container.split("+")
        by_ffmpeg = container in ("ipod", "webm", "caf")
        if by_ffmpeg:
            movflags = {"movflags": "+".join(flags)} if flags else None
            av_write(FORMATS_DIR / name, data, rate, container, subtype, container_options=movflags)
        else:
            endian = flags[0] if flags else "FILE"
            sf.write(FORMATS_DIR / name, data, rate, format=container, subtype=subtype, endian=endian)
        listing.append({"file": name, "sample_rate": rate, "channels": channels,
                        "frames": len(t), "lossy": subtype in ("VORBIS", "MPEG_LAYER_III", "OPUS", "ULAW", "ALAW",
                                                         "IMA_ADPCM", "MS_ADPCM", "GSM610")
                        or (by_ffmpeg and subtype != "alac"),
                        # ADPCM decodes in whole blocks: symphonia does not cut the last one to
                        # the length the `fact` chunk gives.
                        "exact_length": container != "webm" and "ADPCM" not in subtype,
                        "mono_amplitude": 0.5 * (1 + 0.5 * (channels - 1)) / channels})
    (FORMATS_DIR / "manifest.json").write_text(json.dumps(listing, indent=1) + "\n")


def av_write(path, data, rate, container, codec, bit_rate=None, options=None,
             container_options=None):
    """Encodes `data` (frames x channels) with ffmpeg's `codec` into `container`."""
    import av
    layout = {1: "mono", 2: "stereo"}[data.shape[1]]
    with av.open(str(path), "w", format=container, options=container_options or {}) as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        if bit_rate:
            stream.bit_rate = bit_rate
        stream.codec_context.options = options or {}
        size = stream.codec_context.frame_size or 1024
        for start in range(0, len(data), size):
            chunk = np.ascontiguousarray(data[start:start + size].T.astype(np.float32))
            frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout=layout)
            frame.sample_rate, frame.pts = rate, start
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def unsupported_fixture():
    """AC-3 in Matroska, Speex in Ogg and G.721 in AU: containers ser reads around codecs it does
    not decode; MPEG-1 Layer II of one channel at 384 kbit/s, which ffmpeg writes by default
    for mono though the standard does not allow it (nor does symphonia's reader); and the
    formats of `marked_fixtures`."""
    folder = ROOT / "tests" / "fixtures" / "unsupported"
    folder.mkdir(parents=True, exist_ok=True)
    t = np.arange(12000) / 48000
    av_write(folder / "ac3.mka", (0.3 * np.sin(2 * np.pi * 440 * t))[:, None], 48000, "matroska", "ac3")
    t = np.arange(4000) / 16000
    av_write(folder / "speex.ogg", (0.3 * np.sin(2 * np.pi * 440 * t))[:, None], 16000, "ogg", "libspeex")
    t = np.arange(2000) / 8000
    sf.write(folder / "g721.au", 0.3 * np.sin(2 * np.pi * 440 * t), 8000, format="AU", subtype="G721_32")
    t = np.arange(12000) / 48000
    av_write(folder / "mp2_mono_384k.mp2", (0.3 * np.sin(2 * np.pi * 440 * t))[:, None], 48000, "mp2", "mp2",
             bit_rate=384000)
    marked_fixtures(folder)


def marked_fixtures(folder):
    """A tenth of a second of a 440 Hz tone in formats ser refuses by the bytes that open them:
    raw DTS (as a film's soundtrack is extracted, which symphonia's MPEG audio reader took for
    MP3 and refused as corrupt), WMA, WavPack, TTA and Creative VOC. By the ffmpeg command line:
    PyAV does not open FFmpeg's experimental DTS encoder."""
    for name, codec, container, more in [
        ("tone.dts", "dca", "dts", ["-ac", "2", "-ar", "48000", "-strict", "-2"]),
        ("tone.wma", "wmav2", "asf", ["-ar", "16000"]),
        ("tone.wv", "wavpack", "wv", ["-ar", "16000"]),
        ("tone.tta", "tta", "tta", ["-ar", "16000"]),
        ("tone.voc", "pcm_u8", "voc", ["-ar", "16000"]),
    ]:
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=440:duration=0.1",
                        *more, "-c:a", codec, "-f", container, str(folder / name)], check=True)


def opus_fixture():
    """speechlike.wav encoded by libopus as a voice message is (24 kbit/s, VoIP mode: SILK),
    and libopus's decoding of it at 48 kHz, the reference for ser's Opus decoder."""
    import av
    y, sr = sf.read(ROOT / "tests" / "fixtures" / "speechlike.wav", dtype="float32")
    y48 = librosa.resample(y, orig_sr=sr, target_sr=48000)
    path = FORMATS_DIR / "speechlike.opus"
    av_write(path, y48[:, None], 48000, "ogg", "libopus", 24000, {"application": "voip"})
    with av.open(str(path)) as inp:
        stream = inp.streams.audio[0]
        libopus = av.CodecContext.create("libopus", "r")
        libopus.extradata = stream.codec_context.extradata
        decoded = [f.to_ndarray().reshape(-1) for p in inp.demux(stream) if p.size
                   for f in libopus.decode(p)]
    ref = np.concatenate(decoded)
    if ref.dtype == np.int16:  # libopus's output format in ffmpeg
        ref = ref / 32768.0
    sf.write(FORMATS_DIR / "speechlike.opus.wav", ref, 48000, subtype="FLOAT")


def speechlike_8k():
    """speechlike.wav at 8 kHz, the rate of the call codecs' fixtures."""
    y, sr = sf.read(ROOT / "tests" / "fixtures" / "speechlike.wav", dtype="float32")
    return librosa.resample(y, orig_sr=sr, target_sr=8000)


def gsm_fixture():
    """speechlike.wav at 8 kHz, its last 100 samples cut so that the file ends inside a block,
    encoded by libsndfile as GSM 6.10 in WAV (two frames per 65-byte block), and libsndfile's
    16-bit decoding of it, cut to the length the file's `fact` chunk declares: the reference
    for ser's GSM decoder, whose output the standard defines to the bit."""
    y8 = speechlike_8k()[:-100]
    path = FORMATS_DIR / "speechlike.gsm.wav"
    sf.write(path, y8, 8000, subtype="GSM610")
    ref, _ = sf.read(path, dtype="int16")
    sf.write(FORMATS_DIR / "speechlike.gsm.ref.wav", ref[:len(y8)], 8000, subtype="PCM_16")
    # The same frames raw (`.gsm`, 33 bytes each, no header), decoding to the same samples.
    sf.write(FORMATS_DIR / "speechlike.gsm", y8, 8000, format="RAW", subtype="GSM610")


def oki_decoded(codes):
    """FFmpeg's decoding (PyAV's `adpcm_ima_oki`) of Dialogic VOX codes, as 16-bit samples."""
    import av
    context = av.CodecContext.create("adpcm_ima_oki", "r")
    context.sample_rate, context.layout = 8000, "mono"
    return np.concatenate([frame.to_ndarray().ravel() for frame in context.decode(av.Packet(codes))])


def vox_fixture():
    """Dialogic VOX (headerless 4-bit OKI ADPCM at 8 kHz): speechlike.wav at 8 kHz encoded by
    libsndfile (speechlike.vox), and codes that hold the decoder at its 12-bit limits and step
    through every magnitude at every step size (vox_extremes.vox), each with FFmpeg's decoding
    beside it (`.ref.wav`), the reference for ser's decoder. libsndfile decodes the speech to
    the same samples (checked here); where FFmpeg holds a loud signal at the 12-bit limit (as
    the Dialogic algorithm does), libsndfile holds it at 16 bits."""
    import av
    path = FORMATS_DIR / "speechlike.vox"
    sf.write(path, speechlike_8k(), 8000, format="RAW", subtype="VOX_ADPCM")
    codes = path.read_bytes()
    ref = oki_decoded(codes)
    by_libsndfile, _ = sf.read(path, samplerate=8000, channels=1, format="RAW", subtype="VOX_ADPCM",
                               dtype="int16")
    assert np.array_equal(ref, by_libsndfile), "FFmpeg and libsndfile decode the speech alike"
    sf.write(FORMATS_DIR / "speechlike.vox.ref.wav", ref, 8000, subtype="PCM_16")
    rng = np.random.default_rng(7)
    # Up to the top and held there, down to the bottom and held, small steps, then any codes.
    extremes = bytes([0x77] * 150 + [0xFF] * 300 + [0x08, 0x80] * 50)
    extremes += rng.integers(0, 256, 500, dtype=np.uint8).tobytes()
    (FORMATS_DIR / "vox_extremes.vox").write_bytes(extremes)
    sf.write(FORMATS_DIR / "vox_extremes.ref.wav", oki_decoded(extremes), 8000, subtype="PCM_16")
    # The same codes in WAV: Dialogic's format tag after 700 bytes of another chunk and before
    # a LIST chunk, and OKI's declaring 6 kHz; FFmpeg's WAV reader decodes them alike.
    for name, tag, rate, data, before, after in [
        ("speechlike.oki.wav", 0x0017, 8000, codes, riff_chunk(b"JUNK", bytes(700)),
         riff_chunk(b"LIST", b"INFOICMT" + (9).to_bytes(4, "little") + b"recorder\0\0")),
        ("vox_extremes.oki.wav", 0x0010, 6000, extremes, b"", b""),
    ]:
        fmt = riff_chunk(b"fmt ", struct.pack("<HHIIHHH", tag, 1, rate, rate // 2, 1, 4, 0))
        chunks = before + fmt + riff_chunk(b"data", data) + after
        path = FORMATS_DIR / name
        path.write_bytes(b"RIFF" + (4 + len(chunks)).to_bytes(4, "little") + b"WAVE" + chunks)
        with av.open(str(path)) as wav:
            by_ffmpeg = np.concatenate([f.to_ndarray().ravel() for f in wav.decode(audio=0)])
        assert np.array_equal(by_ffmpeg, oki_decoded(data)), name


def g722_fixture():
    """G.722 (64 kbit/s, HD-voice calls): speechlike.wav encoded by FFmpeg's encoder, headerless
    as Asterisk records it (speechlike.g722), in WAV as FFmpeg writes it (format tag 0x028F,
    speechlike.g722.wav) and in AU (encoding 24, speechlike.g722.au), and random codes
    (g722_extremes.g722), with FFmpeg's decoding of the codes beside them (`.ref.wav`), the
    reference for ser's decoder."""
    import av
    y, sr = sf.read(ROOT / "tests" / "fixtures" / "speechlike.wav", dtype="int16")
    assert sr == 16000

    def encoded(path, container):
        """`y` encoded by FFmpeg's G.722 encoder into `container` at `path`; its bytes."""
        with av.open(str(path), "w", format=container) as out:
            stream = out.add_stream("g722", rate=16000, layout="mono")
            frame = av.AudioFrame.from_ndarray(y[None, :], format="s16", layout="mono")
            frame.sample_rate = 16000
            for packet in list(stream.encode(frame)) + list(stream.encode(None)):
                out.mux(packet)
        return path.read_bytes()

    wav = encoded(FORMATS_DIR / "speechlike.g722.wav", "wav")
    assert struct.unpack("<H", wav[20:22])[0] == 0x028F, "FFmpeg's format tag"
    codes = wav[wav.index(b"data") + 8:]
    (FORMATS_DIR / "speechlike.g722").write_bytes(codes)
    au = encoded(FORMATS_DIR / "speechlike.g722.au", "au")
    assert au[:4] == b".snd" and struct.unpack(">I", au[12:16])[0] == 24, "G.722 in AU"
    assert au[struct.unpack(">I", au[4:8])[0]:] == codes, "the WAV's codes"
    sf.write(FORMATS_DIR / "speechlike.g722.ref.wav", g722_decoded(codes), 16000, subtype="PCM_16")
    # Codes of every value at random: both bands driven to their limits and back.
    extremes = np.random.default_rng(7).integers(0, 256, 4000, dtype=np.uint8).tobytes()
    (FORMATS_DIR / "g722_extremes.g722").write_bytes(extremes)
    sf.write(FORMATS_DIR / "g722_extremes.ref.wav", g722_decoded(extremes), 16000, subtype="PCM_16")


def g722_decoded(codes):
    """FFmpeg's decoding (PyAV's `g722`) of G.722 codes, as 16-bit samples at 16 kHz."""
    import av
    context = av.CodecContext.create("g722", "r")
    context.sample_rate, context.layout = 16000, "mono"
    ref = np.concatenate([f.to_ndarray().ravel() for f in context.decode(av.Packet(codes))])
    assert len(ref) == 2 * len(codes)
    return ref


def riff_chunk(tag, body):
    """A RIFF chunk: its tag, its length, its body and a pad byte where that is odd."""
    return tag + len(body).to_bytes(4, "little") + body + bytes(len(body) % 2)


def wav_parts(data, rate, subtype):
    """The header and the samples (integers as stored) of a WAV that libsndfile writes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.wav"
        sf.write(path, data, rate, subtype=subtype)
        return read_wav_parts(path)


def read_wav_parts(path):
    """The header and the samples (integers as stored, a column per channel) of a WAV file of
    16-bit or one-byte samples."""
    raw = path.read_bytes()
    start = raw.index(b"data") + 8
    info = sf.info(path)
    dtype = "<i2" if info.subtype == "PCM_16" else "u1"
    length = int.from_bytes(raw[start - 4:start], "little")
    samples = np.frombuffer(raw[start:start + length], dtype=dtype).astype(np.int64)
    return raw[:start], samples.reshape(-1, info.channels)


def check_with_ffmpeg(path, samples):
    """FFmpeg's Shorten decoder (PyAV's) reads the .shn file at path to exactly these samples
    (frames x channels, as stored: 16-bit, or 0..255 for 8-bit unsigned)."""
    import av
    with av.open(str(path), format="shn") as shn_file:
        planes = [frame.to_ndarray() for frame in shn_file.decode(audio=0)]
    decoded = np.concatenate(planes, axis=1).T
    assert np.array_equal(decoded, samples), f"FFmpeg reads {path} otherwise"


def sphere(path, rate, samples, coding, data):
    """A NIST SPHERE file of `data`, with the header LDC writes (coding `pcm` of 16 bits or
    `ulaw`, with `,embedded-shorten-v2.00` for a Shorten stream)."""
    sample_bytes = 2 if coding.startswith("pcm") else 1
    lines = (f"NIST_1A\n   1024\nchannel_count -i {samples.shape[1]}\nsample_rate -i {rate}\n"
             f"sample_n_bytes -i {sample_bytes}\nsample_byte_format -s2 01\n"
             f"sample_count -i {len(samples)}\nsample_coding -s{len(coding)} {coding}\nend_head\n")
    path.write_bytes(lines.encode().ljust(1024, b" ") + data)


def sphere_shorten(path, rate, samples, coding, stream):
    """A NIST SPHERE file of a Shorten stream, as LDC compressed its corpora."""
    sphere(path, rate, samples, f"{coding},embedded-shorten-v2.00", stream)


def shorten_fixtures():
    """Shorten (tools/shorten_encode.py): the tone as .shn files, 16-bit stereo and 8-bit unsigned
    without running means, each keeping its WAV header verbatim as shorten does, and of an AIFF
    file keeping its AIFF header; inside SPHERE as
    LDC ships its corpora, the samples of pcm_s16le.sph and the µ-law bytes of mulaw.sph, as
    ranks (Shorten's type 8, LDC's) and as linear values (type 7), which these must decode to
    exactly; and speechlike.shn (versions 2 and 1): speechlike.wav on the
    left and on the right without its lowest two bits, so that blocks of silence, shifted blocks
    and a shorter last block occur. Every WAV-headed .shn is checked against FFmpeg's decoder."""
    import shorten_encode as shn
    manifest = FORMATS_DIR / "manifest.json"
    listing = [e for e in json.loads(manifest.read_text()) if "shorten" not in e["file"]]
    for name, rate, channels, subtype, options in [
        ("shorten_s16.shn", 22050, 2, "PCM_16", {}),
        ("shorten_u8.shn", 22050, 1, "PCM_U8", {"nmean": 0}),
    ]:
        t = np.arange(int(0.25 * rate)) / rate
        tone = 0.5 * np.sin(2 * np.pi * 440.0 * t)
        data = np.stack([tone] + [0.5 * tone] * (channels - 1), axis=1)
        header, samples = wav_parts(data, rate, subtype)
        kind = "s16lh" if subtype == "PCM_16" else "u8"
        (FORMATS_DIR / name).write_bytes(shn.encode(samples, kind, header, **options))
        check_with_ffmpeg(FORMATS_DIR / name, samples)
        listing.append({"file": name, "sample_rate": rate, "channels": channels, "frames": len(t),
                        "lossy": False, "exact_length": True,
                        "mono_amplitude": 0.5 * (1 + 0.5 * (channels - 1)) / channels})
    # An AIFF file's Shorten (big-endian samples, type 3), its header kept verbatim: the rate is
    # the 80-bit float of its COMM chunk. FFmpeg reads only WAV-headed .shn files.
    aiff = (FORMATS_DIR / "pcm_s16be.aiff").read_bytes()
    start = aiff.index(b"SSND") + 16
    info = sf.info(FORMATS_DIR / "pcm_s16be.aiff")
    samples = np.frombuffer(aiff[start:start + info.frames * info.channels * 2], dtype=">i2")
    samples = samples.astype(np.int64).reshape(-1, info.channels)
    (FORMATS_DIR / "shorten_s16be.shn").write_bytes(shn.encode(samples, "s16hl", aiff[:start]))
    entry = next(e for e in listing if e["file"] == "pcm_s16be.aiff")
    listing.append(dict(entry, file="shorten_s16be.shn"))
    # µ-law as LDC compressed it (ranks of the bytes, type 8), and as linear values (type 7).
    for source, name, kind in [("pcm_s16le.sph", "shorten_s16le.sph", "s16lh"),
                               ("mulaw.sph", "shorten_mulaw.sph", "au2"),
                               ("mulaw.sph", "shorten_mulaw_linear.sph", "ulaw")]:
        info = sf.info(FORMATS_DIR / source)
        raw = (FORMATS_DIR / source).read_bytes()[1024:]
        if kind == "s16lh":
            samples = np.frombuffer(raw, dtype="<i2").astype(np.int64).reshape(-1, info.channels)
        else:
            samples = np.frombuffer(raw, dtype="u1").astype(np.int64).reshape(-1, info.channels)
            if kind == "ulaw":
                samples = np.vectorize(shn.mu_law_to_linear, otypes=[np.int64])(samples) >> 3
        coding = "pcm" if kind == "s16lh" else "ulaw"
        sphere_shorten(FORMATS_DIR / name, info.samplerate, samples, coding, shn.encode(samples, kind))
        entry = next(e for e in listing if e["file"] == source)
        listing.append(dict(entry, file=name))
    manifest.write_text(json.dumps(listing, indent=1) + "\n")
    # The voice in µ-law as LDC compresses it, beside libsndfile's µ-law WAV of it: its pauses
    # and fades give blocks whose bytes all allow a shift of their ranks.
    voice, rate = sf.read(ROOT / "tests" / "fixtures" / "speechlike.wav")
    sf.write(FORMATS_DIR / "speechlike.mulaw.wav", voice, rate, subtype="ULAW")
    _, codes = read_wav_parts(FORMATS_DIR / "speechlike.mulaw.wav")
    shifts = {min(shn.MAX_SHIFT[b] for b in codes[i:i + 256, 0]) for i in range(0, len(codes), 256)}
    assert max(shifts) > 0 and min(shifts) == 0, shifts
    sphere_shorten(FORMATS_DIR / "speechlike.mulaw.sph", rate, codes, "ulaw", shn.encode(codes, "au2"))
    # Speech gives shifts of 0 (sound) and 12 (silence) only: blocks of µ-law bytes that keep
    # each shift from 1 to 11 (and one byte of them that keeps no more), stored and compressed.
    rng = np.random.default_rng(7)
    blocks = []
    for shift in range(13):
        keeping = [b for b in range(256) if shn.MAX_SHIFT[b] >= shift]
        block = rng.choice(keeping, 256)
        block[0] = next(b for b in keeping if shn.MAX_SHIFT[b] == shift)
        blocks.append(block)
    codes = np.concatenate(blocks).astype(np.int64).reshape(-1, 1)
    sphere(FORMATS_DIR / "mulaw_shifts.sph", 8000, codes, "ulaw", codes.astype(np.uint8).tobytes())
    sphere_shorten(FORMATS_DIR / "shorten_mulaw_shifts.sph", 8000, codes, "ulaw", shn.encode(codes, "au2"))
    voice, rate = sf.read(ROOT / "tests" / "fixtures" / "speechlike.wav", dtype="int16")
    left = voice.astype(np.int64)
    data = np.stack([left, (left >> 2) << 2], axis=1)
    header, _ = wav_parts(data / 32768.0, rate, "PCM_16")
    for version, name in [(2, "speechlike.shn"), (1, "speechlike.v1.shn")]:
        path = FORMATS_DIR / name
        path.write_bytes(shn.encode(data, "s16lh", header, version=version))
        check_with_ffmpeg(path, data)


def speechlike_fixture():
    """Four 150 ms syllables 100 ms apart from 50 ms in, 16 kHz, 16-bit: twenty harmonics (1/k)
    of a pitch gliding 140 -> 180 Hz within each, under a raised-cosine envelope."""
    sr = 16000
    y = np.zeros(sr)
    t = np.arange(int(0.15 * sr)) / sr
    f0 = 140 + 40 * t / t[-1]
    phase = 2 * np.pi * np.cumsum(f0) / sr
    syllable = sum(np.sin(k * phase) / k for k in range(1, 21)) * np.hanning(len(t))
    for i in range(4):
        start = int((0.05 + 0.25 * i) * sr)
        y[start:start + len(t)] = syllable
    y *= 0.5 / np.abs(y).max()
    sf.write(ROOT / "tests" / "fixtures" / "speechlike.wav", y, sr, subtype="PCM_16")


if __name__ == "__main__" and sys.argv[1:] == ["speechlike"]:
    speechlike_fixture()
elif __name__ == "__main__" and sys.argv[1:] == ["librosa"]:
    librosa_fixtures()
elif __name__ == "__main__" and sys.argv[1:] == ["shorten"]:
    shorten_fixtures()
elif __name__ == "__main__" and sys.argv[1:] == ["vox"]:
    vox_fixture()
elif __name__ == "__main__" and sys.argv[1:] == ["g722"]:
    g722_fixture()
elif __name__ == "__main__" and sys.argv[1:] == ["formats"]:
    format_fixtures()
    opus_fixture()
    gsm_fixture()
    vox_fixture()
    g722_fixture()
    unsupported_fixture()
    shorten_fixtures()
elif __name__ == "__main__":
    format_fixtures()
    opus_fixture()
    gsm_fixture()
    vox_fixture()
    g722_fixture()
    unsupported_fixture()
    shorten_fixtures()
    librosa_fixtures()
