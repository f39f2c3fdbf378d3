#!/bin/sh
# An input whose file name holds OSC, CSI and bidi controls: no ESC, BEL or U+202E byte reaches
# stdout or stderr of scan, identify or extract; the name appears escaped (control bytes as the
# locator's %XX, the bidi override as \u202E).
#   escape_name.sh FWSCAN SAMPLE WORKDIR
set -u
fw=$1 sample=$2 d=$3
rm -rf "$d" && mkdir -p "$d" || exit 1
name=$(printf 'fw\033]0;pwned\007\342\200\256\033[2J.dav')
cp "$sample" "$d/$name" || exit 1
bad=$(printf '\033|\007|\342\200\256')
for cmd in "scan" "scan -vv" "identify" "extract -o $d/x"; do
  # shellcheck disable=SC2086  # $cmd is a subcommand and its options
  "$fw" $cmd "$d/$name" > "$d/out.txt" 2>&1
  if LC_ALL=C grep -Eq "$bad" "$d/out.txt"; then echo "raw control bytes from: fwscan $cmd"; exit 1; fi
done
"$fw" identify "$d/$name" | grep -q 'fw%1B\]0;pwned%07\\u202E%1B\[2J\.dav'
# Usage errors quote the argument they refuse: a missing file, a bad value.
for args in "scan $d/missing$name" "scan --max-depth $name $d/$name" "report $d/missing$name"; do
  # shellcheck disable=SC2086  # $args is a subcommand and its arguments
  "$fw" $args > "$d/out.txt" 2>&1
  if LC_ALL=C grep -Eq "$bad" "$d/out.txt"; then echo "raw control bytes from usage error: fwscan $args"; exit 1; fi
  grep -q 'missing\|max-depth\|Could not convert\|does not exist' "$d/out.txt" || { echo "no usage error from: fwscan $args"; cat "$d/out.txt"; exit 1; }
done
# The JSON report escapes them too (C0 as JSON does; C1, bidi and invisible characters as \uXXXX).
"$fw" scan -o "$d/r" --format json "$d/$name" > /dev/null 2>&1
[ -f "$d/r/report.json" ] || { echo "no report.json"; exit 1; }
if LC_ALL=C grep -Eq "$bad" "$d/r/report.json"; then echo "raw control bytes in report.json"; exit 1; fi
grep -q 'fw%1B\]0;pwned%07\\u202e%1B\[2J\.dav' "$d/r/report.json" || { echo "the name is not in report.json, escaped"; exit 1; }
