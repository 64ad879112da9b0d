#!/bin/sh
# A hostile provider (tests/hostile-provider.py): garbage, an HTML page with
# 200, an empty 200, redirects to another host and to plain http, a gzip
# bomb, a 1 MiB header, a slow trickle, a truncated MTOM answer, the answer
# of another operation, and TLS certificates with the wrong name, self-signed
# or expired. Each refresh must fail closed: a non-zero exit, an error that
# names the account, no sanitizer report, nothing stored, and done in time.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"

kenv_mailbox --seed 5 --received 1 --sent 0 --faults none
CA=$KENV_PKI/https

# Server certificates under the test HTTPS CA (trusted by ca_file), except
# the self-signed one.
mkdir -p "$T/ca/new"
: >"$T/ca/index.txt"
echo 1000 >"$T/ca/serial"
cat >"$T/ca/ca.cnf" <<EOF
[ca]
default_ca = d
[d]
database = $T/ca/index.txt
new_certs_dir = $T/ca/new
serial = $T/ca/serial
default_md = sha256
policy = p
unique_subject = no
copy_extensions = copy
[p]
commonName = supplied
EOF
leaf() { # leaf NAME SAN START END
	openssl req -new -newkey rsa:2048 -nodes -keyout "$T/$1.key" -subj "/CN=$1" \
		-addext "subjectAltName=$2" -out "$T/$1.csr" 2>/dev/null
	openssl ca -batch -config "$T/ca/ca.cnf" -cert "$CA/ca.pem" -keyfile "$CA/ca.key" \
		-in "$T/$1.csr" -out "$T/$1.crt" -startdate "$3" -enddate "$4" 2>"$T/ca.log" \
		|| { cat "$T/ca.log"; fail "openssl ca $1"; }
}
leaf good "IP:127.0.0.1,DNS:localhost" 20240101000000Z 20400101000000Z
leaf wrongname "DNS:kep.example.invalid" 20240101000000Z 20400101000000Z
leaf expired "IP:127.0.0.1,DNS:localhost" 20200101000000Z 20210101000000Z
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/selfsigned.key" -out "$T/selfsigned.crt" \
	-subj "/CN=localhost" -addext "subjectAltName=IP:127.0.0.1" -days 30 2>/dev/null

HOSTILE_BOMB=$T/bomb.gz
export HOSTILE_BOMB

# run_case NAME MODE CERT: one refresh against the hostile server.
run_case() {
	rm -f "$T/port"
	python3 "$top_srcdir/tests/hostile-provider.py" "$2" "$T/$3.crt" "$T/$3.key" "$T/port" \
		2>"$T/hostile-$1.log" &
	hpid=$!
	i=0
	while [ ! -s "$T/port" ]; do
		kill -0 $hpid 2>/dev/null || { cat "$T/hostile-$1.log"; fail "$1: server exited"; }
		i=$((i + 1)); [ $i -lt 600 ] || fail "$1: server did not start"
		sleep 0.05
	done
	URL=https://127.0.0.1:$(cat "$T/port")/KepEYazismaV1.1/KepEYazismaCOREWSDL.php
	rm -rf "$T/store"
	kenv_config "timeout: 4" "connect_timeout: 4"
	start=$(date +%s)
	set +e
	KEPAGENT_RETRY_BASE_MS=1 "$KEPAGENT" refresh >"$T/out" 2>"$T/err"
	rc=$?
	set -e
	took=$(( $(date +%s) - start ))
	kill $hpid 2>/dev/null || true
	wait $hpid 2>/dev/null || true
	[ "$rc" -ne 0 ] || { cat "$T/err"; fail "$1: refresh succeeded against a hostile provider"; }
	grep -Eq 'AddressSanitizer|runtime error|LeakSanitizer' "$T/err" && { cat "$T/err"; fail "$1: sanitizer report"; }
	grep -q 'acct' "$T/err" "$T/out" || { cat "$T/out" "$T/err"; fail "$1: the error does not name the account"; }
	if [ -f "$STORE" ]; then
		[ "$(kenv_sql "SELECT count(*) FROM packages")" = 0 ] || fail "$1: something was stored"
	fi
	[ "$took" -lt 60 ] || fail "$1: the refresh took ${took}s"
	printf '%-16s exit %s in %2ss: %s\n' "$1" "$rc" "$took" "$(grep -v '^$' "$T/err" | tail -n 1 | cut -c1-150)"
}

run_case garbage garbage good
# An answer not understood names what was found and shows an excerpt.
expect_grep "HTTP body of text/xml.*; excerpt: \(binary data\)" "$T/err"
run_case garbage-nul garbage-nul good
expect_grep "HTTP body of text/xml.*; excerpt: \(binary data\)" "$T/err"
run_case html200 html200 good
expect_grep "HTTP body of text/html; excerpt: <html><head><title>Bakim</title>" "$T/err"
run_case empty200 empty200 good
run_case redirect-host redirect-host good
expect_grep "HTTP status 302" "$T/err"
run_case redirect-http redirect-http good
expect_grep "HTTP status 307" "$T/err"
run_case gzip-bomb gzip-bomb good
expect_grep "larger than" "$T/err"
run_case big-header big-header good
expect_grep "header line above its limit" "$T/err"
expect_no_grep "after [0-9]+ tries" "$T/err"
run_case trickle trickle good
expect_grep "timed out" "$T/err"
# A header block under curl's line limit but above ours.
run_case many-headers many-headers good
expect_grep "headers larger than" "$T/err"
run_case truncated-mtom truncated-mtom good
run_case wrong-op wrong-op good
expect_grep "the answer is KotaSorgulaResponse, not [A-Za-z]+Response" "$T/err"
expect_grep "found element KotaSorgulaResponse; excerpt: <ns:KotaSorgulaResponse[^)]*1024" "$T/err"
run_case no-return no-return good
expect_grep "without a return element \(found element GirisResponse; excerpt: .*<ns:eGuvenlikId>\*+</ns:eGuvenlikId>" "$T/err"
expect_no_grep "SESSION-SECRET" "$T/err"
run_case tls-wrong-name soap-ok wrongname
expect_grep 'certificate|SSL|TLS|subject' "$T/err"
run_case tls-self-signed soap-ok selfsigned
expect_grep 'certificate|SSL|TLS|issuer' "$T/err"
run_case tls-expired soap-ok expired
expect_grep 'certificate|SSL|TLS|expired' "$T/err"
