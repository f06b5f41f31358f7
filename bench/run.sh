#!/usr/bin/env bash
# gpuswap's benchmarks, all on cudasim (no GPU needed), in about two minutes:
#   1. launch overhead: bench_launch with and without LD_PRELOAD=libgpuswap.so,
#      and bench_param_decoder (the runtime's decoding alone);
#   2. the demo trainer at the batch that fits, with and without the shim;
#   3. the demo trainer at 3x that batch under gpuswap on the same small
#      device: throughput, bytes moved and bandwidth against the link, from
#      the swap trace;
#   4. swap bandwidth with nearly free kernels: bench_swap cycles 16 regions
#      of 8 MiB through a 64 MiB device under gpuswap, against the same
#      copies made by the program itself without gpuswap.
# docs/performance.md explains the figures and records a run.
#
# usage: bench/run.sh BUILD_DIR      (what `make bench` runs)
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: bench/run.sh BUILD_DIR" >&2
  exit 2
fi
BUILD_DIR=$1

if [ ! -d "$BUILD_DIR" ]; then
  echo "bench: no build directory $BUILD_DIR; build first (make bench builds and runs)" >&2
  exit 1
fi
BENCH_LAUNCH="$BUILD_DIR/bench/bench_launch"
BENCH_DECODER="$BUILD_DIR/bench/bench_param_decoder"
BENCH_POLICY="$BUILD_DIR/bench/bench_policy"
BENCH_COPY="$BUILD_DIR/bench/bench_copy"
BENCH_SWAP="$BUILD_DIR/bench/bench_swap"
TRAINER="$BUILD_DIR/examples/train_cnn/train_cnn"
GPUSWAP_LIB="$BUILD_DIR/interpose/libgpuswap.so"
GPUSWAP_CLI="$BUILD_DIR/tools/gpuswap"
CUDASIM_LIB="$BUILD_DIR/cudasim/lib"

missing=""
for file in "$BENCH_LAUNCH" "$BENCH_DECODER" "$BENCH_POLICY" "$BENCH_COPY" "$BENCH_SWAP" "$TRAINER" "$GPUSWAP_LIB" \
  "$GPUSWAP_CLI" "$CUDASIM_LIB/libcuda.so.1"; do
  [ -e "$file" ] || missing="$missing $file"
done
if [ -n "$missing" ]; then
  echo "bench: missing:$missing" >&2
  echo "bench: build $BUILD_DIR first (with GPUSWAP_BUILD_BENCH=ON; make bench does both)" >&2
  exit 1
fi

# Tunables (environment), kept small enough for the whole script to take
# about two minutes on 2 cores.
LAUNCH_ROUNDS=${BENCH_LAUNCH_ROUNDS:-3}  # alternating rounds of the launch benchmark
REPETITIONS=${BENCH_REPETITIONS:-3}      # figures per round and way (100k launches each)
FIT_STEPS=${BENCH_FIT_STEPS:-15}         # trainer steps per run at the fitting batch
FIT_RUNS=${BENCH_FIT_RUNS:-5}            # runs each way at the fitting batch (median)
BIG_STEPS=${BENCH_BIG_STEPS:-12}         # trainer steps per run at 3x the batch
BIG_RUNS=${BENCH_BIG_RUNS:-3}            # runs each way at 3x the batch (median)
SWAP_ROUNDS=${BENCH_SWAP_ROUNDS:-8}      # bench_swap's cycles over its 16 regions per run
SWAP_RUNS=${BENCH_SWAP_RUNS:-3}          # bench_swap runs of each kind (median)
LINK_GBPS=${CUDASIM_LINK_GBPS:-12}
# What the memory-management calls cost (cudasim/driver/vmm_cost.h): h200
# charges each cuMemCreate/Map/SetAccess/Unmap/Release and cuMemAlloc/Free
# the time an H200 took, so that gpuswap's mapping costs weigh here as on a
# card; none gives cudasim's own near-zero costs.
VMM_COST=${BENCH_VMM_COST:-h200}

