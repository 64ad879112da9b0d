#!/usr/bin/env python3
"""kepsim-gen-check.py MAILBOX [N]: checks every item of a kepsim-gen mailbox with
independent tools (openssl cms/ts, xmlsec1, unzip, hashlib) against the
verdicts its manifest.json promises. Prints one line per failed check and
exits 1 if any failed. With N, only the last N manifest items. Used by tests/kepsim-gen-mailbox.sh."""
import base64
import concurrent.futures
import email
import email.policy
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

MB = sys.argv[1]
PKI = os.path.join(MB, "pki")
TMP = tempfile.mkdtemp(prefix="kgcheck.")
failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def run(args, **kw):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    return p.returncode, p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")


def pki(*p):
    return os.path.join(PKI, *p)


def write(name, data):
    # A fresh file per call: items are checked in parallel threads.
    fd, path = tempfile.mkstemp(prefix=name + ".", dir=TMP)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return path


# One CA file: both roots, both intermediates and every CRL (PEM), as
# OpenSSL 3.0's cms -verify takes neither -untrusted nor -CRLfile.
BUNDLE = os.path.join(TMP, "bundle.pem")
with open(BUNDLE, "wb") as out:
    for f in ["trust/rsa-root.pem", "trust/ec-root.pem", "trust/intermediates.pem",
              "crl/rsa-root.crl.pem", "crl/rsa-inter.crl.pem",
              "crl/ec-root.crl.pem", "crl/ec-inter.crl.pem"]:
        out.write(open(pki(f), "rb").read())
UNTRUSTED_BUNDLE = os.path.join(TMP, "untrusted.pem")
with open(UNTRUSTED_BUNDLE, "wb") as out:
    out.write(open(pki("untrusted/root.pem"), "rb").read())


# --- a minimal DER walker: enough to find a SignerInfo's signature value and
# its unsigned signatureTimeStampToken attribute.
def tlv(b, i):
    tag = b[i]
    i += 1
    ln = b[i]
    i += 1
    if ln & 0x80:
        n = ln & 0x7F
        ln = int.from_bytes(b[i:i + n], "big")
        i += n
    return tag, i, ln  # tag, content start, content length


def children(b, start, length):
    out, i = [], start
    while i < start + length:
        tag, cs, ln = tlv(b, i)
        out.append((tag, i, cs, ln))
        i = cs + ln
    return out


def oid_bytes(dotted):
    parts = [int(x) for x in dotted.split(".")]
    body = bytes([parts[0] * 40 + parts[1]])
    for p in parts[2:]:
        enc = [p & 0x7F]
        p >>= 7
        while p:
            enc.append(0x80 | (p & 0x7F))
            p >>= 7
        body += bytes(reversed(enc))
    return body


TS_OID = oid_bytes("1.2.840.113549.1.9.16.2.14")
SHA1_OID = oid_bytes("1.3.14.3.2.26")
# signing-certificate-v2, and v1 which OpenSSL uses with SHA-1.
ESS_OIDS = (oid_bytes("1.2.840.113549.1.9.16.2.47"), oid_bytes("1.2.840.113549.1.9.16.2.12"))


def signer_info(der):
    """(signature value, timestamp token DER or None, digest alg OID bytes)."""
    _, cs, ln = tlv(der, 0)                      # ContentInfo
    ci = children(der, cs, ln)
    _, _, c0, l0 = ci[1]                         # [0] EXPLICIT
    _, sds, sdl = tlv(der, c0)                   # SignedData
    sd = children(der, sds, sdl)
    sis = [c for c in sd if c[0] == 0x31][-1]    # signerInfos SET (last SET)
    si = children(der, sis[2], sis[3])[0]
    parts = children(der, si[2], si[3])
    dalg = children(der, parts[2][2], parts[2][3])[0]
    dalg_oid = der[dalg[2]:dalg[2] + dalg[3]]
    sig = [p for p in parts if p[0] == 0x04][0]
    sigval = der[sig[2]:sig[2] + sig[3]]
    token = None
    ess = False
    for p in parts:
        if p[0] == 0xA0:                         # signedAttrs
            for attr in children(der, p[2], p[3]):
                a = children(der, attr[2], attr[3])
                ess = ess or der[a[0][2]:a[0][2] + a[0][3]] in ESS_OIDS
        if p[0] == 0xA1:                         # unsignedAttrs
            for attr in children(der, p[2], p[3]):
                a = children(der, attr[2], attr[3])
                if der[a[0][2]:a[0][2] + a[0][3]] == TS_OID:
                    v = children(der, a[1][2], a[1][3])[0]
                    token = der[v[1]:v[2] + v[3]]
    check(ess, "SignerInfo without ESS signing-certificate(-v2)")
    return sigval, token, dalg_oid


def p7s_of(raw):
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    if msg.get_content_type() in ("application/pkcs7-mime", "application/x-pkcs7-mime"):
        return msg.get_payload(decode=True)
    if msg.get_content_type() != "multipart/signed":
        return None
    return msg.get_payload()[1].get_payload(decode=True)


def encapsulated(der):
    """The encapsulated content of an opaque SignedData (not verified), or None."""
    out = write("content.bin", b"")
    rc, _ = run(["openssl", "cms", "-verify", "-noverify", "-nosigs", "-inform", "DER",
                 "-in", write("opaque.der", der or b""), "-out", out])
    return open(out, "rb").read() if rc == 0 else None


