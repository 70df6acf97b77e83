# Device call 2: the second half of the data, then the five CV folds side by side on the GPU.
# $1: seconds to run before copying back whatever is done.
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; [ -f $icd ] && export VK_DRIVER_FILES=$icd
ldconfig
cp -r .data24b/* /tmp/d24/; echo "actors: $(ls /tmp/d24 | wc -l)"
deadline=$(( $(date +%s) + ${1:-520} ))
for f in 1 2 3 4 5; do
  /tmp/ser cv --data /tmp/d24 --folds 5 --only $f --valid-speakers 0 --seed 42 \
    --config experiments/2026-11-28-24khz/config.json --device wgpu --threads 3 \
    --out /tmp/g24/fold$f > /tmp/g24-$f.log 2>&1 &
done
progress() {
  for f in 1 2 3 4 5; do tr '\r' '\n' < /tmp/g24-$f.log | grep -E '^(epoch|fold|error)' | tail -1 | sed "s/^/fold$f: /"; done
}
while [ "$(date +%s)" -lt $deadline ] && [ -n "$(jobs -r)" ]; do
  sleep 10; progress > $OUT/progress.txt
done
progress | tee $OUT/progress.txt
for f in 1 2 3 4 5; do
  cp /tmp/g24/fold$f/cv.json $OUT/cv-fold$f.json 2>/dev/null
  tr '\r' '\n' < /tmp/g24-$f.log | grep -vE '^\s*$' | sed "s/^/fold$f: /"
done > $OUT/logs.txt
grep -h "seconds\|accuracy" $OUT/logs.txt | tail -12
