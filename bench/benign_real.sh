#!/usr/bin/env bash
# False alarms on real software (docs/verdicts.md, "Evaluation"), by hand: SquashFS images of this
# machine's own programs and libraries, whose language tables, Unicode script names and emoji
# annotations hold label words, scanned with the bundled rules. Prints the findings of the
# ethnicity and face-attribute rules by severity; a benign image should have none above low.
#   bench/benign_real.sh [BUILD_DIR] [RULES_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
RULES=${2:-rules}
command -v mksquashfs >/dev/null || { echo "missing mksquashfs: scripts/install-deps --bench" >&2; exit 2; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# "dev": the files whose false alarms the rules were changed for. "eval": first only measured, then
# looked at after the first change (the later changes saw its remaining alarms). "holdout": never
# looked at, only counted.
DEV=(/usr/bin/msginit /usr/bin/msgmerge /usr/bin/node /usr/bin/perl /usr/lib/x86_64-linux-gnu/libicudata.so.72.1)
EVAL=(/usr/lib/x86_64-linux-gnu/libicuuc.so.72.1 /usr/lib/x86_64-linux-gnu/libicui18n.so.72
      /usr/lib/x86_64-linux-gnu/libunistring.so.2.2.0 /usr/lib/x86_64-linux-gnu/libre2.so.9.0.0
      /usr/lib/x86_64-linux-gnu/librsvg-2.so.2.48.0 /usr/lib/python3.11/locale.py
      /usr/lib/x86_64-linux-gnu/libperl.so.5.36.0 /usr/lib/x86_64-linux-gnu/libgnat-12.so
      /usr/lib/x86_64-linux-gnu/perl/5.36.0/Unicode/Collate/Locale.pm /usr/lib/x86_64-linux-gnu/libxml2.so.2
      /usr/lib/x86_64-linux-gnu/libcrypto.so.3 /usr/bin/python3.11)
HOLDOUT=(/usr/lib/google-cloud-sdk/platform/gsutil/third_party/charset_normalizer/charset_normalizer/constant.py
         /usr/lib/google-cloud-sdk/lib/third_party/wcwidth/table_zero.py /usr/lib/google-cloud-sdk/bin/kpt
         /usr/lib/google-cloud-sdk/platform/bundledpythonunix/lib/python3.12/site-packages/grpc/_cython/cygrpc.cpython-312-x86_64-linux-gnu.so
         /usr/lib/google-cloud-sdk/bin/cbt /usr/lib/gcc/x86_64-linux-gnu/12/adalib/libgnat.a
         /usr/lib/x86_64-linux-gnu/libicuuc.a /usr/lib/x86_64-linux-gnu/perl-base/unicore/To/Sc.pl
         /usr/lib/x86_64-linux-gnu/perl/5.36.0/CORE/charclass_invlists.h)
# "isocodes": the ISO 639 and ISO 15924 names of iso-codes, translated into every language it
# has (gettext catalogues). Measured before and after the name runs (docs/verdicts.md), never
# looked at to change the rules.
ISOCODES=(/usr/share/locale/*/LC_MESSAGES/iso_639*.mo /usr/share/locale/*/LC_MESSAGES/iso_15924.mo)
for half in dev eval holdout isocodes; do
  declare -n files="${half^^}"
  mkdir -p "$TMP/$half"
  n=0
  for f in "${files[@]}"; do
    # the locale folder names a catalogue: de/LC_MESSAGES/iso_639-3.mo -> de-iso_639-3.mo
    name=$(basename "$f")
    case "$f" in /usr/share/locale/*) name="$(echo "$f" | cut -d/ -f5)-$name" ;; esac
    [ -f "$f" ] && cp -L "$f" "$TMP/$half/$name" && n=$((n + 1))
  done
  mksquashfs "$TMP/$half" "$TMP/$half.sqfs" -comp xz -noappend -quiet >/dev/null
  "$BUILD"/src/fwscan scan "$TMP/$half.sqfs" --rules "$RULES" --format json >"$TMP/$half.json" 2>/dev/null || true
  python3 - "$half" "$n" "$TMP/$half.json" <<'PY'
import collections, json, sys
half, n, path = sys.argv[1], sys.argv[2], sys.argv[3]
findings = json.load(open(path))["findings"]
ours = [f for f in findings if f["namespace"] in ("ethnicity_classification", "face_attribute_analytics")]
by = collections.Counter(f["severity"] for f in ours)
above = sum(by[s] for s in ("medium", "high", "critical"))
print(f"{half}: {n} real files; findings by severity: " +
      ", ".join(f"{s} {by[s]}" for s in ("critical", "high", "medium", "low", "info")) + f"; above low: {above}")
for f in ours:
    if f["severity"] in ("medium", "high", "critical"):
        print(f"  {f['severity']:8} {f['rule']:32} {f['locator'][-60:]}")
PY
done
