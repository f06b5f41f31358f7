#!/usr/bin/env bash
# Every check that needs a real GPU, in one go, on the machine that has it:
# the device report of `gpuswap doctor`, the link's copy bandwidth
# (bench_copy_gpu), the demo trainer built for the GPU (train_cnn_gpu.sh), the
# launch hook's cost (bench_launch_gpu, bench_hook_cost), and a PyTorch job
# (pytorch_convnet.sh) where PyTorch is installed. Prints PASS/FAIL lines and
# the figures docs/gpu-validation.md records; exits non-zero when a check
# fails.
# usage: tests/gpu/run.sh BUILD_DIR
set -uo pipefail
BUILD_DIR=${1:?usage: tests/gpu/run.sh BUILD_DIR}
HERE=$(dirname "$0")
status=0
echo "== gpuswap doctor"
"$BUILD_DIR/tools/gpuswap" doctor || status=1
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>/dev/null
echo "== link (bench_copy_gpu; the ceiling for evictions and restores)"
"$BUILD_DIR/bench/bench_copy_gpu" || { echo "FAIL: bench_copy_gpu"; status=1; }
echo "== train_cnn_gpu"
bash "$HERE/train_cnn_gpu.sh" "$BUILD_DIR" || status=1
echo "== launch overhead (bench_launch_gpu; figures, not a check)"
BENCH="$BUILD_DIR/bench/bench_launch_gpu"
if [ -x "$BENCH" ]; then
  echo -n "without gpuswap: " && "$BENCH" || status=1
  echo -n "under gpuswap:   " && LD_PRELOAD="$BUILD_DIR/interpose/libgpuswap.so" "$BENCH" || status=1
else
  echo "FAIL: missing $BENCH"
  status=1
fi
# The same inside one process, plain and through the runtime alternating,
# then plain and through the whole hook under LD_PRELOAD (robust to the
# driver's run-to-run variation).
HOOK_BENCH="$BUILD_DIR/bench/bench_hook_cost"
if [ -x "$HOOK_BENCH" ]; then
  echo -n "inside one process, the runtime's part: " && "$HOOK_BENCH" || status=1
  echo -n "inside one process, the whole hook: " &&
    GPUSWAP_LOG=info LD_PRELOAD="$BUILD_DIR/interpose/libgpuswap.so" "$HOOK_BENCH" || status=1
else
  echo "FAIL: missing $HOOK_BENCH"
  status=1
fi
echo "== PyTorch"
bash "$HERE/pytorch_convnet.sh" "$BUILD_DIR" || status=1
exit $status
