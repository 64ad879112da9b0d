# verify-pki-servers.sh: sourced by the verification tests after lib.sh.
# Makes a test PKI in $T/pki and serves it on loopback: its CRLs over HTTP
# (python3 -m http.server) on $CRLPORT and an OCSP responder (openssl ocsp)
# for rsa-inter on $OCSPPORT. Both stop when the test exits.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_port() {
	i=0
	until python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),1)" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 100 ] || fail "nothing listens on port $1"; sleep 0.1
	done
}
CRLPORT=$(free_port); OCSPPORT=$(free_port)
while [ "$OCSPPORT" = "$CRLPORT" ]; do OCSPPORT=$(free_port); done
sh "$top_srcdir/tests/verify-mkpki.sh" "$T/pki" "$CRLPORT" "$OCSPPORT" || fail "cannot make the test PKI"
(cd "$T/pki" && exec python3 -m http.server --bind 127.0.0.1 "$CRLPORT") >"$T/http.log" 2>&1 &
HTTP_PID=$!
on_exit "kill $HTTP_PID 2>/dev/null || true"
(cd "$T/pki" && exec openssl ocsp -index rsa-inter.index -port "$OCSPPORT" -rsigner ocsp-resp.crt \
	-rkey ocsp-resp.key -CA rsa-inter.crt -nmin 5 -timeout 5 -ignore_err) >"$T/ocsp.log" 2>&1 &
OCSP_PID=$!
on_exit "kill $OCSP_PID 2>/dev/null || true"
wait_port "$CRLPORT"
# openssl ocsp serves one connection at a time and a bare connect stalls
# it: wait for its log line instead of probing the port.
i=0
until grep -q "waiting for OCSP client" "$T/ocsp.log" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "OCSP responder did not start"; sleep 0.1
done
VPKI=$T/pki; export VPKI
