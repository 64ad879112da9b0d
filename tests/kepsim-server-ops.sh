#!/bin/sh
# kepsim: every EYWS operation over real HTTPS with hand-built SOAP (curl),
# MTOM and inline-base64 binaries byte-identical to the mailbox, the date
# window, wrong credentials, SOAP Faults, acknowledgement and deletion state,
# a package added while running, and the request log.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-server-lib.sh"

make_mailbox 5 --received 4 --sent 2 --faults none
kenv_start --http mtom --request-log "$T/req.jsonl"

# WSDL
curl -sS --cacert "$CA" -o "$T/wsdl" "$URL?wsdl" || fail "GET ?wsdl"
expect_grep '<wsdl:operation name="PaketDelilIndir">' "$T/wsdl"
expect_grep "soap:address location=\"$URL\"" "$T/wsdl"
python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$T/wsdl" || fail "WSDL is not XML"

# Wrong credentials: durum=1 with the Turkish text, for any operation.
CRED_PAROLA=yanlis soap PaketSorgula
expect_durum 1 'Kullanıcı adı veya parola hatalı'
expect_no_grep '<ax:kepId>' "$T/root.xml"

# DizinSorgula: the account's folders, as string[] (one bare return each,
# no durum), for the credentials wrapped or (the public clients' form) bare.
soap DizinSorgula
expect_answer
folders >"$T/got"; kenv_json "$ACC/account.json" folders >"$T/want"
cmp "$T/got" "$T/want" || fail "DizinSorgula folders differ"
[ -z "$(field durum)" ] || fail "string[] DizinSorgula carries a durum"
CRED_FORM=bare soap DizinSorgula
expect_answer
folders >"$T/got"
cmp "$T/got" "$T/want" || fail "DizinSorgula (bare credentials) folders differ"
expect_grep '"op":"DizinSorgula".*"creds":"bare"' "$T/req.jsonl"

# PaketSorgula, whole INBOX: parallel arrays in kepSiraNo order.
soap PaketSorgula ilktarih=2000-01-01T00:00:00 sontarih=2099-12-31T23:59:59
expect_durum 0
field kepSiraNo >"$T/siras"
ls "$ACC/INBOX" | sort -n >"$T/want"
cmp "$T/siras" "$T/want" || fail "INBOX listing differs"
field kepId >"$T/ids"
field konu >"$T/konus"
n=0
for s in $(cat "$T/want"); do
	n=$((n + 1))
	[ "$(sed -n ${n}p "$T/ids")" = "$(kenv_json "$ACC/INBOX/$s/meta.json" kepId)" ] || fail "kepId $n not parallel"
	[ "$(sed -n ${n}p "$T/konus")" = "$(kenv_json "$ACC/INBOX/$s/meta.json" konu)" ] || fail "konu $n not parallel"
done
[ "$(field durum | wc -l)" -eq $n ] && [ "$(field turId | wc -l)" -eq $n ] || fail "arrays not parallel"

# Date window: exactly the packages whose tarih is inside.
s2=$(sed -n 2p "$T/want")
t2=$(kenv_json "$ACC/INBOX/$s2/meta.json" tarih)
# The mailbox holds UTC; on the wire a naive time is Turkish time (UTC+3).
soap PaketSorgula ilktarih="${t2}Z" sontarih="${t2}Z" dizin=INBOX
expect_durum 0
[ "$(field kepSiraNo)" = "$s2" ] || fail "window [${t2}Z, ${t2}Z] did not give only $s2"
tr=$(python3 -c 'import sys,calendar,time; print(time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(calendar.timegm(time.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%S")) + 3 * 3600)))' "$t2")
soap PaketSorgula ilktarih="$tr" sontarih="${tr}+03:00" dizin=INBOX
expect_durum 0
[ "$(field kepSiraNo)" = "$s2" ] || fail "window [$t2, $t2] did not give only $s2"
# Empty: the public clients' form, kepId nil and durum[0] set.
soap PaketSorgula ilktarih=2099-01-01T00:00:00
expect_durum 1 'Paket Bulunamad'
[ -z "$(field kepSiraNo)" ] || fail "future window not empty"
expect_grep 'kepId xsi:nil="true"' "$T/root.xml"
soap PaketSorgula ilktarih=2020-01-01
expect_durum 1 'Tarih'
soap PaketSorgula dizin=NOPE
expect_durum 1 'Dizin'

