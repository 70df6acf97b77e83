"""How `ser analyze` places speech when a steady sound comes and goes: a long recording from
`make_recording` (RAVDESS sentences between silent and noisy gaps, its true sentence extents in
OUT.json) as it is, with a 50 Hz mains hum (seven harmonics, -35 dBFS) switched on for 6 s
every 20 s, and with a 440 Hz beep (-20 dBFS) for 2 s every 15 s. For each `ser` binary given,
the seconds of speech it reports outside the sentences (false) and the sentence seconds it
misses, on a 10 ms grid.
python3 steady_sounds.py RECORDING.wav NAME=SER_BINARY..."""
import json, subprocess, sys, tempfile
import numpy as np, soundfile as sf

wav, binaries = sys.argv[1], [a.split("=", 1) for a in sys.argv[2:]]
x, sr = sf.read(wav, dtype="float32")
truth = json.load(open(wav + ".json"))
t = np.arange(len(x)) / sr
hum = sum(np.sin(2 * np.pi * 50 * k * t) / k for k in range(1, 8))
hum *= 10 ** (-35 / 20) / np.sqrt(np.mean(hum ** 2))
beep = np.sin(2 * np.pi * 440 * t) * np.sqrt(2) * 10 ** (-20 / 20)
# A rumble (traffic, wind): brown noise, integrated white noise with its DC drift removed.
rumble = np.cumsum(np.random.default_rng(0).standard_normal(len(t)))
rumble -= np.convolve(rumble, np.ones(sr // 10) / (sr // 10), mode="same")
rumble *= 10 ** (-30 / 20) / np.sqrt(np.mean(rumble ** 2))
variants = {
    "as recorded": x,
    "hum on 6 s of every 20": x + hum * ((t % 20) >= 14),
    "beep on 2 s of every 15": x + beep * ((t % 15) >= 13),
    "rumble on 6 s of every 20": x + rumble * ((t % 20) >= 14),
}
grid = np.arange(0, len(x) / sr, 0.01)
def mask(intervals):
    m = np.zeros(len(grid), bool)
    for a, b in intervals:
        m[(grid >= a) & (grid < b)] = True
    return m
speech = mask((c["start_s"], c["end_s"]) for c in truth)
print(f"{wav}: {len(x) / sr / 60:.1f} min, {len(truth)} sentences, {speech.sum() / 100:.0f} s of speech")
print(f"{'recording':26}{'binary':>10}{'reported':>12}{'false':>10}{'missed':>10}")
with tempfile.TemporaryDirectory() as tmp:
    for name, y in variants.items():
        path = f"{tmp}/rec.wav"
        sf.write(path, np.clip(y, -1, 1), sr, subtype="PCM_16")
        for label, ser in binaries:
            out = subprocess.run([ser, "analyze", path, "--format", "json"], capture_output=True, text=True, check=True)
            found = mask((s["start_s"], s["end_s"]) for s in json.loads(out.stdout)["segments"])
            print(f"{name:26}{label:>10}{found.sum() / 100:11.1f}s{(found & ~speech).sum() / 100:9.1f}s{(speech & ~found).sum() / 100:9.1f}s")
