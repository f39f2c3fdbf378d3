#!/bin/sh
# The sandbox (app/sandbox.hpp): once confined as a scan confines itself, a parser that tries to
# read a file outside its inputs, write outside its output folder, open a socket or run a
# program is stopped by the kernel; what is allowed still works. Then a real scan, confined,
# reads its input and rules, writes its reports and says in them how it was confined.
# Exit 77 (skipped) when the kernel lacks Landlock.
#   sandbox.sh FWSCAN SAMPLE WORKDIR
set -u
fw=$1 sample=$2 d=$3
rm -rf "$d" && mkdir -p "$d/in" "$d/out" "$d/outside" || exit 1
echo input > "$d/in/a.txt" && echo secret > "$d/outside/secret.txt" || exit 1
"$fw" sandbox-probe --read "$d/in" --write "$d/out" --open "$d/in/a.txt" --open "$d/outside/secret.txt" --open /etc/passwd \
  --create "$d/out/new.txt" --create "$d/outside/new.txt" > "$d/probe.txt" 2>&1
rc=$?
cat "$d/probe.txt"
[ $rc -eq 77 ] && { echo "the kernel lacks Landlock: skipped"; exit 77; }
[ $rc -eq 0 ] || { echo "probe exit $rc"; exit 1; }
expect() { grep -qF -- "$1" "$d/probe.txt" || { echo "FAIL: expected '$1'"; exit 1; }; }
expect "open $d/in/a.txt: allowed"
expect "open $d/outside/secret.txt: refused (Permission denied)"
expect "open /etc/passwd: refused (Permission denied)"
expect "create $d/out/new.txt: allowed"
expect "create $d/outside/new.txt: refused (Permission denied)"
expect "socket: refused (Operation not permitted)"
expect "exec: refused (Operation not permitted)"
[ ! -e "$d/outside/new.txt" ] || { echo "FAIL: a file was created outside"; exit 1; }
# A real scan, confined: it works, and its reports say how it was confined.
"$fw" scan "$sample" -o "$d/scan" --format json,text > /dev/null 2>&1
rc=$?
[ $rc -le 1 ] || { echo "scan exit $rc"; exit 1; }
grep -q '"sandbox": "landlock ABI [0-9]*: reads under the inputs and rules' "$d/scan/report.json" || { echo "FAIL: no sandbox status in report.json"; exit 1; }
grep -q '^sandbox: landlock ABI' "$d/scan/report.txt" || { echo "FAIL: no sandbox line in report.txt"; exit 1; }
grep -q '"rule"' "$d/scan/report.json" || { echo "FAIL: the confined scan found nothing"; exit 1; }
"$fw" scan "$sample" --no-sandbox --format json | grep -q '"sandbox"' && { echo "FAIL: --no-sandbox still reports a sandbox"; exit 1; }
exit 0
