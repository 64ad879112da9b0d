#!/bin/sh
# kep/mime: exact signed byte ranges (checked with openssl cms -verify), nested
# envelope -> original, header decoding, variants and malformed input; an
# original nested too deep leaves the envelope verifiable (kepsim-gen deep).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/formats-pki.sh"
TOOL=$top_builddir/tests/formats-tool
crlf() { sed 's/$/\r/'; }

verify_range() { # dir prefix: the range and signature must verify
	openssl cms -verify -binary -inform DER -in "$1/$2-sig0.der" -content "$1/$2-content0.bin" \
		-CAfile "$P/root.pem" -purpose smimesign -out /dev/null 2>"$T/verify.err" \
		|| { cat "$T/verify.err"; fail "$2: the reported signed range does not verify"; }
}

# --- the original: multipart/mixed (text + .eyp with an RFC 2231 name), signed (CRLF)
printf 'PK fake eyp bytes \001\002\003' >"$T/doc.eyp"
{
	printf 'Content-Type: multipart/mixed; boundary="inner-b"\n\n--inner-b\n'
	printf 'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nBelge ektedir.\n'
	printf -- '--inner-b\nContent-Type: application/eyazisma\nContent-Transfer-Encoding: base64\n'
	printf "Content-Disposition: attachment; filename*=UTF-8''%%C4%%B0hale%%20Yaz%%C4%%B1s%%C4%%B1.eyp\n\n"
	base64 "$T/doc.eyp"
	printf -- '--inner-b--\n'
} | crlf >"$T/inner.mime"
openssl cms -sign -in "$T/inner.mime" -binary -signer "$P/signer.pem" -inkey "$P/signer.key" \
	-certfile "$P/inter.pem" -md sha256 -crlfeol -out "$T/orig.body"
{
	printf 'From: =?ISO-8859-9?Q?Ayd=FDn_=DEim=FEek?= <birim@hs01.kep.tr>\n'
	printf 'To: alici@hs02.kep.tr\nSubject: =?UTF-8?B?xZ5pcmtldCDDlmRlbWVzaSDDp8SfxLE=?=\n'
	printf 'Message-ID: <orig-1@hs01.kep.tr>\nDate: Wed, 05 Nov 2025 18:37:48 +0300\n'
	printf 'X-TR-REM-iletiTip: eYazisma\nX-TR-REM-iletiID: EBYS-42\n'
} | crlf >"$T/orig.eml"
cat "$T/orig.body" >>"$T/orig.eml"

# --- the KEPHS envelope: multipart/mixed with the original as message/rfc822, signed
{
	printf 'Content-Type: multipart/mixed; boundary="env-b"\r\n\r\n--env-b\r\n'
	printf 'Content-Type: text/plain\r\n\r\nKEP iletisi\r\n--env-b\r\n'
	printf 'Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename="orig.eml"\r\n\r\n'
	cat "$T/orig.eml"
	printf '\r\n--env-b--\r\n'
} >"$T/env.mime"
openssl cms -sign -in "$T/env.mime" -binary -signer "$P/signer.pem" -inkey "$P/signer.key" \
	-certfile "$P/inter.pem" -md sha256 -crlfeol -out "$T/env.body"
{
	printf 'From: kephs@hs01.kep.tr\r\nSubject: =?utf-8?Q?KEP_=C3=BCzerinden_iletildi?=\r\n'
	printf 'Message-ID: <env-1@hs01.kep.tr>\r\nX-REM-Msg-Type: Dispatch\r\n'
	printf 'X-REM-UAMessageIdentifier: <orig-1@hs01.kep.tr>\r\n'
	cat "$T/env.body"
} >"$T/package.eml"

