#!/usr/bin/env bash
# Benchmarks, run by hand (never in CI). Prints figures; compares with the tools users would
# otherwise run, in the same run.
#   bench/run.sh [BUILD_DIR] [MiB]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build-bench}
MIB=${2:-1024}
scripts/install-deps --bench >/dev/null
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFWSCAN_BUILD_TESTS=OFF -DFWSCAN_BUILD_BENCH=ON >/dev/null
cmake --build "$BUILD" --target fwscan fwscan_bench >/dev/null

echo "== code evidence on a large ELF (x86-64, -O1, generated) vs a plain Capstone linear sweep (best of 3)"
TMPX=$(mktemp -d)
python3 bench/make_big_elf.py "$TMPX/big.c" 40000
gcc -O1 -fno-inline -o "$TMPX/big" "$TMPX/big.c"
"$BUILD"/bench/fwscan_bench xref "$TMPX/big"
rm -rf "$TMPX"

echo "== rule pack cost: YARA over ${MIB} MiB of mixed firmware content (best of 3)"
"$BUILD"/bench/fwscan_bench rules rules "$MIB"
echo "== the same, without timing: the automaton's root bytes and how often 64 MiB of that content leaves the root"
"$BUILD"/bench/fwscan_bench rules-atoms rules 64 | tail -n 2

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$BUILD"/bench/fwscan_bench make-mixed "$TMP/mixed.bin" "$MIB"
mapfile -t RULE_FILES < <(cd rules && find . -name '*.yar' | sort | sed 's|^\./||')
ARGS=()
for f in "${RULE_FILES[@]}"; do ARGS+=("$(dirname "$f"):rules/$f"); done
DEFS=(-d fw_depth=0 -d fw_handler= -d fw_locator= -d fw_name= -d fw_is_elf=false)
echo "== whole pipeline (hash, carve, unpack, YARA, views): fwscan scan with the pack vs an empty rule set"
mkdir -p "$TMP/empty_rules"
/usr/bin/time -f "%e" -o "$TMP/t_pack" "$BUILD"/src/fwscan scan "$TMP/mixed.bin" --rules rules --format json >/dev/null || true
/usr/bin/time -f "%e" -o "$TMP/t_empty" "$BUILD"/src/fwscan scan "$TMP/mixed.bin" --rules "$TMP/empty_rules" --format json >/dev/null || true
python3 - "$(tail -n 1 "$TMP/t_pack")" "$(tail -n 1 "$TMP/t_empty")" <<'PY'
import sys
p, e = map(float, sys.argv[1:])
print(f"fwscan scan, pack : {p:7.2f} s")
print(f"fwscan scan, empty: {e:7.2f} s")
print(f"ratio pack/empty  : {p / e:.2f}x")
PY
echo "== the same file, the same pack: yara CLI (its own atoms, then with the pack's atom table) vs fwscan scan"
"$BUILD"/src/fwscan rules atom-table rules -o "$TMP/pack.aqt" >/dev/null
t0=$(date +%s.%N); yara -w "${DEFS[@]}" "${ARGS[@]}" "$TMP/mixed.bin" >/dev/null || true; t1=$(date +%s.%N)
yara -w --atom-quality-table="$TMP/pack.aqt" "${DEFS[@]}" "${ARGS[@]}" "$TMP/mixed.bin" >/dev/null || true; t2=$(date +%s.%N)
"$BUILD"/src/fwscan scan "$TMP/mixed.bin" --format json >/dev/null || true; t3=$(date +%s.%N)
python3 - "$t0" "$t1" "$t2" "$t3" <<'PY'
import sys
t0, t1, t2, t3 = map(float, sys.argv[1:])
print(f"yara CLI             : {t1 - t0:7.3f} s")
print(f"yara CLI, atom table : {t2 - t1:7.3f} s")
print(f"fwscan scan          : {t3 - t2:7.3f} s (also unpacks and scans every decoded member)")
print(f"ratio fwscan/yara: {(t3 - t2) / (t1 - t0):.2f}x")
PY

