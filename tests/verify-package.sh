#!/bin/sh
# kepagent verify on a real KEP-shaped package: an original signed by a
# sender (RSA) wrapped in a KEPHS envelope signed by the provider (P-256
# under P-384), both made with the openssl CLI.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/verify-pki-servers.sh"
P=$T/pki
cd "$T"
printf 'Content-Type: text/plain; charset=utf-8\r\n\r\nResmi yazi ektedir.\r\n' > obody.txt
openssl cms -sign -in obody.txt -signer $P/rsa-leaf.crt -inkey $P/rsa-leaf.key \
	-certfile $P/rsa-inter.crt -md sha256 -from sender@kep.test -to recv@kep.test \
	-subject "Test yazisi" -out original.eml 2>/dev/null
{
	printf 'Content-Type: multipart/mixed; boundary="kepb"\r\n\r\n--kepb\r\n'
	printf 'Content-Type: text/plain\r\n\r\nKEPHS envelope\r\n--kepb\r\n'
	printf 'Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename="original.eml"\r\n\r\n'
	cat original.eml
	printf '\r\n--kepb--\r\n'
} > env.txt
openssl cms -sign -in env.txt -signer $P/ec-leaf.crt -inkey $P/ec-leaf.key \
	-certfile $P/ec-inter.crt -md sha256 -from kephs@kep.test -to recv@kep.test \
	-subject "KEP: Test yazisi" -out package.eml 2>/dev/null
A="--anchors $P/rsa-root.crt --anchors $P/ec-root.crt --kephs $P/ec-leaf.crt"

# Offline (the default): signatures hold, revocation is not checked.
expect_exit 0 "$KEPAGENT" verify $A package.eml
expect_grep '^  envelope-signature +revocation-unknown +revocation not checked' "$T/out"
expect_grep '^  original-signature +revocation-unknown' "$T/out"
expect_grep 'signer: .*CN=EC Signer' "$T/out"
expect_grep 'signer: .*CN=RSA Signer' "$T/out"
expect_grep '^overall: revocation-unknown' "$T/out"

# Who may sign: the envelope's signer must be a configured KEPHS signing
# certificate; without --kephs (or with another one) the same package is
# untrusted, the original (any signer under the anchors) still holds.
for k in "" "--kephs $P/rsa-leaf.crt"; do
	expect_exit 1 "$KEPAGENT" verify --anchors $P/rsa-root.crt --anchors $P/ec-root.crt $k package.eml
	expect_grep '^  envelope-signature +untrusted +signed by .*CN=EC Signer.*not by a KEPHS signing certificate' "$T/out"
	expect_grep '^  original-signature +revocation-unknown' "$T/out"
	expect_grep '^overall: untrusted' "$T/out"
done

# The same rule from the configuration, as a subject rule (trust.kephs).
printf 'parola: "p"\nsifre: "s"\n' > secrets.yaml
chmod 600 secrets.yaml
kephs_config() {
	cat > kephs.yaml <<EOT
store:
  path: $T/store/kepagent.db
trust:
  anchors: [$P/rsa-root.crt, $P/ec-root.crt]
  revocation: offline
  kephs:
    - provider: ptt
      subject: "$1"
accounts:
  - name: birim
    provider: ptt
    endpoint: https://127.0.0.1:1/
    address: birim@hs01.kep.tr
    tcno: "12345678901"
    secrets_file: $T/secrets.yaml
EOT
}
kephs_config "O=Test, CN=EC Signer"
expect_exit 0 env KEPAGENT_CONFIG=$T/kephs.yaml "$KEPAGENT" verify package.eml
expect_grep '^overall: revocation-unknown' "$T/out"
kephs_config "O=Test, CN=RSA Signer"
expect_exit 1 env KEPAGENT_CONFIG=$T/kephs.yaml "$KEPAGENT" verify package.eml
expect_grep '^  envelope-signature +untrusted +signed by .*not by a KEPHS signing certificate' "$T/out"
kephs_config "Nonsense=PTT"
expect_exit 3 env KEPAGENT_CONFIG=$T/kephs.yaml "$KEPAGENT" verify package.eml
expect_grep 'unknown attribute' "$T/err"