# The trainer's device and batches are the demo's (examples/train_cnn/demo.sh).
TRAIN_DEVICE_MEMORY=32MiB
LARGE_DEVICE_MEMORY=256MiB
FIT_BATCH=32
BIG_BATCH=$((3 * FIT_BATCH))
# 1,000 regions of 2 MiB all resident: 2000 MiB of a 4 GiB device.
LAUNCH_DEVICE_MEMORY=4GiB
# bench_swap: 16 regions of 8 MiB, twice what its device holds (8 of them).
SWAP_REGIONS=16
SWAP_REGION_MIB=8
SWAP_DEVICE_MEMORY=64MiB
SWAP_LARGE_DEVICE_MEMORY=256MiB

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# The emulated card is smaller than the default device_reserve (256MiB, room
# for a real GPU's context), so gpuswap may use all of it.
printf 'device_reserve: 0\n' >"$WORK/policy.yaml"

SHIM="$(cd "$(dirname "$GPUSWAP_LIB")" && pwd)/$(basename "$GPUSWAP_LIB")"
export LD_LIBRARY_PATH="$CUDASIM_LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export CUDASIM_LINK_GBPS="$LINK_GBPS"
export CUDASIM_VMM_COST="$VMM_COST"
unset CUDASIM_LINK GPUSWAP_TRACE GPUSWAP_TRACE_LEVEL GPUSWAP_DEVICE_BUDGET GPUSWAP_HOST_BUDGET
export GPUSWAP_CONFIG="$WORK/policy.yaml"

with_shim() { LD_PRELOAD="$SHIM" "$@"; }
# Runs a command and appends the CPU seconds it used (user + system, its
# threads included) to FILE: less sensitive than wall time to other load.
timed() {
  local file=$1 TIMEFORMAT='%U %S' cpu
  shift
  # fd 3 and 4 carry the command's own output past the capture of time's.
  { cpu=$({ time "$@" 1>&3 2>&4; } 2>&1); } 3>&1 4>&2
  awk -v t="$cpu" 'BEGIN { split(t, p, " "); print p[1] + p[2] }' >>"$file"
}

