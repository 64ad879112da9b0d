#!/usr/bin/env python3
"""Checks the HTML report of a bundle as a real browser rendered it.

DOM.html is Chromium's DOM after loading report.html; REPORT.json the
bundle's report.json. Every verdict on the page (package overall, each
check, each evidence item, stored and re-verified) must be the report's, in
its order, with its reason, signer, chain and time-stamp time; every time is
RFC 3339 with the right Turkish local time beside it; the page holds no
script, frame, image or link to anything (the attacker's subject text shows
as text); the screenshot is a real, non-blank PNG of the page and the PDF
print has pages. report.txt's values start in one column, counted in
characters (Turkish labels are wider in bytes).
Usage: evidence-report-html.py DOM.html REPORT.json REPORT.txt SHOT.png PRINT.pdf ATTACK-TEXT"""
import datetime, html.parser, json, re, struct, sys
from zoneinfo import ZoneInfo

dom_path, rep_path, txt_path, png_path, pdf_path, attack = sys.argv[1:7]
rep = json.load(open(rep_path, encoding="utf-8"))
bad = []


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.kids, self.text = tag, dict(attrs), parent, [], []

    def all_text(self):
        return "".join(t if isinstance(t, str) else t.all_text() for t in self.text)

    def walk(self):
        yield self
        for k in self.kids:
            yield from k.walk()


VOID = {"meta", "br", "link", "img", "input", "hr", "col", "base", "wbr", "source"}


class Parser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", [], None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.cur.kids.append(n)
        self.cur.text.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.text.append(data)


p = Parser()
p.feed(open(dom_path, encoding="utf-8").read())
nodes = list(p.root.walk())

# Nothing that runs or fetches.
for n in nodes:
    if n.tag in ("script", "iframe", "img", "object", "embed", "link", "form", "base"):
        bad.append("the page has a <%s> element" % n.tag)
    for a in ("src", "href", "action", "srcset"):
        if a in n.attrs:
            bad.append("<%s %s=%r>" % (n.tag, a, n.attrs[a]))
    if any(k.startswith("on") for k in n.attrs):
        bad.append("<%s> has an event handler" % n.tag)
body = next(n for n in nodes if n.tag == "body").all_text()
if attack not in body:
    bad.append("the attacker's subject is not shown as text")
title = next(n for n in nodes if n.tag == "title").all_text()
if title != "KEP delil raporu: paket %d" % rep["package"]["id"]:
    bad.append("title is %r" % title)

by_source = {}
for n in nodes:
    if "data-source" in n.attrs:
        by_source.setdefault(n.attrs["data-source"], []).append(n)
st, rv = rep["stored"], rep["reverified"]


def one(src):
    v = by_source.get(src, [])
    return v[0].attrs.get("data-verdict") if len(v) == 1 else None


if one("stored-overall") != (st.get("overall") or "unverified"):
    bad.append("stored overall: page %r, report %r" % (one("stored-overall"), st.get("overall")))
if one("reverified-overall") != rv["package"]["overall"]:
    bad.append("re-verified overall: page %r, report %r" % (one("reverified-overall"), rv["package"]["overall"]))

certs = {c["subject"] for c in rep.get("certificates", [])}
for src, checks in (("stored", st["checks"]), ("reverified", rv["package"]["checks"])):
    arts = by_source.get(src, [])
    got = [(a.attrs["data-check"], a.attrs["data-verdict"]) for a in arts]
    want = [(c["check"], c["verdict"]) for c in checks]
    if got != want:
        bad.append("%s checks: page %s, report %s" % (src, got, want))
        continue
    for a, c in zip(arts, checks):
        text = a.all_text()
        for k in ("reason", "signer_subject", "signer_serial", "signer_issuer"):
            if c.get(k) and c[k] not in text:
                bad.append("%s %s: %s %r not on the page" % (src, c["check"], k, c[k]))
        times = {t.attrs.get("datetime") for t in a.walk() if t.tag == "time"}
        for k in ("signing_time", "timestamp_time", "validation_time"):
            if c.get(k) and c[k] not in times:
                bad.append("%s %s: %s %s not on the page" % (src, c["check"], k, c[k]))
        if c.get("signer_subject") in certs and not any(
                t.tag == "ol" and "chain" in t.attrs.get("class", "") for t in a.walk()):
            bad.append("%s %s: the signer's certificate is in the bundle, no chain shown" % (src, c["check"]))

ev = [n for n in nodes if n.tag == "article" and "evidence" in n.attrs.get("class", "").split()]
rv_ev = {e["file"]: e for e in rv["evidence"]}
got = [(a.attrs["data-file"], a.attrs["data-verdict"], a.attrs["data-reverified-verdict"]) for a in ev]
want = [(e["file"], e["verdict"], rv_ev.get(e["file"], {}).get("verdict", "")) for e in st["evidence"]]
if got != want:
    bad.append("evidence: page %s, report %s" % (got, want))
for a, e in zip(ev, st["evidence"]):
    text = a.all_text()
    for r in (e.get("reason"), rv_ev.get(e["file"], {}).get("reason"), e.get("label")):
        if r and r not in text:
            bad.append("evidence %s: %r not on the page" % (e["file"], r))

# Every instant: RFC 3339 and, beside it, the same instant in Türkiye.
ist, n_times = ZoneInfo("Europe/Istanbul"), 0
for n in nodes:
    if n.tag != "time":
        continue
    dt = n.attrs.get("datetime", "")
    if not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", dt) or n.all_text() != dt:
        bad.append("time %r shows %r" % (dt, n.all_text()))
        continue
    sib = n.parent.kids[n.parent.kids.index(n) + 1] if n.parent.kids.index(n) + 1 < len(n.parent.kids) else None
    loc = datetime.datetime.strptime(dt, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc).astimezone(ist)
    off = int(loc.utcoffset().total_seconds() // 3600)
    want_tr = loc.strftime("%d.%m.%Y %H:%M:%S") + " (UTC+%02d:00)" % off
    if sib is None or sib.attrs.get("class") != "tr" or sib.all_text() != want_tr:
        bad.append("time %s: Turkish local time %r, expected %r" % (
            dt, sib.all_text() if sib else None, want_tr))
    n_times += 1
if n_times < 5:
    bad.append("only %d times on the page" % n_times)

# The screenshot: a PNG of the window, not blank.
png = open(png_path, "rb").read()
if png[:8] != b"\x89PNG\r\n\x1a\n":
    bad.append("the screenshot is not a PNG")
else:
    w, h = struct.unpack(">II", png[16:24])
    if w < 800 or h < 1000 or len(png) < 50000:
        bad.append("the screenshot is %dx%d, %d bytes: blank or not rendered" % (w, h, len(png)))
pdf = open(pdf_path, "rb").read()
if not pdf.startswith(b"%PDF-") or len(re.findall(rb"/Type\s*/Page\b", pdf)) < 1:
    bad.append("the printed PDF has no page")

# report.txt: values aligned by characters.
cols = set()
for line in open(txt_path, encoding="utf-8"):
    m = re.match(r"^  (\S[^\s].*?)( {2,})(\S.*)$", line.rstrip("\n"))
    if m and not re.match(r"^[0-9a-f]{64}$", m.group(1)):
        cols.add(2 + len(m.group(1)) + len(m.group(2)))
if len(cols) != 1:
    bad.append("report.txt values start in columns %s" % sorted(cols))

if bad:
    print("\n".join(bad))
    sys.exit(1)
print("report.html ok: %d checks, %d evidence items, %d times" % (
    len(st["checks"]) + len(rv["package"]["checks"]), len(ev), n_times))
