"""Sounds without speech, 16 kHz WAV: 3 s of white, pink and brown noise, a 50 Hz mains hum (seven
harmonics) and keyboard-like clicks over faint hiss, each at -50, -30 and -15 dB RMS; and the room
tone before the speaker starts (the first 0.7 s) of 20 RAVDESS clips of actors 01-04.
python3 make_noises.py DATA/ravdess OUT_DIR [SECONDS of each noise, default 3]"""
import glob, os, sys
import numpy as np, soundfile as sf

rng = np.random.default_rng(0)
sr = 16000
n = int(float(sys.argv[3]) * sr) if len(sys.argv) > 3 else 3 * sr
out = sys.argv[2]
os.makedirs(out, exist_ok=True)
white = rng.standard_normal(n)
f = np.fft.rfftfreq(n, 1 / sr)
spectrum = np.fft.rfft(rng.standard_normal(n))
pink = np.fft.irfft(spectrum / np.sqrt(np.maximum(f, 20)), n)
brown = np.fft.irfft(spectrum / np.maximum(f, 20), n)
t = np.arange(n) / sr
hum = sum(np.sin(2 * np.pi * 50 * k * t) / k for k in range(1, 8))
clicks = 0.01 * white
for i in rng.integers(0, n - 200, 25):
    clicks[i:i + 200] += rng.standard_normal(200) * np.exp(-np.arange(200) / 30)
for name, x in [('white', white), ('pink', pink), ('brown', brown), ('hum', hum), ('clicks', clicks)]:
    for level in (-50, -30, -15):
        y = x / np.sqrt(np.mean(x ** 2)) * 10 ** (level / 20)
        sf.write(f'{out}/{name}{level}.wav', y.astype(np.float32), sr, subtype='PCM_16')
for p in sorted(glob.glob(sys.argv[1] + '/Actor_0[1-4]/*.flac'))[::12][:20]:
    y, rate = sf.read(p)
    sf.write(f'{out}/room-' + os.path.basename(p), y[:int(0.7 * rate)], rate)