# The real time (ns) of every repetition of benchmark NAME in --benchmark_format=csv output.
launch_times() {
  awk -F, -v name="\"$2/" 'index($1, name) == 1 && $1 ~ /real_time"$/ { print $3 }' "$1"
}
# The median real and CPU time (ns) of benchmark NAME from --benchmark_format=csv output.
median_of() {
  awk -F, -v name="$2" 'index($1, name) && index($1, "_median") {
    gsub(/"/, "", $3); gsub(/"/, "", $4); print $3, $4; exit }' "$1"
}
# The median of the numbers on standard input.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# A number field of a flat JSON object.
json_number() { grep -o "\"$1\":[-0-9.eE+]*" "$2" | head -1 | cut -d: -f2; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
# steps/s from the trainer's "throughput: N steps in S s, ..." line, to more
# digits than it prints.
steps_per_second() { awk '/^throughput:/ && $3 == "steps" && $4 == "in" { printf "%.4f\n", $2 / $5 }' "$1"; }

echo "gpuswap benchmarks on cudasim ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), link $LINK_GBPS GB/s, VMM costs $VMM_COST)"

# ---------------------------------------------------------------------------
# 1. Launch overhead
# ---------------------------------------------------------------------------
echo
echo "== launch: null kernel, 8 pointer parameters, 1000 live 2 MiB regions; 100k launches per figure, $LAUNCH_ROUNDS x $REPETITIONS figures each way (alternating) =="
# Plain and shimmed runs alternate so that both see the same drift in the
# machine's load; the minimum is the least disturbed figure, the median the
# typical one.
: >"$WORK/launch_plain.csv"
: >"$WORK/launch_shim.csv"
for round in $(seq "$LAUNCH_ROUNDS"); do
  CUDASIM_DEVICE_MEMORY=$LAUNCH_DEVICE_MEMORY "$BENCH_LAUNCH" \
    --benchmark_repetitions="$REPETITIONS" --benchmark_format=csv \
    >>"$WORK/launch_plain.csv" 2>"$WORK/launch_plain.err" ||
    { cat "$WORK/launch_plain.err" >&2; exit 1; }
  CUDASIM_DEVICE_MEMORY=$LAUNCH_DEVICE_MEMORY GPUSWAP_LOG=info with_shim "$BENCH_LAUNCH" \
    --benchmark_repetitions="$REPETITIONS" --benchmark_format=csv \
    >>"$WORK/launch_shim.csv" 2>"$WORK/launch_shim.err" ||
    { cat "$WORK/launch_shim.err" >&2; exit 1; }
  # The shim must really have managed the 1,000 buffers as regions.
  if ! grep -q "1000 fresh regions" "$WORK/launch_shim.err"; then
    echo "bench: under the shim, bench_launch's buffers were not all regions:" >&2
    cat "$WORK/launch_shim.err" >&2
    exit 1
  fi
done
"$BENCH_DECODER" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_format=csv >"$WORK/decoder.csv" 2>/dev/null
"$BENCH_POLICY" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_format=csv >"$WORK/policy.csv" 2>/dev/null

printf '%-30s %19s %19s %15s\n' "ns/launch (real time)" "cudasim min/median" "+gpuswap min/median" \
  "ratio min/median"
for name in BM_LaunchEnqueueBusy BM_LaunchEnqueue BM_LaunchAndRun; do
  plain_min=$(launch_times "$WORK/launch_plain.csv" "$name" | sort -g | head -1)
  plain_median=$(launch_times "$WORK/launch_plain.csv" "$name" | median)
  shim_min=$(launch_times "$WORK/launch_shim.csv" "$name" | sort -g | head -1)
  shim_median=$(launch_times "$WORK/launch_shim.csv" "$name" | median)
  printf '%-30s %9.0f / %-7.0f %9.0f / %-7.0f %6.2fx / %.2fx\n' "$name" "$plain_min" \
    "$plain_median" "$shim_min" "$shim_median" "$(calc "%.4f" "$shim_min / $plain_min")" \
    "$(calc "%.4f" "$shim_median / $plain_median")"
done
for name in BM_DecodeKernelParams BM_DecodeExtra; do
  read -r real cpu < <(median_of "$WORK/decoder.csv" "$name")
  printf '%-34s %9.1f ns real, %.1f ns CPU\n' "$name (ns/decode)" "$real" "$cpu"
done
read -r real cpu < <(median_of "$WORK/policy.csv" BM_LruOnOperation)
printf '%-34s %9.1f ns real, %.1f ns CPU\n' "BM_LruOnOperation (8 regions)" "$real" "$cpu"
busy_plain=$(launch_times "$WORK/launch_plain.csv" BM_LaunchEnqueueBusy | median)
busy_shim=$(launch_times "$WORK/launch_shim.csv" BM_LaunchEnqueueBusy | median)
printf 'gpuswap adds %.0f ns per launch to a busy stream (median), %.0f%% of cudasim'"'"'s own; goal: at most 5%%\n' \
  "$(calc "%.1f" "$busy_shim - $busy_plain")" "$(calc "%.2f" "100 * ($busy_shim - $busy_plain) / $busy_plain")"
# The same path timed inside one process, plain and through the runtime
# alternating, then plain and through the whole hook under LD_PRELOAD (built
# where the CUDA toolkit's driver stub is; about 5 s each). Separate
# processes drift apart by tens of ns on a busy machine; these pairs do not.
BENCH_HOOK="$BUILD_DIR/bench/bench_hook_cost"
if [ -x "$BENCH_HOOK" ]; then
  echo -n "inside one process, the runtime's part (bench_hook_cost): "
  CUDASIM_DEVICE_MEMORY=$LAUNCH_DEVICE_MEMORY "$BENCH_HOOK" | head -2 | sed 's/.*batches: //'
  echo -n "inside one process, the whole hook (bench_hook_cost under LD_PRELOAD): "
  CUDASIM_DEVICE_MEMORY=$LAUNCH_DEVICE_MEMORY with_shim "$BENCH_HOOK" | head -2 | sed 's/.*batches: //'
fi

# ---------------------------------------------------------------------------
# 2. The trainer at the batch that fits
# ---------------------------------------------------------------------------
echo
echo "== train_cnn: batch $FIT_BATCH on a $TRAIN_DEVICE_MEMORY device, $FIT_STEPS steps, $FIT_RUNS runs each way (alternating) =="
: >"$WORK/fit_plain.rates"
: >"$WORK/fit_shim.rates"
: >"$WORK/fit_plain.cpu"
: >"$WORK/fit_shim.cpu"
for run in $(seq "$FIT_RUNS"); do
  CUDASIM_DEVICE_MEMORY=$TRAIN_DEVICE_MEMORY timed "$WORK/fit_plain.cpu" "$TRAINER" \
    --batch "$FIT_BATCH" --steps "$FIT_STEPS" >"$WORK/fit_plain.$run.out"
  CUDASIM_DEVICE_MEMORY=$TRAIN_DEVICE_MEMORY GPUSWAP_LOG=info timed "$WORK/fit_shim.cpu" \
    with_shim "$TRAINER" --batch "$FIT_BATCH" --steps "$FIT_STEPS" \
    >"$WORK/fit_shim.$run.out" 2>"$WORK/fit_shim.err"
  if ! diff <(grep ' loss ' "$WORK/fit_plain.$run.out") <(grep ' loss ' "$WORK/fit_shim.$run.out") \
    >/dev/null; then
    echo "bench: the losses with and without gpuswap differ" >&2
    exit 1
  fi
  steps_per_second "$WORK/fit_plain.$run.out" >>"$WORK/fit_plain.rates"
  steps_per_second "$WORK/fit_shim.$run.out" >>"$WORK/fit_shim.rates"
done
fit_plain=$(median <"$WORK/fit_plain.rates")
fit_shim=$(median <"$WORK/fit_shim.rates")
fit_plain_best=$(sort -g "$WORK/fit_plain.rates" | tail -1)
fit_shim_best=$(sort -g "$WORK/fit_shim.rates" | tail -1)
cpu_plain=$(median <"$WORK/fit_plain.cpu")
cpu_shim=$(median <"$WORK/fit_shim.cpu")
printf '%-34s %12s %12s %8s\n' "batch $FIT_BATCH" "cudasim" "+ gpuswap" "change"
printf '%-34s %12.3f %12.3f %+7.1f%%\n' "steps/s, median" "$fit_plain" "$fit_shim" \
  "$(calc "%.4f" "($fit_shim / $fit_plain - 1) * 100")"
printf '%-34s %12.3f %12.3f %+7.1f%%\n' "steps/s, best run" "$fit_plain_best" "$fit_shim_best" \
  "$(calc "%.4f" "($fit_shim_best / $fit_plain_best - 1) * 100")"
printf '%-34s %12.2f %12.2f %+7.1f%%\n' "CPU seconds per run, median" "$cpu_plain" "$cpu_shim" \
  "$(calc "%.4f" "($cpu_shim / $cpu_plain - 1) * 100")"
echo "  each run (steps/s): cudasim $(tr '\n' ' ' <"$WORK/fit_plain.rates")| gpuswap $(tr '\n' ' ' <"$WORK/fit_shim.rates")"
echo "  runtime at exit: $(grep -o 'swapped:.*' "$WORK/fit_shim.err" || echo '(no summary line)')"

# ---------------------------------------------------------------------------
# 3. Three times the batch, swapping
# ---------------------------------------------------------------------------
echo
echo "== train_cnn: batch $BIG_BATCH, $BIG_STEPS steps, $BIG_RUNS runs each: under gpuswap on $TRAIN_DEVICE_MEMORY, without it on $LARGE_DEVICE_MEMORY =="
# Alternating, like the fitting batch: the machine's load drifts over a run.
: >"$WORK/big_shim.rates"
: >"$WORK/big_large.rates"
: >"$WORK/big_shim.cpu"
: >"$WORK/big_large.cpu"
for run in $(seq "$BIG_RUNS"); do
  # Every swapped run writes a trace, so that all run alike; the first is summarised.
  CUDASIM_DEVICE_MEMORY=$TRAIN_DEVICE_MEMORY GPUSWAP_LOG=info \
    GPUSWAP_TRACE="$WORK/big.$run.trace.jsonl" GPUSWAP_TRACE_LEVEL=events \
    timed "$WORK/big_shim.cpu" with_shim "$TRAINER" --batch "$BIG_BATCH" --steps "$BIG_STEPS" \
    >"$WORK/big_shim.$run.out" 2>"$WORK/big_shim.$run.err" ||
    { cat "$WORK/big_shim.$run.err" >&2; exit 1; }
  CUDASIM_DEVICE_MEMORY=$LARGE_DEVICE_MEMORY timed "$WORK/big_large.cpu" "$TRAINER" \
    --batch "$BIG_BATCH" --steps "$BIG_STEPS" >"$WORK/big_large.$run.out"
  if ! diff <(grep ' loss ' "$WORK/big_large.$run.out") <(grep ' loss ' "$WORK/big_shim.$run.out") \
    >/dev/null; then
    echo "bench: the swapped run's losses differ from the large device's" >&2
    exit 1
  fi
  steps_per_second "$WORK/big_shim.$run.out" >>"$WORK/big_shim.rates"
  steps_per_second "$WORK/big_large.$run.out" >>"$WORK/big_large.rates"
done
mv "$WORK/big.1.trace.jsonl" "$WORK/big.trace.jsonl"
"$GPUSWAP_CLI" log summary --json "$WORK/big.trace.jsonl" >"$WORK/big.summary.json"
# What cudasim itself delivers for a 6 MiB pinned copy, the trainer's largest region.
"$BENCH_COPY" --benchmark_filter=/6291456/ --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true --benchmark_format=csv >"$WORK/copy.csv" 2>/dev/null
copy_rate() {
  awk -F, -v name="\"$1/" 'index($1, name) == 1 && index($1, "_median") { print $6 / 1e9; exit }' \
    "$WORK/copy.csv"
}
cudasim_dtoh=$(copy_rate BM_CopyDtoH)
cudasim_htod=$(copy_rate BM_CopyHtoD)
cudasim_fresh=$(copy_rate BM_CopyHtoDFreshPages)

big_shim=$(median <"$WORK/big_shim.rates")
big_large=$(median <"$WORK/big_large.rates")
span_ns=$(json_number span_ns "$WORK/big.summary.json")
evict_bytes=$(json_number evict_bytes "$WORK/big.summary.json")
evict_ns=$(json_number evict_ns "$WORK/big.summary.json")
restore_bytes=$(json_number restore_bytes "$WORK/big.summary.json")
restore_ns=$(json_number restore_ns "$WORK/big.summary.json")
prefetch_bytes=$(json_number prefetch_bytes "$WORK/big.summary.json")
stall_ns=$(json_number stall_ns "$WORK/big.summary.json")
stalls=$(json_number stalls "$WORK/big.summary.json")
evictions=$(json_number evictions "$WORK/big.summary.json")
restores=$(json_number restores "$WORK/big.summary.json")
link=$(calc "%.6f" "$LINK_GBPS * 1e9")
# Per-copy bandwidth of each transfer record, for the median (first copies
# into fresh pinned host memory are slower than later ones).
copy_rates() {
  grep "\"ev\":\"$1\"" "$WORK/big.trace.jsonl" |
    awk '{ match($0, /"bytes":[0-9]+/); b = substr($0, RSTART + 8, RLENGTH - 8);
           match($0, /"dur":[0-9]+/); d = substr($0, RSTART + 6, RLENGTH - 6);
           if (d > 0) print b / d }'
}
evict_median=$(copy_rates evict | median)
restore_median=$(copy_rates restore | median)

