#!/usr/bin/env bash
# Regenerates docs/html-report.png: the demo's HTML report as headless Chromium renders it.
#   tools/docs_screenshot.sh [BUILD_DIR]     (needs chromium: scripts/install-deps)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=$(cd "${1:-build}" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cp corpus/firmware/hikvision_demo/digicap.dav "$TMP/"
# Run as `fwscan` from the copy's folder, so that the report names no path of this machine.
(cd "$TMP" && PATH="$BUILD/src:$PATH" fwscan scan digicap.dav -o out --format html --no-sandbox > /dev/null) || true
chromium --headless --no-sandbox --disable-gpu "--host-resolver-rules=MAP * ~NOTFOUND" --window-size=1200,1500 \
  --screenshot="$TMP/shot.png" "file://$TMP/out/report.html" > /dev/null 2>&1
cp "$TMP/shot.png" docs/html-report.png
echo "docs/html-report.png written"