# Indir: ePart ALL/ORGM/ORGMATTACH, by kepSiraNo and by kepId, MTOM.
check_indir() {
	soap PaketSorgula
	expect_durum 0
	field kepSiraNo >"$T/listed"
	for s in $(cat "$T/listed"); do
		p=$ACC/INBOX/$s
		soap Indir kepSiraNo=$s ePart=ALL dizin=INBOX
		expect_durum 0
		grep -qi '^Content-Type: multipart/related' "$T/hdr" || [ "$1" = inline ] || fail "Indir is not MTOM"
		[ "$(sha "$T/bin.1")" = "$(sha "$p/package.eml")" ] || fail "$1 ALL $s differs"
		soap Indir kepId="$(kenv_json "$p/meta.json" kepId)" ePart=ORGM
		expect_durum 0
		[ "$(sha "$T/bin.1")" = "$(sha "$p/original.eml")" ] || fail "$1 ORGM $s differs"
		soap Indir kepSiraNo=$s ePart=ORGMATTACH
		expect_durum 0
		[ "$(split_resp)" -eq "$(ls "$p/attachments" | wc -l)" ] || fail "$1 ORGMATTACH $s count"
		i=0
		for a in $(ls "$p/attachments" | sort); do
			i=$((i + 1))
			cmp "$T/bin.$i" "$p/attachments/$a" || fail "$1 attachment $a differs"
		done
	done
}
check_indir mtom
soap Indir kepSiraNo=999999 ePart=ALL
expect_durum 1 'Paket bulunamadı'
soap Indir kepId='<no-such-id>'
expect_durum 1 'Paket bulunamadı'
soap Indir kepSiraNo=1 ePart=BOGUS
expect_durum 1 'ePart'

# Evidence of sent packages: list and download byte-identical.
nev=0
for s in $(ls "$ACC/OUTBOX"); do
	p=$ACC/OUTBOX/$s
	soap PaketDelilSorgula kepSiraNo=$s kepId="$(kenv_json "$p/meta.json" kepId)" dizin=OUTBOX
	expect_durum 0
	field delilId >"$T/dids"; field delilTurId >"$T/dturs"; field tarih >"$T/dtarih"
	[ "$(wc -l <"$T/dids")" -eq "$(ls "$p/delil" 2>/dev/null | grep -c '\.json$')" ] || fail "evidence count $s"
	i=0
	for id in $(cat "$T/dids"); do
		i=$((i + 1))
		j=$p/delil/$id.json
		[ "$(sed -n ${i}p "$T/dturs")" = "$(kenv_json "$j" delilTurId)" ] || fail "delilTurId of $id"
		# The interface time rule: the mailbox's UTC, on the wire (default
		# --times=offset) Turkish time with +03:00.
		python3 - "$(sed -n ${i}p "$T/dtarih")" "$(kenv_json "$j" tarih)" <<'PY' || fail "tarih of $id"
import calendar, sys, time
wire, utc = sys.argv[1:3]
t = calendar.timegm(time.strptime(utc, "%Y-%m-%dT%H:%M:%S")) + 3 * 3600
assert wire == time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + "+03:00", (wire, utc)
PY
		soap PaketDelilIndir delilId="$id"
		expect_durum 0
		cmp "$T/bin.1" "$p/delil/$(kenv_json "$j" file)" || fail "eDelil $id differs"
		expect_grep 'eDelil xmlns:xmime="http://www.w3.org/2005/05/xmlmime" xmime:contentType="application/(xml|zip)" fileName="delil1\.(xml|zip)"' "$T/root.xml"
		nev=$((nev + 1))
	done
done
[ $nev -gt 0 ] || fail "no evidence tested"
soap PaketDelilIndir delilId=NOPE
expect_durum 1 'Delil bulunamadı'

# Unknown operation and malformed requests: SOAP 1.1 Fault with HTTP 500.
soap NoSuchOperation
[ "$(http_status)" = 500 ] || fail "unknown operation: HTTP $(http_status)"
expect_grep '<soapenv:Fault><faultcode>soapenv:Client</faultcode>' "$T/resp"
printf '<not-xml' >"$T/bad.xml"
post_file "$T/bad.xml" ""
[ "$(http_status)" = 500 ] && grep -q 'faultstring' "$T/resp" || fail "malformed XML not a Fault"
printf '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"/>' >"$T/dtd.xml"
post_file "$T/dtd.xml" ""
[ "$(http_status)" = 500 ] && grep -q 'DTD' "$T/resp" || fail "DTD not refused"
post_file "$T/req.xml" "urn:Giris"
[ "$(http_status)" = 500 ] || fail "SOAPAction mismatch accepted"

# AlindiOnay: recorded once, a repeat is fine and logged as duplicate.
s1=$(ls "$ACC/INBOX" | sort -n | head -n 1)
soap AlindiOnay kepSiraNo=$s1 dizin=INBOX
expect_durum 0
soap AlindiOnay kepId="$(kenv_json "$ACC/INBOX/$s1/meta.json" kepId)" dizin=INBOX
expect_durum 0
[ "$(wc -l <"$T/mb/state/acks.jsonl")" -eq 1 ] || fail "acks.jsonl should have one line"
expect_grep "\"kepSiraNo\":$s1" "$T/mb/state/acks.jsonl"
expect_grep '"op":"AlindiOnay".*"duplicate":true' "$T/req.jsonl"