mkdir "$T/o"
expect_exit 0 "$TOOL" mime "$T/package.eml" "$T/o"
expect_grep '^envelope.state=signed$' "$T/out"
expect_grep '^envelope.sig0.kind=detached protocol=application/pkcs7-signature micalg=sha-256' "$T/out"
expect_grep '^envelope.subject=KEP üzerinden iletildi$' "$T/out"
expect_grep '^envelope.hdr.X-REM-Msg-Type=Dispatch$' "$T/out"
expect_grep '^original.in_package=1 ' "$T/out"
expect_grep '^original.state=signed$' "$T/out"
expect_grep '^original.subject=Şirket Ödemesi çğı$' "$T/out"
expect_grep '^original.from=Aydın Şimşek <birim@hs01.kep.tr>$' "$T/out"
expect_grep '^original.message_id=orig-1@hs01.kep.tr$' "$T/out"
expect_grep '^original.date=2025-11-05T18:37:48\+0300$' "$T/out"
expect_grep '^original.ileti_tip=eYazisma$' "$T/out"
expect_grep '^original.ileti_id=EBYS-42$' "$T/out"
expect_grep '^original.att0=İhale Yazısı.eyp type=application/eyazisma size=21 eyp=1 message=0$' "$T/out"
expect_no_grep '^envelope.att.*smime.p7s' "$T/out"
cmp "$T/o/original-att0.bin" "$T/doc.eyp" || fail "decoded .eyp attachment differs"
verify_range "$T/o" envelope
verify_range "$T/o" original
# The original's bytes are a verbatim slice of the package at the reported offset.
off=$(sed -n 's/^original.in_package=1 off=\([0-9]*\) len=\([0-9]*\)$/\1/p' "$T/out")
len=$(sed -n 's/^original.in_package=1 off=\([0-9]*\) len=\([0-9]*\)$/\2/p' "$T/out")
tail -c +$((off + 1)) "$T/package.eml" | head -c "$len" | cmp - "$T/orig.eml" \
	|| fail "original range is not the original's bytes"
# A changed byte inside the signed part: the range still parses, openssl refuses it.
sed 's/KEP iletisi/KEP iletisI/' "$T/package.eml" >"$T/tampered.eml"
mkdir "$T/t"
expect_exit 0 "$TOOL" mime "$T/tampered.eml" "$T/t"
if openssl cms -verify -binary -inform DER -in "$T/t/envelope-sig0.der" -content "$T/t/envelope-content0.bin" \
	-CAfile "$P/root.pem" -out /dev/null 2>/dev/null; then fail "tampered envelope verified"; fi

# --- old protocol name application/x-pkcs7-signature
sed -e 's#application/pkcs7-signature#application/x-pkcs7-signature#g' "$T/orig.eml" >"$T/x.eml"
mkdir "$T/x"
expect_exit 0 "$TOOL" mime "$T/x.eml" "$T/x"
expect_grep '^envelope.sig0.kind=detached protocol=application/x-pkcs7-signature' "$T/out"
verify_range "$T/x" envelope

# --- base64 .eml attachment: the original is decoded (not a slice) and still verifies
{
	printf 'From: kephs@hs01.kep.tr\r\nSubject: b64\r\nContent-Type: multipart/mixed; boundary="e2"\r\n\r\n'
	printf -- '--e2\r\nContent-Type: application/octet-stream; name="postacert.eml"\r\n'
	printf 'Content-Transfer-Encoding: base64\r\n\r\n'
	base64 "$T/orig.eml" | crlf
	printf -- '--e2--\r\n'
} >"$T/b64.eml"
mkdir "$T/b"
expect_exit 0 "$TOOL" mime "$T/b64.eml" "$T/b"
expect_grep '^envelope.state=unsigned$' "$T/out"
expect_grep '^original.in_package=0 ' "$T/out"
cmp "$T/b/original.eml" "$T/orig.eml" || fail "decoded .eml differs"
verify_range "$T/b" original

