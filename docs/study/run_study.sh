#!/usr/bin/env bash
# The Fashion-MNIST-LT study of docs/results.md: four methods x three training seeds, then the report.
# Usage: bash docs/study/run_study.sh [SEEDS...]   (default 0 1 2). Takes about 40 minutes on an otherwise idle 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
seeds=("${@:-0 1 2}")
seeds=(${seeds[@]})
study=configs/FashionMNIST_LT/study
for seed in "${seeds[@]}"; do
  ./balms train --config $study/softmax.yaml --set seed=$seed --output runs/study/softmax/seed_$seed
  ./balms train --config $study/balanced_softmax.yaml --set seed=$seed --output runs/study/balanced_softmax/seed_$seed
  for stage2 in decouple_balanced_softmax balms; do
    ./balms train --config $study/$stage2.yaml --set seed=$seed --set training.model_dir=runs/study/softmax/seed_$seed \
      --output runs/study/$stage2/seed_$seed
  done
done
runs=()
for method in softmax balanced_softmax decouple_balanced_softmax balms; do
  for seed in "${seeds[@]}"; do runs+=("runs/study/$method/seed_$seed"); done
done
./balms report "${runs[@]}" --output docs/study/report
