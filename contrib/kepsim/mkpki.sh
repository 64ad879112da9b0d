#!/bin/sh
# mkpki.sh DIR [--revocation-base URL]: builds kepsim's test PKI in DIR with
# the openssl CLI (see DIR/README for every file it writes). Keys are fresh on
# each run; names, serials, validity periods and revocations are fixed so the
# PKI is reproducible in everything a test asserts.
set -eu

usage() { echo "Usage: mkpki.sh DIR [--revocation-base URL]" >&2; exit 2; }
[ $# -ge 1 ] || usage
case $1 in -*) usage ;; esac
OUT=$1; shift
BASE=http://127.0.0.1:18089
while [ $# -gt 0 ]; do
	case $1 in
	--revocation-base) [ $# -ge 2 ] || usage; BASE=$2; shift 2 ;;
	*) usage ;;
	esac
done

HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
export OPENSSL_CONF="$HERE/pki/openssl.cnf"
CNF=$OPENSSL_CONF
# Defaults so that every $ENV:: reference in the config resolves.
export CADIR="$OUT/ca/none" CDP="$BASE/crl/none.crl" OCSPURL="$BASE/ocsp" EMAIL=none@example.invalid

CA_START=20200101000000Z CA_END=20451231235959Z
LEAF_START=20200101000000Z LEAF_END=20391231235959Z
# The expired sender: a time stamp dated inside this period keeps its
# signatures valid later.
EXP_START=20230101000000Z EXP_END=20241231235959Z
# Revocations are backdated so that no signing time after it looks valid.
REVOKED_AT=250101000000Z

cd "$OUT"
mkdir -p rsa ec untrusted wrongtsa https crl ca ocsp trust eimza mali

genkey() { # genkey FILE rsa:BITS|ec:CURVE
	case $2 in
	rsa:*) openssl genpkey -quiet -algorithm RSA -pkeyopt "rsa_keygen_bits:${2#rsa:}" -out "$1" ;;
	ec:*) openssl genpkey -quiet -algorithm EC -pkeyopt "ec_paramgen_curve:${2#ec:}" \
		-pkeyopt ec_param_enc:named_curve -out "$1" ;;
	esac
	chmod 600 "$1"
}

newca() { # newca NAME FIRST-SERIAL: the openssl-ca database of CA NAME
	mkdir -p "ca/$1/newcerts"
	: >"ca/$1/index.txt"
	echo "unique_subject = no" >"ca/$1/index.txt.attr"
	echo "$2" >"ca/$1/serial"
	echo 1000 >"ca/$1/crlnumber"
}

# issue CA-NAME CA-CERT CA-KEY OUTBASE KEYSPEC SUBJECT EXT EMAIL START END MD
issue() {
	genkey "$4.key" "$5"
	openssl req -new -utf8 -key "$4.key" -subj "$6" -out "$4.csr"
	CADIR="$OUT/ca/$1" CDP="$BASE/crl/$1.crl" EMAIL=$8 \
		openssl ca -batch -notext -utf8 -config "$CNF" -name CA_default \
		-cert "$2" -keyfile "$3" -in "$4.csr" -out "$4.pem" -extensions "$7" \
		-startdate "$9" -enddate "${10}" -md "${11}" 2>/dev/null
	rm -f "$4.csr"
}

# selfsigned CA-NAME OUTBASE KEYSPEC SUBJECT MD
selfsigned() {
	newca "$1" 01
	genkey "$2.key" "$3"
	openssl req -new -utf8 -key "$2.key" -subj "$4" -out "$2.csr"
	CADIR="$OUT/ca/$1" openssl ca -batch -notext -utf8 -selfsign -config "$CNF" \
		-keyfile "$2.key" -in "$2.csr" -out "$2.pem" -extensions v_root \
		-startdate $CA_START -enddate $CA_END -md "$5" 2>/dev/null
	rm -f "$2.csr"
}

gencrl() { # gencrl CA-NAME CA-CERT CA-KEY: crl/NAME.crl (DER) and crl/NAME.crl.pem
	CADIR="$OUT/ca/$1" openssl ca -gencrl -config "$CNF" -name CA_default \
		-cert "$2" -keyfile "$3" -crldays 3650 -out "crl/$1.crl.pem" 2>/dev/null
	openssl crl -in "crl/$1.crl.pem" -outform DER -out "crl/$1.crl"
}