printf '%-34s %12.3f steps/s %8.1f images/s\n' "gpuswap, $TRAIN_DEVICE_MEMORY device" "$big_shim" \
  "$(calc "%.3f" "$big_shim * $BIG_BATCH")"
printf '%-34s %12.3f steps/s %8.1f images/s\n' "no swapping, $LARGE_DEVICE_MEMORY device" \
  "$big_large" "$(calc "%.3f" "$big_large * $BIG_BATCH")"
printf '%-34s %12.3f steps/s %8.1f images/s\n' "batch $FIT_BATCH, $TRAIN_DEVICE_MEMORY (above)" \
  "$fit_plain" "$(calc "%.3f" "$fit_plain * $FIT_BATCH")"
printf '%-34s %s\n' "CPU seconds per run, median" \
  "gpuswap $(median <"$WORK/big_shim.cpu"), no swapping $(median <"$WORK/big_large.cpu")"
printf '%-34s %s\n' "device -> host" "$evictions evictions, $(calc "%.1f" "$evict_bytes / 1048576") MiB"
printf '%-34s %s\n' "host -> device" "$restores restores, $(calc "%.1f" "($restore_bytes + $prefetch_bytes) / 1048576") MiB"
printf '%-34s %s\n' "bandwidth d->h (bytes/copy time)" \
  "$(calc "%.2f" "$evict_bytes / $evict_ns") GB/s = $(calc "%.0f" "$evict_bytes / $evict_ns * 1e9 / $link * 100")% of the link; median copy $(calc "%.2f" "$evict_median") GB/s = $(calc "%.0f" "$evict_median * 1e9 / $link * 100")%"
