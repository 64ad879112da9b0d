#!/bin/sh
# kepsim sends: Yukle (inline base64 and MTOM), MimeYap + SmimeGonder, with
# signatures made by openssl cms. The package lands in the sender's sent
# folder (listed, downloadable, KEPHS-signed around the exact original), its
# evidence is KEPHS-signed XML over the original's digest (10/20/40, or the
# failure codes of recipients.json), a recipient that is a kepsim account
# gets it in its INBOX and its AlindiOnay gives the sender a 60. Refusals
# (wrong signer, SHA-1, no CAdES attribute, tampered content, sizes, unknown or
# repeated mesajid, From/recipient errors) change nothing. Faults: the
# operation performed, then the answer lost; the request log counts it.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-server-lib.sh"
PY=$top_srcdir/tests/kepsim-server-send.py
A=birim.a@hs01.kep.tr B=birim.b@hs01.kep.tr EXT=dis.kurum@hs02.kep.tr

make_mailbox 7 --received 1 --sent 1 --faults none --account $A --account $B
P=$T/mb/pki
ACCA=$T/mb/accounts/$A ACCB=$T/mb/accounts/$B
kenv_start --http send --request-log "$T/req.jsonl"

# as ACCOUNT-DIR: the credentials soap() and send_req use.
as() {
	HESAP=$(kenv_json "$1/account.json" kepHesap); TCNO=$(kenv_json "$1/account.json" tcno)
	PAROLA=$(kenv_json "$1/account.json" parola); SIFRE=$(kenv_json "$1/account.json" sifre)
}
# send_req OP [--mtom] FIELD...: kepsim-server-send.py's request, posted.
send_req() {
	op=$1; shift
	python3 "$PY" request "$T/req.body" "$T/req.ct" "$op" "$HESAP" "$TCNO" "$PAROLA" "$SIFRE" "$@"
	set +e
	curl -sS --cacert "$CA" --max-time 120 -D "$T/hdr" -o "$T/resp" \
		-H "Content-Type: $(cat "$T/req.ct")" -H "SOAPAction: \"urn:$op\"" -H "Expect:" \
		--data-binary @"$T/req.body" "$URL" 2>"$T/curl.err"
	CURL_RC=$?
	set -e
}
# sign IN OUT.der KEY CERT [openssl cms options]: detached DER CMS (CAdES-BES).
sign() {
	in=$1 out=$2 key=$3 cert=$4; shift 4
	openssl cms -sign -binary -cades -md sha256 -in "$in" -inkey "$key" -signer "$cert" \
		-outform DER -out "$out" "$@" || fail "openssl cms -sign"
}
# smime OUT ENTITY SIG.der MESSAGE-ID [HEADER=VALUE...]: the S/MIME message of A.
smime() {
	out=$1 ent=$2 sig=$3 mid=$4; shift 4
	python3 "$PY" smime "$out" "$ent" "$sig" "From=$A" "To=$B, $EXT" "Message-ID=$mid" \
		"Subject==?UTF-8?B?$(printf 'Görüş yazısı' | base64)?=" \
		"X-TR-REM-iletiTip=standart" "X-TR-REM-iletiID=EBYS-2026-1" "$@"
}
npkgs() { ls "$1" | grep -c '^[0-9]*$' || true; }
# delils ACCOUNT-DIR FOLDER SIRA: "code recipient" lines of the package's evidence.
delils() {
	for j in "$1/$2/$3"/delil/*.json; do
		[ -e "$j" ] || continue
		c=$(kenv_json "$j" delilTurId)
		x="$1/$2/$3/delil/$(kenv_json "$j" file)"
		r=$(sed -n 's:.*<EntityDetails><AttributedElectronicAddress[^>]*>\([^<]*\)<.*:\1:p' "$x")
		echo "$c $r"
	done | sort
}

python3 "$PY" entity "$T/entity"
as "$ACCA"

# DizinSorgula names the sent folder.
soap DizinSorgula
expect_answer
folders | grep -qx OUTBOX || fail "no OUTBOX folder"
n0=$(npkgs "$ACCA/OUTBOX")

# --- Yukle, inline base64, by the account's seal (muhur_cert).
sign "$T/entity" "$T/sig.der" "$P/rsa/mali.key" "$P/mali/rsa-cert.pem"
smime "$T/y1.eml" "$T/entity" "$T/sig.der" "<yukle-1@ebys.test>"
send_req Yukle ePaketTur=Standart ePaket=@"$T/y1.eml"
expect_durum 0
KID=$(field kepId)
[ -n "$KID" ] || fail "Yukle: no kepId"
[ "$(npkgs "$ACCA/OUTBOX")" -eq $((n0 + 1)) ] || fail "Yukle: no new package in OUTBOX"
S1=$(ls "$ACCA/OUTBOX" | sort -n | tail -n 1)
D1=$ACCA/OUTBOX/$S1
[ "$(kenv_json "$D1/meta.json" kepId)" = "$KID" ] || fail "meta kepId"
[ "$(kenv_json "$D1/meta.json" OrgMesajId)" = "<yukle-1@ebys.test>" ] || fail "OrgMesajId is not the Message-ID"
[ "$(kenv_json "$D1/meta.json" konu)" = "Görüş yazısı" ] || fail "konu not decoded"
cmp "$D1/original.eml" "$T/y1.eml" || fail "original.eml is not the submitted S/MIME"

# Listed in the sent folder and downloadable.
soap PaketSorgula dizin=OUTBOX
expect_durum 0
field kepId | grep -qxF "$KID" || fail "PaketSorgula OUTBOX does not list $KID"
field OrgMesajId | grep -qxF "<yukle-1@ebys.test>" || fail "PaketSorgula OUTBOX: no OrgMesajId"
soap Indir kepId="$KID" ePart=ORGM dizin=OUTBOX
expect_durum 0
cmp "$T/bin.1" "$T/y1.eml" || fail "Indir ORGM differs from the submitted package"
soap Indir kepId="$KID" ePart=ALL dizin=OUTBOX
expect_durum 0
cp "$T/bin.1" "$T/pkg1.eml"
# The envelope is the KEPHS's signature around the exact original. (Not
# -binary: OpenSSL 3.0's S/MIME splitter then adds a CR to a part that ends
# in CRLF; its text mode reads CRLF bytes exactly.)
openssl cms -verify -in "$T/pkg1.eml" -CAfile "$P/trust/rsa-root.pem" \
	-purpose any -out "$T/env.out" 2>"$T/verify.err" ||
	{ cat "$T/verify.err"; fail "the envelope does not verify"; }
openssl cms -cmsout -print -in "$T/pkg1.eml" | grep -q 'PTT KEPHS' || fail "envelope not by the KEPHS"
python3 -c 'import sys; sys.exit(0 if open(sys.argv[2],"rb").read() in open(sys.argv[1],"rb").read() else 1)' \
	"$T/env.out" "$T/y1.eml" || fail "the envelope does not hold the original byte for byte"

# Evidence: 10, 20, 40 for each recipient, KEPHS-signed, over the original.
delils "$ACCA" OUTBOX "$S1" >"$T/got"
printf '10 %s\n10 %s\n20 %s\n20 %s\n40 %s\n40 %s\n' $B $EXT $B $EXT $B $EXT | sort >"$T/want"
cmp "$T/got" "$T/want" || { cat "$T/got"; fail "evidence of the Yukle package"; }
soap PaketDelilSorgula kepId="$KID" dizin=OUTBOX
expect_durum 0
[ "$(field delilId | wc -l)" -eq 6 ] || fail "PaketDelilSorgula: not 6 items"
dig=$(openssl dgst -sha256 -binary "$T/y1.eml" | base64)
for id in $(field delilId); do
	soap PaketDelilIndir delilId="$id"
	expect_durum 0
	grep -qF "<ds:DigestValue>$dig</ds:DigestValue>" "$T/bin.1" || fail "evidence $id: not over the original"
	k=${KID#<}
	grep -qF "${k%>}" "$T/bin.1" || fail "evidence $id: not about $KID"
	if command -v xmlsec1 >/dev/null; then
		xmlsec1 --verify --trusted-pem "$P/trust/rsa-root.pem" --untrusted-pem "$P/rsa/chain.pem" \
			"$T/bin.1" >/dev/null 2>&1 || fail "evidence $id: signature does not verify"
	fi
done

# Delivered to B (a kepsim account), not to the outside address.
SB=$(grep -l "$KID" "$ACCB"/INBOX/*/meta.json | head -n 1)
[ -n "$SB" ] || fail "not delivered to $B"
SB=$(dirname "$SB")
cmp "$SB/package.eml" "$D1/package.eml" || fail "B's copy differs from the sent package"
[ "$(kenv_json "$SB/meta.json" fromKep)" = "$A" ] || fail "B's copy: fromKep"

