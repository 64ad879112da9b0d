#!/bin/sh
# The Debian package: built from the distributed sources with
# dpkg-buildpackage -us -uc -b, lintian clean of errors, its files where
# Debian wants them (no secret in it), then installed with dpkg into a
# throwaway root (maintainer scripts chrootless, DPKG_ROOT): the kepagent
# user, /var/lib/kepagent and the API token made by postinst with the right
# owners and modes, the unit enabled, the configuration a conffile; the
# installed kepagent doctor, run as the service user, passes against kepsim
# (a real login) with the installed token, store and secrets directories;
# purged again, the store stays.
. "$top_srcdir/tests/lib.sh"

for t in dpkg-buildpackage dh dh_autoreconf lintian; do
	command -v $t >/dev/null || skip "$t is missing (contrib/install-deps.sh installs it)"
done
[ "$(id -u)" = 0 ] || command -v fakeroot >/dev/null || skip "neither root nor fakeroot"
[ "$(id -u)" = 0 ] || skip "dpkg --root with chrootless scripts needs root to set owners"

ver=$(sed -n '1s/^kepagent (\([^)]*\)).*/\1/p' "$top_srcdir/debian/changelog")
deb=$T/kepagent_${ver}_$(dpkg --print-architecture).deb
mkdir "$T/src"
${MAKE:-make} -C "$top_builddir" distdir distdir="$T/src/kepagent-$ver" >"$T/distdir.log" 2>&1 \
	|| { tail -20 "$T/distdir.log"; fail "make distdir"; }
cd "$T/src/kepagent-$ver"
[ ! -d /usr/lib/ccache ] || PATH=/usr/lib/ccache:$PATH
DEB_BUILD_OPTIONS="nocheck parallel=2" nice dpkg-buildpackage -us -uc -b >"$T/build.log" 2>&1 \
	|| { tail -40 "$T/build.log"; fail "dpkg-buildpackage -us -uc -b"; }
mv "$T/src/"*.deb "$T/src/"*.changes "$T/src/"*.buildinfo "$T/"
cd "$T"
[ -f "$deb" ] || fail "no $deb"

# ---- the files ----
dpkg-deb -c "$deb" | awk '{ print $1, $2, $6 }' | sed 's|^\([^ ]*\) \([^ ]*\) \./|\1 \2 /|' >"$T/files"
for want in '^-rwxr-xr-x root/root /usr/sbin/kepagent$' \
	' /usr/share/man/man8/kepagent\.8\.gz$' ' /usr/share/man/man5/kepagent\.yaml\.5\.gz$' \
	' /lib/systemd/system/kepagent\.service$' ' /usr/lib/sysusers\.d/kepagent\.conf$' \
	' /usr/lib/tmpfiles\.d/kepagent\.conf$' ' /usr/share/bash-completion/completions/kepagent$' \
	' /etc/kepagent/kepagent\.yaml$' ' /usr/share/doc/kepagent/copyright$' \
	' /usr/share/doc/kepagent/kepagent\.yaml\.sample$' \
	' /usr/share/locale/tr/LC_MESSAGES/kepagent\.mo$'; do
	expect_grep "$want" "$T/files"
done
expect_no_grep ' /usr/bin/kepagent$' "$T/files"
# No secret is shipped: the token is made on the machine, by postinst.
expect_no_grep 'api-token' "$T/files"
dpkg-deb -e "$deb" "$T/control"
expect_grep '^/etc/kepagent/kepagent\.yaml$' "$T/control/conffiles"
dpkg-deb -x "$deb" "$T/x"
expect_grep '^ExecStart=/usr/sbin/kepagent -c /etc/kepagent/kepagent\.yaml run$' \
	"$T/x/lib/systemd/system/kepagent.service"
