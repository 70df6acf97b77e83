#!/usr/bin/env python3
"""A prototype of hum removal, for the next step (not in ser): finds mains harmonics (50 or 60 Hz
and multiples up to 2 kHz standing 10 dB over their neighbours in a 1 Hz Welch spectrum of the
whole clip) and notches each (scipy's iirnotch, Q 30). Writes the filtered clips of SRC to DST.

    python3 notch_prototype.py /tmp/mains-hum-01020304/hum-50 /tmp/dehum/hum-50
"""
import numpy as np, soundfile as sf, glob, os, sys
from scipy.signal import iirnotch, sosfilt, tf2sos, welch
def dehum(x, rate):
    f, p = welch(x, rate, nperseg=rate, noverlap=rate//2)  # 1 Hz bins
    found = []
    for f0 in (50, 60):
        for k in range(1, 21):
            fk = k * f0
            if fk > 2000: break
            i = int(round(fk))
            nb = np.r_[p[i-12:i-3], p[i+4:i+13]]
            if p[i-1:i+2].max() > 10 * np.median(nb):  # 10 dB over the neighbours
                found.append(fk)
    y = x.copy()
    for fk in found:
        b, a = iirnotch(fk, 30.0, rate)
        y = sosfilt(tf2sos(b, a), y)
    return y, found
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst, exist_ok=True)
n_found = 0
for fpath in sorted(glob.glob(src + "/*.wav")):
    x, rate = sf.read(fpath)
    if x.ndim > 1: x = x.mean(axis=1)
    y, found = dehum(x, rate)
    n_found += bool(found)
    sf.write(dst + "/" + os.path.basename(fpath), y.astype(np.float32), rate, subtype="FLOAT")
print(src, "hum found in", n_found)
