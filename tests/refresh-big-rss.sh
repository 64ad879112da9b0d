#!/bin/sh
# Peak RSS of `kepagent refresh` of one 25 MB package (KEP's cap), served as
# MTOM and as inline base64 in the SOAP answer: below 64 MB in each mode,
# with the package stored byte for byte and the same verdict both ways. The
# answer is spooled to disk and the package read from a mapping (http.h,
# mime.h), so the heap holds no whole copy of it; a regression that buffers
# the body, the decoded document or the SOAP text fails here. The peak is
# the kernel's (wait4's ru_maxrss), a bound, never a time; the document
# part is checked against the mailbox's copy. A sanitizer
# build's RSS is mostly shadow memory and quarantine: the test skips there,
# and tests/run-all.sh runs it in its build without sanitizers.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"
if grep -q '^SAN_CFLAGS = -fsanitize' "$top_builddir/Makefile"; then
	skip "a sanitizer build's RSS says nothing (tests/run-all.sh runs this in build-valgrind)"
fi
LIMIT_KB=$((64 * 1024))

kenv_mailbox --seed 7 --received 0 --sent 0 --big 1 --big-size 25M --faults none
pkg=$(ls "$ACC"/INBOX/*/package.eml)
size=$(wc -c <"$pkg" | tr -d ' ')
[ "$size" -gt $((24 << 20)) ] && [ "$size" -le $((25 << 20)) ] \
	|| fail "kepsim-gen --big-size 25M made a package of $size bytes"

# peak_kb CMD...: runs CMD (stdout and stderr to $T/run.out), prints its
# peak RSS in KB; fails when it exits non-zero.
peak_kb() {
	python3 - "$T/run.out" "$@" <<'PY'
import os, subprocess, sys
with open(sys.argv[1], "wb") as out:
    p = subprocess.Popen(sys.argv[2:], stdout=out, stderr=subprocess.STDOUT)
    _, status, ru = os.wait4(p.pid, 0)
rc = os.waitstatus_to_exitcode(status)
if rc != 0:
    sys.stderr.write(open(sys.argv[1], errors="replace").read()[-4000:])
    sys.exit("exited %d" % rc)
print(ru.ru_maxrss)
PY
}

verdicts=""
over=""
for mode in mtom inline; do
	if [ $mode = inline ]; then
		kenv_start "$mode" --inline-base64
	else
		kenv_start "$mode"
	fi
	KENV_ACK=never kenv_config
	rm -f "$STORE"
	kb=$(peak_kb "$KEPAGENT" refresh) || fail "$mode: refresh failed"
	kenv_check_store >/dev/null
	[ "$(kenv_sql "SELECT count(*) FROM packages WHERE length(raw) = $size")" = 1 ] \
		|| fail "$mode: the $size-byte package is not stored"
	# The document is stored as decoded, byte for byte (mime.h: a big part
	# goes through a spool file, not the heap).
	python3 - "$STORE" "$ACC"/INBOX/*/attachments/01-*.pdf <<'PY' || fail "$mode: the stored document differs"
import hashlib, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
want = hashlib.sha256(open(sys.argv[2], "rb").read()).digest()
rows = c.execute("SELECT p.sha256, b.content FROM parts p JOIN part_bytes b ON b.id = p.id"
                 " WHERE p.role = 'attachment'").fetchall()
sys.exit(0 if len(rows) == 1 and rows[0][0] == want and hashlib.sha256(rows[0][1]).digest() == want else 1)
PY
	# The download really went the way this mode names.
	want=$([ $mode = mtom ] && echo true || echo false)
	python3 - "$KEPSIM_REQ" "$want" <<'PY' || fail "$mode: the package was not served as $mode"
import json, sys
big = [r for r in map(json.loads, open(sys.argv[1])) if r.get("bytes", 0) > (24 << 20)]
sys.exit(0 if big and all(r.get("mtom") == (sys.argv[2] == "true") for r in big) else 1)
PY
	verdicts="$verdicts $(kenv_sql "SELECT verdict FROM packages")"
	echo "$mode: peak RSS $((kb / 1024)) MB for a $((size >> 20)) MB package"
	[ "$kb" -lt $LIMIT_KB ] || over="$over $mode: peak RSS $kb KB, the bound is $LIMIT_KB KB;"
	kenv_stop
done
set -- $verdicts
[ "$1" = "$2" ] || fail "the verdict differs between MTOM ($1) and inline ($2)"
[ -z "$over" ] || fail "$over"
