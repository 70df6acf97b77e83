#!/usr/bin/env python3
"""A four-emotion corpus as a user's own would be: a CSV manifest of the given RAVDESS actors'
neutral, happy, sad and angry clips, angry labelled `anger` (another corpus's word). ROOT is
the RAVDESS tree, or a copy of it under other conditions (`tools/robustness.py` writes them).

    python3 four_emotions.py OUT.csv ../shared/data/ravdess Actor_01 Actor_02
"""
import glob
import os
import sys

LABELS = {"01": "neutral", "03": "happy", "04": "sad", "05": "anger"}

out, root, actors = sys.argv[1], sys.argv[2], sys.argv[3:]
rows = ["path,label,speaker"]
for actor in actors:
    for path in sorted(glob.glob(os.path.join(root, actor, "03-*.*"))):
        emotion = os.path.basename(path).split("-")[2]
        if emotion in LABELS:
            rows.append(f"{os.path.abspath(path)},{LABELS[emotion]},{actor}")
with open(out, "w") as f:
    f.write("\n".join(rows) + "\n")