def cms_verify(path, cafile=BUNDLE, extra=(), crl=True):
    return run(["openssl", "cms", "-verify", "-in", path, "-CAfile", cafile,
                "-purpose", "smimesign", "-out", "/dev/null", *extra]
               + (["-crl_check_all"] if crl else []))


def ts_verify(sigval, token, cafile):
    d = write("sigval.bin", sigval)
    t = write("token.der", token)
    return run(["openssl", "ts", "-verify", "-data", d, "-in", t, "-token_in",
                "-CAfile", cafile, "-untrusted", pki("trust/intermediates.pem")])


def ts_gentime(token):
    t = write("token.der", token)
    rc, out = run(["openssl", "ts", "-reply", "-in", t, "-token_in", "-token_out", "-text"])
    m = re.search(r"Time stamp: (.*)", out)
    return m.group(1).strip() if m else None


def check_crlf(raw, what):
    check(raw.count(b"\n") == raw.count(b"\r\n") and b"\r\r" not in raw, what + ": CRLF only")


def check_cms(path, verdict, what, attime=None):
    # The CRLs were issued after 2024: no CRL check at a time in the past.
    rc, out = cms_verify(path, extra=["-attime", attime] if attime else [], crl=not attime)
    if verdict == "valid" or verdict == "weak":
        check(rc == 0, "%s: expected to verify, got: %s" % (what, out.strip()[-300:]))
    elif verdict == "invalid":
        check(rc != 0 and re.search(r"digest failure|Verification failure|signature failure", out),
              "%s: expected a digest failure: %s" % (what, out.strip()[-300:]))
    elif verdict == "untrusted":
        check(rc != 0 and re.search(r"unable to get local issuer|self.signed certificate in certificate chain", out),
              "%s: expected untrusted: %s" % (what, out.strip()[-300:]))
        rc2, out2 = run(["openssl", "cms", "-verify", "-in", path, "-CAfile", UNTRUSTED_BUNDLE,
                         "-purpose", "smimesign", "-out", "/dev/null"])
        check(rc2 == 0, "%s: should verify under the untrusted root: %s" % (what, out2.strip()[-300:]))
    elif verdict == "expired":
        check(rc != 0 and "certificate has expired" in out, "%s: expected expired: %s" % (what, out[-300:]))
        rc2, out2 = cms_verify(path, extra=["-attime", "1717408800"], crl=False)
        check(rc2 == 0, "%s: should verify in 2024: %s" % (what, out2.strip()[-300:]))
    elif verdict == "revoked":
        check(rc != 0 and "certificate revoked" in out, "%s: expected revoked: %s" % (what, out[-300:]))
    elif verdict == "unsigned":
        check(rc != 0, "%s: unsigned must not verify" % what)
    else:
        check(False, "%s: unexpected verdict %s" % (what, verdict))


EY = "urn:dpt:eyazisma:schema:xsd:"
DIGESTS = {"http://www.w3.org/2001/04/xmlenc#sha256": hashlib.sha256,
           "http://www.w3.org/2001/04/xmlenc#sha512": hashlib.sha512}


def ref_digests(r):
    """(algorithm, value) pairs of a Reference: 1.x holds one ds: pair, 2.x
    two DigestItems of different algorithms."""
    items = [e for e in r if e.tag.endswith("}DigestItem")] or [r]
    out = []
    for it in items:
        dm = next((e for e in it if e.tag.endswith("}DigestMethod")), None)
        dv = next((e for e in it if e.tag.endswith("}DigestValue")), None)
        out.append((dm.get("Algorithm") if dm is not None else None,
                    dv.text if dv is not None else None))
    return out


