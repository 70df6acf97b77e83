set -e
S=/work/main/target/release/ser; E=/work/main/experiments/2026-12-04-fine-tuning; R=/work/shared/data/ravdess
mkdir -p /tmp/ft2 && cd /tmp/ft2
# Learning rates written out: runs with --init now default to 5 epochs at 5e-4 (this record's
# finding); these runs were made before, when --init took the defaults of a run from scratch.
echo '{"learning_rate": 5e-4}' > lr5e-4.json
echo '{"learning_rate": 2e-3}' > lr2e-3.json
for fold in 1 2; do
  case $fold in 1) tr="Actor_01 Actor_02"; te="Actor_03 Actor_04";; 2) tr="Actor_05 Actor_06"; te="Actor_07 Actor_08";; esac
  python3 $E/four_emotions.py f$fold-train.csv $R $tr; python3 $E/four_emotions.py f$fold-test.csv $R $te
  init=/tmp/fold$fold-join7
  acc() { $S eval --data f$fold-test.csv --model $1 $2 --format json 2>/dev/null | python3 -c "import json,sys; d=json.load(sys.stdin); print(f\"{100*d['accuracy']:.1f} / {100*d['uar']:.1f}\")"; }
  echo "fold $fold zero-shot, 8 labels: $(acc $init)"
  echo "fold $fold zero-shot, 4 labels: $(acc $init --only-corpus-labels)"
  for seed in 42 7 3; do
    $S train --data f$fold-train.csv --valid-speakers 0 --epochs 5 --seed $seed --config lr2e-3.json --init $init --out m-f$fold-init-$seed >/dev/null 2>&1
    echo "fold $fold init 5 ep lr 2e-3 seed $seed: $(acc m-f$fold-init-$seed)"
    $S train --data f$fold-train.csv --valid-speakers 0 --epochs 5 --seed $seed --config lr5e-4.json --init $init --out m-f$fold-init5e4-$seed >/dev/null 2>&1
    echo "fold $fold init 5 ep lr 5e-4 seed $seed: $(acc m-f$fold-init5e4-$seed)"
    $S train --data f$fold-train.csv --valid-speakers 0 --epochs 80 --seed $seed --out m-f$fold-scratch-$seed >/dev/null 2>&1
    echo "fold $fold scratch 80 ep seed $seed: $(acc m-f$fold-scratch-$seed)"
  done
done
# The defaults of a run from scratch (80 epochs at 2e-3), started from the fold network.
python3 $E/four_emotions.py p1-train.csv /tmp/robust/telephone-8-kHz Actor_01 Actor_02
python3 $E/four_emotions.py p1-test.csv /tmp/robust/telephone-8-kHz Actor_03 Actor_04
for c in f1 p1; do
  $S train --data $c-train.csv --valid-speakers 0 --seed 42 --epochs 80 --config lr2e-3.json --init /tmp/fold1-join7 --out m-$c-init-80 >/dev/null 2>&1
  echo "$c init 80 ep lr 2e-3 seed 42: $($S eval --data $c-test.csv --model m-$c-init-80 2>/dev/null | head -1)"
done
