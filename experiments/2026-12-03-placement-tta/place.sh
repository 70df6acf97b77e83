#!/bin/bash
# Scores the five fold networks of the joined-utterance recipe (seed 7) on their own test actors
# with a binary built from placement.patch, once per placement mode, into $OUT/fK-MODE.json.
#   place.sh SER_BINARY DATA_DIR NETS MODE...   (NETS: the fold networks, {K} for the fold,
#   e.g. /tmp/fold{K}-join7)
# MODE: start (as ser places clips), center, or N (N offsets spread over the padding).
set -euo pipefail
ser=$1 data=$2 nets=$3; shift 3
OUT=${OUT:-/tmp/place}; mkdir -p "$OUT"
for K in 1 2 3 4 5; do
  view="$OUT/actors$K"; mkdir -p "$view"
  for a in $(seq $((4 * K - 3)) $((4 * K))); do
    ln -sfn "$(realpath "$data")/Actor_$(printf %02d "$a")" "$view/"
  done
done
for P in "$@"; do for K in 1 2 3 4 5; do
  SER_PLACE=$P "$ser" eval --data "$OUT/actors$K" --model "${nets//\{K\}/$K}" --format json > "$OUT/f$K-$P.json"
done; done
python3 - "$OUT" "$@" <<'PY'
import json, statistics as st, sys
out, modes = sys.argv[1], sys.argv[2:]
print("mode     fold 1  fold 2  fold 3  fold 4  fold 5 | accuracy mean ± sd, UAR mean (%)")
for p in modes:
    runs = [json.load(open(f"{out}/f{k}-{p}.json")) for k in range(1, 6)]
    acc = [100 * r["accuracy"] for r in runs]
    uar = [100 * r["uar"] for r in runs]
    cells = "  ".join(f"{a:6.1f}" for a in acc)
    print(f"{p:<7} {cells} | {st.mean(acc):.1f} ± {st.stdev(acc):.1f}, UAR {st.mean(uar):.1f}")
PY