# B reads it: AlindiOnay gives A its 60, once.
as "$ACCB"
soap PaketSorgula
expect_durum 0
field kepId | grep -qxF "$KID" || fail "B's PaketSorgula does not list it"
soap AlindiOnay kepId="$KID"
expect_durum 0
soap AlindiOnay kepId="$KID"
expect_durum 0
as "$ACCA"
[ "$(delils "$ACCA" OUTBOX "$S1" | grep -c "^60 $B\$")" -eq 1 ] || fail "no single 60 for $B"
soap PaketDelilSorgula kepId="$KID" dizin=OUTBOX
expect_durum 0
field delilTurId | grep -qx 60 || fail "PaketDelilSorgula does not list the 60"

# --- Yukle over MTOM, by the officer's card (eimza_cert).
sign "$T/entity" "$T/sig2.der" "$P/rsa/eimza.key" "$P/eimza/rsa-cert.pem"
smime "$T/y2.eml" "$T/entity" "$T/sig2.der" "<yukle-2@ebys.test>"
send_req Yukle --mtom ePaketTur=Standart ePaket=@"$T/y2.eml"
expect_durum 0
K2=$(field kepId)
S2=$(ls "$ACCA/OUTBOX" | sort -n | tail -n 1)
[ "$(kenv_json "$ACCA/OUTBOX/$S2/meta.json" kepId)" = "$K2" ] && [ "$K2" != "$KID" ] || fail "MTOM Yukle"
cmp "$ACCA/OUTBOX/$S2/original.eml" "$T/y2.eml" || fail "MTOM Yukle: bytes changed"

