#!/bin/sh
# The human report of an evidence bundle (report.html) rendered by a real
# browser (headless Chromium): a screenshot and a PDF print taken, the DOM
# after rendering checked against report.json (every verdict, reason,
# signer, chain and time, Turkish local times) by
# tests/evidence-report-html.py, with an attacker's subject (markup, a
# script, an image to fetch) shown as text. Changing report.html, or
# report.txt, is tampering for `kepagent evidence verify`.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"
command -v unzip >/dev/null || skip "unzip is missing"
command -v zip >/dev/null || skip "zip is missing"
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then
	[ -z "${CI:-}" ] || fail "chromium is missing (contrib/install-deps.sh installs it)"
	skip "chromium is missing (contrib/install-deps.sh installs it)"
fi
kenv_mailbox --seed 5 --received 2 --sent 2 --faults none
kenv_start sim
kenv_config "poll_interval: 3600"
expect_exit 0 "$KEPAGENT" refresh

# The sent package with the most evidence, its subject an attacker's.
pkg=$(kenv_sql "SELECT package_id FROM evidence GROUP BY package_id ORDER BY count(*) DESC, package_id LIMIT 1")
attack='Ödeme </td></table><script>document.title="pwned"</script><img src="http://127.0.0.1:9/x.png" onerror="x()"> & "ğüşiöç"'
python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE packages SET subject = ? WHERE id = ?", (sys.argv[2], int(sys.argv[3]))); c.commit()' \
	"$STORE" "$attack" "$pkg"
expect_exit 0 "$KEPAGENT" evidence export "$pkg" -o "$T/b.zip"
mkdir "$T/x" && (cd "$T/x" && unzip -q "$T/b.zip")
[ -s "$T/x/report.html" ] || fail "the bundle has no report.html"

# Rendered by the browser, offline (nothing to fetch), as root needs.
render() {
	HOME=$T timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$T/chrome" --window-size=1000,2600 "$@" "file://$T/x/report.html" 2>>"$T/chrome.log"
}
render --dump-dom >"$T/dom.html" || { tail -20 "$T/chrome.log"; fail "chromium could not render report.html"; }
render --screenshot="$T/report.png" >/dev/null || { tail -20 "$T/chrome.log"; fail "no screenshot"; }
render --print-to-pdf="$T/report.pdf" --no-pdf-header-footer >/dev/null || { tail -20 "$T/chrome.log"; fail "no PDF print"; }
python3 "$top_srcdir/tests/evidence-report-html.py" "$T/dom.html" "$T/x/report.json" "$T/x/report.txt" \
	"$T/report.png" "$T/report.pdf" "$attack" || fail "report.html does not show what report.json says"
cp "$T/report.png" "$top_builddir/tests/evidence-report-html.png" # kept for a person to look at

# The bundle as exported verifies; with a verdict changed in report.html (or
# a line of report.txt), it is tampered.
anchors="--anchors $MB/pki/trust/rsa-root.pem --anchors $MB/pki/trust/ec-root.pem --kephs $MB/pki/rsa/kephs.pem --kephs $MB/pki/ec/kephs.pem"
expect_exit 0 "$KEPAGENT" evidence verify $anchors "$T/b.zip"
for f in report.html report.txt; do
	rm -rf "$T/y" && cp -r "$T/x" "$T/y"
	if [ $f = report.html ]; then
		sed -i '0,/data-verdict="revocation-unknown"/s//data-verdict="valid"/' "$T/y/$f"
	else
		sed -i 's/^\(  Sonuç  *\)revocation-unknown/\1valid/' "$T/y/$f"
	fi
	cmp -s "$T/x/$f" "$T/y/$f" && fail "the $f edit changed nothing"
	(cd "$T/y" && zip -q -r "$T/t.zip" . && mv "$T/t.zip" "$T/$f.zip")
	expect_exit 1 "$KEPAGENT" evidence verify --json $anchors "$T/$f.zip"
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
assert not r["intact"] and any(t.startswith(sys.argv[2] + ":") for t in r["tampered"]), r["tampered"]' "$T/out" "$f" \
		|| fail "a changed $f is not tampering"
done
exit 0
