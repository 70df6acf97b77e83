import glob, json, os, subprocess, sys
import soundfile as sf
speeds = [0.9, 1.0, 1.1]
actors = sys.argv[2:] or ['19', '20']
root = '/tmp/tta-audio'
files = sorted(f for a in actors for f in glob.glob(f'/work/shared/data/ravdess/Actor_{a}/*.flac'))
for s in speeds:
    os.makedirs(f'{root}/{s}', exist_ok=True)
    for f in files:
        out = f'{root}/{s}/' + os.path.basename(f).replace('.flac', '.wav')
        if not os.path.exists(out):
            x, rate = sf.read(f)
            sf.write(out, x, int(round(rate * s)), subtype='PCM_16')
labels = 'neutral calm happy sad angry fearful disgust surprised'.split()
truth = {os.path.basename(f)[:-5]: labels[int(os.path.basename(f).split('-')[2]) - 1] for f in files}
def predict(model, s):
    out = subprocess.run(['/tmp/ser-screen', 'predict', f'{root}/{s}', '--model', model, '--format', 'json'],
                         capture_output=True, text=True, check=True).stdout
    return {os.path.basename(r['path'])[:-4]: r['probabilities'] for r in json.loads(out)}
def score(probs):
    pred = {k: max(p, key=p.get) for k, p in probs.items()}
    acc = sum(pred[k] == truth[k] for k in truth) / len(truth)
    rec = [sum(pred[k] == l for k in truth if truth[k] == l) / sum(truth[k] == l for k in truth) for l in labels]
    return 100 * acc, 100 * sum(rec) / len(rec)
model = sys.argv[1]
runs = {s: predict(model, s) for s in speeds}
for s in speeds:
    print(model, 'speed', s, 'acc %.1f UAR %.1f' % score(runs[s]))
mean = {k: {l: sum(runs[s][k][l] for s in speeds) / len(speeds) for l in labels} for k in truth}
print(model, 'TTA mean of', speeds, 'acc %.1f UAR %.1f' % score(mean))