# PaketSil: the package leaves the list and cannot be downloaded.
soap PaketSil kepSiraNo=$s1
expect_durum 0
soap PaketSil kepSiraNo=$s1
expect_durum 0
soap PaketSorgula
expect_durum 0
field kepSiraNo | grep -qx "$s1" && fail "deleted package still listed"
soap Indir kepSiraNo=$s1
expect_durum 1 'Paket bulunamadı'

# Counters.
soap KontorSorgula
expect_durum 0
field kontor | grep -Eq '^[0-9]+$' || fail "kontor"
soap KotaSorgula
expect_durum 0
field kota | grep -Eq '^[0-9]+$' || fail "kota"

# A package added while running (built under a dot name, renamed in place).
new=$(( $(ls "$ACC/INBOX" | sort -n | tail -n 1) + 100 ))
cp -r "$ACC/INBOX/$s2" "$ACC/INBOX/.tmp-$new"
python3 - "$ACC/INBOX/.tmp-$new/meta.json" $new <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); m["kepSiraNo"] = int(sys.argv[2]); m["kepId"] = "<EYWSadded-%s.pttkepMimeyap>" % sys.argv[2]
json.dump(m, open(sys.argv[1], "w"))
PY
soap PaketSorgula
field kepSiraNo | grep -qx "$new" && fail "a package being written (dot name) is listed"
mv "$ACC/INBOX/.tmp-$new" "$ACC/INBOX/$new"
soap PaketSorgula
expect_durum 0
field kepSiraNo | grep -qx "$new" || fail "added package not listed"
field kepId | grep -qx "<EYWSadded-$new.pttkepMimeyap>" || fail "added package's kepId"

# The request log: one line per request, with operation and parameters.
expect_grep '"op":"Indir",("creds":"[a-z]+",)?"account":"[^"]+","kepSiraNo":"999999"' "$T/req.jsonl"
[ "$(grep -c '"op":"PaketSil"' "$T/req.jsonl")" -eq 2 ] || fail "request log PaketSil count"
expect_no_grep "$PAROLA|$SIFRE" "$T/req.jsonl"
kenv_stop --clean
expect_no_grep "$PAROLA|$SIFRE" "$T/mtom.log"

# Inline base64: plain text/xml with the same bytes.
kenv_start --http inline --inline-base64
check_indir inline
grep -qi '^Content-Type: text/xml' "$T/hdr" || fail "inline mode is not text/xml"
kenv_stop --clean

# --strict-creds (here by --dialect plain): a credential-only operation
# wants the fields bare in param0, every other operation wrapped, both in
# the WSDL's order; anything else is Axis2's databinding Fault.
kenv_start --http strict --dialect plain --request-log "$T/strict.jsonl"
expect_grep 'dialect: creds=bare strict-creds' "$T/strict.log"
CRED_FORM=bare soap DizinSorgula
expect_answer
folders | grep -qx INBOX || fail "strict: bare DizinSorgula"
soap DizinSorgula
[ "$(http_status)" = 500 ] || fail "strict: wrapped DizinSorgula answered HTTP $(http_status)"
expect_grep 'Unexpected subelement kepHesap' "$T/resp"
CRED_FORM=bare-reordered soap DizinSorgula
[ "$(http_status)" = 500 ] || fail "strict: reordered credentials answered HTTP $(http_status)"
expect_grep 'Unexpected subelement parola' "$T/resp"
CRED_FORM=bare soap PaketSorgula
[ "$(http_status)" = 500 ] || fail "strict: bare PaketSorgula answered HTTP $(http_status)"
soap PaketSorgula
expect_answer
# plain: default namespaces, unqualified children (xmlns=""), durum typed
# xs:int; parsed, every field is in no namespace.
expect_grep '<PaketSorgulaResponse xmlns="http://ws.apache.org/axis2"><return><durum xmlns="" xsi:type="xs:int">0</durum>' "$T/root.xml"
expect_no_grep '<ax:|<ns:' "$T/root.xml"
python3 - "$T/root.xml" <<'PY' || fail "plain: fields not in the empty namespace"
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
ret = next(r.iter("{http://ws.apache.org/axis2}return"))
assert len(ret) > 0 and all(k.tag in ("durum", "kepId", "OrgMesajId", "kepSiraNo", "from", "fromKep",
                                      "konu", "tur", "turId", "hataaciklama") for k in ret), [k.tag for k in ret]
PY
kenv_stop --clean
