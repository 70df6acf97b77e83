"""Probe (2026-12-04): utterance-level spectral-envelope statistics of every RAVDESS clip that
the per-utterance, per-band standardised log-mel hides from the networks: the mean and sd over
frames of MFCC 0-12 and the sd of their deltas, from librosa's log-mel with ser's parameters.
JSON {"Actor_NN/file": [39 numbers]}.  python3 envelope_features.py DATA/ravdess OUT.json"""
import sys, glob, os, json, numpy as np, librosa
from multiprocessing import Pool


def feats(path):
    y, sr = librosa.load(path, sr=16000, mono=True)
    y, _ = librosa.effects.trim(y, top_db=30, frame_length=2048, hop_length=512)
    mel = librosa.feature.melspectrogram(y=y, sr=sr, n_fft=512, win_length=400, hop_length=160,
                                         n_mels=64, power=2.0, center=True, pad_mode='constant')
    db = librosa.power_to_db(mel, ref=np.max, amin=1e-10, top_db=80.0)
    m = librosa.feature.mfcc(S=db, n_mfcc=13)
    d = librosa.feature.delta(m, width=9) if m.shape[1] >= 9 else np.zeros_like(m)
    x = list(m.mean(1)) + list(m.std(1)) + list(d.std(1))
    return os.path.relpath(path, sys.argv[1]), [float(v) for v in x]


if __name__ == '__main__':
    files = sorted(glob.glob(sys.argv[1] + '/Actor_*/*.flac'))
    with Pool(1) as pool:
        out = dict(pool.map(feats, files, chunksize=8))
    json.dump(out, open(sys.argv[2], 'w'))
    print(len(out))
