#!/bin/sh
# The evidence variants are closed (model/report.hpp): every file that renders or reads evidence
# visits each alternative with its own overload. Adding a probe alternative to CodeEvidence and
# NodeFacts must make each of those files fail to compile, naming the probe; without the probe
# each compiles (the control, with the same flags).
# Usage: closed_evidence.sh CXX SRC_DIR [include dirs...]
set -u
cxx=$1
src=$2
shift 2
incs="-I$src"
for d in "$@"; do incs="$incs -I$d"; done
fail=0
log=$(mktemp)
for f in report/json_writer.cpp report/text_writer.cpp model/json_reader.cpp model/report.cpp; do
  if ! "$cxx" -std=c++20 -fsyntax-only $incs -DFWSCAN_VERSION='"probe"' "$src/$f" 2>"$log"; then
    echo "FAIL: $f does not compile without the probe:"; cat "$log"; fail=1; continue
  fi
  if "$cxx" -std=c++20 -fsyntax-only $incs -DFWSCAN_VERSION='"probe"' -DFWSCAN_CLOSED_EVIDENCE_PROBE "$src/$f" 2>"$log"; then
    echo "FAIL: $f compiles with an evidence alternative it does not handle"; fail=1; continue
  fi
  if ! grep -q 'Probe\(Location\|Facts\)' "$log"; then
    echo "FAIL: $f fails with the probe, but not because of it:"; head -20 "$log"; fail=1; continue
  fi
  echo "ok: $f refuses an unhandled evidence alternative"
done
rm -f "$log"
exit $fail
