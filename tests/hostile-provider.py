#!/usr/bin/env python3
"""A hostile KEP provider for tests/hostile-provider.sh: an HTTPS server on
loopback that answers every request with one kind of bad answer.

Usage: hostile-provider.py MODE CERT KEY PORTFILE

MODE is one of: garbage, garbage-nul, html200, empty200, redirect-host, redirect-http,
gzip-bomb, big-header, many-headers, trickle, truncated-mtom, wrong-op, soap-ok (a
well-formed SOAP Fault, used with bad TLS certificates).
"""
import http.server
import os
import socketserver
import ssl
import sys
import time
import zlib

MODE, CERT, KEY, PORTFILE = sys.argv[1:5]

FAULT = (b'<?xml version="1.0" encoding="UTF-8"?>'
         b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
         b'<soapenv:Body><soapenv:Fault><faultcode>soapenv:Server</faultcode>'
         b'<faultstring>hostile</faultstring></soapenv:Fault></soapenv:Body>'
         b'</soapenv:Envelope>')

# An answer of another operation than the one asked, whatever was asked.
WRONG_OP = (b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
            b'<soapenv:Body><ns:KotaSorgulaResponse xmlns:ns="http://ws.apache.org/axis2">'
            b'<ns:return>1024</ns:return></ns:KotaSorgulaResponse></soapenv:Body>'
            b'</soapenv:Envelope>')

# A Giris answer in a shape nobody knows, holding a session id: the error
# shows an excerpt, the id masked.
NO_RETURN = (b'<?xml version="1.0" encoding="UTF-8"?>'
             b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
             b'<soapenv:Body><ns:GirisResponse xmlns:ns="http://ws.apache.org/axis2">'
             b'<ns:sonuc><ns:durum>0</ns:durum><ns:eGuvenlikId>SESSION-SECRET-42</ns:eGuvenlikId>'
             b'</ns:sonuc></ns:GirisResponse></soapenv:Body></soapenv:Envelope>')


def bomb():
    # 256 MiB of zeros, about 1 MiB gzipped: more than any body limit. Made
    # once per test run (HOSTILE_BOMB caches it).
    path = os.environ.get("HOSTILE_BOMB")
    if path and os.path.exists(path):
        return open(path, "rb").read()
    c = zlib.compressobj(1, zlib.DEFLATED, 31)
    zeros = b"\0" * (1 << 20)
    out = b"".join(c.compress(zeros) for _ in range(256)) + c.flush()
    if path:
        open(path + ".tmp", "wb").write(out)
        os.rename(path + ".tmp", path)
    return out


BOMB = bomb() if MODE == "gzip-bomb" else b""


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("hostile: %s %s\n" % (MODE, fmt % args))

    def send(self, status, ctype, body, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        if n > 0:
            self.rfile.read(min(n, 1 << 20))
        if MODE == "garbage":
            self.send(200, "text/xml; charset=UTF-8", os.urandom(4096))
        elif MODE == "garbage-nul":
            # Random bytes whose second is NUL: refused as UTF-16 by the XML
            # prolog check, and an excerpt read as a C string was empty.
            self.send(200, "text/xml; charset=UTF-8", b"\xa7\x00" + os.urandom(4094))
        elif MODE == "html200":
            self.send(200, "text/html", b"<html><head><title>Bakim</title></head>"
                      b"<body><h1>Sistem bak\xc4\xb1mda</h1></body></html>\n")
        elif MODE == "empty200":
            self.send(200, "text/xml; charset=UTF-8", b"")
        elif MODE == "redirect-host":
            self.send(302, "text/html", b"moved",
                      [("Location", "https://kep.example.invalid/KepEYazismaV1.1/")])
        elif MODE == "redirect-http":
            self.send(307, "text/html", b"moved",
                      [("Location", "http://127.0.0.1:%d/plain" % self.server.server_address[1])])
        elif MODE == "gzip-bomb":
            self.send(200, "text/xml; charset=UTF-8", BOMB, [("Content-Encoding", "gzip")])
        elif MODE == "big-header":
            self.send(200, "text/xml; charset=UTF-8", FAULT, [("X-Junk", "a" * (1 << 20))])
        elif MODE == "many-headers":
            self.send(200, "text/xml; charset=UTF-8", FAULT,
                      [("X-Junk-%d" % i, "b" * 1000) for i in range(200)])
        elif MODE == "trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/xml; charset=UTF-8")
            self.send_header("Content-Length", str(len(FAULT)))
            self.end_headers()
            try:
                for b in FAULT:
                    self.wfile.write(bytes([b]))
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                pass
        elif MODE == "truncated-mtom":
            boundary = b"MIMEBoundary_hostile"
            body = (b"--" + boundary + b"\r\n"
                    b"Content-Type: application/xop+xml; charset=UTF-8; type=\"text/xml\"\r\n"
                    b"Content-ID: <root.message@cxf.apache.org>\r\n\r\n"
                    b'<?xml version="1.0" encoding="UTF-8"?>'
                    b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
                    b'<soapenv:Body><ns:IndirResponse xmlns:ns="http://ws.apache.org/axis2">'
                    b'<ns:return><ax:durum xmlns:ax="http://ws.apache.org/axis2/xsd">0</ax:durum>'
                    b'<ax:ePaket xmlns:ax="http://ws.apache.org/axis2/xsd"><xop:Include '
                    b'xmlns:xop="http://www.w3.org/2004/08/xop/include" href="cid:1.bin"/>'
                    b"</ax:ePaket></ns:return></ns:IndirResponse></soapenv:Body></soapenv:Envelope>\r\n"
                    b"--" + boundary + b"\r\n"
                    b"Content-Type: application/octet-stream\r\n"
                    b"Content-ID: <1.bin>\r\n\r\n"
                    b"MIME-Version: 1.0\r\nSubject: half a pack")
            ctype = ('multipart/related; boundary="%s"; type="application/xop+xml"; '
                     'start="<root.message@cxf.apache.org>"; start-info="text/xml"'
                     % boundary.decode())
            self.send(200, ctype, body)
        elif MODE == "wrong-op":
            self.send(200, "text/xml; charset=UTF-8", WRONG_OP)
        elif MODE == "no-return":
            self.send(200, "text/xml; charset=UTF-8", NO_RETURN)
        else:
            self.send(500, "text/xml; charset=UTF-8", FAULT)

    do_GET = do_POST


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


srv = Server(("127.0.0.1", 0), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
tmp = PORTFILE + ".tmp"
with open(tmp, "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(tmp, PORTFILE)
srv.serve_forever()
