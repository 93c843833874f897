#!/usr/bin/env bash
# The Fashion-MNIST-LT study of docs/results.md: four methods x the given training seeds at one imbalance factor,
# then the report.
# Usage: [IMBALANCE_FACTOR=200] bash docs/study/run_study.sh [SEEDS...]   (default seeds 0 1 2)
# Runs go to runs/study/if$IMBALANCE_FACTOR/<method>/seed_<seed>, the report to docs/study/report_if$IMBALANCE_FACTOR.
# Takes about 40 minutes for three seeds on an otherwise idle 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
imbalance=${IMBALANCE_FACTOR:-200}
seeds=("${@:-0 1 2}")
seeds=(${seeds[@]})
study=configs/FashionMNIST_LT/study
out=runs/study/if$imbalance
for seed in "${seeds[@]}"; do
  common=(--set seed=$seed --set data.imbalance_factor=$imbalance)
  ./balms train --config $study/softmax.yaml "${common[@]}" --output $out/softmax/seed_$seed
  ./balms train --config $study/balanced_softmax.yaml "${common[@]}" --output $out/balanced_softmax/seed_$seed
  for stage2 in decouple_balanced_softmax balms; do
    ./balms train --config $study/$stage2.yaml "${common[@]}" --set training.model_dir=$out/softmax/seed_$seed \
      --output $out/$stage2/seed_$seed
  done
done
runs=()
for method in softmax balanced_softmax decouple_balanced_softmax balms; do
  for seed in "${seeds[@]}"; do runs+=("$out/$method/seed_$seed"); done
done
./balms report "${runs[@]}" --output docs/study/report_if$imbalance
