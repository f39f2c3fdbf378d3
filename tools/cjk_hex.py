#!/usr/bin/env python3
"""Prints YARA hex strings for a CJK label in every encoding the rule pack covers.

Usage: tools/cjk_hex.py NAME SIMPLIFIED [TRADITIONAL]
  e.g. tools/cjk_hex.py warning 维族人员实时预警 維族人員實時預警
UTF-8, GBK (= GB18030 for these), UTF-16LE and UTF-16BE use the simplified form; Big5 uses the
traditional form (defaults to the simplified one when it encodes in Big5).
"""
import sys


def hexs(b):
    return " ".join(f"{x:02X}" for x in b)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    name, simp = sys.argv[1], sys.argv[2]
    trad = sys.argv[3] if len(sys.argv) > 3 else simp
    width = len(name) + 9
    for enc, text, suffix in (("utf-8", simp, "utf8"), ("gbk", simp, "gbk"), ("big5", trad, "big5"),
                              ("utf-16-le", simp, "utf16le"), ("utf-16-be", simp, "utf16be")):
        try:
            data = text.encode(enc)
        except UnicodeEncodeError as e:
            print(f"        // {enc}: not encodable ({e.reason})")
            continue
        ident = f"${name}_{suffix}"
        print(f"        {ident:<{width}} = {{ {hexs(data)} }}  // {text}")


if __name__ == "__main__":
    main()