revoke() { # revoke CA-NAME CA-CERT CA-KEY CERT: revoked (keyCompromise) at REVOKED_AT
	CADIR="$OUT/ca/$1" openssl ca -config "$CNF" -name CA_default \
		-cert "$2" -keyfile "$3" -revoke "$4" -crl_reason keyCompromise 2>/dev/null
	# openssl ca stamps "now"; move the revocation into the past.
	awk -v at="$REVOKED_AT" 'BEGIN{FS=OFS="\t"} $1=="R"{split($3,a,","); $3=at "," a[2]} {print}' \
		"ca/$1/index.txt" >"ca/$1/index.txt.new"
	mv "ca/$1/index.txt.new" "ca/$1/index.txt"
}

hierarchy() { # hierarchy rsa|ec
	h=$1
	if [ "$h" = rsa ]; then
		rootk=rsa:3072 interk=rsa:2048 leafk=rsa:2048 malik=rsa:2048 md=sha256 H=RSA
		eimza_cn="Ayşe Yılmaz" eimza_mail=ayse.yilmaz@hs01.kep.tr
		mali_mail=belediye@hs01.kep.tr mali_o="Örnek Belediyesi"
	else
		# The seal is P-384: institutions' HSMs hold those (issue 17).
		rootk=ec:P-384 interk=ec:P-384 leafk=ec:P-256 malik=ec:P-384 md=sha384 H=EC
		eimza_cn="Mehmet Öztürk" eimza_mail=mehmet.ozturk@hs01.kep.tr
		mali_mail=il.mudurlugu@hs01.kep.tr mali_o="Çağlayan İl Müdürlüğü"
	fi
	selfsigned "$h-root" "$h/root" "$rootk" "/C=TR/O=Kepsim Test Kok/CN=Kepsim Test Kok SM $H" $md
	newca "$h-inter" 1000
	issue "$h-root" "$h/root.pem" "$h/root.key" "$h/inter" "$interk" \
		"/C=TR/O=Kepsim Test Kok/CN=Kepsim Nitelikli Elektronik Sertifika Hizmet Saglayicisi $H" \
		v_inter none@example.invalid $CA_START $CA_END $md
	cp "$h/inter.pem" "$h/chain.pem"
	ca="$h-inter" cac="$h/inter.pem" cak="$h/inter.key"
	issue $ca $cac $cak "$h/kephs" $leafk "/C=TR/O=PTT A.S./CN=PTT KEPHS Imza $H" \
		v_smime kephs@hs01.kep.tr $LEAF_START $LEAF_END $md
	issue $ca $cac $cak "$h/eimza" $leafk "/C=TR/CN=$eimza_cn/serialNumber=TCKN$( [ $h = rsa ] && echo 10000000146 || echo 10000000278)" \
		v_smime $eimza_mail $LEAF_START $LEAF_END $md
	issue $ca $cac $cak "$h/mali" $malik "/C=TR/O=$mali_o/CN=$mali_o Mali Mühür" \
		v_smime $mali_mail $LEAF_START $LEAF_END $md
	issue $ca $cac $cak "$h/tsa" $leafk "/C=TR/O=Kepsim Test Kok/CN=Kepsim Zaman Damgasi $H" \
		v_tsa none@example.invalid $LEAF_START $LEAF_END $md
	issue $ca $cac $cak "$h/revoked" $leafk "/C=TR/CN=Iptal Edilmis Gonderici $H" \
		v_smime iptal.$h@hs01.kep.tr $LEAF_START $LEAF_END $md
	issue $ca $cac $cak "$h/expired" $leafk "/C=TR/CN=Suresi Dolmus Gonderici $H" \
		v_smime eski.$h@hs01.kep.tr $EXP_START $EXP_END $md
	issue $ca $cac $cak "$h/ocsp" $leafk "/C=TR/O=Kepsim Test Kok/CN=Kepsim OCSP $H" \
		v_ocsp none@example.invalid $LEAF_START $LEAF_END $md
	revoke $ca $cac $cak "$h/revoked.pem"
	gencrl "$h-root" "$h/root.pem" "$h/root.key"
	gencrl $ca $cac $cak
	cp "$h/root.pem" "trust/$h-root.pem"
	# OCSP: who answers for which CA (a root signs its own responses).
	printf '%s\tca/%s/index.txt\t%s\t%s\t%s\n' "$h-root" "$h-root" "$h/root.pem" "$h/root.pem" "$h/root.key" >>ocsp/responders.tsv
	printf '%s\tca/%s/index.txt\t%s\t%s\t%s\n' "$ca" "$ca" "$cac" "$h/ocsp.pem" "$h/ocsp.key" >>ocsp/responders.tsv
	# For SoftHSM2 import (pkcs11-tool --write-object ... --type privkey|cert).
	openssl pkcs8 -topk8 -nocrypt -in "$h/eimza.key" -outform DER -out "eimza/$h-key.der"
	chmod 600 "eimza/$h-key.der"
	openssl x509 -in "$h/eimza.pem" -outform DER -out "eimza/$h-cert.der"
	cp "$h/eimza.pem" "eimza/$h-cert.pem"
	openssl pkcs8 -topk8 -nocrypt -in "$h/mali.key" -outform DER -out "mali/$h-key.der"
	chmod 600 "mali/$h-key.der"
	openssl x509 -in "$h/mali.pem" -outform DER -out "mali/$h-cert.der"
	cp "$h/mali.pem" "mali/$h-cert.pem"
}

