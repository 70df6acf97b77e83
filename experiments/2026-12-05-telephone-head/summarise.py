#!/usr/bin/env python3
"""Tables of results/: accuracy per condition for the phone and bundled recipes' fold networks,
alone and with the prosody head, on sentences and continuous speech (run.sh writes results/).

    python3 experiments/2026-12-05-telephone-head/summarise.py
"""
import pathlib

RESULTS = pathlib.Path(__file__).parent / "results"
MODELS = ["phone-network", "phone-head", "bundled-network", "bundled-head"]


def accuracies(path):
    """Condition → accuracy (%) from one `tools/robustness.py` table."""
    rows = {}
    for line in path.read_text().splitlines()[1:]:
        cells = line.split()
        rows[" ".join(cells[:-3])] = float(cells[-3].rstrip("%"))
    return rows


for test_set in ["sentences", "continuous"]:
    table = {(m, f): accuracies(RESULTS / f"{test_set}-fold{f}-{m}.txt") for m in MODELS for f in (1, 2)}
    conditions = list(table[(MODELS[0], 1)])
    print(f"{test_set}: accuracy %, fold 1 / fold 2")
    print(f"{'condition':24}" + "".join(f"{m:>18}" for m in MODELS))
    for c in conditions:
        print(f"{c:24}" + "".join(f"{table[(m, 1)][c]:>10.1f} / {table[(m, 2)][c]:<5.1f}" for m in MODELS))
    for recipe in ["phone", "bundled"]:
        gains = [table[(f"{recipe}-head", f)][c] - table[(f"{recipe}-network", f)][c] for f in (1, 2) for c in conditions]
        up = sum(g > 0 for g in gains)
        down = sum(g < 0 for g in gains)
        print(f"head on the {recipe} network: mean {sum(gains) / len(gains):+.1f} points, {up} cells up, {down} down of {len(gains)}")
    print()