# --- opaque application/pkcs7-mime signed-data
openssl cms -sign -nodetach -in "$T/inner.mime" -binary -signer "$P/signer.pem" -inkey "$P/signer.key" \
	-certfile "$P/inter.pem" -md sha256 -crlfeol -out "$T/opaque.body"
{ printf 'From: a@hs01.kep.tr\r\nSubject: opaque\r\n'; cat "$T/opaque.body"; } >"$T/opaque.eml"
mkdir "$T/op"
expect_exit 0 "$TOOL" mime "$T/opaque.eml" "$T/op"
expect_grep '^envelope.state=opaque-signed$' "$T/out"
expect_grep '^envelope.sig0.kind=opaque protocol=application/pkcs7-mime' "$T/out"
openssl cms -verify -inform DER -in "$T/op/envelope-sig0.der" -CAfile "$P/root.pem" -out "$T/op/content" \
	2>/dev/null || fail "opaque SignedData DER does not verify"
# its encapsulated content is opened and walked as a detached one's signed
# part: the same attachment, the signed bytes exactly what the CMS holds
expect_grep "^envelope.sig0.kind=opaque .* off=0 len=$(wc -c <"$T/inner.mime")\$" "$T/out"
cmp -s "$T/op/envelope-content0.bin" "$T/inner.mime" || fail "opaque: the signed bytes are not the encapsulated content"
expect_grep '^envelope.att0=İhale Yazısı.eyp type=application/eyazisma size=21 eyp=1 message=0$' "$T/out"
cmp -s "$T/op/envelope-att0.bin" "$T/doc.eyp" || fail "opaque: the .eyp inside is not decoded byte-exact"
expect_no_grep '^envelope.extra' "$T/out"
# an unsigned part beside the opaque entity is extra content, not an attachment
{
	printf 'From: a@hs01.kep.tr\r\nSubject: opaque\r\nContent-Type: multipart/mixed; boundary="ox"\r\n\r\n--ox\r\n'
	cat "$T/opaque.body"
	printf '\r\n--ox\r\nContent-Type: application/pdf; name="ek-imzasiz.pdf"\r\n'
	printf 'Content-Disposition: attachment; filename="ek-imzasiz.pdf"\r\n\r\n%%PDF-1.4 sahte\r\n--ox--\r\n'
} >"$T/opaque-extra.eml"
expect_exit 0 "$TOOL" mime "$T/opaque-extra.eml" "$T/op"
expect_grep '^envelope.att0=İhale Yazısı.eyp ' "$T/out"
expect_no_grep '^envelope.att1=' "$T/out"
expect_grep '^envelope.extra0=2 type=application/pdf name=ek-imzasiz.pdf off=[0-9]* len=[1-9][0-9]* signed=0$' "$T/out"
# an opaque-signed envelope: the original is found inside its content and
# parsed on a copy of its bytes (they are not in the package)
{
	printf 'Content-Type: multipart/mixed; boundary="oenv"\r\n\r\n--oenv\r\n'
	printf 'Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename="orig.eml"\r\n\r\n'
	cat "$T/orig.eml"; printf '\r\n--oenv--\r\n'
} >"$T/oenv.mime"
openssl cms -sign -nodetach -binary -in "$T/oenv.mime" -signer "$P/signer.pem" -inkey "$P/signer.key" \
	-md sha256 -out "$T/oenv.body"
{ printf 'From: kephs@hs01.kep.tr\r\nSubject: zarf\r\n'; cat "$T/oenv.body"; } >"$T/oenv.eml"
expect_exit 0 "$TOOL" mime "$T/oenv.eml" "$T/op"
expect_grep '^envelope.state=opaque-signed$' "$T/out"
expect_grep '^original.in_package=0 ' "$T/out"
expect_grep '^original.state=signed$' "$T/out"
expect_grep '^original.att0=İhale Yazısı.eyp ' "$T/out"
cmp -s "$T/op/original.eml" "$T/orig.eml" || fail "opaque envelope: the original is not byte-exact"
verify_range "$T/op" original
# an encapsulated content that does not parse (nested deeper than the bound,
# an attachment before the deep part): the signature stands, nothing of it
# is shown
python3 - >"$T/deep.mime" <<'EOPY'
import sys
out = ['Content-Type: multipart/mixed; boundary="d0"', '', '--d0',
       'Content-Type: application/pdf', 'Content-Disposition: attachment; filename="ust.pdf"', '',
       '%PDF-1.4', '--d0']
