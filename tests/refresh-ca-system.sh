#!/bin/sh
# With ca_file set, the provider's certificate must chain to ca_file: a
# certificate issued by a CA of the system store (and not by ca_file) is
# refused. A private mount namespace puts a CA of the test's own into the
# system CA directory libcurl was built with; without ca_file the same
# certificate is accepted, which proves the system store is really in play.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"

command -v unshare >/dev/null 2>&1 || skip "unshare is missing"
capath=$(curl-config --configure 2>/dev/null | tr ' ' '\n' | sed -n "s/^'*--with-ca-path=\([^']*\)'*$/\1/p")
[ -n "$capath" ] || capath=/etc/ssl/certs
[ -d "$capath" ] || skip "no system CA directory $capath"
# Root maps to root (-r) so that this also runs unprivileged where allowed.
unshare -rm sh -c "mount --bind '$T' '$capath'" 2>/dev/null || skip "mount namespaces not permitted here"

# The "system" CA and a server certificate it issued.
cat >"$T/ext.cnf" <<'EOF'
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
EOF
mkdir "$T/sys"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/sysca.key" -out "$T/sys/sysca.pem" \
	-subj "/CN=System Test CA" -days 30 -config "$T/ext.cnf" -extensions ca 2>/dev/null \
	|| fail "system CA"
openssl req -new -newkey rsa:2048 -nodes -keyout "$T/server.key" -out "$T/server.csr" \
	-subj "/CN=localhost" 2>/dev/null || fail "server request"
openssl x509 -req -in "$T/server.csr" -CA "$T/sys/sysca.pem" -CAkey "$T/sysca.key" \
	-CAcreateserial -days 30 -extfile "$T/ext.cnf" -extensions server -out "$T/server.crt" \
	2>/dev/null || fail "server certificate"
ln -s sysca.pem "$T/sys/$(openssl x509 -noout -hash -in "$T/sys/sysca.pem").0"
cp "$T/sys/sysca.pem" "$T/sys/ca-certificates.crt"

kenv_mailbox
kenv_start sim --cert "$T/server.crt" --key "$T/server.key"
kenv_config
# The provider's own CA (kepsim's test CA) did not issue this certificate.
grep -q "^    ca_file: $MB/pki/https/ca.pem$" "$KEPAGENT_CONFIG" || fail "no ca_file in the configuration"

in_ns() { unshare -rm sh -c "mount --bind '$T/sys' '$capath' && exec \"\$@\"" sh "$@"; }

# Control: no ca_file, so libcurl's system store (ours, in the namespace) applies.
sed '/^    ca_file: /d' "$KEPAGENT_CONFIG" >"$T/noca.yaml"
KEPAGENT_CONFIG=$T/noca.yaml expect_exit 0 in_ns "$KEPAGENT" refresh
expect_grep '^acct: 7 new package' "$T/out"

# ca_file set: the same certificate, issued by a system CA only, is refused.
rm -rf "$T/store"
: >"$KEPSIM_REQ"
set +e
in_ns "$KEPAGENT" refresh >"$T/out" 2>"$T/err"
rc=$?
set -e
[ "$rc" != 0 ] || { cat "$T/out" "$T/err"; fail "refresh trusted a system CA although ca_file is set"; }
expect_grep 'certificate|SSL|TLS|verif' "$T/err"
[ ! -s "$KEPSIM_REQ" ] || { cat "$KEPSIM_REQ"; fail "a request reached the provider over an untrusted connection"; }
exit 0
