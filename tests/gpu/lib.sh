# Shared by the GPU checks: running a command with and without gpuswap and
# comparing what it printed. Sourced, not run.

# The loss lines of a run's output ("step N loss X (0xBITS)").
losses() { grep -E '^step [0-9]+ loss ' "$1"; }

# The number of evictions in gpuswap's exit summary (GPUSWAP_LOG=info), or
# nothing when there is no summary line.
evictions() { sed -n 's/.*swapped: \([0-9]*\) evictions.*/\1/p' "$1" | tail -1; }

# A policy file in DIR with the given device budget (MiB) and no reserve, so
# that the budget, not what the card has free, is what runs short.
policy_with_budget() {
  local dir=$1 mib=$2
  printf 'device_budget: %sMiB\ndevice_reserve: 0\nlog:\n  level: info\n' "$mib" >"$dir/policy.yaml"
  echo "$dir/policy.yaml"
}

# fail MESSAGE: report and count a failed check.
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
pass() { echo "PASS: $*"; }

# Compares the losses of two outputs bit for bit.
same_losses() {
  local what=$1 reference=$2 candidate=$3
  if [ -z "$(losses "$reference")" ]; then
    fail "$what: the reference run printed no losses"
  elif diff <(losses "$reference") <(losses "$candidate") >/dev/null; then
    pass "$what: losses bit-identical ($(losses "$reference" | wc -l) steps)"
  else
    fail "$what: losses differ"
    diff <(losses "$reference") <(losses "$candidate") | head -10
  fi
}

# failed_run WHAT OUTPUT: a run that exited non-zero; its last lines say why.
failed_run() {
  local status=$?
  fail "$1 (exit $status)"
  tail -n 30 "$2" | sed 's/^/  | /'
}

# swap_figures BUILD_DIR TRACE: what the swap trace says the evictions and
# restores achieved, and how long the host waited (gpuswap log summary).
swap_figures() {
  "$1/tools/gpuswap" log summary "$2" | grep -E '^(device -> host|host -> device|stall time)' |
    sed 's/^/  trace: /'
}
