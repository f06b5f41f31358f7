#!/usr/bin/env bash
# The demo trainer on a real GPU, with and without gpuswap:
#   1. at a batch that fits, under gpuswap with no budget: same losses, nothing
#      swapped (the shim is transparent);
#   2. the same batch under gpuswap with a device budget of 2/3 of the run's
#      own peak of tensor memory: it trains, with evictions, and its losses
#      are bit-identical to the unconstrained run.
# usage: tests/gpu/train_cnn_gpu.sh BUILD_DIR [BATCH]
set -uo pipefail
BUILD_DIR=$(cd "${1:?usage: train_cnn_gpu.sh BUILD_DIR [BATCH]}" && pwd)
BATCH=${2:-256}
source "$(dirname "$0")/lib.sh"

TRAINER="$BUILD_DIR/examples/train_cnn/train_cnn_gpu"
SHIM="$BUILD_DIR/interpose/libgpuswap.so"
for file in "$TRAINER" "$SHIM"; do
  [ -e "$file" ] || { echo "FAIL: missing $file"; exit 1; }
done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# The real CUDA libraries, never cudasim's.
unset CUDASIM_DEVICE_MEMORY CUDASIM_LINK GPUSWAP_CONFIG GPUSWAP_TRACE

args=(--batch "$BATCH" --steps "${STEPS:-8}" --widths 32,64,128 --image 64)
"$TRAINER" "${args[@]}" >"$WORK/plain.out" 2>&1 || failed_run "train_cnn_gpu without gpuswap" "$WORK/plain.out"
cat "$WORK/plain.out"

GPUSWAP_LOG=info LD_PRELOAD="$SHIM" "$TRAINER" "${args[@]}" >"$WORK/shim.out" 2>&1 ||
  failed_run "train_cnn_gpu under gpuswap, no budget" "$WORK/shim.out"
grep -E 'gpuswap|throughput' "$WORK/shim.out"
same_losses "no budget" "$WORK/plain.out" "$WORK/shim.out"
[ "$(evictions "$WORK/shim.out")" = "0" ] && pass "no budget: nothing evicted" ||
  fail "no budget: evictions $(evictions "$WORK/shim.out") (expected 0)"

# "peak device memory: X MiB in tensors, ..."
peak=$(sed -n 's/^peak device memory: \([0-9.]*\) MiB in tensors.*/\1/p' "$WORK/plain.out")
if [ -z "$peak" ]; then
  fail "no peak figure in the trainer's output"
else
  budget=$(awk -v p="$peak" 'BEGIN { printf "%d", p * 2 / 3 + 1 }')
  policy=$(policy_with_budget "$WORK" "$budget")
  GPUSWAP_CONFIG="$policy" GPUSWAP_TRACE="$WORK/budget.trace.jsonl" LD_PRELOAD="$SHIM" \
    "$TRAINER" "${args[@]}" >"$WORK/budget.out" 2>&1 ||
    failed_run "train_cnn_gpu under gpuswap with a ${budget} MiB budget" "$WORK/budget.out"
  grep -E 'gpuswap|throughput' "$WORK/budget.out"
  swap_figures "$BUILD_DIR" "$WORK/budget.trace.jsonl"
  same_losses "budget ${budget} MiB of a ${peak} MiB peak" "$WORK/plain.out" "$WORK/budget.out"
  n=$(evictions "$WORK/budget.out")
  [ -n "$n" ] && [ "$n" -gt 0 ] && pass "budget ${budget} MiB: $n evictions" ||
    fail "budget ${budget} MiB: no evictions reported"
fi
exit $((failures > 0))