: >ocsp/responders.tsv
hierarchy rsa
hierarchy ec

# Untrusted: a separate root nobody configures, with a sender and a second TSA.
selfsigned untrusted-root untrusted/root rsa:2048 "/C=TR/O=Sahte Kok/CN=Sahte Kok Sertifika" sha256
cp untrusted/root.pem untrusted/chain.pem
issue untrusted-root untrusted/root.pem untrusted/root.key untrusted/sender rsa:2048 \
	"/C=TR/CN=Yabanci Gonderici" v_smime yabanci@hs01.kep.tr $LEAF_START $LEAF_END sha256
issue untrusted-root untrusted/root.pem untrusted/root.key untrusted/tsa rsa:2048 \
	"/C=TR/O=Sahte Kok/CN=Sahte Zaman Damgasi" v_tsa none@example.invalid $LEAF_START $LEAF_END sha256
gencrl untrusted-root untrusted/root.pem untrusted/root.key
mkdir -p wrongtsa
cp untrusted/tsa.pem wrongtsa/tsa.pem; cp untrusted/tsa.key wrongtsa/tsa.key
cp untrusted/chain.pem wrongtsa/chain.pem

# HTTPS endpoint of kepsim, under its own CA.
selfsigned https-ca https/ca rsa:2048 "/C=TR/O=Kepsim/CN=Kepsim HTTPS Test CA" sha256
mv https/ca.pem https/ca.crt.tmp; mv https/ca.crt.tmp https/ca.pem
issue https-ca https/ca.pem https/ca.key https/server rsa:2048 "/C=TR/O=Kepsim/CN=localhost" \
	v_server none@example.invalid $LEAF_START $LEAF_END sha256
mv https/server.pem https/server.crt

cat trust/rsa-root.pem trust/ec-root.pem >trust/tsa-root.pem
cat rsa/inter.pem ec/inter.pem >trust/intermediates.pem

# Kamu SM style certificate store (the real one is SertifikaDeposu.xml).
{
	echo '<?xml version="1.0" encoding="UTF-8"?>'
	echo '<koksertifikalar>'
	for r in rsa ec; do
		echo '  <koksertifika>'
		echo "    <mSubjectName>$(openssl x509 -in trust/$r-root.pem -noout -subject -nameopt RFC2253,-esc_msb | sed 's/^subject=//')</mSubjectName>"
		echo "    <mSerialNumber>$(openssl x509 -in trust/$r-root.pem -noout -serial | sed 's/^serial=//')</mSerialNumber>"
		echo "    <mHashValue>$(openssl x509 -in trust/$r-root.pem -noout -fingerprint -sha256 | sed 's/^.*=//; s/://g')</mHashValue>"
		echo "    <mValue>$(openssl x509 -in trust/$r-root.pem -outform DER | openssl base64 -A)</mValue>"
		echo '  </koksertifika>'
	done
	echo '</koksertifikalar>'
} >trust/kamusm-store.xml

echo "$BASE" >revocation-base
cp "$HERE/pki/README" README 2>/dev/null || true
echo "mkpki: test PKI in $OUT (revocation base $BASE)"
