#!/bin/sh
# A FIFO given as input is refused before it is opened (opening it would block until a writer
# comes), and the scan still writes its report, naming the input.
#   fifo_input.sh FWSCAN WORKDIR
set -u
fw=$1 d=$2
rm -rf "$d" && mkdir -p "$d" && mkfifo "$d/pipe" || exit 1
timeout 60 "$fw" scan "$d/pipe" -o "$d/out" > /dev/null 2>&1
rc=$?
test $rc -eq 2 || { echo "exit $rc, expected 2 (124: it hung)"; exit 1; }
grep -q '"code": "io_error"' "$d/out/report.json" && grep -q 'not a regular file' "$d/out/report.txt"