def check_eyp(data, verdict, what):
    """Both layouts of FORMAT.md: 2.x (Core 2.0, Tarih/BelgeNo in NihaiUstveri,
    two digests per reference, attached CAdES, /Muhur/) and 1.x (Core 1.3,
    Tarih/BelgeNo in Ustveri, BelgeHedef, detached CAdES, /Muhurler/)."""
    p = write("paket.eyp", data)
    rc, out = run(["unzip", "-t", p])
    check(rc == 0, what + ": unzip -t: " + out[-200:])
    z = zipfile.ZipFile(io.BytesIO(data))
    names = set(z.namelist())
    core = [n for n in names if n.endswith(".psmdcp")]
    check(len(core) == 1, what + ": one Core properties part")
    version = ET.fromstring(z.read(core[0])).findtext(
        "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}version") if core else None
    check(version in ("1.3", "2.0"), "%s: Core version %s" % (what, version))
    v1 = version == "1.3"
    seal = "Muhurler/MuhurCades.imz" if v1 else "Muhur/MuhurCades.imz"
    for need in ["[Content_Types].xml", "_rels/.rels", "Ustveri/Ustveri.xml",
                 "NihaiUstveri/NihaiUstveri.xml", "PaketOzeti/PaketOzeti.xml",
                 "NihaiOzet/NihaiOzet.xml", "Imzalar/ImzaCades.imz", seal] + \
                (["BelgeHedef/BelgeHedef.xml"] if v1 else []):
        check(need in names, "%s: part %s missing" % (what, need))
    ns = EY + ("Ustveri-1" if v1 else "Ustveri-2")
    ust = ET.fromstring(z.read("Ustveri/Ustveri.xml"))
    check(ust.tag == "{%s}%s" % (ns, "Ustveri" if v1 else "UstVeri"), what + ": Ustveri root")
    for f in ["BelgeId", "Konu", "Olusturan", "DagitimListesi", "Ekler", "DosyaAdi"]:
        check(ust.find("{%s}%s" % (ns, f)) is not None, "%s: Ustveri/%s" % (what, f))
    for f in ["Tarih", "BelgeNo"]:
        check((ust.find("{%s}%s" % (ns, f)) is not None) == v1,
              "%s: Ustveri/%s %s" % (what, f, "missing (1.x)" if v1 else "present (2.x)"))
    nihai = ET.fromstring(z.read("NihaiUstveri/NihaiUstveri.xml"))
    for f in ["Tarih", "BelgeNo"]:
        check(nihai.find("{%sTipler-2}%s" % (EY, f)) is not None, "%s: NihaiUstveri/%s" % (what, f))
    ok = True
    for doc in ["PaketOzeti/PaketOzeti.xml", "NihaiOzet/NihaiOzet.xml"]:
        root = ET.fromstring(z.read(doc))
        refs = [e for e in root.iter() if e.tag.endswith("}Reference")]
        check(len(refs) >= 2, "%s: %s has references" % (what, doc))
        for r in refs:
            dg = ref_digests(r)
            if all(a is None and v is None for a, v in dg):
                ok = False  # a Reference without a digest covers nothing (eyp-ozet-no-digest)
                continue
            algs = [a for a, _ in dg]
            if v1:
                check(algs == ["http://www.w3.org/2001/04/xmlenc#sha256"], what + ": digest method")
            else:
                check(len(dg) == 2 and len(set(algs)) == 2 and
                      "http://www.w3.org/2001/04/xmlenc#sha512" in algs and
                      all(a in DIGESTS for a in algs), what + ": two digests, one SHA-512")
            if r.get("Type") == "http://eyazisma.dpt/bilesen#harici":
                check(not v1 and doc.startswith("PaketOzeti"), what + ": external reference")
                continue
            part = z.read(r.get("URI").lstrip("/"))
            for a, v in dg:
                if a in DIGESTS and base64.b64encode(DIGESTS[a](part).digest()).decode() != v:
                    ok = False
    for sig, content in [("Imzalar/ImzaCades.imz", "PaketOzeti/PaketOzeti.xml"),
                         (seal, "NihaiOzet/NihaiOzet.xml")]:
        s = write("sig.der", z.read(sig))
        c = write("content.bin", z.read(content))
        if v1:
            rc, out = run(["openssl", "cms", "-verify", "-inform", "DER", "-in", s, "-content", c,
                           "-binary", "-CAfile", BUNDLE, "-purpose", "smimesign", "-out", "/dev/null"])
            check(rc == 0, "%s: %s over %s: %s" % (what, sig, content, out[-200:]))
            continue
        emb = write("embedded.bin", b"")
        rc, out = run(["openssl", "cms", "-verify", "-inform", "DER", "-in", s, "-binary",
                       "-CAfile", BUNDLE, "-purpose", "smimesign", "-out", emb])
        check(rc == 0, "%s: %s (attached): %s" % (what, sig, out[-200:]))
        if open(emb, "rb").read() != z.read(content):
            ok = False  # a genuine signature over another document
    check(ok == (verdict == "valid"), "%s: digests and embedded content %s, expected eyp %s"
          % (what, "hold" if ok else "fail", verdict))


# Attacks outside the signed entities (FORMAT.md): the part kepsim-gen put
# beside the genuine signed entity of the envelope or of the original.
ATTACKS = {"wrapped-envelope": ("envelope", b'filename="sahte.pdf"'),
           "swapped-original": ("envelope", b'filename="baska-belge.pdf"'),
           "unsigned-extra-attachment": ("original", b'filename="ek-imzasiz.pdf"'),
           "second-signed-entity": ("original", b'filename="ek-ikinci.pdf"')}


# Signers in the wrong role: openssl and xmlsec1 accept them (they chain to
# an anchor); what is wrong is who they are, which only the agent's role
# rules (trust.kephs, manifest.trust.kephs) see.
ROLE_FAULTS = {"envelope-by-eimza": "eimza", "opaque-envelope-by-eimza": "eimza", "evidence-by-eimza": "eimza",
               "evidence-by-tsa": "tsa", "evidence-by-seal": "mali"}


def cert_subject(pem):
    rc, out = run(["openssl", "x509", "-noout", "-subject", "-nameopt", "RFC2253",
                   "-in", write("cert.pem", pem)])
    return out.strip() if rc == 0 else None


def signed_entity(raw):
    # The first multipart/signed and what follows (openssl and email stop at
    # its closing delimiter): the genuine signed entity inside the wrapper.
    i = raw.find(b"Content-Type: multipart/signed")
    check(i > 0, "no multipart/signed inside the wrapper")
    return b"MIME-Version: 1.0\r\n" + raw[i:]


# Forgeries of the envelope's CMS structure and of its time stamp
# (gen_forge_cms.c): each is shown to be what FORMAT.md says, with openssl
# and the DER, and what the forger started from shown genuine.
CMS_FORGERIES = {"envelope-signer-cert-missing", "envelope-ess-mismatch",
                 "envelope-not-signed-data", "envelope-attached-as-detached",
                 "envelope-detached-as-opaque", "envelope-no-signer-info",
                 "timestamp-malformed", "timestamp-without-tsa-cert", "timestamp-ess-mismatch",
                 "timestamp-sha1-imprint", "timestamp-md5-imprint", "timestamp-over-content"}