printf '%-34s %s\n' "bandwidth h->d (bytes/copy time)" \
  "$(calc "%.2f" "$restore_bytes / $restore_ns") GB/s = $(calc "%.0f" "$restore_bytes / $restore_ns * 1e9 / $link * 100")% of the link; median copy $(calc "%.2f" "$restore_median") GB/s = $(calc "%.0f" "$restore_median * 1e9 / $link * 100")%"
printf '%-34s %s\n' "cudasim's own 6 MiB copies" \
  "d->h $(calc "%.2f" "$cudasim_dtoh") GB/s, h->d $(calc "%.2f" "$cudasim_htod") GB/s, h->d into fresh pages $(calc "%.2f" "$cudasim_fresh") GB/s"
printf '%-34s %s\n' "gpuswap's median copy vs cudasim's" \
  "d->h $(calc "%.0f" "$evict_median / $cudasim_dtoh * 100")%, h->d $(calc "%.0f" "$restore_median / $cudasim_htod * 100")% (of the fresh-page copy: $(calc "%.0f" "$restore_median / $cudasim_fresh * 100")%)"
printf '%-34s %s\n' "link busy (copy time / run)" \
  "d->h $(calc "%.1f" "$evict_ns / $span_ns * 100")%, h->d $(calc "%.1f" "$restore_ns / $span_ns * 100")% of $(calc "%.2f" "$span_ns / 1e9") s"