expect_grep '^u kepagent ' "$T/x/usr/lib/sysusers.d/kepagent.conf"
expect_grep '^d /var/lib/kepagent 0700 kepagent kepagent' "$T/x/usr/lib/tmpfiles.d/kepagent.conf"
# The live configuration enables no placeholder account and names Debian's paths.
expect_no_grep 'enabled: *true' "$T/x/etc/kepagent/kepagent.yaml"
expect_grep '^  path: /var/lib/kepagent/kepagent\.db' "$T/x/etc/kepagent/kepagent.yaml"
"$KEPAGENT" -c "$T/x/etc/kepagent/kepagent.yaml" check-config >"$T/cc.out" 2>"$T/cc.err" || true
# Only files an administrator still has to provide are missing.
expect_no_grep ':[0-9]+:[0-9]+:' "$T/cc.err"
dpkg-deb -f "$deb" Depends >"$T/depends"
expect_grep 'systemd \| systemd-standalone-sysusers' "$T/depends"

# ---- lintian: no errors; warnings are shown ----
nice lintian --fail-on error --tag-display-limit 0 "$T"/kepagent_*.changes >"$T/lintian" 2>&1 \
	|| { cat "$T/lintian"; fail "lintian reports errors"; }
grep '^[EW]:' "$T/lintian" || true

# ---- installed into a throwaway root ----
R=$T/root
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/etc"
: >"$R/var/lib/dpkg/status"
: >"$R/var/lib/dpkg/available"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$R/etc/passwd"
printf 'root:x:0:\n' >"$R/etc/group"
dpkg --root="$R" --force-script-chrootless --force-depends --log=/dev/null -i "$deb" \
	>"$T/install.log" 2>&1 || { cat "$T/install.log"; fail "dpkg -i into $R"; }
uid=$(awk -F: '$1 == "kepagent" { print $3 }' "$R/etc/passwd")
gid=$(awk -F: '$1 == "kepagent" { print $3 }' "$R/etc/group")
[ -n "$uid" ] && [ -n "$gid" ] || { cat "$T/install.log"; fail "no kepagent user in $R/etc/passwd"; }
awk -F: '$1 == "kepagent" && $7 ~ /nologin$/ { ok = 1 } END { exit !ok }' "$R/etc/passwd" \
	|| fail "the kepagent user has a login shell"
[ "$uid" -lt 1000 ] || fail "kepagent is not a system user (uid $uid)"
# stat_is PATH MODE OWNER GROUP (numeric)
stat_is() {
	got=$(stat -c '%a %u %g' "$1")
	[ "$got" = "$2 $3 $4" ] || fail "$1: mode/owner/group '$got', expected '$2 $3 $4'"
}
stat_is "$R/var/lib/kepagent" 700 "$uid" "$gid"
stat_is "$R/etc/kepagent" 750 0 "$gid"
stat_is "$R/etc/kepagent/kepagent.yaml" 640 0 "$gid"
stat_is "$R/etc/kepagent/secrets" 700 "$uid" "$gid"
stat_is "$R/etc/kepagent/api-token" 600 "$uid" "$gid"
grep -Eq '^[0-9a-f]{64}$' "$R/etc/kepagent/api-token" || fail "the API token is not 32 random bytes in hex"
[ -L "$R/etc/systemd/system/multi-user.target.wants/kepagent.service" ] \
	|| fail "the unit is not enabled"
grep -q '^Conffiles:' "$R/var/lib/dpkg/status" && grep -q ' /etc/kepagent/kepagent.yaml ' "$R/var/lib/dpkg/status" \
	|| fail "the configuration is not a conffile"
"$R/usr/sbin/kepagent" --version >"$T/out" || fail "the installed binary does not run"
expect_grep "^kepagent $ver" "$T/out"

