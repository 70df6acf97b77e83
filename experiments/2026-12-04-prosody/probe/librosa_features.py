"""Probe (2026-12-04), librosa features: prosodic statistics of every RAVDESS clip with
pYIN, as JSON {"Actor_NN/file": [20 numbers]}. python3 librosa_features.py DATA/ravdess OUT.json"""
import sys, glob, os, json, numpy as np, librosa
from multiprocessing import Pool
def feats(path):
    y, sr = librosa.load(path, sr=16000, mono=True)
    y, _ = librosa.effects.trim(y, top_db=30)
    y = y / (np.max(np.abs(y)) + 1e-9)
    f0, vflag, vprob = librosa.pyin(y, fmin=60, fmax=600, sr=sr, frame_length=1024, hop_length=160)
    st = 12*np.log2(f0[vflag]/100.0) if vflag.any() else np.zeros(1)
    rms = librosa.feature.rms(y=y, frame_length=400, hop_length=160)[0]
    db = 20*np.log10(rms+1e-6)
    dbv = db[db > db.max()-40]
    d = np.diff(st) if len(st) > 1 else np.zeros(1)
    n = len(vflag)
    # voiced run lengths
    runs=[];c=0
    for v in vflag:
        if v: c+=1
        elif c: runs.append(c); c=0
    if c: runs.append(c)
    cent = librosa.feature.spectral_centroid(y=y, sr=sr, n_fft=512, hop_length=160)[0]
    flat = librosa.feature.spectral_flatness(y=y, n_fft=512, hop_length=160)[0]
    S = np.abs(librosa.stft(y, n_fft=512, hop_length=160))**2
    fr = librosa.fft_frequencies(sr=sr, n_fft=512)
    lo = S[(fr>=50)&(fr<1000)].sum(0)+1e-10; hi = S[(fr>=1000)&(fr<4000)].sum(0)+1e-10
    tilt = 10*np.log10(hi/lo)
    loud = db > db.max()-30
    p = lambda a,q: float(np.percentile(a,q))
    x = [np.mean(st), np.std(st), p(st,5), p(st,95), p(st,95)-p(st,5), np.mean(np.abs(d)), np.std(d),
         vflag.mean(), len(runs)/(n/100.0), np.mean(runs) if runs else 0, len(y)/sr,
         np.std(dbv), p(dbv,95)-p(dbv,10), np.mean(np.abs(np.diff(db))),
         np.mean(cent[loud]), np.std(cent[loud]), np.mean(tilt[loud]), np.std(tilt[loud]), np.mean(np.log(flat[loud]+1e-10)),
         float(np.nanmean(vprob))]
    return os.path.relpath(path, sys.argv[1]), [float(v) for v in x]
if __name__ == '__main__':
    files = sorted(glob.glob(sys.argv[1]+'/Actor_*/*.flac'))
    with Pool(2) as pool:
        out = dict(pool.map(feats, files, chunksize=8))
    json.dump(out, open(sys.argv[2],'w'))
    print(len(out))