printf '%-34s %s\n' "stalls" "$stalls, $(calc "%.2f" "$stall_ns / 1e9") s = $(calc "%.0f" "$stall_ns / $span_ns * 100")% of the run"
echo "  each run (steps/s): gpuswap $(tr '\n' ' ' <"$WORK/big_shim.rates")| no swapping $(tr '\n' ' ' <"$WORK/big_large.rates")"
echo "  runtime at exit (run 1): $(grep -o 'swapped:.*' "$WORK/big_shim.1.err" || echo '(no summary line)')"
echo "  losses identical to the $LARGE_DEVICE_MEMORY run without gpuswap"

# ---------------------------------------------------------------------------
# 4. Swap bandwidth with nearly free kernels
# ---------------------------------------------------------------------------
echo
echo "== swap bandwidth: $SWAP_REGIONS regions of $SWAP_REGION_MIB MiB cycled through a $SWAP_DEVICE_MEMORY device, one nearly free kernel per region, $SWAP_ROUNDS rounds; $SWAP_RUNS runs of each kind (alternating) =="
# The trainer's figures above mix gpuswap's copies with cudasim's CPU
# kernels competing for the same cores. Here every launch evicts one region
# and restores another, and the kernel only rewrites one word per page. The
# reference (bench_swap --mode copies, on a device that holds every region)
# makes the same copies itself, without the shim: same sizes, same order,
# same streams and waits, timed the same way (events around each copy); with
# --remap it also unmaps and maps the regions' memory around them, as
# gpuswap's page pool does, so that only gpuswap's own work differs.
swap_args=(--regions "$SWAP_REGIONS" --region-size "${SWAP_REGION_MIB}MiB" --rounds "$SWAP_ROUNDS")
swap_resident=$((${SWAP_DEVICE_MEMORY%MiB} / SWAP_REGION_MIB))
# Each line: GB/s as bytes / summed copy time d->h, h->d, then the median copy's d->h, h->d.
: >"$WORK/swap.rates"
: >"$WORK/swap_copies.rates"
: >"$WORK/swap_remap.rates"
# The median bytes/dur (GB/s) of the trace's EV records.
trace_median_rate() {
  grep "\"ev\":\"$1\"" "$2" |
    awk '{ match($0, /"bytes":[0-9]+/); b = substr($0, RSTART + 8, RLENGTH - 8);
           match($0, /"dur":[0-9]+/); d = substr($0, RSTART + 6, RLENGTH - 6);
           if (d > 0) print b / d }' | median
}
for run in $(seq "$SWAP_RUNS"); do
  trace="$WORK/swap.$run.trace.jsonl"
  summary="$WORK/swap.$run.summary.json"
  CUDASIM_DEVICE_MEMORY=$SWAP_DEVICE_MEMORY GPUSWAP_TRACE="$trace" GPUSWAP_TRACE_LEVEL=events \
    with_shim "$BENCH_SWAP" "${swap_args[@]}" >"$WORK/swap.$run.out" 2>"$WORK/swap.$run.err" ||
    { cat "$WORK/swap.$run.err" >&2; exit 1; }
  CUDASIM_DEVICE_MEMORY=$SWAP_LARGE_DEVICE_MEMORY "$BENCH_SWAP" --mode copies \
    --resident "$swap_resident" "${swap_args[@]}" >"$WORK/swap_copies.$run.out"
  CUDASIM_DEVICE_MEMORY=$SWAP_LARGE_DEVICE_MEMORY "$BENCH_SWAP" --mode copies --remap \
    --resident "$swap_resident" "${swap_args[@]}" >"$WORK/swap_remap.$run.out"
  "$GPUSWAP_CLI" log summary --json "$trace" >"$summary"
  # Every launch must have swapped: at least one eviction and one restore each.
  if [ "$(json_number evictions "$summary")" -lt $((SWAP_REGIONS * SWAP_ROUNDS)) ] ||
    [ "$(json_number restores "$summary")" -lt $((SWAP_REGIONS * SWAP_ROUNDS)) ]; then
    echo "bench: bench_swap under gpuswap swapped less than once per launch:" >&2
    cat "$summary" >&2
    exit 1
  fi
  echo "$(calc "%.4f" "$(json_number evict_bytes "$summary") / $(json_number evict_ns "$summary")")" \
    "$(calc "%.4f" "$(json_number restore_bytes "$summary") / $(json_number restore_ns "$summary")")" \
    "$(trace_median_rate evict "$trace")" "$(trace_median_rate restore "$trace")" >>"$WORK/swap.rates"
  for kind in swap_copies swap_remap; do
    copies="$WORK/$kind.$run.out"
    echo "$(calc "%.4f" "$(json_number d2h_bytes "$copies") / $(json_number d2h_ns "$copies")")" \
      "$(calc "%.4f" "$(json_number h2d_bytes "$copies") / $(json_number h2d_ns "$copies")")" \
      "$(calc "%.4f" "$(json_number region_bytes "$copies") / $(json_number d2h_median_ns "$copies")")" \
      "$(calc "%.4f" "$(json_number region_bytes "$copies") / $(json_number h2d_median_ns "$copies")")" \
      >>"$WORK/$kind.rates"
  done
