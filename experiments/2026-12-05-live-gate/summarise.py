"""Which live-mode windows each speech gate gives an emotion, from `live_windows` CSVs
(path,t_s,level_db,detector): per speech set, the share of recordings with at least one
window called speech and the share of windows called speech; per sound without speech, the share
of windows called speech.
python3 summarise.py SPEECH_CSV... --noise NOISE_CSV..."""
import csv, sys
from collections import defaultdict

# (name, level gate in dBFS on the window's loudest 100 ms, whether the speech check must pass)
GATES = [("-45 dB, no check", -45, False)] + [
    (f"{g} dB + check", g, True) for g in (-45, -50, -55, -60, -70)
] + [("check alone", -200, True)]

def read(path):
    files = defaultdict(list)
    for r in csv.DictReader(open(path)):
        files[r["path"]].append((float(r["level_db"]), r["detector"] == "1"))
    return files

def speech(level, det, gate, check):
    return level >= gate and (det or not check)

args = sys.argv[1:]
cut = args.index("--noise")
print("gates: a window is called speech when its loudest 100 ms reaches the level (dBFS) and,")
print("with '+ check', the speech check of `ser predict` finds speech in it; '-45 dB, no check' is")
print("the live mode before 2026-12-05, '-60 dB + check' after, '-70 dB + check' since stop 45.\n")
print("share of recordings with a window called speech / share of windows called speech")
print("%-34s" % "speech set" + "".join("%24s" % g[0] for g in GATES))
for path in args[:cut]:
    files = read(path)
    cells = []
    for _, gate, check in GATES:
        heard = sum(any(speech(l, d, gate, check) for l, d in w) for w in files.values())
        wins = sum(speech(l, d, gate, check) for w in files.values() for l, d in w)
        total = sum(len(w) for w in files.values())
        cells.append(f"{100 * heard / len(files):5.1f} % / {100 * wins / total:5.1f} %")
    print("%-34s" % path.rsplit("/", 1)[-1][:-4] + "".join("%24s" % c for c in cells))
print("\nshare of windows of sounds without speech called speech")
print("%-34s" % "sound" + "".join("%24s" % g[0] for g in GATES))
for path in args[cut + 1:]:
    groups = defaultdict(list)
    for f, w in read(path).items():
        name = f.rsplit("/", 1)[-1]
        groups["room tone" if name.startswith("room-") else name.rsplit(".", 1)[0]] += w
    for name, w in sorted(groups.items()):
        cells = [f"{100 * sum(speech(l, d, g, c) for l, d in w) / len(w):5.1f} %" for _, g, c in GATES]
        print("%-34s" % (path.rsplit("/", 1)[-1][:-4] + ": " + name) + "".join("%24s" % c for c in cells))
