#!/usr/bin/env python3
"""Mutation fuzzing of the unpackers, run by hand (never in CI): every seed file is mutated N times
(bit flips, byte runs, truncation, block copies, length-field poking) and each mutant goes through
`fwscan scan --evidence all`. A run must end with exit code 0 or 1, a report, and within the time
limit; anything else (a sanitizer report, a signal, a hang) is kept in the output folder.

Usage: tools/fuzz_mutations.py FWSCAN_BINARY OUT_DIR [--per-seed N] [--timeout S] [SEED...]
Default seeds: the generated corpus (fs/, firmware/) and the shared external samples of the
formats fwscan reads. Use the ASan+UBSan build (build-asan/src/fwscan) for memory errors.
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")


def default_seeds():
    seeds = []
    for sub in ("corpus/fs", "corpus/firmware/fit", "corpus/firmware/containers", "corpus/firmware/flash_dump", "corpus/archives"):
        for d, _, fs in os.walk(os.path.join(ROOT, sub)):
            seeds += [os.path.join(d, f) for f in fs if not f.endswith(".json")]
    ext = os.path.join(ROOT, "..", "shared", "corpus-external", "fact_extractor", "fact_extractor", "plugins", "unpacking")
    for rel in ("squashFS/test/data", "ubi/test/data", "yaffs/test/data", "jffs2/test/data", "patool/test/data", "sevenz/test/data",
                "ambarella/test/data", "uboot/test/data"):
        d = os.path.join(ext, rel)
        if os.path.isdir(d):
            seeds += [os.path.join(d, f) for f in sorted(os.listdir(d)) if os.path.getsize(os.path.join(d, f)) > 0]
    return seeds


def mutate(data, rng):
    b = bytearray(data)
    kind = rng.randrange(6)
    if not b:
        return bytes(b)
    if kind == 0:  # flip bits
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
    elif kind == 1:  # a run of 0x00 / 0xff / random
        i = rng.randrange(len(b))
        n = rng.randint(1, 64)
        v = rng.choice([0, 0xFF, None])
        for k in range(i, min(len(b), i + n)):
            b[k] = rng.randrange(256) if v is None else v
    elif kind == 2:  # truncate
        b = b[:rng.randrange(len(b))]
    elif kind == 3:  # copy a block over another place (self-references, loops)
        i, j = rng.randrange(len(b)), rng.randrange(len(b))
        n = rng.randint(4, 512)
        b[j:j + n] = b[i:i + n]
    elif kind == 4:  # poke a 32-bit word with an extreme value (lengths, offsets, counts)
        i = rng.randrange(max(1, len(b) - 4)) & ~3
        b[i:i + 4] = rng.choice([b"\xff\xff\xff\xff", b"\x00\x00\x00\x80", b"\x00\x00\x00\x00", b"\x01\x00\x00\x00"])
    else:  # the header area specifically
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(min(len(b), 4096))
            b[i] = rng.randrange(256)
    return bytes(b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("fwscan")
    ap.add_argument("out")
    ap.add_argument("--per-seed", type=int, default=20)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("seeds", nargs="*")
    args = ap.parse_intermixed_args()
    seeds = args.seeds or default_seeds()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    runs = bad = 0
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0:abort_on_error=1", UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1")
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            data = open(seed, "rb").read()
            for k in range(args.per_seed):
                m = mutate(data, rng)
                path = os.path.join(tmp, f"m{k}_" + os.path.basename(seed))
                with open(path, "wb") as f:
                    f.write(m)
                rep = os.path.join(tmp, "rep")
                shutil.rmtree(rep, ignore_errors=True)
                runs += 1
                try:
                    r = subprocess.run([args.fwscan, "scan", "--evidence", "all", "--format", "json", "-o", rep, path],
                                       capture_output=True, timeout=args.timeout, env=env)
                    ok = r.returncode in (0, 1) and os.path.exists(os.path.join(rep, "report.json"))
                    why = f"exit {r.returncode}" + ("" if os.path.exists(os.path.join(rep, "report.json")) else ", no report")
                    err = r.stderr.decode(errors="replace")[-4000:]
                except subprocess.TimeoutExpired:
                    ok, why, err = False, "timeout", ""
                if not ok:
                    bad += 1
                    keep = os.path.join(args.out, f"bad{bad}_" + os.path.basename(path))
                    shutil.copy(path, keep)
                    with open(keep + ".txt", "w") as f:
                        f.write(f"seed {seed}\n{why}\n{err}\n")
                    print(f"BAD {keep}: {why}", flush=True)
    print(f"{runs} mutants of {len(seeds)} seeds, {bad} bad")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
