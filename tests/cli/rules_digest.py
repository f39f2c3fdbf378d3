#!/usr/bin/env python3
"""Recomputes a rule pack's digest as docs/report-schema.md documents it, with hashlib, and
checks it against the digest in fwscan's report of a scan with that pack.

usage: rules_digest.py FWSCAN RULES_DIR INPUT"""
import hashlib
import json
import os
import subprocess
import sys

ATOMS = "atom-preferences.txt"
POLICY = "verdict.policy"


def rule_files(root):
    out = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in files:
            if name.endswith((".yar", ".yara")):
                out.append(os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/"))
    return sorted(out)


def read(root, rel):
    with open(os.path.join(root, rel), "rb") as f:
        return f.read()


def has_words(root):
    path = os.path.join(root, ATOMS)
    if not os.path.isfile(path):
        return False
    with open(path, encoding="utf-8") as f:
        return any(line.strip() and not line.lstrip().startswith("#") for line in f)


def list_digest(root, files):
    h = hashlib.sha256()
    for rel in files:
        h.update(rel.encode() + b"\0" + read(root, rel) + b"\0")
    if has_words(root):
        h.update(ATOMS.encode() + b"\0" + read(root, ATOMS) + b"\0")
    if os.path.isfile(os.path.join(root, POLICY)):
        h.update(POLICY.encode() + b"\0" + read(root, POLICY) + b"\0")
    return h.hexdigest()


def main():
    fwscan, root, image = sys.argv[1:4]
    files = rule_files(root)
    context = [f for f in files if f.startswith("context/")]
    primary = [f for f in files if not f.startswith("context/")]
    if context:
        expected = hashlib.sha256((list_digest(root, primary) + list_digest(root, context)).encode()).hexdigest()
    else:
        expected = list_digest(root, files)
    out = subprocess.run([fwscan, "scan", "--no-rule-cache", "--rules", root, image, "--format", "json"],
                         capture_output=True, check=False)
    got = json.loads(out.stdout)["rules"]["digest"]
    if got != expected:
        sys.exit(f"digest {got}, documented computation gives {expected}")
    print("rules digest as documented:", got)


if __name__ == "__main__":
    main()