# --- Refusals change nothing.
n1=$(npkgs "$ACCA/OUTBOX")
refuse() { # refuse REGEX FIELD...: durum 1 with that text, no new package
	re=$1; shift
	send_req "$@"
	expect_durum 1 "$re"
	[ "$(npkgs "$ACCA/OUTBOX")" -eq "$n1" ] || fail "refused $1 made a package"
}
sign "$T/entity" "$T/bad.der" "$P/ec/mali.key" "$P/mali/ec-cert.pem"
smime "$T/bad.eml" "$T/entity" "$T/bad.der" "<bad-1@ebys.test>"
refuse 'sertifika bu KEP hesabına tanımlı değil' Yukle ePaketTur=Standart ePaket=@"$T/bad.eml"
sign "$T/entity" "$T/bad.der" "$P/untrusted/sender.key" "$P/untrusted/sender.pem"
smime "$T/bad.eml" "$T/entity" "$T/bad.der" "<bad-2@ebys.test>"
refuse 'tanımlı değil' Yukle ePaketTur=Standart ePaket=@"$T/bad.eml"
sign "$T/entity" "$T/bad.der" "$P/rsa/mali.key" "$P/mali/rsa-cert.pem" -md sha1
smime "$T/bad.eml" "$T/entity" "$T/bad.der" "<bad-3@ebys.test>"
refuse 'SHA-1' Yukle ePaketTur=Standart ePaket=@"$T/bad.eml"
openssl cms -sign -binary -md sha256 -in "$T/entity" -inkey "$P/rsa/mali.key" \
	-signer "$P/mali/rsa-cert.pem" -outform DER -out "$T/bad.der"
smime "$T/bad.eml" "$T/entity" "$T/bad.der" "<bad-4@ebys.test>"
refuse 'CAdES' Yukle ePaketTur=Standart ePaket=@"$T/bad.eml"
smime "$T/bad.eml" "$T/entity" "$T/sig.der" "<bad-5@ebys.test>"
python3 - "$T/bad.eml" <<'PY'
import sys
p = sys.argv[1]; m = open(p, "rb").read()
# One signed byte changes: the text part's base64 of "Say" becomes "Wa"...
i = m.index(b"U2F5")
open(p, "wb").write(m[:i] + b"V2F5" + m[i + 4:])
PY
refuse 'doğrulanamadı' Yukle ePaketTur=Standart ePaket=@"$T/bad.eml"
smime "$T/bad.eml" "$T/entity" "$T/sig.der" "<bad-6@ebys.test>" "X-Foo=bar"
sed -i "s/^From: .*/From: $B\r/" "$T/bad.eml"
refuse 'From' Yukle ePaketTur=Standart ePaket=@"$T/bad.eml"
python3 "$PY" smime "$T/bad.eml" "$T/entity" "$T/sig.der" "From=$A" "To=someone@example.com" \
	"Message-ID=<bad-7@ebys.test>" "Subject=x"
