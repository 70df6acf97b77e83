#!/usr/bin/env bash
# Training on a GPU against training on the CPU, same clips, same configuration, same run.
#
# Trains the default configuration for EPOCHS epochs with `--device wgpu` (or cuda) and with
# `--device cpu`, then prints the median seconds per epoch of each and their ratio, and checks
# that the GPU-trained model loads and predicts on the CPU. The `ser` binary must be built with
# the GPU's Cargo feature (`cargo build --release --features wgpu`).
#
# Usage: bench/gpu_train.sh SER DATA OUT [EPOCHS] [GPU_DEVICE]
#   SER         the ser binary
#   DATA        a RAVDESS-style corpus (at least 3 actors)
#   OUT         where the two models go
#   EPOCHS      epochs per run (default 3; the first includes the GPU's kernel compilation)
#   GPU_DEVICE  wgpu (default) or cuda
set -euo pipefail
ser=$1 data=$2 out=$3 epochs=${4:-3} gpu=${5:-wgpu}
mkdir -p "$out"

for device in "$gpu" cpu; do
  echo "== ser train --device $device --epochs $epochs"
  "$ser" train --data "$data" --device "$device" --epochs "$epochs" --no-cache \
    --out "$out/$device" 2>&1 | tr '\r' '\n' | grep -E '^(epoch|[a-zA-Z].*clips)' || true
done

echo "== the $gpu-trained model predicting on the CPU"
"$ser" predict --model "$out/$gpu" "$(find -L "$data" -name '*.flac' -o -name '*.wav' | sort | head -1)"

python3 - "$out" "$gpu" <<'EOF'
import json, statistics, sys
out, gpu = sys.argv[1], sys.argv[2]
def per_epoch(device):
    h = json.load(open(f"{out}/{device}/metrics.json"))["history"]
    # Epoch 1 of a GPU run also compiles its kernels: report it apart.
    return h[0]["seconds"], statistics.median(e["seconds"] for e in h[1:] or h)
g1, g = per_epoch(gpu)
c1, c = per_epoch("cpu")
print(f"{gpu}: first epoch {g1:.2f} s, later epochs median {g:.2f} s")
print(f"cpu: first epoch {c1:.2f} s, later epochs median {c:.2f} s")
print(f"ratio cpu/{gpu} per epoch: {c / g:.2f}x")
EOF
