#!/bin/sh
# contrib/kepagent.yaml.sample passes check-config once the files it names
# exist: its /etc and /var paths are moved into a temporary directory.
. "$top_srcdir/tests/lib.sh"

S=$top_srcdir/contrib/kepagent.yaml.sample
sed -e "s#/etc/kepagent#$T/etc#g" -e "s#/var/lib/kepagent#$T/var#g" \
    -e "s#/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so#$T/opensc-pkcs11.so#g" "$S" >"$T/kepagent.yaml"
mkdir -p "$T/etc/trust/roots" "$T/etc/trust/intermediates" "$T/etc/trust/kephs" "$T/etc/secrets" "$T/var"
: >"$T/etc/trust/kamusm-certstore.xml"
: >"$T/etc/trust/tsa-roots.pem"
: >"$T/opensc-pkcs11.so"
(umask 077
 : >"$T/etc/api-token"
 printf 'parola: p\nsifre: s\n' >"$T/etc/secrets/birim.yaml"
 printf 'parola: p\nsifre: s\n' >"$T/etc/secrets/hukuk.yaml"
 echo 0000 >"$T/etc/secrets/hukuk.pin")

expect_exit 0 "$KEPAGENT" -c "$T/kepagent.yaml" check-config
expect_grep "^$T/kepagent.yaml: configuration OK" "$T/out"
expect_grep "^store: $T/var/kepagent.db" "$T/out"
expect_grep '^accounts: 2 \(1 enabled\)' "$T/out"
expect_grep '^  birim: birim@hs01.kep.tr, login base, poll every 300s' "$T/out"
# The sample's enabled account is a placeholder: said, and nothing else.
expect_grep "^warning: .*account 'birim' is enabled with the sample's address" "$T/err"
[ "$(wc -l <"$T/err")" = 1 ] || { cat "$T/err"; fail "check-config said more than the placeholder"; }

expect_exit 0 "$KEPAGENT" -c "$T/kepagent.yaml" check-config --json
python3 - "$T/out" <<'PY' || fail "check-config --json summary"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["valid"] is True and d["errors"] == []
assert d["api"]["port"] == 8470 and d["api"]["listen"] == "127.0.0.1"
assert [a["name"] for a in d["accounts"]] == ["birim", "hukuk"]
assert d["accounts"][1]["login"] == "eimza" and d["accounts"][1]["enabled"] is False
PY

# Every key appears in the sample (commented or not) and in kepagent.yaml(5).
for k in path listen port token_file tls_cert tls_key max_request_size anchors kamusm_store \
	 intermediates tsa_anchors revocation lease_seconds max_attempts archive_after_years \
	 archive_dir level name provider endpoint ca_file address tcno secrets_file login \
	 otp_file pkcs11 module token key pin_file folders inbox sent poll_interval initial_days \
	 overlap_seconds ack_policy delete_after_ack proxy connect_timeout timeout enabled \
	 reconcile_park_after_seconds; do
	grep -Eq "^[ #]*(- )?$k:" "$S" || fail "sample lacks key $k"
	grep -Eq "^\.BR? $k( |\$)" "$top_srcdir/doc/kepagent.yaml.5" || fail "man page lacks key $k"
done

# A configuration from before trust.kephs (wave 1): every envelope and delil
# would be untrusted, so check-config says so with the fix; a KEPHS
# certificate path that is not there is an error.
python3 - "$T/kepagent.yaml" "$T/nokephs.yaml" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
s2 = re.sub(r"\n  kephs:\n(    .*\n)*", "\n", s)
assert "kephs:" not in s2, "kephs block not removed"
open(sys.argv[2], "w").write(s2)
PY
expect_exit 0 "$KEPAGENT" -c "$T/nokephs.yaml" check-config
expect_grep "^warning: .*account 'birim': trust.kephs names no signing certificate of provider 'ptt'.*untrusted.*fix: add under trust: \"kephs: \[\{provider: ptt, certificates:" "$T/err"
rmdir "$T/etc/trust/kephs"
expect_exit 3 "$KEPAGENT" -c "$T/kepagent.yaml" check-config
expect_grep "trust kephs certificate $T/etc/trust/kephs: No such file or directory" "$T/err"
mkdir "$T/etc/trust/kephs"

# A referenced file that is missing is an error.
rm "$T/etc/trust/tsa-roots.pem"
expect_exit 3 "$KEPAGENT" -c "$T/kepagent.yaml" check-config
expect_grep "trust tsa_anchor $T/etc/trust/tsa-roots.pem: No such file or directory" "$T/err"
