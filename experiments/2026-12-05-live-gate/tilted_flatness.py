"""Spectral flatness (250 Hz-4 kHz) of white, pink and brown noise and of RAVDESS speech frames,
plain and with the spectrum tilted up by 6 dB per octave (power x f^2), in the speech
detector's frames (25 ms Hann, 10 ms hop, 512-point FFT at 16 kHz; frames within 30 dB of each
signal's loudest), and the share of frames each pair of thresholds lets through.
    python3 tilted_flatness.py   (numpy, soundfile, soxr; reads ../shared/data/ravdess)"""
import glob, pathlib
import numpy as np, soundfile as sf, soxr
rng = np.random.default_rng(0)
sr = 16000; nfft = 512; win = np.hanning(402)[1:-1]  # ~ periodic hann 400
f = np.fft.rfftfreq(nfft, 1/sr); band = slice(int(round(250*nfft/sr)), int(round(4000*nfft/sr)))
pre = (f / 1000.0) ** 2  # the tilt: +6 dB per octave
def frames(x):
    n = (len(x)-400)//160
    return np.stack([x[i*160:i*160+400]*win for i in range(n)])
def flat(P):
    P = P[:, band] + 1e-20
    return np.exp(np.mean(np.log(P),1))/np.mean(P,1)
def measure(x, label):
    F = frames(x); P = np.abs(np.fft.rfft(F, nfft))**2
    lev = 10*np.log10(np.mean(F**2,1)+1e-20)
    keep = lev > lev.max() - 30
    a, b = flat(P)[keep], flat(P*pre)[keep]
    return a, b
def noise(kind, n):
    w = rng.standard_normal(n)
    if kind == 'white': return w
    W = np.fft.rfft(w); fr = np.fft.rfftfreq(n, 1/sr); fr[0] = fr[1]
    return np.fft.irfft(W / (np.sqrt(fr) if kind == 'pink' else fr), n)
res = {}
for kind in ['white','pink','brown']:
    res[kind] = measure(noise(kind, sr*10), kind)
sp_a, sp_b = [], []
for p in sorted(glob.glob(str(pathlib.Path(__file__).resolve().parents[3] / 'shared/data/ravdess/Actor_*/*.flac')))[::12]:
    x, r = sf.read(p, dtype='float32', always_2d=True); x = soxr.resample(x.mean(1), r, sr)
    a, b = measure(x, 'speech'); sp_a.append(a); sp_b.append(b)
res['speech'] = (np.concatenate(sp_a), np.concatenate(sp_b))
for k, (a, b) in res.items():
    print(f"{k:7} flatness: p10 {np.percentile(a,10):.3f} median {np.median(a):.3f} p90 {np.percentile(a,90):.3f} | tilted: p10 {np.percentile(b,10):.3f} median {np.median(b):.3f} p90 {np.percentile(b,90):.3f}")
print()
for T2 in [0.35, 0.4, 0.45, 0.5]:
    out = []
    for k, (a, b) in res.items():
        passed_before = a < 0.3
        passed_after = (a < 0.3) & (b < T2)
        out.append(f"{k} {100*passed_before.mean():.1f}->{100*passed_after.mean():.1f}%")
    print(f"T2 {T2}: frames passing the flatness test: " + ", ".join(out))