refuse 'Geçersiz KEP adresi' Yukle ePaketTur=Standart ePaket=@"$T/bad.eml"
refuse 'ePaketTur' Yukle ePaketTur=Mektup ePaket=@"$T/y1.eml"
refuse 'iletiTip' Yukle ePaketTur=EYazisma ePaket=@"$T/y1.eml"
# 25 MB: over MTOM (raw bytes) and inline (base64 of ~34 MB).
head -c $((25 * 1024 * 1024 + 1)) /dev/zero >"$T/big"
refuse '25 MB' Yukle --mtom ePaketTur=Standart ePaket=@"$T/big"
refuse '25 MB' Yukle ePaketTur=Standart ePaket=@"$T/big"
# 20 MB of attachments, decoded: a binary one of 20 MB + 1 fits in 25 MB on
# the wire, and kepsim unpacks the message to count it.
python3 "$PY" entity "$T/ent20" $((20 * 1024 * 1024 + 1)) binary
sign "$T/ent20" "$T/sig20.der" "$P/rsa/mali.key" "$P/mali/rsa-cert.pem"
smime "$T/y20.eml" "$T/ent20" "$T/sig20.der" "<big-20@ebys.test>"
refuse '20 MB' Yukle --mtom ePaketTur=Standart ePaket=@"$T/y20.eml"

# --- MimeYap + SmimeGonder by the officer's card, with two attachments.
head -c 5000 /dev/urandom >"$T/ek1.pdf"
printf 'ikinci ek\r\n' >"$T/ek2.txt"
send_req MimeYap ePaketTur=Standart ePaketId=EBYS-2026-7 kime=$B bilgi=$EXT \
	konu='Toplantı daveti (ÇĞİÖŞÜ)' icerik='Sayın ilgili, toplantı yarın.' eIcerikTur=TEXT \
	eOzetAlg=SHA256 ekler=@"$T/ek1.pdf":davet.pdf ekler=@"$T/ek2.txt":liste.txt
expect_durum 0
EH=$(field eHash) MID=$(field mesajid)
[ -n "$EH" ] && [ -n "$MID" ] || fail "MimeYap: no eHash/mesajid"
hex=$(echo "$MID" | sed 's/^<\([0-9a-f]*\)@.*/\1/')
ENT=$T/mb/state/mimeyap/$hex/entity.mime
[ "$(openssl dgst -sha256 -binary "$ENT" | base64)" = "$EH" ] || fail "eHash is not the digest of the entity"
sign "$ENT" "$T/imza.der" "$P/rsa/eimza.key" "$P/eimza/rsa-cert.pem"
send_req SmimeGonder mesajid="$MID" imza="$(base64 -w0 "$T/imza.der")"
expect_durum 0
K3=$(field kepId)
S3=$(ls "$ACCA/OUTBOX" | sort -n | tail -n 1)
D3=$ACCA/OUTBOX/$S3
[ "$(kenv_json "$D3/meta.json" kepId)" = "$K3" ] || fail "SmimeGonder: package kepId"
[ "$(kenv_json "$D3/meta.json" OrgMesajId)" = "$MID" ] || fail "SmimeGonder: OrgMesajId is not the mesajid"
[ "$(kenv_json "$D3/meta.json" konu)" = 'Toplantı daveti (ÇĞİÖŞÜ)' ] || fail "SmimeGonder: konu"
cmp "$D3/attachments/01-davet.pdf" "$T/ek1.pdf" && cmp "$D3/attachments/02-liste.txt" "$T/ek2.txt" ||
	fail "SmimeGonder: attachments"
cat "$P/trust/rsa-root.pem" "$P/rsa/chain.pem" >"$T/rsa-ca.pem" # openssl cms signs without the chain
openssl cms -verify -in "$D3/original.eml" -CAfile "$T/rsa-ca.pem" -purpose any -out "$T/orig.out" 2>"$T/verify.err" ||
	{ cat "$T/verify.err"; fail "the SmimeGonder original does not verify as S/MIME"; }
