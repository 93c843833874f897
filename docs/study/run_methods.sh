#!/usr/bin/env bash
# The method table of docs/methods.md: every long-tail method of the toolkit on Fashion-MNIST-LT, the given training
# seeds, one shared budget, then the report.
# Usage: [IMBALANCE_FACTOR=200] [SMOKE=1] bash docs/study/run_methods.sh [SEEDS...]   (default seeds 0 1 2)
#
# Budget (configs/FashionMNIST_LT/methods/): every end-to-end run sees 30 epochs x 35 steps x 128 images = 134,400
# training images; the decoupled methods (Balanced Softmax decoupled, BALMS, weight balancing's stage 2) add a stage 2
# of 8 x 35 x 128 = 35,840 images on the frozen backbone of their stage 1 of the same seed, which is the softmax run
# (weight balancing: its own stage 1, softmax with weight decay 5e-3). Post-hoc logit adjustment (tau = 1) trains
# nothing: it evaluates the softmax run's final checkpoint with --prior uniform.
#
# Runs go to runs/methods/<tag>/<method>/seed_<seed> (<tag> = if$IMBALANCE_FACTOR) and the report to
# docs/study/report_methods_<tag>. A run whose metrics.json exists is skipped and a run cut short resumes, so the
# script continues where it stopped. SMOKE=1 checks the script in about 15 minutes: a tiny head class, 2 epochs of
# 2 steps, runs and report under runs/methods/smoke.
# Three seeds take about 5 hours on an otherwise idle 2-core machine (30 epochs of end-to-end training ran at about
# 230 images/s in docs/results.md: 10 end-to-end runs x 134,400 images per seed).
set -euo pipefail
cd "$(dirname "$0")/../.."
imbalance=${IMBALANCE_FACTOR:-200}
seeds=("${@:-0 1 2}")
seeds=(${seeds[@]})
methods=configs/FashionMNIST_LT/methods
if [[ ${SMOKE:-} == 1 ]]; then
  tag=smoke
  report=runs/methods/smoke/report
  shrink=(--set data.head_class_size=400 --set training.num_epochs=2 --set training.max_steps_per_epoch=2
          --set training.batch_size=16 --set training.eval_every=1)
  drw=(--set training.loss.drw_epoch=2)
else
  tag=if$imbalance
  report=docs/study/report_methods_$tag
  shrink=()
  drw=()
fi
out=runs/methods/$tag

# Trains a method's config into its run directory unless that run has finished; resumes a run that was cut short.
train() {
  local method=$1 seed=$2
  shift 2
  local run=$out/$method/seed_$seed
  [[ -f $run/metrics.json ]] && return
  local resume=()
  [[ -f $run/checkpoints/latest.safetensors ]] && resume=(--resume)
  ./balms train --config $methods/$method.yaml --set seed=$seed --set data.imbalance_factor=$imbalance \
    "${shrink[@]}" "$@" --output "$run" "${resume[@]}"
}

end_to_end=(softmax balanced_softmax logit_adjusted focal class_balanced class_balanced_focal ldam_drw
            softmax_mixup softmax_cutmix weight_balancing_stage1)
for seed in "${seeds[@]}"; do
  for method in "${end_to_end[@]}"; do
    if [[ $method == ldam_drw ]]; then train $method $seed "${drw[@]}"; else train $method $seed; fi
  done
  for method in decouple_balanced_softmax balms; do
    train $method $seed --set training.model_dir=$out/softmax/seed_$seed
  done
  train weight_balancing $seed --set training.model_dir=$out/weight_balancing_stage1/seed_$seed
  # Post-hoc logit adjustment (Menon et al.) with tau = 1 of the softmax run's final model: --prior train^(1 - tau).
  posthoc=$out/softmax_posthoc_la/seed_$seed
  [[ -f $posthoc/metrics.json ]] || ./balms eval --config $methods/softmax.yaml --set seed=$seed \
    --set data.imbalance_factor=$imbalance "${shrink[@]}" --set name=softmax_posthoc_la \
    --checkpoint $out/softmax/seed_$seed/checkpoints/latest.safetensors --prior uniform --output "$posthoc"
done

runs=()
for method in softmax softmax_posthoc_la balanced_softmax logit_adjusted focal class_balanced class_balanced_focal \
              ldam_drw softmax_mixup softmax_cutmix decouple_balanced_softmax balms weight_balancing_stage1 weight_balancing; do
  for seed in "${seeds[@]}"; do runs+=("$out/$method/seed_$seed"); done
done
./balms report "${runs[@]}" --output "$report"
