#!/usr/bin/env python3
"""Writes a firmware-like root filesystem tree for the SquashFS benchmark: many small text files
(configs, scripts, web UI), some mid-size binaries (mixed entropy) and a few large ones.
Deterministic for a given seed.  usage: make_tree.py OUT_DIR MiB"""
import os
import random
import sys

out, mib = sys.argv[1], int(sys.argv[2])
rng = random.Random(20261126)
words = b"camera stream onvif rtsp config channel motion alarm user admin record storage".split()
target, total, i = mib << 20, 0, 0
while total < target:
    d = os.path.join(out, f"d{i % 37:02d}", f"s{i % 11}")
    os.makedirs(d, exist_ok=True)
    kind = i % 10
    if kind < 6:  # text, compresses well
        n = rng.randint(200, 16 << 10)
        data = b" ".join(rng.choice(words) for _ in range(n // 6))[:n]
        name = f"f{i}.conf"
    elif kind < 9:  # binary: half structured, half random
        n = rng.randint(16 << 10, 256 << 10)
        data = bytes(rng.getrandbits(8) if (j >> 9) & 1 else (j & 0x3F) for j in range(n))
        name = f"lib{i}.so"
    else:  # large, mostly incompressible
        n = rng.randint(1 << 20, 3 << 20)
        data = rng.randbytes(n)
        name = f"blob{i}.bin"
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
    total += n
    i += 1
print(f"{i} files, {total >> 20} MiB in {out}")
