#!/usr/bin/env bash
# Runs the libFuzzer targets of a FWSCAN_FUZZ build, one after another, each for SECONDS, with a
# seed corpus drawn from corpus/ and ../shared/corpus-external/ (read only: what the fuzzer
# finds goes to BUILD/fuzz-corpus/TARGET, crashes to BUILD/fuzz-artifacts/TARGET/).
#   fuzz/run.sh BUILD SECONDS [TARGET...]     (targets: unpack elf rules; default all three)
# FUZZ_SEED fixes libFuzzer's seed (make fuzz-smoke: 1, so that CI runs repeat; 0: random).
# Prints each target's executions and exits 1 when a target crashed, leaked, ran out of memory
# or timed out on an input (libFuzzer's own limits below), naming the artifact to reproduce it:
#   BUILD/fuzz/fuzz_TARGET ARTIFACT
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:?usage: fuzz/run.sh BUILD SECONDS [TARGET...]}
SECONDS_EACH=${2:?usage: fuzz/run.sh BUILD SECONDS [TARGET...]}
shift 2
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=(unpack elf rules)
EXTERNAL=../shared/corpus-external

# The seeds of each target: every sample up to its longest input, ELF and PE files and JARs' class
# files for the code layers (target elf),
# the rule and verdict samples (text, tables, small binaries) for the rule stage.
seeds() {
  local target=$1 dir=$2 max=$3
  rm -rf "$dir" && mkdir -p "$dir"
  local roots=(corpus)
  [ -d "$EXTERNAL" ] && roots+=("$EXTERNAL")
  [ "$target" = rules ] && roots=(corpus/rules corpus/verdict)
  find "${roots[@]}" -type f -size -"$((max + 1))"c -print0 | sort -z |
    while IFS= read -r -d '' f; do
      if [ "$target" = elf ]; then  # ELF (7f 45 4c 46), PE (MZ: 4d 5a), or a JAR's class files
        case "$f" in *.jar) python3 -c 'import sys, zipfile, hashlib
for n in zipfile.ZipFile(sys.argv[1]).namelist():
    if n.endswith(".class"):
        b = zipfile.ZipFile(sys.argv[1]).read(n)
        open(sys.argv[2] + "/" + hashlib.sha1(b).hexdigest()[:16], "wb").write(b)' "$f" "$dir"; continue ;; esac
        case "$(head -c 4 "$f" | od -An -tx1 | tr -d ' ')" in 7f454c46|4d5a*) ;; *) continue ;; esac
      fi
      cp "$f" "$dir/$(sha1sum "$f" | cut -c1-16)"
    done
}

status=0
for t in "${TARGETS[@]}"; do
  bin="$BUILD/fuzz/fuzz_$t"
  [ -x "$bin" ] || { echo "no $bin: configure with -DFWSCAN_FUZZ=ON and build it" >&2; exit 2; }
  # The longest input: enough for every header, table and a few members of a container; longer
  # inputs only make each execution slower.
  case "$t" in
    unpack) max=131072 ;;
    *) max=65536 ;;
  esac
  seeds "$t" "$BUILD/fuzz-seeds/$t" "$max"
  mkdir -p "$BUILD/fuzz-corpus/$t" "$BUILD/fuzz-artifacts/$t"
  log="$BUILD/fuzz-$t.log"
  echo "== fuzz_$t: ${SECONDS_EACH} s, $(find "$BUILD/fuzz-seeds/$t" -type f | wc -l) seeds"
  rc=0
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
    "$bin" "$BUILD/fuzz-corpus/$t" "$BUILD/fuzz-seeds/$t" \
    -max_total_time="$SECONDS_EACH" -max_len="$max" -timeout=60 -rss_limit_mb=3072 -malloc_limit_mb=3072 \
    -seed="${FUZZ_SEED:-0}" -print_final_stats=1 -artifact_prefix="$BUILD/fuzz-artifacts/$t/" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  echo "   executions: ${execs:-?}   corpus: $(find "$BUILD/fuzz-corpus/$t" -type f | wc -l) inputs   exit: $rc"
  if [ "$rc" -ne 0 ]; then
    status=1
    echo "   FAILED: the last lines of $log:"
    tail -n 40 "$log" | cut -c1-300 | LC_ALL=C tr -c '\n[:print:]' '?'
    ls "$BUILD/fuzz-artifacts/$t"
  fi
done
exit "$status"
