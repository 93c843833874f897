#!/usr/bin/env bash
# The fidelity study of docs/results.md: the four methods of the paper on Fashion-MNIST-LT IF 200 with the shipped
# configs (the original's hyperparameters) on a shortened schedule, for the given training seeds, then the report.
# Usage: [STAGE1_ITERATIONS=432] [OUT=runs/fidelity] bash docs/study/run_fidelity.sh [SEEDS...]   (default seeds 0 1 2)
# Stage 1 and Balanced Softmax end to end: STAGE1_ITERATIONS of batch 512 with an eighth of them as warm-up; stage 2
# (decoupled Balanced Softmax and BALMS on the softmax backbone of the same seed): the same whole number of epochs of
# 26 steps for both, about 3/8 of stage 1 (6 epochs for the default 432). The original turns num_iterations into
# ceil(num_iterations / len(loader)) epochs, where len(loader) is ceil(N/B) = 27 for the plain loader but N//B = 26
# for the Meta Sampler, so the two stages are given 162 and 156 iterations.
set -euo pipefail
cd "$(dirname "$0")/../.."
iterations=${STAGE1_ITERATIONS:-432}
out=${OUT:-runs/fidelity}
seeds=("${@:-0 1 2}")
seeds=(${seeds[@]})
configs=configs/FashionMNIST_LT
stage1=(--set training.num_iterations=$iterations --set training.schedule.warmup_iterations=$((iterations / 8)))
stage2_epochs=$((iterations * 3 / 8 / 27))
declare -A stage2=([decouple_balanced_softmax]=$((stage2_epochs * 27)) [balms]=$((stage2_epochs * 26)))
for seed in "${seeds[@]}"; do
  for method in softmax balanced_softmax; do
    [[ -f $out/$method/seed_$seed/metrics.json ]] ||
      ./balms train --config $configs/${method}_imba200.yaml --set seed=$seed "${stage1[@]}" --output $out/$method/seed_$seed
  done
  for method in decouple_balanced_softmax balms; do
    [[ -f $out/$method/seed_$seed/metrics.json ]] ||
      ./balms train --config $configs/${method}_imba200.yaml --set seed=$seed --set training.num_iterations=${stage2[$method]} \
        --set training.model_dir=$out/softmax/seed_$seed --output $out/$method/seed_$seed
  done
done
runs=()
for method in softmax balanced_softmax decouple_balanced_softmax balms; do
  for seed in "${seeds[@]}"; do runs+=("$out/$method/seed_$seed"); done
done
./balms report "${runs[@]}" --output docs/study/report_fidelity${OUT:+_$(basename "$out")}