for i in range(1, 21):
    out += ['Content-Type: multipart/mixed; boundary="d%d"' % i, '', '--d%d' % i]
out += ['Content-Type: text/plain', '', 'derin']
for i in range(20, -1, -1):
    out += ['--d%d--' % i]
sys.stdout.write('\r\n'.join(out) + '\r\n')
EOPY
openssl cms -sign -nodetach -binary -in "$T/deep.mime" -signer "$P/signer.pem" \
	-inkey "$P/signer.key" -md sha256 -outform DER -out "$T/notmime.der"
{
	printf 'From: a@hs01.kep.tr\r\nSubject: opaque\r\nContent-Type: application/pkcs7-mime; smime-type=signed-data\r\n'
	printf 'Content-Transfer-Encoding: base64\r\n\r\n'; base64 "$T/notmime.der" | crlf
} >"$T/notmime.eml"
expect_exit 0 "$TOOL" mime "$T/notmime.eml" "$T/op"
expect_grep '^envelope.sig0.kind=opaque ' "$T/out"
expect_grep '^envelope.content_error=the signed content \(part 1\) does not parse: MIME nesting deeper than 16' "$T/out"
expect_no_grep '^envelope.att0=' "$T/out"
sed 's#application/pkcs7-mime#application/x-pkcs7-mime#' "$T/opaque.eml" >"$T/xopaque.eml"
expect_exit 0 "$TOOL" mime "$T/xopaque.eml" "$T/op"
expect_grep '^envelope.state=opaque-signed$' "$T/out"

# --- unsigned, ISO-8859-9 subject
printf 'From: a@b.tr\r\nSubject: =?iso-8859-9?q?=DDmza_yok_=F0=FE?=\r\n\r\nhello\r\n' >"$T/unsigned.eml"
expect_exit 0 "$TOOL" mime "$T/unsigned.eml" "$T/o"
expect_grep '^envelope.state=unsigned$' "$T/out"
expect_grep '^envelope.subject=İmza yok ğş$' "$T/out"

# --- LF-only: parsed without rewriting bytes, and the signature then fails honestly
tr -d '\r' <"$T/orig.eml" >"$T/lf.eml"
mkdir "$T/lf"
expect_exit 0 "$TOOL" mime "$T/lf.eml" "$T/lf"
expect_grep '^envelope.lf_only=1$' "$T/out"
expect_grep '^envelope.state=signed$' "$T/out"
if openssl cms -verify -binary -inform DER -in "$T/lf/envelope-sig0.der" -content "$T/lf/envelope-content0.bin" \
	-CAfile "$P/root.pem" -out /dev/null 2>/dev/null; then fail "LF-only message verified"; fi

# --- truncated in the middle of the signed part: a clear error, no crash
head -c 700 "$T/orig.eml" >"$T/trunc.eml"
expect_exit 1 "$TOOL" mime "$T/trunc.eml" "$T/o"
expect_grep '^error=malformed: .*multipart/signed' "$T/out"
for n in 1 10 50 100 200 400 1000 1500; do # every cut: never a crash (ASan would abort)
	head -c "$n" "$T/package.eml" >"$T/cut.eml"
	set +e; "$TOOL" mime "$T/cut.eml" "$T/o" >/dev/null 2>"$T/cut.err"; rc=$?; set -e
	[ "$rc" -le 1 ] || { cat "$T/cut.err"; fail "crash on a package cut at $n bytes"; }
