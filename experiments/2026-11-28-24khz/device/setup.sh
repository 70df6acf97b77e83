# Device call 1: loaders, binary and the first half of the data, then one warm-up epoch that
# fills cubecl's kernel and autotune cache for call 2's parallel folds.
# Run from the repository root of the device copy, with .bin/ser.xz (the stripped wgpu build,
# xz-compressed), .gl (the Vulkan loader packages), .data24a (actors 01-06 of device/resample.py's
# output) and .dev (these two scripts) carried; folds.sh then ran with .data24b (actors 07-20).
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; [ -f $icd ] && export VK_DRIVER_FILES=$icd
ldconfig
set -x
for f in .gl/*.deb; do dpkg -x $f /; done; ldconfig
mkdir -p /tmp/d24 && cp -r .data24a/* /tmp/d24/
xz -dc .bin/ser.xz > /tmp/ser && chmod +x /tmp/ser
cp .dev/*.sh /tmp/
nvidia-smi --query-gpu=name,driver_version,memory.used --format=csv
nproc
mkdir -p /tmp/warm && for a in 01 02 03; do ln -sfn /tmp/d24/Actor_$a /tmp/warm/; done
start=$(date +%s)
timeout 240 /tmp/ser train --data /tmp/warm --config experiments/2026-11-28-24khz/config.json \
  --device wgpu --epochs 3 --valid-speakers 0 --threads 4 --out /tmp/warm-model 2>&1 | tr '\r' '\n' | grep -E '^(epoch|model|error|[a-z/].*clips)' | tee $OUT/warmup.log
echo "warm-up wall: $(( $(date +%s) - start )) s" | tee -a $OUT/warmup.log
ls -la target 2>/dev/null; find / -xdev -name "*.db" -newer /tmp/ser -not -path "/proc/*" 2>/dev/null | head
