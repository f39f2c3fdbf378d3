#!/usr/bin/env bash
# Hostile inputs that stay inside the format rules (issue 14), by hand (never in CI): for each
# input of tools/gen_hostile.py, fwscan scan's wall time, peak resident memory and exit code, and
# the limit diagnostics the report carries, so each figure can be read against its bound.
#   bench/hostile.sh [BUILD_DIR] [SCALE]     (default build, 1: the sizes the issue names)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
SCALE=${2:-1}
FW="$BUILD/src/fwscan"
[ -x "$FW" ] || { echo "no $FW: build first" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "missing /usr/bin/time (Debian package time)" >&2; exit 2; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
python3 tools/gen_hostile.py "$TMP/in" --scale "$SCALE"

printf '%-26s %9s %9s %8s %5s  %s\n' input "in MiB" "wall s" "RSS MiB" rc "limit diagnostics"
while IFS=$'\t' read -r name _ _; do
  input="$TMP/in/$name"
  out="$TMP/out-$name"
  rc=0
  files=("$input")
  [ -d "$input" ] && mapfile -t files < <(find "$input" -type f | sort)  # several inputs, one run
  /usr/bin/time -f '%e %M' -o "$TMP/time" timeout 600 "$FW" scan -j 2 -o "$out" --format json "${files[@]}" \
    >/dev/null 2>&1 || rc=$?
  read -r wall rss_kib < <(tail -1 "$TMP/time")
  size=$(du -sm "$input" | cut -f1)
  limits=$(python3 - "$out/report.json" <<'PY'
import collections, json, sys
try:
    doc = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    print("no report")
    sys.exit()
codes = collections.Counter(d["code"] for n in doc["nodes"] for d in n.get("diagnostics", []) if d["code"].startswith("limit_"))
codes.update(d["code"] for d in doc.get("diagnostics", []) if d["code"].startswith("limit_"))
print(", ".join(f"{c} x{n}" for c, n in sorted(codes.items())) or "none")
PY
)
  printf '%-26s %9s %9s %8s %5s  %s\n' "$name" "$size" "$wall" $((rss_kib / 1024)) "$rc" "$limits"
  rm -rf "$out"
done < "$TMP/in/expect.tsv"
