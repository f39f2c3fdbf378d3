#!/usr/bin/env python3
"""Writes a C file whose build has several MiB of code: N functions with string references,
pointer tables and calls, one of them using the label the xref benchmark attributes.
Usage: bench/make_big_elf.py OUT.c [FUNCTIONS]"""
import sys

out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 30000
with open(out, "w") as f:
    f.write("#include <stdio.h>\n#include <string.h>\n")
    for i in range(n):
        label = "fwscan_bench_label_777" if i == 777 else f"label_{i}"
        f.write(f"static const char *tab_{i}[] = {{\"{label}\", \"alt_{i}\", \"x_{i}\"}};\n")
        f.write(f"__attribute__((noinline)) int fn_{i}(int a, char *buf) {{\n"
                f"  int s = a * {i % 97 + 3};\n"
                f"  for (int k = 0; k < (a & 7); k++) s += k * {i % 13 + 1} ^ (s >> 3);\n"
                f"  if (s & 1) strcpy(buf, tab_{i}[s & 1]); else snprintf(buf, 64, \"%s:%d\", \"{label}\", s);\n"
                f"  return s + (int)strlen(buf){' + fn_' + str(i - 1) + '(a - 1, buf)' if i % 5 and i > 0 else ''};\n}}\n")
    f.write("int main(int c, char **v) { char b[128]; int s = 0;\n")
    for i in range(0, n, 97):
        f.write(f"  s += fn_{i}(c, b);\n")
    f.write("  puts(b); return s; }\n")