SIGNED_DATA_OID = oid_bytes("1.2.840.113549.1.7.2")
OIDS = {"digestedData": oid_bytes("1.2.840.113549.1.7.5"), "data": oid_bytes("1.2.840.113549.1.7.1"),
        "sha1": oid_bytes("1.3.14.3.2.26"), "md5": oid_bytes("1.2.840.113549.2.5")}


def content_oid(der):
    _, cs, ln = tlv(der, 0)
    o = children(der, cs, ln)[0]
    return der[o[2]:o[2] + o[3]]


def first_signed_part(raw):
    """The exact bytes a multipart/signed's first part holds (the signed range)."""
    m = re.search(rb'boundary="([^"]+)"', raw)
    start = raw.find(b"--" + m.group(1) + b"\r\n") + len(m.group(1)) + 4
    return raw[start:raw.find(b"\r\n--" + m.group(1), start)]


def cert_der(chain, name):
    return subprocess.run(["openssl", "x509", "-in", pki(chain, name + ".pem"), "-outform", "DER"],
                          stdout=subprocess.PIPE).stdout


def cert_hash(chain, name):
    return hashlib.sha256(cert_der(chain, name)).digest()


def check_forged_envelope(it, env, env_path, what):
    f, h, exp = it["fault"], it["chain"], it["expect"]
    p7 = p7s_of(env)
    check(p7 is not None, what + ": no envelope signature")
    p7 = p7 or b"\x30\x00"
    kephs = write("kephs.pem", open(pki(h, "kephs.pem"), "rb").read())
    if f == "envelope-not-signed-data":
        check(content_oid(p7) == OIDS["digestedData"], what + ": not a DigestedData")
        return
    check(content_oid(p7) == SIGNED_DATA_OID, what + ": not a SignedData")
    if f == "envelope-no-signer-info":
        _, cs, ln = tlv(p7, 0)
        _, _, c0, _ = children(p7, cs, ln)[1]
        _, sds, sdl = tlv(p7, c0)
        sd = children(p7, sds, sdl)
        check(sd[-1][0] == 0x31 and sd[-1][3] == 0, what + ": signerInfos not empty")
        check(any(c[0] == 0xA0 for c in sd), what + ": no certificates")
        check(cert_der(h, "kephs") in p7, what + ": KEPHS certificate not shipped")
        return
    if f == "envelope-detached-as-opaque":
        check(encapsulated(p7) in (None, b""), what + ": the opaque SignedData holds content")
        rc, out = run(["openssl", "cms", "-verify", "-noverify", "-inform", "DER", "-in", write("p7.der", p7),
                       "-out", "/dev/null"])
        check(rc != 0, what + ": a detached SignedData verified without content")
        return
    if f == "envelope-attached-as-detached":
        inner = encapsulated(p7)
        check(inner is not None and inner != first_signed_part(env),
              what + ": the encapsulated entity is the first part")
        rc, out = run(["openssl", "cms", "-verify", "-inform", "DER", "-in", write("p7.der", p7),
                       "-CAfile", BUNDLE, "-purpose", "smimesign", "-out", "/dev/null"])
        check(rc == 0, "%s: the encapsulated envelope is not genuine: %s" % (what, out[-300:]))
        return
    sigval, token, _ = signer_info(p7)
    if f == "envelope-signer-cert-missing":
        rc, out = cms_verify(env_path, crl=False)
        check(rc != 0 and "signer certificate not found" in out, "%s: expected no signer: %s" % (what, out[-300:]))
        rc, out = cms_verify(env_path, extra=["-certfile", kephs], crl=False)
        check(rc == 0, "%s: not genuine with the KEPHS certificate: %s" % (what, out[-300:]))
    elif f == "envelope-ess-mismatch":
        # OpenSSL's cms -verify does not check ESS: it verifies; the
        # attribute names the e-imza, not the signer.
        rc, out = cms_verify(env_path, crl=False)
        check(rc == 0, "%s: envelope signature: %s" % (what, out[-300:]))
        check(cert_hash(h, "eimza") in p7 and cert_hash(h, "kephs") not in p7,
              what + ": ESS does not name the e-imza")
    else:
        check_cms(env_path, exp["envelope"], what + " envelope")
    check(token is not None, what + ": no time stamp")
    token = token or b"\x30\x00"
    rc, out = ts_verify(sigval, token, pki("trust/tsa-root.pem"))
    v = exp["envelope_timestamp"]
    if f == "timestamp-malformed":
        check(content_oid(token) == OIDS["data"], what + ": token type not garbled to id-data")
        check(rc != 0, what + ": a garbled token verified")
    elif f == "timestamp-without-tsa-cert":
        check(rc != 0, what + ": a token without certificates verified")
        both = write("tsa.pem", open(pki(h, "tsa.pem"), "rb").read() +
                     open(pki("trust/intermediates.pem"), "rb").read())
        t = write("token.der", token)
        rc2, out2 = run(["openssl", "ts", "-verify", "-data", write("sigval.bin", sigval), "-in", t,
                         "-token_in", "-CAfile", pki("trust/tsa-root.pem"), "-untrusted", both])
        check(rc2 == 0, "%s: not genuine with the TSA certificate: %s" % (what, out2[-300:]))
    elif f == "timestamp-ess-mismatch":
        check(rc != 0, what + ": a token with a foreign ESS verified")
        check(cert_hash(h, "kephs") in token and cert_hash(h, "tsa") not in token,
              what + ": the token's ESS does not name the KEPHS")
    elif f in ("timestamp-sha1-imprint", "timestamp-md5-imprint"):
        check(rc == 0, "%s: weak token does not verify: %s" % (what, out[-300:]))
        alg = "sha1" if "sha1" in f else "md5"
        check(OIDS[alg] in token, what + ": imprint not " + alg)
    elif f == "timestamp-over-content":
        check(rc != 0 and "message imprint mismatch" in out, "%s: expected imprint mismatch: %s" % (what, out[-300:]))
        rc2, out2 = ts_verify(first_signed_part(env), token, pki("trust/tsa-root.pem"))
        check(rc2 == 0, "%s: the token is not over the signed content: %s" % (what, out2[-300:]))
    else:
        check(v == "valid" and rc == 0, "%s: envelope time stamp: %s" % (what, out[-300:]))


