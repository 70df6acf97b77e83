"""Test-time speed averaging, first look: score fold networks on speed-changed copies of their
test actors, and on the mean of the copies' log-probabilities (reference tooling: numpy,
soundfile, soxr).

    python3 copies.py '/tmp/fold{k}-join7' 1,2,3,4,5
    python3 copies.py '/tmp/fold{k}-join7+/tmp/fold{k}-mild7' 1,2,3     # two networks summed

SER, DATA and OUT below say where the binary, the corpus and the copies are.
"""
import json, pathlib, subprocess, sys, statistics, math
import numpy as np, soundfile, soxr
SER='/tmp/s31/ser'; DATA=pathlib.Path('/work/shared/data/ravdess'); OUT=pathlib.Path('/tmp/s31/tta')
L=["neutral","calm","happy","sad","angry","fearful","disgust","surprised"]
SPEEDS=[0.9,0.95,1.0,1.05,1.1]
def copies(actor, f):
    d=OUT/f'{f}'/f'Actor_{actor:02d}'
    if d.exists(): return
    d.mkdir(parents=True)
    for p in sorted((DATA/f'Actor_{actor:02d}').glob('*.flac')):
        x,sr=soundfile.read(p,dtype='float32')
        y=x if f==1.0 else soxr.resample(x, round(sr*f), sr)
        soundfile.write(d/(p.stem+'.wav'), y, sr, subtype='FLOAT')
def predict(model, f, actors):
    paths=[str(OUT/f'{f}'/f'Actor_{a:02d}') for a in actors]
    r=json.loads(subprocess.run([SER,'predict','--model',model,'--format','json',*paths],capture_output=True,text=True,check=True).stdout)
    return {pathlib.Path(o['path']).stem:[math.log(max(o['probabilities'][l],1e-12)) for l in L] for o in r}
def uar(t,p):
    rec=[np.mean([pp==c for tt,pp in zip(t,p) if tt==c]) for c in range(8) if c in t]; return float(np.mean(rec))
models=sys.argv[1]  # pattern with {k}
folds=[int(k) for k in sys.argv[2].split(',')]
res={}
for k in folds:
    actors=range(4*k-3,4*k+1)
    for f in SPEEDS:
        for a in actors: copies(a,f)
    PS=[{f:predict(m.format(k=k),f,actors) for f in SPEEDS} for m in models.split('+')]
    P={f:{c:list(np.sum([Q[f][c] for Q in PS],axis=0)) for c in PS[0][f]} for f in SPEEDS}
    clips=sorted(P[1.0]); truth=[int(c.split('-')[2])-1 for c in clips]
    def score(fs):
        pred=[int(np.argmax(np.sum([P[f][c] for f in fs],axis=0))) for c in clips]
        return 100*np.mean([a==b for a,b in zip(truth,pred)]), 100*uar(truth,pred)
    row={'plain':score([1.0]),'0.9-1.1':score([0.9,1.0,1.1]),'five':score(SPEEDS)}
    for f in SPEEDS: row[f'only {f}']=score([f])
    res[k]=row; print(k,{n:'%.1f/%.1f'%v for n,v in row.items()},flush=True)
for n in res[folds[0]]:
    print(n,'acc %.2f uar %.2f'%(statistics.mean(res[k][n][0] for k in folds),statistics.mean(res[k][n][1] for k in folds)))