# ---- doctor as the service user proves the installed layout against kepsim ----
# The installed binary, run as the kepagent user (setpriv, by uid: the user
# exists in $R only), with a configuration beside the shipped one naming the
# installed token, store directory and secrets directory; a BASE account of
# a kepsim mailbox, so the login is real.
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	. "$top_srcdir/tests/kepsim-env.sh"
	kenv_mailbox --seed 5 --received 1 --sent 1 --faults none
	kenv_start pkg
	chmod 711 "$T"
	E=$R/etc/kepagent
	mkdir -p -m 755 "$E/trust"
	cp "$MB/pki/trust/rsa-root.pem" "$MB/pki/trust/ec-root.pem" "$MB/pki/https/ca.pem" \
		"$MB/pki/rsa/kephs.pem" "$E/trust/"
	cp "$MB/pki/ec/kephs.pem" "$E/trust/kephs-ec.pem"
	chmod 644 "$E/trust/"*
	python3 - "$ACC/account.json" "$E/secrets/acct.yaml" <<'PY'
import json, os, sys
a = json.load(open(sys.argv[1]))
fd = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
os.write(fd, ("parola: %s\nsifre: %s\n" % (json.dumps(a["parola"]), json.dumps(a["sifre"]))).encode())
os.close(fd)
PY
	chown "$uid:$gid" "$E/secrets/acct.yaml"
	cat >"$E/doctor.yaml" <<EOT
store:
  path: $R/var/lib/kepagent/kepagent.db
api:
  token_file: $E/api-token
trust:
  anchors: [$E/trust/rsa-root.pem, $E/trust/ec-root.pem]
  revocation: offline
  kephs:
    - provider: ptt
      certificates: [$E/trust/kephs.pem, $E/trust/kephs-ec.pem]
accounts:
  - name: acct
    provider: ptt
    endpoint: $URL
    ca_file: $E/trust/ca.pem
    address: $HESAP
    tcno: "$(kenv_json "$ACC/account.json" tcno)"
    secrets_file: $E/secrets/acct.yaml
EOT
	chown "0:$gid" "$E/doctor.yaml"
	chmod 640 "$E/doctor.yaml"
	expect_exit 0 setpriv --reuid="$uid" --regid="$gid" --clear-groups \
		"$R/usr/sbin/kepagent" -c "$E/doctor.yaml" doctor
	expect_grep '^ok +api-token .*is private' "$T/out"
	expect_grep "^ok +login +account acct: logged in as $HESAP" "$T/out"
	expect_grep '^ok +store ' "$T/out"
	expect_no_grep '^(FAIL|warn)' "$T/out"
	# As root the same token is someone else's: doctor says whose to make it.
	expect_exit 0 "$R/usr/sbin/kepagent" -c "$E/doctor.yaml" doctor --no-network
	expect_grep '^warn +api-token .*owned by uid '"$uid"'.*fix: chown' "$T/out"
	rm -rf "$E/doctor.yaml" "$E/trust" "$E/secrets/acct.yaml"
	kenv_stop
	chmod 700 "$T"
else
	echo "note: not root or no setpriv: doctor as the service user not run"
fi
# A second install (an upgrade) keeps the token.
cp "$R/etc/kepagent/api-token" "$T/token.before"
dpkg --root="$R" --force-script-chrootless --force-depends --log=/dev/null -i "$deb" \
	>"$T/install.log" 2>&1 || { cat "$T/install.log"; fail "dpkg -i again"; }
cmp -s "$T/token.before" "$R/etc/kepagent/api-token" || fail "reinstalling replaced the API token"
# Purge: the token goes, the store's directory (legal evidence) stays.
dpkg --root="$R" --force-script-chrootless --force-depends --log=/dev/null --purge kepagent \
	>"$T/purge.log" 2>&1 || { cat "$T/purge.log"; fail "dpkg --purge"; }
[ ! -e "$R/etc/kepagent/api-token" ] || fail "purge kept the API token"
[ ! -e "$R/usr/sbin/kepagent" ] || fail "purge kept the binary"
[ -d "$R/var/lib/kepagent" ] || fail "purge removed /var/lib/kepagent"

if [ -d /run/systemd/system ]; then
	echo "note: systemd runs here, but this test installs into a throwaway root only"
else
	echo "note: systemd is not running here: the service was not started; installed files checked"
fi
