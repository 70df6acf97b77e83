"""Probe (2026-12-05): candidate statistics for the prosody head beyond its nineteen, by librosa,
on each clip as the model hears it (16 kHz, trimmed at 30 dB), over its audible frames (within
40 dB of the loudest). JSON {"Actor_NN/file": {group: [numbers]}}.
python3 extra_features.py DATA/ravdess OUT.json"""
import sys, glob, os, json, numpy as np, librosa, scipy.fft
from multiprocessing import Pool

def stats(m):  # mean and sd of each row over the selected frames
    return list(np.mean(m, 1)) + list(np.std(m, 1))

def feats(path):
    y, sr = librosa.load(path, sr=16000, mono=True)
    y, _ = librosa.effects.trim(y, top_db=30)
    S = np.abs(librosa.stft(y, n_fft=512, hop_length=160, win_length=400)) ** 2
    mel = librosa.feature.melspectrogram(S=S, sr=sr, n_mels=64)
    logmel = librosa.power_to_db(mel, ref=np.max, top_db=80)
    frame_db = 10 * np.log10(S.sum(0) + 1e-10)
    aud = frame_db > frame_db.max() - 40
    mfcc = scipy.fft.dct(logmel, axis=0, norm='ortho')[1:13][:, aud]
    fr = librosa.fft_frequencies(sr=sr, n_fft=512)
    edges = [0, 500, 1000, 2000, 4000, 8001]
    bands = np.array([10 * np.log10(S[(fr >= a) & (fr < b)].sum(0) + 1e-10) for a, b in zip(edges, edges[1:])])
    rel = (bands - frame_db)[:, aud]
    contrast = librosa.feature.spectral_contrast(S=np.sqrt(S), sr=sr, n_bands=5, fmin=100)[:, aud]
    rolloff = librosa.feature.spectral_rolloff(S=np.sqrt(S), sr=sr, roll_percent=0.85)[0][aud]
    d = librosa.feature.delta(mfcc[:4], width=5) if mfcc.shape[1] >= 5 else np.zeros((4, 1))
    return os.path.relpath(path, sys.argv[1]), {
        'mfcc': [float(v) for v in stats(mfcc)],
        'bands': [float(v) for v in stats(rel)],
        'contrast': [float(v) for v in stats(contrast)],
        'rolloff': [float(np.mean(rolloff)), float(np.std(rolloff))],
        'mfcc_delta': [float(v) for v in np.std(d, 1)],
    }

if __name__ == '__main__':
    files = sorted(glob.glob(sys.argv[1] + '/Actor_*/*.flac'))
    with Pool(2) as pool:
        out = dict(pool.map(feats, files, chunksize=8))
    json.dump(out, open(sys.argv[2], 'w'))
    print(len(out))