cmp "$T/orig.out" "$ENT" || fail "the original's signed content is not the entity"
grep -q "^Message-ID: $MID" "$D3/original.eml" && grep -q "^X-TR-REM-iletiID: EBYS-2026-7" "$D3/original.eml" &&
	grep -q "^Cc: $EXT" "$D3/original.eml" || fail "SmimeGonder original headers"
soap Indir kepId="$K3" ePart=ORGMATTACH dizin=OUTBOX
expect_durum 0
cmp "$T/bin.1" "$T/ek1.pdf" || fail "Indir ORGMATTACH"
delils "$ACCA" OUTBOX "$S3" >"$T/got"
printf '10 %s\n10 %s\n20 %s\n20 %s\n40 %s\n40 %s\n' $B $EXT $B $EXT $B $EXT | sort >"$T/want"
cmp "$T/got" "$T/want" || fail "evidence of the SmimeGonder package"
grep -l "$K3" "$ACCB"/INBOX/*/meta.json >/dev/null || fail "SmimeGonder package not delivered to B"

n1=$(npkgs "$ACCA/OUTBOX")
refuse 'zaten gönderilmiş' SmimeGonder mesajid="$MID" imza="$(base64 -w0 "$T/imza.der")"
refuse 'Mesaj bulunamadı' SmimeGonder mesajid="<0123456789abcdef0123456789abcdef@mimeyap.kepsim.hs01.kep.tr>" \
	imza="$(base64 -w0 "$T/imza.der")"
refuse 'Mesaj bulunamadı' SmimeGonder mesajid="../../etc" imza="$(base64 -w0 "$T/imza.der")"
refuse 'SHA-1' MimeYap ePaketTur=Standart kime=$B konu=x icerik=y eOzetAlg=SHA1
refuse 'kime' MimeYap ePaketTur=Standart konu=x icerik=y
refuse 'fileName' MimeYap ePaketTur=Standart kime=$B konu=x icerik=y ekler=@"$T/ek2.txt"
refuse 'fileName' MimeYap ePaketTur=Standart kime=$B konu=x icerik=y ekler=@"$T/ek2.txt":../x
head -c $((20 * 1024 * 1024 + 1)) /dev/zero >"$T/big20"
refuse '20 MB' MimeYap --mtom ePaketTur=Standart kime=$B konu=x icerik=y ekler=@"$T/big20":buyuk.bin
# Another account's draft, a wrong signer and a digest other than eOzetAlg.
send_req MimeYap ePaketTur=Standart kime=$B konu=x icerik=y eOzetAlg=SHA512
expect_durum 0
M2=$(field mesajid)
E2=$T/mb/state/mimeyap/$(echo "$M2" | sed 's/^<\([0-9a-f]*\)@.*/\1/')/entity.mime
sign "$E2" "$T/i2.der" "$P/rsa/mali.key" "$P/mali/rsa-cert.pem"
refuse 'eOzetAlg' SmimeGonder mesajid="$M2" imza="$(base64 -w0 "$T/i2.der")"
sign "$E2" "$T/i2.der" "$P/ec/mali.key" "$P/mali/ec-cert.pem" -md sha512
refuse 'tanımlı değil' SmimeGonder mesajid="$M2" imza="$(base64 -w0 "$T/i2.der")"
sign "$E2" "$T/i2.der" "$P/rsa/mali.key" "$P/mali/rsa-cert.pem" -md sha512
as "$ACCB"
n1b=$(npkgs "$ACCB/OUTBOX")
send_req SmimeGonder mesajid="$M2" imza="$(base64 -w0 "$T/i2.der")"
expect_durum 1 'Mesaj bulunamadı'
[ "$(npkgs "$ACCB/OUTBOX")" -eq "$n1b" ] || fail "B sent A's draft"
as "$ACCA"
send_req SmimeGonder mesajid="$M2" imza="$(base64 -w0 "$T/i2.der")"
expect_durum 0