echo "== SquashFS: extract a generated root filesystem (gzip) — unsquashfs and binwalk -Me vs fwscan extract"
SQ_MIB=$(( MIB < 256 ? MIB : 256 ))
python3 bench/make_tree.py "$TMP/tree" "$SQ_MIB"
mksquashfs "$TMP/tree" "$TMP/root.sqfs" -comp gzip -noappend -quiet >/dev/null
rm -rf "$TMP/tree"
timed() {  # seconds, best of 3; the output folder is removed before each run
  local best=""
  for _ in 1 2 3; do
    rm -rf "$TMP/out"
    local a b; a=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; b=$(date +%s.%N)
    best=$(python3 -c "import sys; v=float(sys.argv[2])-float(sys.argv[1]); b=sys.argv[3]; print(v if not b or v<float(b) else b)" "$a" "$b" "$best")
  done
  echo "$best"
}
T_UNSQ=$(timed unsquashfs -no-progress -d "$TMP/out" "$TMP/root.sqfs")
N_UNSQ=$(find "$TMP/out" -type f | wc -l)
T_UNSQ1=$(timed unsquashfs -p 1 -no-progress -d "$TMP/out" "$TMP/root.sqfs")  # one thread, as fwscan extract
T_FW=$(timed "$BUILD"/src/fwscan extract "$TMP/root.sqfs" -o "$TMP/out")
N_FW=$(find "$TMP/out" -type f | wc -l)
T_FWS=$(timed "$BUILD"/src/fwscan scan "$TMP/root.sqfs" --format json)
T_FWI=$(timed "$BUILD"/src/fwscan identify "$TMP/root.sqfs")  # unpack to memory only: nothing written
BW_ARGS=(-Me -q)
[ "$(id -u)" = 0 ] && BW_ARGS+=(--run-as=root)  # binwalk refuses to extract as root without it
mkdir -p "$TMP/bw" && a=$(date +%s.%N) && (cd "$TMP/bw" && binwalk "${BW_ARGS[@]}" "$TMP/root.sqfs" >/dev/null 2>&1 || true) && b=$(date +%s.%N)
N_BW=$(find "$TMP/bw" -type f | wc -l)
T_BW=$(python3 -c "import sys; print(float(sys.argv[2])-float(sys.argv[1]))" "$a" "$b")
python3 - "$(stat -c %s "$TMP/root.sqfs")" "$T_UNSQ" "$N_UNSQ" "$T_FW" "$N_FW" "$T_FWS" "$T_BW" "$N_BW" "$T_UNSQ1" "$T_FWI" <<'PY'
import sys
size, tu, nu, tf, nf, ts, tb, nb, tu1, ti = sys.argv[1:]
size, tu, tf, ts, tb, tu1, ti = int(size), float(tu), float(tf), float(ts), float(tb), float(tu1), float(ti)
print(f"image            : {size / 2**20:.1f} MiB")
print(f"unsquashfs       : {tu:7.2f} s  ({nu} files)")
print(f"unsquashfs -p 1  : {tu1:7.2f} s")
print(f"fwscan extract   : {tf:7.2f} s  ({nf} files)   ratio fwscan/unsquashfs {tf / tu:.2f}x, /unsquashfs -p 1 {tf / tu1:.2f}x")
print(f"fwscan identify  : {ti:7.2f} s  (unpack to memory, nothing written)  ratio fwscan/unsquashfs {ti / tu:.2f}x")
print(f"fwscan scan      : {ts:7.2f} s  (unpack + all rules, in memory)")
print(f"binwalk -Me      : {tb:7.2f} s  ({nb} files, one run)  ratio fwscan extract/binwalk {tf / tb:.2f}x")
PY

echo "== SquashFS: the largest external sample unsquashfs can read (binwalk squashfs.bin, 4 KiB; process start dominates)"
SMALL=../shared/corpus-external/binwalk/tests/inputs/squashfs.bin
if [ -f "$SMALL" ]; then
  T_U=$(timed unsquashfs -no-progress -d "$TMP/out" "$SMALL")
  T_E=$(timed "$BUILD"/src/fwscan extract "$SMALL" -o "$TMP/out")
  T_I=$(timed "$BUILD"/src/fwscan identify "$SMALL")
  python3 -c "import sys; u,e,i=map(float,sys.argv[1:]); print(f'unsquashfs {u:.3f} s, fwscan extract {e:.3f} s ({e/u:.2f}x), fwscan identify {i:.3f} s ({i/u:.2f}x)')" "$T_U" "$T_E" "$T_I"
fi
