#!/usr/bin/env bash
# The gpuswap demo: a CNN trainer on cudasim, the software CUDA device, whose
# emulated card is too small for three times the batch that fits.
#   1. the batch that fits trains;
#   2. three times that batch runs out of device memory, cleanly;
#   3. (once libgpuswap.so is built) the same 3x run, with gpuswap preloaded.
#
# usage: examples/train_cnn/demo.sh BUILD_DIR      (what `make demo` runs)
set -euo pipefail

BUILD_DIR=${1:-build}
TRAINER="$BUILD_DIR/examples/train_cnn/train_cnn"
CUDASIM_LIB="$BUILD_DIR/cudasim/lib"

# The emulated device: batch 32 peaks at about 15 MiB with plain allocation
# (28 MiB reserved with the caching allocator), batch 96 at about 43 MiB
# (64 MiB), so the first fits either way and the second cannot. The
# integration test uses the same size (tests/integration/train_cnn/CMakeLists.txt).
DEVICE_MEMORY=32MiB
FIT_BATCH=32
BIG_BATCH=$((3 * FIT_BATCH))
STEPS=5

if [ ! -x "$TRAINER" ] || [ ! -e "$CUDASIM_LIB/libcuda.so.1" ]; then
  echo "demo: $TRAINER or cudasim's libraries in $CUDASIM_LIB are missing; build first (make demo does)" >&2
  exit 1
fi

export CUDASIM_DEVICE_MEMORY="$DEVICE_MEMORY"
export LD_LIBRARY_PATH="$CUDASIM_LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

heading() {
  echo
  echo "=== $* ==="
}

heading "gpuswap demo: training a small CNN on cudasim, an emulated GPU with $DEVICE_MEMORY of memory"
echo "The trainer is an ordinary CUDA program (CUDA runtime, cuDNN, cuBLAS). Its activations"
echo "grow with the batch, so at some batch size they no longer fit on the card."

heading "Run 1: batch $FIT_BATCH fits on the $DEVICE_MEMORY device"
"$TRAINER" --batch "$FIT_BATCH" --steps "$STEPS"

heading "Run 2: batch $BIG_BATCH (3x) needs about three times the memory"
set +e
"$TRAINER" --batch "$BIG_BATCH" --steps "$STEPS" 2>&1
status=$?
set -e
if [ "$status" -eq 1 ]; then
  echo "-> As expected, run 2 failed: CUDA reported out of memory, and the trainer stopped cleanly."
  echo "   Without gpuswap, the only way out would be a smaller batch or a bigger GPU."
elif [ "$status" -eq 0 ]; then
  echo "demo: run 2 was expected to run out of device memory but it fit; check DEVICE_MEMORY" >&2
  exit 1
else
  echo "demo: run 2 ended with status $status instead of a clean out-of-memory failure" >&2
  exit 1
fi

# ---------------------------------------------------------------------------
# Run 3: the same 3x batch with gpuswap preloaded. It evicts cold buffers to
# pinned host memory and restores them before use, so the run completes with
# the losses of a device large enough.
# ---------------------------------------------------------------------------
GPUSWAP_LIB="$BUILD_DIR/interpose/libgpuswap.so"
if [ -f "$GPUSWAP_LIB" ]; then
  heading "Run 3: batch $BIG_BATCH again, with LD_PRELOAD=libgpuswap.so"
  # The default device_reserve (auto: room for a real GPU's context, an
  # eighth of this small card) is set to 0 by the demo's policy file, so that
  # gpuswap may use all 32MiB. GPUSWAP_LOG=info prints the budget at start
  # and what was swapped at exit; GPUSWAP_TRACE records every eviction and
  # restore, which `gpuswap log summary` sums up afterwards.
  POLICY_FILE=$(mktemp)
  trap 'rm -f "$POLICY_FILE" "$POLICY_FILE.large" "$POLICY_FILE.swapped" "$POLICY_FILE.trace"' EXIT
  printf 'device_reserve: 0\n' >"$POLICY_FILE"
  echo "policy file: $(cat "$POLICY_FILE")"
  PRELOAD="$(cd "$(dirname "$GPUSWAP_LIB")" && pwd)/$(basename "$GPUSWAP_LIB")"
  # A sanitizer build's library needs its sanitizer runtime first in LD_PRELOAD.
  SANITIZER_RUNTIME=$(ldd "$PRELOAD" | awk '/lib[at]san\.so/ { print $3; exit }')
  PRELOAD="${SANITIZER_RUNTIME:+$SANITIZER_RUNTIME:}$PRELOAD"
  GPUSWAP_CONFIG="$POLICY_FILE" GPUSWAP_LOG=info GPUSWAP_TRACE="$POLICY_FILE.trace" \
    LD_PRELOAD="$PRELOAD" \
    "$TRAINER" --batch "$BIG_BATCH" --steps "$STEPS" | tee "$POLICY_FILE.swapped"
  echo "-> With gpuswap, batch $BIG_BATCH trained on the same $DEVICE_MEMORY device."
  CUDASIM_DEVICE_MEMORY=256MiB "$TRAINER" --batch "$BIG_BATCH" --steps "$STEPS" >"$POLICY_FILE.large"
  if diff <(grep ' loss ' "$POLICY_FILE.large") <(grep ' loss ' "$POLICY_FILE.swapped") >/dev/null; then
    echo "   Its losses are bit-identical to the same run on a 256MiB device without gpuswap."
  else
    echo "demo: run 3's losses differ from a run on a device large enough" >&2
    exit 1
  fi
  GPUSWAP_CLI="$BUILD_DIR/tools/gpuswap"
  if [ -x "$GPUSWAP_CLI" ]; then
    echo
    echo "What gpuswap moved (gpuswap log summary of the swap trace, without its per-region table):"
    "$GPUSWAP_CLI" log summary "$POLICY_FILE.trace" | sed -e '/^hottest regions/,$d' -e '/^trace /d'
  fi
else
  heading "Run 3 (not yet available): batch $BIG_BATCH with gpuswap"
  echo "$GPUSWAP_LIB is not built yet; when it is, this demo reruns batch $BIG_BATCH with it preloaded."
fi
