#!/usr/bin/env bash
# The spine's performance figures (issue 13), in one run, as ratios, by hand (never in CI):
#   1. fwscan scan on 2 threads vs 1, on a SquashFS root file system of this machine's own
#      binaries, libraries, documentation and configuration (bench/make_real_root.py);
#   2. against the floor: unsquashfs to a RAM disk, then one yara -r pass with the same rules;
#   3. against binwalk -Me followed by yara -r over its output;
#   4. peak resident memory against the largest decoded node.
#   bench/spine.sh [BUILD_DIR] [MiB]      (BUILD_DIR must hold src/fwscan; default build)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
MIB=${2:-300}
FW="$BUILD/src/fwscan"
[ -x "$FW" ] || { echo "no $FW: build first" >&2; exit 2; }
for tool in mksquashfs unsquashfs yara binwalk; do
  command -v "$tool" >/dev/null || { echo "missing $tool: scripts/install-deps --bench" >&2; exit 2; }
done
RAM=${TMPDIR_RAM:-/dev/shm}
TMP=$(mktemp -d "$RAM/fwscan-spine.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

python3 bench/make_real_root.py "$TMP/tree" "$MIB"
mksquashfs "$TMP/tree" "$TMP/root.sqfs" -comp gzip -noappend -quiet >/dev/null
rm -rf "$TMP/tree"

mapfile -t RULE_FILES < <(cd rules && find . -name '*.yar' | sort | sed 's|^\./||')
YARGS=(-w -d fw_depth=0 -d fw_handler= -d fw_locator= -d fw_name= -d fw_is_elf=false)
for f in "${RULE_FILES[@]}"; do YARGS+=("$(dirname "$f"):rules/$f"); done

secs() {  # wall seconds of one run of the command, output discarded
  local a b
  a=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; b=$(date +%s.%N)
  python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$a" "$b"
}
best() {  # best of 3
  local b="" v
  for _ in 1 2 3; do
    v=$(secs "$@")
    b=$(python3 -c "import sys; v, b = sys.argv[1], sys.argv[2]; print(v if not b or float(v) < float(b) else b)" "$v" "$b")
  done
  echo "$b"
}
floor() {
  rm -rf "$TMP/unsq"
  unsquashfs -no-progress -d "$TMP/unsq" "$TMP/root.sqfs" >/dev/null
  yara -r "${YARGS[@]}" "$TMP/unsq" >/dev/null
}
binwalk_yara() {
  rm -rf "$TMP/bw" && mkdir -p "$TMP/bw"
  local args=(-Me -q)
  [ "$(id -u)" = 0 ] && args+=(--run-as=root)
  (cd "$TMP/bw" && binwalk "${args[@]}" "$TMP/root.sqfs" >/dev/null 2>&1) || true
  yara -r "${YARGS[@]}" "$TMP/bw" >/dev/null 2>&1 || true
}

T1=$(best "$FW" scan "$TMP/root.sqfs" --format json -j 1)
T2=$(best "$FW" scan "$TMP/root.sqfs" --format json -j 2)
TF=$(best floor)
TB=$(secs binwalk_yara)
NB=$(find "$TMP/bw" -type f | wc -l)
NU=$(find "$TMP/unsq" -type f | wc -l)
/usr/bin/time -f "%M" -o "$TMP/rss" "$FW" scan "$TMP/root.sqfs" --format json -j 2 >"$TMP/report.json" 2>/dev/null || true
"$FW" scan "$TMP/root.sqfs" --format json -j 1 >"$TMP/report1.json" 2>/dev/null || true  # exit 1: findings
# The reports differ only in the command line they record (-j 1, -j 2).
python3 - "$TMP/report1.json" "$TMP/report.json" <<'PY' && SAME=yes || SAME=NO
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for r in (a, b):
    r["tool"].pop("command_line", None)
sys.exit(0 if a == b else 1)
PY
python3 - "$TMP/root.sqfs" "$TMP/report.json" "$T1" "$T2" "$TF" "$TB" "$(tail -n 1 "$TMP/rss")" "$SAME" "$NU" "$NB" <<'PY'
import json, os, sys
image, report, t1, t2, tf, tb, rss_kib, same, nu, nb = sys.argv[1:]
t1, t2, tf, tb, rss = float(t1), float(t2), float(tf), float(tb), int(rss_kib) * 1024
nodes = json.load(open(report))["nodes"]
largest = max((n.get("size", 0) for n in nodes if n.get("kind") == "entry"), default=0)  # decoded, not the mapped input
files = sum(1 for n in nodes if n.get("kind") == "entry")
print(f"image                  : {os.path.getsize(image) / 2**20:.1f} MiB SquashFS (gzip), {len(nodes)} nodes, {files} entries")
print(f"fwscan scan -j 1       : {t1:7.2f} s")
print(f"fwscan scan -j 2       : {t2:7.2f} s   speed-up {t1 / t2:.2f}x   (target >= 1.7x)")
print(f"floor (unsquashfs to RAM + yara -r) : {tf:7.2f} s ({nu} files)   fwscan -j 2 / floor {t2 / tf:.2f}x   (target <= 2x)")
print(f"binwalk -Me + yara -r  : {tb:7.2f} s ({nb} files)   fwscan -j 2 / binwalk+yara {t2 / tb:.2f}x   (target: well below 1)")
print(f"peak RSS -j 2          : {rss / 2**20:7.1f} MiB   largest node {largest / 2**20:.1f} MiB   ratio {rss / max(largest, 1):.1f}x   (target <= 2x)")
print(f"JSON -j 1 == -j 2      : {same}")
PY
