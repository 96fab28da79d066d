#!/usr/bin/env python3
"""md-screenshot.py GOLDEN - a Markdown golden as GitHub shows it: the report
(the golden less its "$ dlrig ..." and "# exit N" lines) rendered to HTML by
cmark-gfm (GitHub's own fork of cmark, with its table extension and raw HTML
kept, as GitHub keeps <details>), then opened in headless Chromium. Checks
the DOM Chromium built (--dump-dom): a <table> with the summary rows, and a
<details> fold per finding with its <summary> and the fix's code block; and
the screenshot (--screenshot): a PNG of the asked size that is not blank
(decoded here with zlib: several colours, text pixels on most bands).
Exit 77 (skipped) without chromium or cmark-gfm."""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

W, H = 900, 1200


def skip(why):
    print(f"1..0 # SKIP {why}")
    sys.exit(77)


def report_of(golden):
    with open(golden, encoding="utf-8") as f:
        lines = f.read().splitlines()
    return "\n".join(l for l in lines if not l.startswith("$ dlrig ")
                     and not l.startswith("# exit ")) + "\n"


def png_pixels(path):
    """(width, height, rows of RGB tuples) of an 8-bit RGB/RGBA PNG."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    assert depth == 8 and ctype in (2, 6) and not interlace, f"PNG kind {hdr}"
    bpp = 3 if ctype == 2 else 4
    raw, stride, prev, rows, i = zlib.decompress(idat), w * bpp, bytearray(w * bpp), [], 0
    for _ in range(h):
        ft, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if ft == 1:
                line[x] = (line[x] + a) & 255
            elif ft == 2:
                line[x] = (line[x] + b) & 255
            elif ft == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
        prev = line
    return w, h, rows


def main():
    golden = sys.argv[1]
    chromium = next((shutil.which(c) for c in ("chromium", "chromium-browser", "google-chrome")
                     if shutil.which(c)), None)
    if not chromium:
        skip("no chromium")
    if not shutil.which("cmark-gfm"):
        skip("no cmark-gfm")
    md = report_of(golden)
    html = subprocess.run(["cmark-gfm", "--unsafe", "-e", "table"], input=md, text=True,
                          capture_output=True, check=True, timeout=10).stdout
    with tempfile.TemporaryDirectory() as tmp:
        page = os.path.join(tmp, "report.html")
        with open(page, "w", encoding="utf-8") as f:
            f.write('<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
                    "body{font-family:sans-serif;background:#fff;color:#000;margin:16px}"
                    "td,th{border:1px solid #888;padding:2px 6px}</style></head><body>\n"
                    + html + "</body></html>\n")
        base = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-dev-shm-usage", f"--user-data-dir={tmp}/profile",
                "--hide-scrollbars", f"--window-size={W},{H}"]
        url = "file://" + page
        dom = subprocess.run(base + ["--dump-dom", url], capture_output=True, text=True,
                             timeout=60).stdout
        shot = os.path.join(tmp, "shot.png")
        subprocess.run(base + [f"--screenshot={shot}", url], capture_output=True, timeout=60)
        checks = []
        n_details = md.count("<details>")
        checks.append(("DOM has the summary <table>", "<table>" in dom
                       and re.search(r"<td[^>]*>Machine</td>", dom) is not None))
        checks.append((f"DOM has {n_details} <details> folds", dom.count("<details>") == n_details
                       and n_details > 0))
        checks.append(("every fold has a <summary> and starts folded",
                       dom.count("<summary>") == n_details and "<details open" not in dom))
        checks.append(("escapes rendered away (no stray backslash)", "\\_" not in dom
                       and "\\[" not in dom and "\\*" not in dom))
        checks.append(("the fix is a sh code block", 'class="language-sh"' in dom))
        checks.append(("no Markdown left unrendered", "|:--|" not in dom and "```" not in dom))
        ok_png = os.path.exists(shot)
        checks.append(("screenshot written", ok_png))
        if ok_png:
            w, h, rows = png_pixels(shot)
            checks.append((f"screenshot is {W}x{H} (got {w}x{h})", (w, h) == (W, H)))
            colours = {p for r in rows[::8] for p in r[::8]}
            checks.append((f"screenshot not blank ({len(colours)} colours)", len(colours) > 8))
            dark = [sum(1 for p in r if sum(p) < 300) for r in rows]
            inked = sum(1 for d in dark[:H // 2] if d)  # the table and folds are at the top
            checks.append((f"text on the top half ({inked} of {H // 2} rows inked)",
                           inked > H // 10))
        print(f"1..{len(checks)}")
        failed = 0
        for i, (what, good) in enumerate(checks, 1):
            print(f"{'ok' if good else 'not ok'} {i} - {what}")
            failed += not good
        if failed:
            print("# DOM:\n# " + dom[:3000].replace("\n", "\n# "))
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
