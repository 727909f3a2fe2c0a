#!/usr/bin/env bash
# Leak check of the Node addon: valgrind memcheck runs test/leak/exercise-addon.js (every addon
# entry point, successes and failures, renders destroyed or cancelled mid-way, node states left
# to the finalizer). Fails when valgrind reports a block definitely or indirectly lost, or an
# invalid read/write or uninitialised use, whose stack passes through the addon (amp_kpn.node):
# Node and V8 keep some allocations to the end on purpose, which are not this project's.
#   scripts/leak-check.sh [rounds, default 2]
# Needs valgrind (Debian package `valgrind`; .ci/run installs it) and a built addon and dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-2}"
out=build/leak-check
mkdir -p "$out"
# valgrind decodes no AVX-512: the addon under test is built for the baseline x86-64 ISA
# (AMP_NATIVE_ARCH=OFF) in its own folder, and the exercise loads it in place of build/Release's.
npx cmake-js compile --out build-leak --target amp_kpn --CDAMP_NATIVE_ARCH=OFF >"$out/build.log" 2>&1 ||
  { tail -n 40 "$out/build.log" >&2; exit 1; }
export AMP_LEAK_ADDON="$PWD/build-leak/Release/amp_kpn.node"
xml="$out/memcheck.xml"
status=0
valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect \
  --errors-for-leak-kinds=definite,indirect --num-callers=40 --smc-check=all-non-file \
  --xml=yes --xml-file="$xml" --log-file="$out/valgrind.log" \
  node --expose-gc --jitless test/leak/exercise-addon.js "$rounds" >"$out/stdout.log" 2>"$out/stderr.log" || status=$?
cat "$out/stdout.log"
if [ "$status" -ne 0 ]; then
  echo "leak check: the exercise failed under valgrind (exit $status)" >&2
  tail -n 40 "$out/stderr.log" "$out/valgrind.log" >&2
  exit 1
fi
node scripts/leak-report.js "$xml"