done
# The median over the runs of column N of FILE.
column_median() { cut -d' ' -f"$2" "$1" | median; }
rate_cell() { echo "$(calc "%.2f" "$1") GB/s = $(calc "%.0f" "$1 / $LINK_GBPS * 100")%"; }
rate_row() {
  printf '%-40s %-22s %s\n' "$1" "$(rate_cell "$(column_median "$2" "$3")")" \
    "$(rate_cell "$(column_median "$2" "$4")")"
}
# gpuswap's figure in columns $3 and $4 as a share of those of FILE $2.
ratio_row() {
  printf '%-40s %-22s %s\n' "$1" \
    "$(calc "%.0f" "$(column_median "$WORK/swap.rates" "$3") / $(column_median "$2" "$3") * 100")%" \
    "$(calc "%.0f" "$(column_median "$WORK/swap.rates" "$4") / $(column_median "$2" "$4") * 100")%"
}
printf '%-40s %-22s %s\n' "median of $SWAP_RUNS runs" "device -> host" "host -> device"
printf '%-40s %-22s %s\n' "gpuswap, moved in run 1" \
  "$(json_number evictions "$WORK/swap.1.summary.json") x, $(calc "%.0f" "$(json_number evict_bytes "$WORK/swap.1.summary.json") / 1048576") MiB" \
  "$(json_number restores "$WORK/swap.1.summary.json") x, $(calc "%.0f" "$(json_number restore_bytes "$WORK/swap.1.summary.json") / 1048576") MiB"