done
# --- an original nested too deep (kepsim-gen deep): the envelope stays a
# parsed, verifiable message with its own headers; only the original is
# reported, with its place in the envelope.
. "$top_srcdir/tests/kepsim-env.sh"
kenv_pki
K=$KENV_PKI
# Also inside an opaque-signed envelope (kepsim-gen deep
# --opaque-envelope, RSA): the original lies in the KEPHS's encapsulated
# content, which is opened as the outer message is, the nested message
# blanked for the bounds, so the envelope's content still opens (no content
# error) and only the original is reported too deep (before, 3,000 levels
# made the whole signed content unparseable and lost the original).
for c in "20 ec" "300 ec" "3000 ec" "300 rsa --opaque-envelope" "3000 rsa --opaque-envelope"; do
	set -- $c
	depth=$1 h=$2 opaque=${3:-}
	"$KEPSIM_GEN" deep --pki "$K" --out "$T/deep$depth.eml" --depth $depth --chain $h $opaque \
		>"$T/gen.log" 2>&1 || { cat "$T/gen.log"; fail "kepsim-gen deep $c"; }
	rm -rf "$T/deep"; mkdir "$T/deep"
	expect_exit 0 "$TOOL" mime "$T/deep$depth.eml" "$T/deep"
	expect_grep "^envelope.state=${opaque:+opaque-}signed\$" "$T/out"
	expect_grep '^envelope.ileti_id=EBYS-DEEP-0001$' "$T/out"
	expect_grep '^envelope.ileti_tip=eYazisma$' "$T/out"
	expect_grep '^envelope.hdr.X-REM-Msg-Type=Dispatch$' "$T/out"
	expect_no_grep '^envelope.content_error=' "$T/out"
	expect_grep '^envelope.att0=ileti.eml type=message/rfc822 .* message=1$' "$T/out"
	expect_grep '^original_error=the original message \(envelope part 1.2\) does not parse: MIME nesting deeper than 16' "$T/out"
	expect_no_grep '^original\.' "$T/out"
	# the signed range is the real bytes: it verifies under the chain
	[ -n "$opaque" ] || openssl cms -verify -binary -inform DER -in "$T/deep/envelope-sig0.der" \
		-content "$T/deep/envelope-content0.bin" -CAfile "$K/$h/root.pem" -purpose any \
		-out /dev/null 2>"$T/verify.err" || { cat "$T/verify.err"; fail "deep $c: envelope range"; }
	# the original handed on is the real one, not the parser's blanked view
	grep -q 'X-TR-REM-iletiID: EBYS-DEEP-0001' "$T/deep/envelope-att0.bin" || fail "deep $c: original bytes"
	grep -q 'xxxxxxxx' "$T/deep/envelope-att0.bin" && fail "deep $c: blanked bytes handed on"
	# kepagent verify: the KEPHS signature checked and kept, the original flagged
	set +e
	"$top_builddir/kepagent" verify --json --anchors "$K/$h/root.pem" --tsa-anchors "$K/$h/root.pem" \
		--kephs "$K/$h/kephs.pem" "$T/deep$depth.eml" >"$T/v.json" 2>"$T/v.err"
	set -e
	python3 - "$T/v.json" <<'EOPY' || { cat "$T/v.json" "$T/v.err"; fail "deep $c: verify verdicts"; }
import json, sys
d = json.load(open(sys.argv[1]))
c = {x["check"]: x for x in d["checks"]}
ok = ("valid", "revocation-unknown")
assert c["envelope-signature"]["verdict"] in ok, c["envelope-signature"]
assert c["envelope-signature"]["signer_subject"].startswith("CN=PTT KEPHS"), c["envelope-signature"]
assert c["envelope-timestamp"]["verdict"] in ok, c["envelope-timestamp"]
assert "envelope-content" not in c, c["envelope-content"]
assert c["original-signature"]["verdict"] == "malformed", c["original-signature"]
assert "envelope part 1.2" in c["original-signature"]["reason"], c["original-signature"]
assert "deeper than 16" in c["original-signature"]["reason"], c["original-signature"]
assert d["overall"] == "malformed"
EOPY
done
# A shallow one parses whole: the original and its signature are there.
"$KEPSIM_GEN" deep --pki "$K" --out "$T/deep3.eml" --depth 3 >"$T/gen.log" 2>&1 || fail "kepsim-gen deep 3"
rm -rf "$T/deep"; mkdir "$T/deep"
expect_exit 0 "$TOOL" mime "$T/deep3.eml" "$T/deep"
expect_grep '^original.state=signed$' "$T/out"
expect_grep '^original.ileti_id=EBYS-DEEP-0001$' "$T/out"
expect_no_grep '^original_error=' "$T/out"
exit 0