def check_package(it):
    d = os.path.join(MB, "accounts", it["account"], it["folder"], str(it["kepSiraNo"]))
    what = "%s/%s/%s (%s)" % (it["account"], it["folder"], it["kepSiraNo"], it["fault"])
    exp = it["expect"]
    meta = json.load(open(os.path.join(d, "meta.json")))
    check(meta["kepId"] == it["kepId"] and meta["kepSiraNo"] == it["kepSiraNo"], what + ": meta ids")
    env = open(os.path.join(d, "package.eml"), "rb").read()
    orig = open(os.path.join(d, "original.eml"), "rb").read()
    check(len(env) == it["size"], what + ": size")
    check_crlf(env, what + " envelope")
    check_crlf(orig, what + " original")
    hdr = email.message_from_bytes(env, policy=email.policy.compat32)
    entity = env
    check(hdr.get_content_type() == ("application/pkcs7-mime" if it.get("envelope_opaque")
                                     or it["fault"] == "envelope-detached-as-opaque"
                                     else "multipart/mixed" if ATTACKS.get(it["fault"], ("",))[0] == "envelope"
                                     else "multipart/signed"),
          "%s: envelope is %s (envelope_opaque %s)" % (what, hdr.get_content_type(), it.get("envelope_opaque")))
    if it.get("envelope_opaque"):
        # The envelope's entity is the SignedData's encapsulated content.
        entity = encapsulated(p7s_of(env))
        check(entity is not None, what + ": the opaque envelope's content does not open")
        entity = entity or b""
        check(entity.startswith(b"Content-Type: multipart/mixed"), what + ": opaque envelope content")
    check(orig + b"\r\n--" in entity or it["fault"] == "envelope-detached-as-opaque",
          what + ": original not byte-identical inside the envelope")
    for h in ["X-REM-Msg-Type", "X-REM-UAMessageIdentifier", "X-REM-MessageIdentifierByREMMD",
              "X-TR-REM-iletiTip", "X-TR-REM-iletiID", "Subject", "From", "To", "Date", "Message-ID"]:
        check(hdr[h] is not None, "%s: envelope header %s" % (what, h))
    # relabelled-as-evidence: the unsigned label says a delil mail, the
    # signed entity holds the original and a data XML (no delil) beside it
    relabelled = it["fault"] == "relabelled-as-evidence"
    check(hdr["X-REM-Msg-Type"] == ("Message" if relabelled else "Dispatch")
          and hdr["Message-ID"] == it["kepId"], what + ": envelope ids")
    check((b'filename="kepbilgi.xml"' in entity and b"<KepBilgi " in entity
           and b"02640" not in entity.split(b"kepbilgi.xml", 1)[-1]) == relabelled, what + ": data XML")
    env_path, orig_path = os.path.join(d, "package.eml"), os.path.join(d, "original.eml")
    attack = ATTACKS.get(it["fault"])
    if attack:
        # The attack is there, and the genuine signed entity beside it verifies.
        where, marker = attack
        check(marker in (env if where == "envelope" else orig), what + ": the attack part is missing")
        if where == "envelope":
            env = signed_entity(env)
            env_path = write("env.eml", env)
        else:
            orig_path = write("orig.eml", signed_entity(orig))
    ohdr = email.message_from_bytes(orig, policy=email.policy.default)
    check(str(ohdr["Subject"]) == meta["konu"], "%s: subject %r != konu %r" % (what, str(ohdr["Subject"]), meta["konu"]))
    check(ohdr["Message-ID"] == meta["OrgMesajId"], what + ": OrgMesajId")
    check(ohdr["X-TR-REM-iletiTip"] == it["iletiTip"], what + ": iletiTip")

    # Envelope signature and its time stamp.
    if it["fault"] in CMS_FORGERIES:
        check_forged_envelope(it, env, env_path, what)
    elif it["fault"] in ("envelope-by-eimza", "opaque-envelope-by-eimza"):
        # Verifies as a signature; the signer is the e-imza, not the KEPHS.
        check_cms(env_path, "valid", what + " envelope (chain)")
        sp = write("signer.pem", b"")
        rc, out = run(["openssl", "cms", "-verify", "-noverify", "-in", env_path, "-signer", sp,
                       "-out", "/dev/null"])
        want = cert_subject(open(pki(it["chain"], "eimza.pem"), "rb").read())
        check(rc == 0 and cert_subject(open(sp, "rb").read()) == want,
              "%s: envelope signer is not %s" % (what, want))
    else:
        check_cms(env_path, exp["envelope"], what + " envelope")
    sigval, token = None, None
    if it["fault"] not in CMS_FORGERIES:
        sigval, token, _ = signer_info(p7s_of(env))
        check(token is not None, what + ": envelope has no signature time stamp")
    if token:
        v = exp["envelope_timestamp"]
        rc, out = ts_verify(sigval, token, pki("trust/tsa-root.pem"))
        if v == "valid":
            check(rc == 0, "%s: envelope time stamp: %s" % (what, out[-300:]))
        elif v == "invalid" and it["fault"] == "timestamp-time-changed":
            # genTime backdated after the TSA signed: the token's own signature fails.
            check(rc != 0 and "signature failure" in out, "%s: expected a token signature failure: %s"
                  % (what, out[-300:]))
        elif v == "invalid":
            check(rc != 0 and "message imprint mismatch" in out, "%s: expected imprint mismatch: %s" % (what, out[-300:]))
        elif v == "untrusted" and it["fault"] == "timestamp-not-by-tsa":
            # Chains to the TSA root, but its signer has no timeStamping EKU.
            check(rc != 0 and "purpose" in out, "%s: expected a purpose failure: %s" % (what, out[-300:]))
        elif v == "untrusted":
            check(rc != 0 and "unable to get local issuer" in out or "self-signed" in out,
                  "%s: expected untrusted TSA: %s" % (what, out[-300:]))
            rc2, out2 = ts_verify(sigval, token, UNTRUSTED_BUNDLE)
            check(rc2 == 0, "%s: wrong TSA token should verify under its own root: %s" % (what, out2[-300:]))

    # The original.
    if it["fault"] == "expired-signer-timestamped":
        # Valid at the time stamp's time (2024-06-03T10:00:00Z), expired now.
        check_cms(os.path.join(d, "original.eml"), "expired", what + " original now")
        check_cms(os.path.join(d, "original.eml"), exp["original"], what + " original", "1717408800")
    elif it["fault"] == "signer-not-yet-valid":
        # Valid in 2024, not yet valid at its time stamp's 2022-06-01T10:00:00Z.
        check_cms(orig_path, "expired", what + " original now")
        rc, out = cms_verify(orig_path, extra=["-attime", "1654077600"], crl=False)
        check(rc != 0 and "not yet valid" in out, "%s: expected not yet valid: %s" % (what, out[-300:]))
    else:
        # detached-as-opaque: the original is genuine; the envelope holds none.
        check_cms(orig_path, "valid" if it["fault"] == "envelope-detached-as-opaque"
                  else exp["original"], what + " original")
    if attack and attack[0] == "original":
        orig = open(orig_path, "rb").read()
        ohdr = email.message_from_bytes(orig, policy=email.policy.default)
    p7 = p7s_of(orig)
    if exp["original"] == "unsigned":
        check(p7 is None, what + ": unsigned original has a signature")
    else:
        osig, otok, dalg = signer_info(p7)
        check((dalg == SHA1_OID) == (exp["original"] == "weak"), what + ": SHA-1 iff weak")
        if it["fault"] in ("expired-signer-timestamped", "signer-not-yet-valid"):
            check(otok is not None, what + ": no time stamp on the original")
            rc, out = ts_verify(osig, otok, pki("trust/tsa-root.pem"))
            check(rc == 0, "%s: original time stamp: %s" % (what, out[-300:]))
            year = "2024" if it["fault"] == "expired-signer-timestamped" else "2022"
            check(year in (ts_gentime(otok) or ""), what + ": time stamp not dated " + year)
        else:
            check(otok is None, what + ": unexpected time stamp on the original")

    # Attachments: the files beside the package are the original's attachments.
    atts = [p for p in ohdr.walk() if p.get_content_disposition() == "attachment"
            and p.get_content_type() not in ("application/pkcs7-signature", "application/x-pkcs7-signature",
                                              "application/pkcs7-mime")]
    if p7 is not None and ohdr.get_content_type() == "application/pkcs7-mime":
        inner = write("inner.der", p7)
        inner_eml = write("inner.eml", b"")
        rc, out = run(["openssl", "cms", "-verify", "-noverify", "-inform", "DER", "-in", inner,
                       "-out", inner_eml])
        atts = [p for p in email.message_from_bytes(open(inner_eml, "rb").read(),
                                                    policy=email.policy.default).walk()
                if p.get_content_disposition() == "attachment"]
    files = sorted(os.listdir(os.path.join(d, "attachments")))
    check(len(files) == len(atts), "%s: %d attachment files, %d attachments" % (what, len(files), len(atts)))
    eyp = None
    for f, p in zip(files, atts):
        data = open(os.path.join(d, "attachments", f), "rb").read()
        if not (it["fault"] == "tampered-original"):
            check(data == p.get_payload(decode=True), "%s: attachment %s differs" % (what, f))
        if p.get_content_type() == "application/eyazisma":
            eyp = data
    if exp["eyp"] is None:
        check(eyp is None, what + ": unexpected .eyp")
    else:
        check(eyp is not None, what + ": .eyp missing")
        if eyp:
            check_eyp(eyp, exp["eyp"], what + " eyp")


