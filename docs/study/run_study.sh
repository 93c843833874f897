#!/usr/bin/env bash
# The Fashion-MNIST-LT study of docs/results.md: four methods x the given training seeds at one imbalance factor,
# then the report.
# Usage: [IMBALANCE_FACTOR=200] [STAGE1_EPOCHS=N] bash docs/study/run_study.sh [SEEDS...]   (default seeds 0 1 2)
# STAGE1_EPOCHS overrides the 10 short epochs of the two end-to-end runs (softmax, Balanced Softmax); stage 2 keeps
# its 8. Runs go to runs/study/<tag>/<method>/seed_<seed> and the report to docs/study/report_<tag>, where <tag> is
# if$IMBALANCE_FACTOR, plus _e$STAGE1_EPOCHS when that is given.
# Three seeds take about 40 minutes on an otherwise idle 2-core machine (about 75 with STAGE1_EPOCHS=30).
set -euo pipefail
cd "$(dirname "$0")/../.."
imbalance=${IMBALANCE_FACTOR:-200}
tag=if$imbalance${STAGE1_EPOCHS:+_e$STAGE1_EPOCHS}
stage1=(${STAGE1_EPOCHS:+--set training.num_epochs=$STAGE1_EPOCHS})
seeds=("${@:-0 1 2}")
seeds=(${seeds[@]})
study=configs/FashionMNIST_LT/study
out=runs/study/$tag
for seed in "${seeds[@]}"; do
  common=(--set seed=$seed --set data.imbalance_factor=$imbalance)
  ./balms train --config $study/softmax.yaml "${common[@]}" "${stage1[@]}" --output $out/softmax/seed_$seed
  ./balms train --config $study/balanced_softmax.yaml "${common[@]}" "${stage1[@]}" --output $out/balanced_softmax/seed_$seed
  for stage2 in decouple_balanced_softmax balms; do
    ./balms train --config $study/$stage2.yaml "${common[@]}" --set training.model_dir=$out/softmax/seed_$seed \
      --output $out/$stage2/seed_$seed
  done
done
runs=()
for method in softmax balanced_softmax decouple_balanced_softmax balms; do
  for seed in "${seeds[@]}"; do runs+=("$out/$method/seed_$seed"); done
done
./balms report "${runs[@]}" --output docs/study/report_$tag
