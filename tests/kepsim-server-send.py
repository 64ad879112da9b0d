#!/usr/bin/env python3
"""Builds what tests/kepsim-server-send.sh sends to kepsim (no crypto here:
signatures come from openssl cms).

  entity OUT                       a CRLF multipart/mixed entity (text + a PDF-ish file)
  smime OUT ENTITY SIG.der HDR=V.. the S/MIME message: headers, multipart/signed
                                   (entity + base64 of the detached DER signature)
  request OUT.body OUT.ctype OP HESAP TCNO PAROLA SIFRE [--mtom] FIELD...
      FIELD is name=value (text), name=@file (binary: base64 inline, or an MTOM
      part with --mtom) or name=@file:fileName (binary with a fileName
      attribute, as MimeYap's ekler).
"""
import base64
import os
import sys
import uuid
from xml.sax.saxutils import escape, quoteattr

CRLF = b"\r\n"


def b64lines(data):
    s = base64.b64encode(data)
    return CRLF.join(s[i:i + 76] for i in range(0, len(s), 76)) + CRLF


def entity(out, size=None, enc="base64"):
    text = "Sayın ilgili,\n\nEkte yazımız sunulmuştur.\n".encode()
    # size: an attachment of that many bytes (zeros: no line ends to fix).
    pdf = b"%PDF-1.4\n" + os.urandom(3000) + b"\n%%EOF\n" if size is None else bytes(size)
    b = b"----=_test_entity_1"
    e = (b"Content-Type: multipart/mixed; boundary=\"" + b + b"\"\r\n\r\n"
         b"--" + b + b"\r\nContent-Type: text/plain; charset=utf-8\r\n"
         b"Content-Transfer-Encoding: base64\r\n\r\n" + b64lines(text) +
         b"--" + b + b"\r\nContent-Type: application/pdf; name=\"belge.pdf\"\r\n"
         b"Content-Transfer-Encoding: " + enc.encode() + b"\r\n"
         b"Content-Disposition: attachment; filename=\"belge.pdf\"\r\n\r\n" +
         (b64lines(pdf) if enc == "base64" else pdf + CRLF) +
         b"--" + b + b"--\r\n")
    open(out, "wb").write(e)


def smime(out, ent, sig, headers):
    e = open(ent, "rb").read()
    der = open(sig, "rb").read()
    b = b"----=_test_signed_1"
    h = b"".join(k.encode() + b": " + v.encode("utf-8") + CRLF
                 for k, v in (x.split("=", 1) for x in headers))
    msg = (h + b"MIME-Version: 1.0\r\nContent-Type: multipart/signed; "
           b"protocol=\"application/pkcs7-signature\"; micalg=sha-256;\r\n boundary=\"" + b +
           b"\"\r\n\r\nThis is an S/MIME signed message\r\n\r\n--" + b + CRLF + e +
           b"\r\n--" + b + b"\r\nContent-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n"
           b"Content-Transfer-Encoding: base64\r\n"
           b"Content-Disposition: attachment; filename=\"smime.p7s\"\r\n\r\n" + b64lines(der) +
           b"\r\n--" + b + b"--\r\n")
    open(out, "wb").write(msg)


def request(body_out, ctype_out, op, hesap, tcno, parola, sifre, args):
    mtom = "--mtom" in args
    args = [a for a in args if a != "--mtom"]
    parts = []
    fields = []
    for a in args:
        k, v = a.split("=", 1)
        if not v.startswith("@"):
            fields.append("<xsd:%s>%s</xsd:%s>" % (k, escape(v), k))
            continue
        path, _, fname = v[1:].partition(":")
        data = open(path, "rb").read()
        attr = " fileName=%s xmime:contentType=\"application/octet-stream\"" % quoteattr(fname) if fname else ""
        if mtom:
            cid = "%d.urn:uuid:%s@apache.org" % (len(parts) + 1, uuid.uuid4())
            parts.append((cid, data))
            fields.append('<xsd:%s%s><xop:Include xmlns:xop="http://www.w3.org/2004/08/xop/include" '
                          'href="cid:%s"/></xsd:%s>' % (k, attr, cid.replace("@", "%40"), k))
        else:
            fields.append("<xsd:%s%s>%s</xsd:%s>" % (k, attr, base64.b64encode(data).decode(), k))
    env = ('<?xml version="1.0" encoding="UTF-8"?>'
           '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
           'xmlns:axis="http://ws.apache.org/axis2" xmlns:xsd="http://ws.apache.org/axis2/xsd" '
           'xmlns:xmime="http://www.w3.org/2005/05/xmlmime">'
           '<soapenv:Body><axis:%s><axis:param0><xsd:kepHesap><xsd:kepHesap>%s</xsd:kepHesap>'
           '<xsd:tcno>%s</xsd:tcno><xsd:parola>%s</xsd:parola><xsd:sifre>%s</xsd:sifre></xsd:kepHesap>'
           '%s</axis:param0></axis:%s></soapenv:Body></soapenv:Envelope>'
           % (op, escape(hesap), tcno, escape(parola), escape(sifre), "".join(fields), op)).encode()
    if not mtom:
        open(body_out, "wb").write(env)
        open(ctype_out, "w").write("text/xml; charset=UTF-8")
        return
    bnd = "MIMEBoundary_" + uuid.uuid4().hex
    root = "0.urn:uuid:%s@apache.org" % uuid.uuid4()
    out = [b"--" + bnd.encode() + CRLF +
           b"Content-Type: application/xop+xml; charset=UTF-8; type=\"text/xml\"\r\n"
           b"Content-Transfer-Encoding: binary\r\nContent-ID: <" + root.encode() + b">\r\n\r\n" + env]
    for cid, data in parts:
        out.append(CRLF + b"--" + bnd.encode() + CRLF +
                   b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n"
                   b"Content-ID: <" + cid.encode() + b">\r\n\r\n" + data)
    out.append(CRLF + b"--" + bnd.encode() + b"--" + CRLF)
    open(body_out, "wb").write(b"".join(out))
    open(ctype_out, "w").write('multipart/related; boundary=%s; type="application/xop+xml"; '
                               'start="<%s>"; start-info="text/xml"' % (bnd, root))


cmd = sys.argv[1]
if cmd == "entity":
    entity(sys.argv[2], *([int(sys.argv[3])] + sys.argv[4:5] if len(sys.argv) > 3 else []))
elif cmd == "smime":
    smime(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
elif cmd == "request":
    request(*sys.argv[2:9], sys.argv[9:])
else:
    sys.exit("unknown command " + cmd)