EVENTS = {10: ("SubmissionAcceptanceRejection", "Acceptance"), 11: ("SubmissionAcceptanceRejection", "Rejection"),
          20: ("RelayREMMDAcceptanceRejection", "Acceptance"), 21: ("RelayREMMDAcceptanceRejection", "Rejection"),
          31: ("RelayREMMDFailure", "RelayFailure"), 40: ("DeliveryNonDeliveryToRecipient", "Delivery"),
          41: ("DeliveryNonDeliveryToRecipient", "DeliveryExpiration"),
          60: ("RetrievalNonRetrievalByRecipient", "Retrieval")}
REM = "{http://uri.etsi.org/02640/v2#}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"


# The delil XML forgeries (gen_evforge.c), each checked for what it claims
# to be: KEPHS-signed where it says so, the one thing it forges present.
XML_FORGERIES = {"evidence-enveloping", "evidence-duplicate-id", "evidence-wrapped-id",
                 "evidence-no-certificate", "evidence-sha1-signature", "evidence-md5-digest",
                 "evidence-no-digest", "evidence-unknown-digest"}
SIG_URI = {"evidence-sha1-signature": ("#rsa-sha1", "#ecdsa-sha1"), "evidence-md5-digest": ("#md5",)}


def signer_is(data, name):
    m = re.search(rb"<(?:ds:)?X509Certificate>([^<]+)<", data)
    der = base64.b64decode(m.group(1)) if m else b""
    pem = b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(der) + b"-----END CERTIFICATE-----\n"
    want = [cert_subject(open(pki(h, name + ".pem"), "rb").read()) for h in ("rsa", "ec")]
    return cert_subject(pem) in want


