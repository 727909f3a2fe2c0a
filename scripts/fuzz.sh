#!/usr/bin/env bash
# Runs every libFuzzer target (native/fuzz) for a bounded time from the seed corpus in the repo
# plus the seeds the targets generate from the node registry (every registered node type, enum
# choice, list default and numeric bound). Fails on the first crash, leak or oracle failure; the
# crashing input is left in build-fuzz/artifacts/ (add it to native/fuzz/corpus/<target>/ once
# fixed: the ctest fuzz_replay_<target> then runs it in every `npm test`).
#   scripts/fuzz.sh [seconds per target, default 30] [target...]
# Needs clang (Debian package `clang`; .ci/run installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(graph_description params_json control_history presets)
fi

build=build-fuzz
CC=clang CXX=clang++ cmake -S . -B "$build" -DAMP_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
build_targets=()
for target in "${targets[@]}"; do build_targets+=("fuzz_$target" "fuzz_replay_$target"); done
cmake --build "$build" -j2 --target "${build_targets[@]}"
mkdir -p "$build/artifacts"

for target in "${targets[@]}"; do
  work="$build/corpus/$target"
  rm -rf "$work"
  mkdir -p "$work"
  cp native/fuzz/corpus/"$target"/* "$work"/
  "$build/native/fuzz/fuzz_replay_$target" --write-seeds "$work"
  echo "== fuzz_$target: ${seconds} s from $(ls "$work" | wc -l) seeds"
  # detect_leaks: LeakSanitizer checks every input; -rss_limit_mb bounds one input's memory (the
  # targets set the runtime's memory budget to 256 MiB, so an input may not need more).
  status=0
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$build/native/fuzz/fuzz_$target" "$work" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$target-" >"$build/fuzz_$target.log" 2>&1 || status=$?
  grep -E '^(#[0-9]+ +(INITED|DONE)|Done |stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY|fuzz oracle)' \
    "$build/fuzz_$target.log" || true
  if [ "$status" -ne 0 ]; then
    echo "fuzz_$target failed (exit $status); log: $build/fuzz_$target.log" >&2
    tail -n 60 "$build/fuzz_$target.log" >&2
    exit 1
  fi
done
echo "fuzzing: no crash in ${#targets[@]} targets"