# The rounds' wall time: the copies plus everything around them (gpuswap's
# mapping, unmapping and waiting; cudasim's page-table work behind them).
for kind in swap swap_copies swap_remap; do
  for run in $(seq "$SWAP_RUNS"); do json_number wall_ns "$WORK/$kind.$run.out"; done |
    median >"$WORK/$kind.wall"
done
printf '%-40s %s\n' "wall time of the rounds, median" \
  "gpuswap $(calc "%.0f" "$(cat "$WORK/swap.wall") / 1e6") ms; same copies $(calc "%.0f" "$(cat "$WORK/swap_copies.wall") / 1e6") ms, remapped $(calc "%.0f" "$(cat "$WORK/swap_remap.wall") / 1e6") ms"
rate_row "gpuswap, bytes / summed copy time" "$WORK/swap.rates" 1 2
rate_row "same copies without gpuswap" "$WORK/swap_copies.rates" 1 2
rate_row "same copies, pages remapped" "$WORK/swap_remap.rates" 1 2
ratio_row "gpuswap / the same copies" "$WORK/swap_copies.rates" 1 2
ratio_row "gpuswap / the same copies remapped" "$WORK/swap_remap.rates" 1 2
rate_row "gpuswap, median copy" "$WORK/swap.rates" 3 4
rate_row "same copies without gpuswap, median" "$WORK/swap_copies.rates" 3 4
rate_row "same copies, pages remapped, median" "$WORK/swap_remap.rates" 3 4
ratio_row "gpuswap / the same copies" "$WORK/swap_copies.rates" 3 4
ratio_row "gpuswap / the same copies remapped" "$WORK/swap_remap.rates" 3 4
echo "  (% of the $LINK_GBPS GB/s link)"
# "d2h/h2d" pairs of bytes / summed copy time, one per run.
pairs() { awk '{ printf "%s%.2f/%.2f", (NR > 1 ? " " : ""), $1, $2 }' "$1"; }
echo "  each run (GB/s d->h/h->d): gpuswap $(pairs "$WORK/swap.rates") | same copies $(pairs "$WORK/swap_copies.rates") | remapped $(pairs "$WORK/swap_remap.rates")"
echo "  every run's regions matched the host model at the end"