def check_xml_forgery(it, what, data, x, rc, out):
    """Checks one XML forgery; returns the delil element's bytes for the
    common field checks (the moved or enveloped genuine one)."""
    f = it["fault"]
    root = ET.fromstring(data)
    if f == "evidence-enveloping":
        # A genuine KEPHS signature whose document is ds:Signature itself.
        rc, out = run(["xmlsec1", "--verify", "--trusted-pem", pki("trust/rsa-root.pem"),
                       "--trusted-pem", pki("trust/ec-root.pem"), "--id-attr:Id",
                       "http://www.w3.org/2000/09/xmldsig#:Object", x])
        check(rc == 0 and signer_is(data, "kephs"), "%s: enveloping signature: %s" % (what, out[-300:]))
        check(root.tag == DS + "Signature", what + ": root is not ds:Signature")
        return ET.tostring(root.find(DS + "Object")[0])
    if f in ("evidence-duplicate-id", "evidence-wrapped-id"):
        # The genuine signed element, moved into the forged root's Extensions:
        # both carry Id "ev" (the forged one namespaced when wrapped), the
        # signature references "#ev", and the forged root's EventTime differs.
        inner = root.find(REM + "Extensions")[0]
        ref = root.find(DS + "Signature/" + DS + "SignedInfo/" + DS + "Reference")
        check(ref is not None and ref.get("URI") == "#ev", what + ": reference is not #ev")
        check(inner.get("Id") == "ev", what + ": the moved element's Id")
        if f == "evidence-wrapped-id":
            check(root.get("Id") is None and root.get("{urn:kepsim:wrap}Id") == "ev", what + ": w:Id")
        else:
            check(root.get("Id") == "ev", what + ": the forged root's Id")
        check(root.findtext(REM + "EventTime") != inner.findtext(REM + "EventTime"),
              what + ": the forged root says what the signed element says")
        check(signer_is(data, "kephs"), what + ": not the KEPHS certificate")
        return ET.tostring(inner)
    if f == "evidence-no-certificate":
        # Intact with its bare KeyValue key, which is the forger's (e-imza).
        check(rc == 0, "%s: xmlsec1 --verify: %s" % (what, out[-300:]))
        check(b"X509Certificate" not in data and b"RSAKeyValue" in data, what + ": key info")
        mod = subprocess.run(["openssl", "rsa", "-in", pki("rsa", "eimza.key"), "-noout", "-modulus"],
                             capture_output=True, text=True).stdout.split("=")[-1].strip()
        km = re.search(rb"<(?:ds:)?Modulus>([^<]+)<", data)
        check(km is not None and base64.b64decode(km.group(1)).hex().upper().lstrip("0") == mod.lstrip("0"),
              what + ": the KeyValue is not the e-imza key")
        return data
    # The KEPHS signed these; their algorithm (or the digest of the
    # original) is the fault.
    check(rc == 0 and signer_is(data, "kephs"), "%s: xmlsec1 --verify: %s" % (what, out[-300:]))
    if f in SIG_URI:
        check(any(("Algorithm=\"http://www.w3.org/2000/09/xmldsig%s\"" % u).encode() in data
                  or ("Algorithm=\"http://www.w3.org/2001/04/xmldsig-more%s\"" % u).encode() in data
                  for u in SIG_URI[f]), what + ": algorithm")
    return data


