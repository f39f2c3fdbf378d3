#!/usr/bin/env bash
# The hostile corpus (tools/gen_hostile.py --ci), one case per class of attack, each scanned as
# an auditor would (-vv, text on stdout, report files in -o), with its bounds asserted:
#   * exit 0 or 1 (2 for the FIFO, refused), within the wall-time bound, peak RSS within the
#     resident bound (1 GiB; more under the sanitizers, which cost memory and time themselves);
#   * report.json and report.txt written, with every diagnostic code the case must raise, the
#     label finding where one must survive, and a finding on each entry the case names;
#   * no raw control byte (C0 but newline and tab, DEL, C1, bidi controls) on stdout, stderr or in
#     the report files;
#   * nothing written outside -o: the working folder and a decoy folder stay empty, no link is
#     created, and report links planted in -o are refused, never followed.
#   hostile_corpus.sh FWSCAN WORKDIR SANITIZED(0|1)
set -u
fw=$(realpath "$1") d=$(realpath -m "$2") san=${3:-0}
gen="$(cd "$(dirname "$0")/../.." && pwd)/tools/gen_hostile.py"
rss_max=1024 wall_max=60
[ "$san" = 1 ] && rss_max=4096 wall_max=400
rm -rf "$d" && mkdir -p "$d/cwd" "$d/outside" || exit 1
python3 "$gen" "$d/in" --ci || { echo "generator failed"; exit 1; }

# C0 controls but tab and newline, DEL, C1 (as UTF-8 or raw), and the bidi embedding, override
# and isolate controls, as bytes.
raw_control='[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]'
fail=0
bad() { echo "FAIL $1: $2"; fail=1; }

printf '%-30s %7s %8s %3s\n' case "wall s" "RSS MiB" rc
while IFS=$'\t' read -r name codes label entries; do
  in="$d/in/$name" out="$d/out/$name"
  files=("$in")
  [ -d "$in" ] && mapfile -t files < <(find "$in" -type f | sort)
  rc=0
  (cd "$d/cwd" && /usr/bin/time -f '%e %M' -o "$d/time" timeout "$wall_max" "$fw" scan -vv -j 2 -o "$out" \
     --format json,text "${files[@]}" > "$d/stdout" 2> "$d/stderr") || rc=$?
  read -r wall rss_kib < <(tail -n 1 "$d/time")
  printf '%-30s %7s %8s %3s\n' "$name" "$wall" $((rss_kib / 1024)) "$rc"
  want_rc="0 1"
  [ "$name" = fifo ] && want_rc=2
  case " $want_rc " in *" $rc "*) ;; *) bad "$name" "exit $rc, expected $want_rc (124: past the time bound)" ;; esac
  [ $((rss_kib / 1024)) -le "$rss_max" ] || bad "$name" "peak RSS $((rss_kib / 1024)) MiB > $rss_max MiB"
  [ -s "$out/report.json" ] && [ -s "$out/report.txt" ] || { bad "$name" "report files not written"; continue; }
  if [ "$codes" != - ]; then
    for c in ${codes//,/ }; do
      grep -q "\"code\": \"$c\"" "$out/report.json" || bad "$name" "no $c diagnostic in the report"
    done
  fi
  if [ "$label" = label ]; then
    python3 -c 'import json, sys; sys.exit(0 if json.load(open(sys.argv[1]))["findings"] else 1)' "$out/report.json" ||
      bad "$name" "the label finding did not survive"
  fi
  if [ "$entries" != - ]; then
    for e in ${entries//,/ }; do
      python3 -c 'import json, sys; sys.exit(0 if any(f["locator"].endswith(sys.argv[2]) for f in json.load(open(sys.argv[1]))["findings"]) else 1)' \
        "$out/report.json" "$e" || bad "$name" "no finding on the entry $e"
    done
  fi
  for f in "$d/stdout" "$d/stderr" "$out/report.txt" "$out/report.json"; do
    if LC_ALL=C grep -qaP "$raw_control" "$f"; then bad "$name" "a raw control byte in $(basename "$f")"; fi
  done
  [ -z "$(ls -A "$d/cwd" "$d/outside" 2>/dev/null | grep -v ':$' | grep -v '^$')" ] || bad "$name" "a file written outside -o"
  [ -z "$(find "$out" -type l)" ] || bad "$name" "a link created in -o"
done < "$d/in/expect.tsv"

# --extract-to writes each batch before its bytes go: the distinct zip members are written whole
# (Python's zipfile reads the same bytes) within the same resident bound.
x="$d/out/extracted"
rc=0
(cd "$d/cwd" && /usr/bin/time -f '%e %M' -o "$d/time" timeout "$wall_max" "$fw" scan -j 2 -o "$d/out/extract_report" --extract-to "$x" \
   --format json "$d/in/zip_distinct_members.zip" > /dev/null 2>&1) || rc=$?
read -r wall rss_kib < <(tail -n 1 "$d/time")
printf '%-30s %7s %8s %3s\n' "--extract-to zip_distinct" "$wall" $((rss_kib / 1024)) "$rc"
case "$rc" in 0|1) ;; *) bad extract_to "exit $rc" ;; esac
[ $((rss_kib / 1024)) -le "$rss_max" ] || bad extract_to "peak RSS $((rss_kib / 1024)) MiB > $rss_max MiB"
python3 - "$d/in/zip_distinct_members.zip" "$x/zip_distinct_members.zip.extracted/zip@0x0" <<'PY' || bad extract_to "the extracted members differ from the archive's"
import hashlib, os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    names = z.namelist()
    for name in names:
        with z.open(name) as member, open(os.path.join(sys.argv[2], name), "rb") as written:
            a, b = hashlib.sha256(), hashlib.sha256()
            for chunk in iter(lambda: member.read(1 << 20), b""):
                a.update(chunk)
            for chunk in iter(lambda: written.read(1 << 20), b""):
                b.update(chunk)
            if a.digest() != b.digest():
                sys.exit("%s differs" % name)
sys.exit(0 if len(os.listdir(sys.argv[2])) == len(names) else "not every member was written")
PY
rm -rf "$x"

# Report links planted in -o, pointing outside it: refused (exit 2), the targets never created.
mkdir -p "$d/out/planted"
for r in report.json report.txt; do ln -s "$d/outside/$r" "$d/out/planted/$r"; done
rc=0
(cd "$d/cwd" && "$fw" scan -o "$d/out/planted" --format json,text "$d/in/escape_names.tar" > /dev/null 2>&1) || rc=$?
[ "$rc" = 2 ] || bad planted "exit $rc, expected 2"
[ -z "$(ls -A "$d/outside")" ] || bad planted "a report written through a planted link"
exit "$fail"