# JSON report.
expect_exit 0 "$KEPAGENT" verify --json $A package.eml
python3 - "$T/out" <<'PY' || fail "bad JSON report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["kind"] == "package" and r["overall"] == "revocation-unknown", r
names = [c["check"] for c in r["checks"]]
assert names == ["envelope-signature", "original-signature"], names
assert all("revocation not checked" in c["reason"] for c in r["checks"]), r
assert r["subject"] == "Test yazisi", r
PY

# Online: CRLs served on loopback make the verdict valid.
expect_exit 0 "$KEPAGENT" verify --revocation online $A package.eml
expect_grep '^overall: valid' "$T/out"

# The Kamu SM store works as anchors too.
expect_exit 0 "$KEPAGENT" verify --anchors $P/kamusm.xml --kephs $P/ec-leaf.crt package.eml
expect_grep '^overall: revocation-unknown' "$T/out"

# One altered byte in the original breaks both signatures.
sed 's/Resmi yazi/Resmi yazI/' package.eml > tampered.eml
cmp -s package.eml tampered.eml && fail "tampering did not change the package"
expect_exit 1 "$KEPAGENT" verify $A tampered.eml
expect_grep '^  original-signature +invalid' "$T/out"
expect_grep '^  envelope-signature +invalid' "$T/out"
expect_grep '^overall: invalid' "$T/out"

# Wrong anchors: untrusted, even though the message carries its roots' peers.
expect_exit 1 "$KEPAGENT" verify --anchors $P/wrong-root.crt package.eml
expect_grep '^overall: untrusted' "$T/out"

# Require mode with a revocation source that cannot answer (no CRL server for
# this CRL port after we stop it) is a failure.
kill "$HTTP_PID"; wait "$HTTP_PID" 2>/dev/null || true
expect_exit 1 "$KEPAGENT" verify --revocation require $A package.eml
expect_grep 'revocation status unknown' "$T/out"
expect_grep '^overall: untrusted' "$T/out"

# An empty file is malformed, answered at once, with no sanitizer report.
: > empty.eml
expect_exit 1 "$KEPAGENT" verify $A empty.eml
expect_grep '^  envelope-signature +malformed +.*empty message' "$T/out"
expect_grep '^overall: malformed' "$T/out"
expect_no_grep 'runtime error|AddressSanitizer' "$T/err"
# So are a 3,000-deep MIME tree and one XML element with 200,000 attributes.
python3 -c '
h = "".join("Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n" % (i, i) for i in range(3000))
open("deep.eml", "w").write("From: a@b\r\nSubject: x\r\nMIME-Version: 1.0\r\n" + h + "Content-Type: text/plain\r\n\r\nx\r\n")
open("attrs.xml", "w").write("<a " + " ".join("x%d=\"1\"" % i for i in range(200000)) + "/>")'
for f in deep.eml attrs.xml; do
	expect_exit 1 timeout 10 "$KEPAGENT" verify $A $f
	expect_grep '^overall: malformed' "$T/out"
	expect_no_grep 'runtime error|AddressSanitizer' "$T/err"
	# within a second of CPU (the wall clock is the shared machine's)
	python3 - "$KEPAGENT" $A $f <<'PY' || fail "$f: more than a second"
import resource, subprocess, sys
subprocess.run(["timeout", "10"] + sys.argv[1:2] + ["verify"] + sys.argv[2:],
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = r.ru_utime + r.ru_stime
print("%.3f s CPU" % cpu)
sys.exit(cpu >= 1.0)
PY
done
# The 3,000-deep tree is refused for its depth, and says so (it said "more
# than 500 MIME parts").
expect_exit 1 "$KEPAGENT" verify $A deep.eml
expect_grep '^  envelope-signature +malformed +KEP envelope: MIME nesting deeper than 16 ' "$T/out"

# Not a package at all.
printf 'hello\r\n' > junk.eml
expect_exit 1 "$KEPAGENT" verify $A junk.eml
expect_grep '^overall: (unsigned|malformed)' "$T/out"

# No trust at all: a configuration error.
expect_exit 3 env KEPAGENT_CONFIG=$T/none.yaml "$KEPAGENT" verify package.eml
