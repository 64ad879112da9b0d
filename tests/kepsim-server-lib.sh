# kepsim-server-lib.sh: helpers for the kepsim server tests (sourced after
# tests/lib.sh). kepsim is started with tests/kepsim-env.sh (kenv_start
# --http, kenv_stop --clean); the requests are made with independent tools
# only: curl, python3, openssl.
. "$top_srcdir/tests/kepsim-env.sh"
for tool in curl openssl; do
	command -v $tool >/dev/null || skip "$tool not installed"
done

# make_mailbox SEED [GEN OPTIONS...]: the test PKI and a generated mailbox in
# $T/mb; sets ACC (account dir), HESAP, TCNO, PAROLA, SIFRE, CA.
make_mailbox() {
	seed=$1; shift
	kenv_mailbox --seed "$seed" "$@"
	TCNO=$(kenv_json "$ACC/account.json" tcno)
	PAROLA=$(kenv_json "$ACC/account.json" parola)
	SIFRE=$(kenv_json "$ACC/account.json" sifre)
	CA=$MB/pki/https/ca.pem
}

# soap OP [FIELD=VALUE...]: posts the request with the account's credentials
# (override with CRED_PAROLA=...; CRED_FORM=wrapped|bare[-reordered] is
# the credentials' form, default wrapped); body in $T/resp, headers in $T/hdr,
# curl's exit code in CURL_RC. Values are XML-escaped by python.
soap() {
	op=$1; shift
	python3 - "$op" "$HESAP" "$TCNO" "${CRED_PAROLA:-$PAROLA}" "$SIFRE" "${CRED_FORM:-wrapped}" "$@" >"$T/req.xml" <<'PY'
import sys
from xml.sax.saxutils import escape
op, hesap, tcno, parola, sifre, form = sys.argv[1:7]
bare = form.startswith("bare")
fields = "".join("<xsd:%s>%s</xsd:%s>" % (k, escape(v), k)
                 for k, v in (a.split("=", 1) for a in sys.argv[7:]))
cred = {"kepHesap": hesap, "tcno": tcno, "parola": parola, "sifre": sifre}
# CRED_FORM: wrapped (default) or bare; a "-reordered" suffix sends the
# fields in the order kepagent once used (kepHesap, parola, sifre, tcno).
order = ["kepHesap", "parola", "sifre", "tcno"] if form.endswith("-reordered") else list(cred)
creds = "".join("<xsd:%s>%s</xsd:%s>" % (k, escape(cred[k]), k) for k in order)
print('<?xml version="1.0" encoding="UTF-8"?>'
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
      'xmlns:axis="http://ws.apache.org/axis2" xmlns:xsd="http://ws.apache.org/axis2/xsd">'
      '<soapenv:Body><axis:%s><axis:param0>%s%s%s%s'
      '%s</axis:param0></axis:%s></soapenv:Body></soapenv:Envelope>'
      % (op, "" if bare else "<xsd:kepHesap>", creds,
         "" if bare else "</xsd:kepHesap>", "", fields, op))
PY
	post_file "$T/req.xml" "urn:$op"
}
# post_file FILE ACTION [CURL OPTION...]
post_file() {
	f=$1; act=$2; shift 2
	set +e
	curl -sS --cacert "$CA" --max-time 30 -D "$T/hdr" -o "$T/resp" \
		-H 'Content-Type: text/xml; charset=UTF-8' -H "SOAPAction: \"$act\"" \
		--data-binary @"$f" "$@" "$URL" 2>"$T/curl.err"
	CURL_RC=$?
	set -e
}
http_status() { awk 'NR==1 {print $2}' "$T/hdr"; }

# split_resp: decodes $T/resp (MTOM or text/xml) into $T/root.xml and the
# binaries $T/bin.1, $T/bin.2, ... (in document order; xop:Include resolved
# by Content-ID, inline base64 decoded). Fails when the multipart has no
# closing boundary. Prints the number of binaries.
split_resp() {
	rm -f "$T"/bin.*
	python3 "$top_srcdir/tests/kepsim-server-split.py" "$T/hdr" "$T/resp" "$T"
}
# field NAME: every value of return/NAME in $T/root.xml, one per line.
field() {
	python3 - "$T/root.xml" "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = "{http://ws.apache.org/axis2/xsd}"
r = ET.parse(sys.argv[1]).getroot()
try:
    for e in r.iter(ns + sys.argv[2]):
        print(e.text or "")
except BrokenPipeError:
    pass
PY
}
# folders: the folder names of a DizinSorgula answer in $T/root.xml, in
# either form (string[] returns, or durum/dizin), one per line.
folders() {
	python3 - "$T/root.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
try:
    for e in r.iter("{http://ws.apache.org/axis2}return"):
        kids = list(e)
        if not kids: print(e.text or "")
        for k in kids:
            if k.tag.endswith("}dizin") or k.tag == "dizin": print(k.text or "")
except BrokenPipeError:
    pass
PY
}
# expect_answer: HTTP 200 and an answer (no Fault); split into $T/root.xml.
expect_answer() {
	[ "$(http_status)" = 200 ] || { cat "$T/hdr" "$T/resp"; fail "HTTP $(http_status)"; }
	split_resp >/dev/null
	expect_no_grep 'Fault>' "$T/root.xml"
}
# expect_durum VALUE [HATAACIKLAMA REGEX]
expect_durum() {
	[ "$(http_status)" = 200 ] || { cat "$T/hdr" "$T/resp"; fail "HTTP $(http_status)"; }
	split_resp >/dev/null
	field durum | head -n 1 >"$T/durum"
	[ "$(cat "$T/durum")" = "$1" ] || { cat "$T/root.xml"; fail "durum $(cat "$T/durum"), expected $1"; }
	if [ $# -ge 2 ]; then
		field hataaciklama >"$T/hata"
		expect_grep "$2" "$T/hata"
	fi
}
sha() { sha256sum "$1" | cut -d' ' -f1; }
