S=/work/main/target/release/ser; E=/work/main/experiments/2026-12-04-fine-tuning; R=/tmp/robust/telephone-8-kHz
mkdir -p /tmp/ft2 && cd /tmp/ft2
python3 $E/four_emotions.py p1-train.csv $R Actor_01 Actor_02; python3 $E/four_emotions.py p1-test.csv $R Actor_03 Actor_04
wc -l p1-*.csv
init=/tmp/fold1-join7
acc() { $S eval --data p1-test.csv --model $1 $2 --format json 2>/dev/null | python3 -c "import json,sys; d=json.load(sys.stdin); print(f\"{100*d['accuracy']:.1f} / {100*d['uar']:.1f}\")"; }
echo "phone fold 1 zero-shot, 8 labels: $(acc $init)"
echo "phone fold 1 zero-shot, 4 labels: $(acc $init --only-corpus-labels)"
for seed in 42 7 3; do
  $S train --data p1-train.csv --valid-speakers 0 --epochs 5 --seed $seed --config lr5e-4.json --init $init --out m-p1-init5e4-$seed >/dev/null 2>&1
  echo "phone fold 1 init 5 ep lr 5e-4 seed $seed: $(acc m-p1-init5e4-$seed)"
done