def check_evidence(it):
    d = os.path.join(MB, "accounts", it["account"], it["folder"], str(it["kepSiraNo"]))
    what = "%s/%s/%s delil %s (%s)" % (it["account"], it["folder"], it["kepSiraNo"], it["delilId"], it["fault"])
    j = json.load(open(os.path.join(d, "delil", it["delilId"] + ".json")))
    check(j["delilId"] == it["delilId"] and j["delilTurId"] == it["delilTurId"], what + ": json ids")
    data = open(os.path.join(d, "delil", j["file"]), "rb").read()
    if it["zipped"]:
        check(j["file"].endswith(".zip"), what + ": zipped file name")
        rc, out = run(["unzip", "-t", os.path.join(d, "delil", j["file"])])
        check(rc == 0, what + ": unzip -t: " + out[-200:])
        z = zipfile.ZipFile(io.BytesIO(data))
        data = z.read(z.namelist()[0])
    else:
        check(j["file"].endswith(".xml"), what + ": xml file name")
    x = write("evidence.xml", data)
    rc, out = run(["xmlsec1", "--verify", "--trusted-pem", pki("trust/rsa-root.pem"),
                   "--trusted-pem", pki("trust/ec-root.pem"), x])
    if it["fault"] in XML_FORGERIES:
        data = check_xml_forgery(it, what, data, x, rc, out)
    elif it["fault"] in ROLE_FAULTS:
        # Intact and chained; the signer is who the fault names, not the KEPHS.
        check(rc == 0, "%s: xmlsec1 --verify: %s" % (what, out[-300:]))
        m = re.search(rb"<(?:ds:)?X509Certificate>([^<]+)<", data)
        der = base64.b64decode(m.group(1)) if m else b""
        pem = b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(der) + b"-----END CERTIFICATE-----\n"
        subj = cert_subject(pem)
        want = [cert_subject(open(pki(h, ROLE_FAULTS[it["fault"]] + ".pem"), "rb").read()) for h in ("rsa", "ec")]
        check(subj is not None and subj in want, "%s: evidence signer %s, expected one of %s" % (what, subj, want))
    elif it["fault"] == "evidence-partial-signature":
        # Intact over SenderMessageDetails (Id smd) alone, EventTime changed
        # outside it: xmlsec1 verifies the part it is told of, nothing more.
        rc2, out2 = run(["xmlsec1", "--verify", "--trusted-pem", pki("trust/rsa-root.pem"),
                         "--trusted-pem", pki("trust/ec-root.pem"), "--id-attr:Id", "SenderMessageDetails", x])
        check(rc2 == 0, "%s: the signed part does not verify: %s" % (what, out2[-300:]))
        check(b'URI="#smd"' in data and data.count(b"<Reference") + data.count(b"<ds:Reference") == 1,
              what + ": the signature covers more than SenderMessageDetails")
    elif it["expect"]["signature"] == "valid":
        check(rc == 0, "%s: xmlsec1 --verify: %s" % (what, out[-300:]))
    else:
        check(rc != 0, what + ": broken evidence signature verified")
    root = ET.fromstring(data)
    # evidence-code-mismatch: the listing claims delilTurId, the signed
    # delil is a genuine 10 (or 20 when the claim is 10).
    signed = it["delilTurId"]
    if it["fault"] == "evidence-code-mismatch":
        signed = 20 if signed == 10 else 10
    typ, ev = EVENTS[signed]
    check(root.tag == REM + typ, "%s: root %s, expected %s" % (what, root.tag, typ))
    check(root.findtext(REM + "EventCode") == "http://uri.etsi.org/02640/Event#" + ev, what + ": EventCode")
    for f in ["EvidenceIdentifier", "EvidenceIssuerDetails", "EventTime", "SubmissionTime",
              "SenderDetails", "RecipientsDetails", "SenderMessageDetails"]:
        check(root.find(REM + f) is not None, "%s: %s missing" % (what, f))
    smd = root.find(REM + "SenderMessageDetails")
    meta = json.load(open(os.path.join(d, "meta.json")))
    check(smd.findtext(REM + "MessageIdentifierByREMMD") == meta["kepId"], what + ": REMMD id")
    check(smd.findtext(REM + "UAMessageIdentifier") == meta["OrgMesajId"], what + ": UA id")
    if it["fault"] == "evidence-no-digest":
        check(smd.find(DS + "DigestMethod") is None and smd.find(DS + "DigestValue") is None,
              what + ": a digest of the original")
        return
    check(smd.find(DS + "DigestMethod").get("Algorithm") == (
          "urn:kepsim:digest#crc32" if it["fault"] == "evidence-unknown-digest"
          else "http://www.w3.org/2001/04/xmlenc#sha256"), what + ": digest method")
    orig = open(os.path.join(d, "original.eml"), "rb").read()
    match = smd.findtext(DS + "DigestValue") == base64.b64encode(hashlib.sha256(orig).digest()).decode()
    # (enveloping: the agent reads no digest outside the document element)
    check(match == (it["expect"]["digest"] in ("match", "unsupported")
                    or it["fault"] == "evidence-enveloping"), "%s: digest %s, expected %s"
          % (what, "matches" if match else "differs", it["expect"]["digest"]))


def check_evidence_mail(it):
    # The carrying message in INBOX: a REM Message with the delil attached.
    d = os.path.join(MB, "accounts", it["account"], "INBOX", str(it["kepSiraNo"]))
    what = "%s/INBOX/%s evidence mail %s (%s)" % (it["account"], it["kepSiraNo"], it["delilId"], it["fault"])
    eml = open(os.path.join(d, "package.eml"), "rb").read()
    check(("X-REM-Msg-Type: %s" % ("Dispatch" if it["fault"] == "evidence-mail-relabelled-dispatch"
                                    else "Message")).encode() in eml, what + ": REM Msg-Type")
    check(("X-REM-EvidenceIdentifier: %s" % it["delilId"]).encode() in eml, what + ": evidence id")
    check(("X-REM-MessageIdentifierByREMMD: %s" % it["aboutKepId"]).encode() in eml, what + ": REMMD id")


man = json.load(open(os.path.join(MB, "manifest.json")))
items = man["items"][-int(sys.argv[2]):] if len(sys.argv) > 2 else man["items"]
def check_item(it):
    try:
        {"package": check_package, "evidence-mail": check_evidence_mail}.get(
            it["kind"], check_evidence)(it)
    except Exception as e:  # a crash in a check is a failed check
        check(False, "%s: %r" % (it.get("kepId") or it.get("delilId"), e))


with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
    list(pool.map(check_item, items))
print("%d checks, %d failed" % (checks, len(failures)))
subprocess.run(["rm", "-rf", TMP])
sys.exit(1 if failures else 0)
