#!/usr/bin/env python3
"""kepsim-server-split.py HDR BODY OUTDIR: splits a kepsim response with the
standard library only (independent of kepsim's and the agent's code)."""
import base64, re, sys

hdr = open(sys.argv[1], "rb").read().decode("latin-1")
body = open(sys.argv[2], "rb").read()
out = sys.argv[3]
ctype = ""
for line in hdr.split("\r\n"):
    if line.lower().startswith("content-type:"):
        ctype = line.split(":", 1)[1].strip()
XOP = b'http://www.w3.org/2004/08/xop/include'
bins = []
if ctype.lower().startswith("multipart/related"):
    m = re.search(r'boundary="?([^";]+)"?', ctype)
    start = re.search(r'start="<([^>]+)>"', ctype).group(1)
    assert 'type="application/xop+xml"' in ctype and 'start-info="text/xml"' in ctype, ctype
    delim = b"--" + m.group(1).encode()
    if delim + b"--" not in body:
        sys.exit("multipart body has no closing boundary")
    chunks = body.split(b"\r\n" + delim)
    first = chunks[0]
    assert first.startswith(delim + b"\r\n"), "body does not start with the boundary"
    chunks[0] = first[len(delim):]
    parts = {}
    for c in chunks:
        if c.startswith(b"--"):
            break
        head, _, content = c[2:].partition(b"\r\n\r\n")
        h = dict(l.split(": ", 1) for l in head.decode().split("\r\n"))
        cid = h["Content-ID"].strip("<>")
        parts[cid] = (h, content)
    root_h, root = parts[start]
    assert root_h["Content-Type"].startswith("application/xop+xml"), root_h
    for href in re.findall(rb'<xop:Include xmlns:xop="' + re.escape(XOP) + rb'" href="cid:([^"]+)"/>', root):
        h, content = parts[href.decode()]
        assert h["Content-Type"] == "application/octet-stream", h
        assert h["Content-Transfer-Encoding"] == "binary", h
        bins.append(content)
else:
    assert ctype.lower().startswith("text/xml"), ctype
    root = body
    for tag in (b"ePaket", b"eDelil"):
        # Any prefix or none, attributes allowed (xmime:contentType, fileName).
        for v in re.findall(rb"<(?:\w+:)?" + tag + rb"(?:\s[^>]*)?>([^<]*)</(?:\w+:)?" + tag + rb">", root):
            bins.append(base64.b64decode(v))
open(out + "/root.xml", "wb").write(root)
for i, b in enumerate(bins, 1):
    open("%s/bin.%d" % (out, i), "wb").write(b)
print(len(bins))
