#!/usr/bin/env python3
"""The pictures of bertlab, end to end (python3 standard library only).

    check_pictures.py BERTLAB_BINARY SOURCE_DIR WORK_DIR

Runs `bertlab attention`, `graph`, `plot` and `demo --history` into WORK_DIR, then checks that
  - every SVG is well-formed XML and token text such as < & " survives as text,
  - the DOT graph lays out with Graphviz (`dot -Tsvg`) and names the parameters,
  - the attention page renders in headless Chromium without a script error (the page writes
    data-ok="1" into #render-status, and window.onerror writes into #errors), and its
    screenshot is a picture, not a blank page (distinct colors, non-white pixels).
A missing fixture, Graphviz or Chromium prints "BERTLAB-SKIP: ..." and exits 0 (CTest reports
the test skipped), except under CI=true, where it is a failure.
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

IN_CI = os.environ.get("CI") == "true"
SVG_NS = "{http://www.w3.org/2000/svg}"


def skip(reason):
    if IN_CI:
        sys.exit(f"FAIL (CI must have it): {reason}")
    print(f"BERTLAB-SKIP: {reason}")
    sys.exit(0)


def check(cond, what):
    if not cond:
        sys.exit(f"FAIL: {what}")
    print(f"ok: {what}")


def run(*args):
    result = subprocess.run(args, capture_output=True, text=True, timeout=240)
    if result.returncode != 0:
        sys.exit(f"FAIL: {' '.join(args)} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result.stdout


def svg_texts(path):
    """Parses the SVG (raises on malformed XML) and returns the text of its <text> elements."""
    root = ET.parse(path).getroot()
    check(root.tag == SVG_NS + "svg", f"{os.path.basename(path)} is an SVG document")
    return [t.text or "" for t in root.iter(SVG_NS + "text")]


# ---- PNG: just enough of the format to read Chromium's screenshots -----------------------------

def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def decode_png(path):
    """Returns (width, height, rows of bytes, bytes per pixel) of an 8-bit RGB/RGBA PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color_type, _, _, interlace = header
    assert depth == 8 and color_type in (2, 6) and interlace == 0, f"unsupported PNG {header}"
    bpp = 3 if color_type == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, up_left = prev[i], (prev[i - bpp] if i >= bpp else 0)
            line[i] = (line[i] + (0, left, up, (left + up) // 2, paeth(left, up, up_left))[kind]) & 0xFF
        rows.append(line)
        prev = line
    return width, height, rows, bpp


def picture_stats(path):
    """(distinct colors, fraction of non-white pixels) of a PNG."""
    width, height, rows, bpp = decode_png(path)
    colors, non_white = set(), 0
    for line in rows:
        for x in range(0, width * bpp, bpp):
            rgb = bytes(line[x:x + 3])
            colors.add(rgb)
            non_white += rgb != b"\xff\xff\xff"
    return len(colors), non_white / (width * height)


# ---- The checks -----------------------------------------------------------------------------

def check_attention(bertlab, model, work):
    html, svg_dir = os.path.join(work, "attention.html"), os.path.join(work, "attention_svg")
    run(bertlab, "attention", 'if a < b & "c" then', "--pair", "it's <done>", "--model", model,
        "--out", html, "--svg", svg_dir)
    page = open(html, encoding="utf-8").read()
    check(not re.search(r"""(src|href)\s*=|@import|url\(""", page), "the page loads nothing from outside")
    data = json.loads(re.search(r'id="attention-data">(.*?)</script>', page, re.S).group(1))
    check({"<", "&", '"', "'"} <= set(data["tokens"]), "the page's data keeps the tokens < & \" '")
    for layer in (0, 1):
        texts = svg_texts(os.path.join(svg_dir, f"layer_{layer}.svg"))
        check({"<", "&", '"', "[SEP]"} <= set(texts), f"layer_{layer}.svg labels the tokens, < & \" included")
        check(sum(t.startswith("head ") for t in texts) == 4, f"layer_{layer}.svg shows 4 heads")
    return html


def check_graph(bertlab, model, work):
    dot_path, svg_path = os.path.join(work, "graph.dot"), os.path.join(work, "graph.svg")
    run(bertlab, "graph", "--model", model, "--out", dot_path)
    dot = open(dot_path).read()
    check(dot.startswith("digraph") and dot.count("{") == dot.count("}"), "graph.dot is one DOT digraph")
    check('"bert.encoder.layer.1.attention.self.query.weight\\n[32, 32]"' in dot, "leaves carry parameter names")
    check("cross_entropy" in dot, "the graph ends in the cross-entropy loss")
    if shutil.which("dot") is None:
        skip("Graphviz's dot is not installed (apt-get install graphviz)")
    run("dot", "-Tsvg", dot_path, "-o", os.path.join(work, "graph_from_dot.svg"))
    run(bertlab, "graph", "--model", model, "--out", svg_path)
    check("bert.embeddings.word_embeddings.weight" in svg_texts(svg_path), "graph.svg names the embedding")


def check_curves(bertlab, work):
    history = os.path.join(work, "demo_history.jsonl")
    run(bertlab, "demo", "--steps", "20", "--history", history)
    lines = [json.loads(line) for line in open(history)]
    check([r["step"] for r in lines] == list(range(1, 21)) and all("loss" in r and "lr" in r for r in lines),
          "demo --history logs loss and lr at every step")
    texts = svg_texts(os.path.join(work, "demo_history.svg"))
    check(texts.count("step") == 2 and "loss" in texts and "lr" in texts, "the demo's curves: 2 panels")
    out = os.path.join(work, "curves.svg")
    run(bertlab, "plot", history, "--out", out)
    check(texts == svg_texts(out), "bertlab plot draws the same picture")
    return out


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    skip("Chromium is not installed (apt-get install chromium)")


def chromium(binary, profile, *args):
    return run(binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--no-first-run", f"--user-data-dir={profile}", *args)


def check_in_browser(html, curves_svg, work):
    binary = chromium_binary()
    with tempfile.TemporaryDirectory() as profile:  # a private profile: runs never share state
        dom = chromium(binary, profile, "--dump-dom", "file://" + html + "#layer=1&head=2&cell=1,0")
        errors = re.search(r'<pre id="errors">(.*?)</pre>', dom, re.S)
        check(errors is not None and errors.group(1).strip() == "", "no script errors on the page")
        check('data-ok="1"' in dom, "the page rendered (data-ok=1)")
        check(re.search(r"layer 1 head 2: \S+ \u2192 \[CLS\] = 0\.\d{4}", dom) is not None, "hover shows a value")
        for name, url in (("attention", "file://" + html), ("curves", "file://" + curves_svg)):
            png = os.path.join(work, f"{name}.png")
            chromium(binary, profile, f"--screenshot={png}", "--window-size=900,700", url)
            colors, inked = picture_stats(png)
            check(colors >= 20 and inked >= 0.02, f"{name}.png is a picture: {colors} colors, {inked:.1%} non-white")


def main():
    bertlab, source, work = sys.argv[1:4]
    # the repository's fixtures, or the first folder of $BERTLAB_FIXTURES (tests/support/fixtures.h)
    fixtures = os.environ.get("BERTLAB_FIXTURES", "").split(":")[0] or os.path.join(source, "tests", "fixtures")
    model = os.path.abspath(os.path.join(fixtures, "models", "tiny-bert"))
    if not os.path.isdir(model):
        skip(f"fixture not found: {model} (set BERTLAB_FIXTURES to the fixtures folder)")
    work = os.path.abspath(work)
    os.makedirs(work, exist_ok=True)
    html = check_attention(bertlab, model, work)
    curves = check_curves(bertlab, work)
    check_graph(bertlab, model, work)
    check_in_browser(html, curves, work)
    print("all pictures ok")


if __name__ == "__main__":
    main()
