#!/usr/bin/env python3
"""Prints YARA hex strings for a CJK label in every encoding the rule pack covers.

Usage: tools/cjk_hex.py NAME SIMPLIFIED [TRADITIONAL] [--near ANCHOR [ANCHOR_TRADITIONAL] --within N]
  e.g. tools/cjk_hex.py warning 维族人员实时预警 維族人員實時預警
       tools/cjk_hex.py ctx_face 人脸 人臉 --near 维族 維族 --within 200
UTF-8, GBK (= GB18030 for these), UTF-16LE and UTF-16BE use the simplified form; Big5 uses the
traditional form (defaults to the simplified one when it encodes in Big5).

--near writes the word as context of a rare anchor label: the word within N bytes before or
after the anchor, { ( WORD [0-N] ANCHOR | ANCHOR [0-N] WORD ) }. With the anchor listed as
`prefer` and the word as `avoid` in rules/atom-preferences.txt, fwscan searches such a string
through the anchor's atom only (src/scan/atom_quality.hpp), so common context words cost the scan
nothing. A match starts at the word (before) or at the anchor (after): in a condition, test
`$ in (@anchor[i] - N - len(word) .. @anchor[i])`.
"""
import sys

ENCODINGS = (("utf-8", "utf8"), ("gbk", "gbk"), ("big5", "big5"), ("utf-16-le", "utf16le"), ("utf-16-be", "utf16be"))


def hexs(b):
    return " ".join(f"{x:02X}" for x in b)


def encode(simp, trad, enc):
    return (trad if enc == "big5" else simp).encode(enc)


def main():
    args = sys.argv[1:]
    near = within = None
    if "--near" in args:
        i = args.index("--near")
        rest = args[i + 1:]
        args = args[:i]
        if "--within" not in rest:
            sys.exit(__doc__)
        j = rest.index("--within")
        within = int(rest[j + 1])
        near = rest[:j]
        if not near:
            sys.exit(__doc__)
        near = (near[0], near[1] if len(near) > 1 else near[0])
    if len(args) < 2:
        sys.exit(__doc__)
    name, simp = args[0], args[1]
    trad = args[2] if len(args) > 2 else simp
    width = len(name) + 9
    for enc, suffix in ENCODINGS:
        text = trad if enc == "big5" else simp
        try:
            data = encode(simp, trad, enc)
            anchor = encode(near[0], near[1], enc) if near else None
        except UnicodeEncodeError as e:
            print(f"        // {enc}: not encodable ({e.reason})")
            continue
        parts = name.split("_", 1)
        ident = f"${parts[0]}_{suffix}_{parts[1]}" if near and len(parts) == 2 else f"${name}_{suffix}"
        if near:
            a = near[1] if enc == "big5" else near[0]
            body = f"( {hexs(data)} [0-{within}] {hexs(anchor)} | {hexs(anchor)} [0-{within}] {hexs(data)} )"
            print(f"        {ident:<{width}} = {{ {body} }}  // {text} near {a}")
        else:
            print(f"        {ident:<{width}} = {{ {hexs(data)} }}  // {text}")


if __name__ == "__main__":
    main()
