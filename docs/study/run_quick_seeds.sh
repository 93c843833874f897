#!/usr/bin/env bash
# The quick start's chain (configs/FashionMNIST_LT/quick*.yaml, as ./balms quickstart runs it) for several training
# seeds, then the report: how much of what the quick table shows survives a change of seed, which is what another
# CPU's float32 kernels amount to (they round differently, so training takes another path from the same seed).
# Usage: [OUT=runs/quick_seeds] bash docs/study/run_quick_seeds.sh [SEEDS...]   (default seeds 0 1 2 3 4)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-runs/quick_seeds}
seeds=("${@:-0 1 2 3 4}")
seeds=(${seeds[@]})
configs=configs/FashionMNIST_LT
declare -A config=([softmax]=quick [decouple_balanced_softmax]=quick_decouple_balanced_softmax [balms]=quick_balms)
for seed in "${seeds[@]}"; do
  for method in softmax decouple_balanced_softmax balms; do
    stage1=()
    [[ $method == softmax ]] || stage1=(--set training.model_dir=$out/softmax/seed_$seed)
    [[ -f $out/$method/seed_$seed/metrics.json ]] ||
      ./balms train --config $configs/${config[$method]}.yaml --set seed=$seed "${stage1[@]}" --output $out/$method/seed_$seed
  done
done
runs=()
for method in softmax decouple_balanced_softmax balms; do
  for seed in "${seeds[@]}"; do runs+=("$out/$method/seed_$seed"); done
done
./balms report "${runs[@]}" --output docs/study/report_quick_seeds
