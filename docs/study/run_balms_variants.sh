#!/usr/bin/env bash
# BALMS variants on the softmax backbones of the fidelity study (docs/study/run_fidelity.sh, which must have run for
# these seeds), with the same stage-2 schedule as its BALMS rows (6 epochs of 26 steps of 512), then the report:
#   balms_meta_bn_kept     training.sampler.meta_batch_updates_batch_norm: false (the meta batches leave BatchNorm's
#                          running statistics alone; everything else as the original)
#   balms_frozen_bn_cached training.freeze_batch_norm: true with sampler.cache_meta_features: true (BatchNorm in eval
#                          mode, the meta set's features computed once, meta images not augmented)
# Usage: [STAGE1_ITERATIONS=432] [OUT=runs/fidelity] bash docs/study/run_balms_variants.sh [SEEDS...]   (default 0 1 2)
set -euo pipefail
cd "$(dirname "$0")/../.."
iterations=${STAGE1_ITERATIONS:-432}
out=${OUT:-runs/fidelity}
seeds=("${@:-0 1 2}")
seeds=(${seeds[@]})
balms_iterations=$((iterations * 3 / 8 / 27 * 26))
declare -A variant=(
  [balms_meta_bn_kept]="--set training.sampler.meta_batch_updates_batch_norm=false"
  [balms_frozen_bn_cached]="--set training.freeze_batch_norm=true --set training.sampler.cache_meta_features=true")
for seed in "${seeds[@]}"; do
  for name in balms_meta_bn_kept balms_frozen_bn_cached; do
    [[ -f $out/$name/seed_$seed/metrics.json ]] ||
      ./balms train --config configs/FashionMNIST_LT/balms_imba200.yaml --set seed=$seed --set name=$name \
        --set training.num_iterations=$balms_iterations ${variant[$name]} \
        --set training.model_dir=$out/softmax/seed_$seed --output $out/$name/seed_$seed
  done
done
runs=()
for name in decouple_balanced_softmax balms balms_meta_bn_kept balms_frozen_bn_cached; do
  for seed in "${seeds[@]}"; do runs+=("$out/$name/seed_$seed"); done
done
./balms report "${runs[@]}" --output docs/study/report_$(basename "$out")_balms_variants