# --- recipients.json: the failure codes.
rule() { # rule ADDRESS EXPECTED-CODES
	python3 "$PY" smime "$T/r.eml" "$T/entity" "$T/sig.der" "From=$A" "To=$1" \
		"Message-ID=<rule-$1@ebys.test>" "Subject=kural"
	send_req Yukle ePaketTur=Standart ePaket=@"$T/r.eml"
	expect_durum 0
	s=$(ls "$ACCA/OUTBOX" | sort -n | tail -n 1)
	[ "$(delils "$ACCA" OUTBOX "$s" | cut -d' ' -f1 | tr '\n' ' ')" = "$2" ] ||
		fail "recipient $1: evidence $(delils "$ACCA" OUTBOX "$s" | tr '\n' ' '), expected $2"
}
rule kabul-edilmez@hs01.kep.tr '11 '
rule reddeden@hs02.kep.tr '10 21 '
rule ulasilamaz@hs03.kep.tr '10 31 '
rule teslim-edilemez@hs02.kep.tr '10 20 41 '

# Every submission that took effect is in the request log.
python3 - "$T/req.jsonl" "$(npkgs "$ACCA/OUTBOX")" "$n0" <<'PY' || fail "request log"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
done = [l for l in lines if l.get("op") in ("Yukle", "SmimeGonder") and l.get("performed")]
assert len(done) == int(sys.argv[2]) - int(sys.argv[3]), (len(done), sys.argv[2:])
assert all(l.get("kepId") for l in done)
assert all("performed" in l for l in lines if l.get("op") in ("Yukle", "SmimeGonder", "MimeYap"))
assert any(l.get("op") == "AlindiOnay" and l.get("okundu") for l in lines)
PY
kenv_stop --clean

# --- Faults: performed, then the answer lost. The package exists once and
# the request log says so; the next request (limit 1 per run) is answered.
for fault in performed-no-answer performed-http500 drop; do
	kenv_start --http "f-$fault" --request-log "$T/f-$fault.jsonl" --faults $fault --fault-rate 1 \
		--fault-ops Yukle --fault-limit 1
	n=$(npkgs "$ACCA/OUTBOX")
	python3 "$PY" smime "$T/f.eml" "$T/entity" "$T/sig.der" "From=$A" "To=$B" \
		"Message-ID=<fault-$fault@ebys.test>" "Subject=hata"
	send_req Yukle ePaketTur=Standart ePaket=@"$T/f.eml"
	case $fault in
	performed-no-answer) [ "$CURL_RC" -eq 52 ] || fail "$fault: curl exit $CURL_RC, expected 52" ;;
	performed-http500) [ "$(http_status)" = 500 ] || fail "$fault: HTTP $(http_status)" ;;
	drop) [ "$CURL_RC" -eq 18 ] || fail "$fault: curl exit $CURL_RC, expected 18" ;;
	esac
	[ "$(npkgs "$ACCA/OUTBOX")" -eq $((n + 1)) ] || fail "$fault: the operation did not take effect"
	soap PaketSorgula dizin=OUTBOX
	expect_durum 0
	[ "$(field OrgMesajId | grep -cxF "<fault-$fault@ebys.test>")" -eq 1 ] || fail "$fault: not listed once"
	python3 - "$T/f-$fault.jsonl" "$fault" <<'PY' || fail "$fault: request log"
import json, sys
l = [json.loads(x) for x in open(sys.argv[1]) if '"Yukle"' in x]
assert len(l) == 1 and l[0]["performed"] is True and l[0]["fault"] == sys.argv[2], l
PY
	kenv_stop --clean
done

# --- --evidence-delay-ms: the 10 at once, the later stages when due.
kenv_start --http delay --evidence-delay-ms 3000
python3 "$PY" smime "$T/d.eml" "$T/entity" "$T/sig.der" "From=$A" "To=$EXT" \
	"Message-ID=<delay@ebys.test>" "Subject=gecikme"
send_req Yukle ePaketTur=Standart ePaket=@"$T/d.eml"
expect_durum 0
s=$(ls "$ACCA/OUTBOX" | sort -n | tail -n 1)
[ "$(delils "$ACCA" OUTBOX "$s" | cut -d' ' -f1 | tr '\n' ' ')" = "10 " ] || fail "delay: more than the 10 at once"
sleep 7
soap DizinSorgula
[ "$(delils "$ACCA" OUTBOX "$s" | cut -d' ' -f1 | tr '\n' ' ')" = "10 20 40 " ] ||
	fail "delay: $(delils "$ACCA" OUTBOX "$s" | tr '\n' ' ') after the delay"
kenv_stop --clean
exit 0
