#!/usr/bin/env python3
"""Loads fwscan's HTML report in headless Chromium and checks the page it renders: the DOM holds
the summary, every finding of the JSON report of the same scan with its file, hash chain and
disassembly, the extraction tree and the diagnostics; the screenshot is not blank; the file
loads nothing (no script, no external resource, a Content-Security-Policy that forbids them).
Then it scans a tar whose entry names and contents are HTML and script, and checks that they
come out as text, never as elements.

usage: html_check.py FWSCAN CHROMIUM CORPUS_DIR OUT_DIR"""
import html.parser
import io
import json
import os
import struct
import subprocess
import sys
import tarfile
import zlib

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND",
                  "--no-first-run", "--disable-extensions"]


class Dom(html.parser.HTMLParser):
    """Elements (tag, attributes, the text inside) of the DOM Chromium dumps."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements, self.stack, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": []}
        self.elements.append(element)
        if tag not in ("meta", "br", "img", "input", "link"):
            self.stack.append(element)

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        self.text.append(data)
        for element in self.stack:
            element["text"].append(data)

    def find(self, tag=None, cls=None, id_=None):
        out = []
        for e in self.elements:
            classes = e["attrs"].get("class", "") or ""
            if (tag is None or e["tag"] == tag) and (cls is None or cls in classes.split()) and (id_ is None or e["attrs"].get("id") == id_):
                out.append(e)
        return out


def text_of(element):
    return "".join(element["text"])


def render(chromium, page, out_dir):
    dom = subprocess.run([chromium, *CHROMIUM_FLAGS, "--dump-dom", "file://" + page], capture_output=True, timeout=120, check=True)
    parsed = Dom()
    parsed.feed(dom.stdout.decode("utf-8"))
    shot = os.path.join(out_dir, "shot.png")
    subprocess.run([chromium, *CHROMIUM_FLAGS, "--window-size=1200,1600", "--screenshot=" + shot, "file://" + page],
                   capture_output=True, timeout=120, check=True)
    return parsed, shot


def png_pixels(path):
    """Width, height and the decompressed scanlines of a PNG (any filter: enough to see variety)."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    return width, height, zlib.decompress(idat)


def scan(fwscan, image, out):
    subprocess.run([fwscan, "scan", image, "-o", out, "--format", "html,json"], stdout=subprocess.DEVNULL, check=False)
    with open(os.path.join(out, "report.json"), encoding="utf-8") as f:
        report = json.load(f)
    return os.path.join(out, "report.html"), report


def check_static(page):
    """The file as written: a CSP that forbids every fetch, no element that loads or runs anything,
    no attribute that names a resource, no CSS url()."""
    with open(page, encoding="utf-8") as f:
        source = f.read()
    parsed = Dom()
    parsed.feed(source)
    csp = [e for e in parsed.find(tag="meta") if e["attrs"].get("http-equiv") == "Content-Security-Policy"]
    assert csp and csp[0]["attrs"]["content"].startswith("default-src 'none'")
    for e in parsed.elements:
        assert e["tag"] not in ("script", "iframe", "object", "embed", "link", "img", "base", "form"), e["tag"]
        for attr, value in e["attrs"].items():
            assert attr not in ("src", "srcset", "action", "background") and not attr.startswith("on"), attr
            assert attr != "href" or (value or "").startswith("#"), value
    for style in parsed.find(tag="style"):
        assert "url(" not in text_of(style) and "@import" not in text_of(style)


def check_demo(chromium, fwscan, corpus, out):
    page, report = scan(fwscan, os.path.join(corpus, "firmware/hikvision_demo/digicap.dav"), os.path.join(out, "demo"))
    check_static(page)
    dom, shot = render(chromium, page, os.path.join(out, "demo"))
    findings = report["findings"]
    assert text_of(dom.find(id_="finding-count")[0]) == str(len(findings))
    for sev, n in report["summary"]["by_severity"].items():
        assert text_of(dom.find(id_="count-" + sev)[0]) == str(n), sev
    articles = dom.find(tag="article", cls="finding")
    assert len(articles) == len(findings)
    for article, f in zip(articles, findings):
        text = text_of(article)
        assert f["locator"] in text and f["node_sha256"] in text and f["severity"] in article["attrs"]["class"]
        for step in f["chain"]:
            assert step["sha256"] in text
        for s in f["strings"]:
            for ref in (s.get("elf") or {}).get("refs", []):
                assert ref["function"] in text
                for line in ref["disasm"]:
                    assert line in text, line
    tree = dom.find(id_="tree")[0]
    for n in report["nodes"][:200]:
        if n["kind"] == "entry":
            assert n["locator"].rsplit(":", 1)[-1] in text_of(tree)
    assert dom.find(id_="diagnostics")
    width, height, pixels = png_pixels(shot)
    assert (width, height) == (1200, 1600)
    assert len(set(pixels)) > 32, "the screenshot is not blank"
    return len(findings)


def check_hostile(chromium, fwscan, out):
    names = ['<script>alert(1)</script>.txt', '"><img src=x onerror=alert(2)>.cfg', "evil\u202eofni.txt"]
    label = "是否少数民族：未知，非少数民族，维族 <script>alert(3)</script>\n".encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tf:
        for name in names:
            ti = tarfile.TarInfo(name)
            ti.size = len(label)
            ti.mtime = 1700000000
            tf.addfile(ti, io.BytesIO(label))
    os.makedirs(out, exist_ok=True)
    image = os.path.join(out, "hostile.tar")
    with open(image, "wb") as f:
        f.write(buf.getvalue())
    page, report = scan(fwscan, image, os.path.join(out, "report"))
    assert report["findings"], "the labels were found"
    check_static(page)
    dom, _ = render(chromium, page, out)
    tags = {e["tag"] for e in dom.elements}
    assert "script" not in tags and "img" not in tags, tags
    text = "".join(dom.text)
    assert "<script>alert(1)</script>.txt" in text and "onerror=alert(2)" in text
    assert "\u202e" not in text and "\\u202E" in text, "the bidi override is shown, not obeyed"


def main():
    fwscan, chromium, corpus, out = sys.argv[1:5]
    n = check_demo(chromium, fwscan, corpus, out)
    check_hostile(chromium, fwscan, os.path.join(out, "hostile"))
    print(f"HTML report: {n} findings rendered in Chromium with their chains and disassembly; nothing fetched; "
          "hostile names and text shown as text")


if __name__ == "__main__":
    main()
