#!/usr/bin/env bash
# Two fwscan builds on one image, in alternating runs (A B A B ...), by hand: on a shared VM the
# machine's speed drifts by tens of percent from one minute to the next, so single timings of two
# builds cannot be compared; alternating runs share the drift. Prints each build's best and
# median wall and CPU seconds, and its peak RSS.
#   bench/compare.sh FWSCAN_A FWSCAN_B IMAGE [ROUNDS] [JOBS]
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 FWSCAN_A FWSCAN_B IMAGE [ROUNDS] [JOBS]" >&2; exit 2; }
A=$1 B=$2 IMAGE=$3 ROUNDS=${4:-5} JOBS=${5:-1}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for _ in $(seq "$ROUNDS"); do
  for side in A B; do
    bin=$A; [ "$side" = B ] && bin=$B
    /usr/bin/time -f "$side %e %U %S %M" -o "$TMP/t" "$bin" scan "$IMAGE" --format json -j "$JOBS" >/dev/null 2>&1 || true
    tail -n 1 "$TMP/t"
  done
done | python3 -c '
import statistics
import sys

runs = {}
for line in sys.stdin:
    side, wall, user, system, rss = line.split()
    runs.setdefault(side, []).append((float(wall), float(user) + float(system), int(rss)))
for side, r in sorted(runs.items()):
    wall = [w for w, _, _ in r]
    cpu = [c for _, c, _ in r]
    print(f"{side}: wall best {min(wall):.2f} s, median {statistics.median(wall):.2f} s; "
          f"cpu best {min(cpu):.2f} s, median {statistics.median(cpu):.2f} s; "
          f"peak RSS {max(m for _, _, m in r) / 1024:.0f} MiB")
'
