#!/bin/sh
# Both man pages render without groff warnings (and mandoc lint findings,
# where mandoc is installed), and the Turkish letters come out as letters;
# the installed pages (doc/gen/) name the configured paths, the ones
# kepagent itself uses.
. "$top_srcdir/tests/lib.sh"
command -v groff >/dev/null || skip "groff not installed"
for page in "$top_srcdir/doc/kepagent.8" "$top_srcdir/doc/kepagent.yaml.5" \
	"$top_builddir/doc/gen/kepagent.8" "$top_builddir/doc/gen/kepagent.yaml.5"; do
	p=$page
	[ -f "$page" ] || fail "$page was not built"
	groff -man -wall -ww -z "$page" 2>"$T/warn" || fail "groff failed on $p"
	[ ! -s "$T/warn" ] || { cat "$T/warn"; fail "groff warns about $p"; }
	# A backslash-paren escape that groff does not know renders as a wrong
	# glyph or nothing; \[uXXXX] is the form for Turkish letters.
	! grep -n '\\(\(is\|:i\|,m\|i\.\|,c\|,s\|:o\|:u\)' "$page" ||
		fail "$p uses a non-groff glyph escape"
	if command -v mandoc >/dev/null; then
		mandoc -T lint -W warning "$page" >"$T/lint" 2>&1 ||
			{ cat "$T/lint"; fail "mandoc lint on $p"; }
	fi
done
LC_ALL=C.UTF-8 groff -man -Tutf8 "$top_srcdir/doc/kepagent.8" 2>/dev/null >"$T/r"
grep -q 'e-Yazışma' "$T/r" || fail "e-Yazışma renders wrongly"
grep -q 'Alıcı KEPHS' "$T/r" || fail "Alıcı renders wrongly"

# The configuration path the program uses is the one the installed pages give.
conf=$("$KEPAGENT" --help | sed -n 's|^ *\(/[^ )]*/kepagent/kepagent\.yaml\))$|\1|p')
[ -n "$conf" ] || fail "kepagent --help names no default configuration"
grep -qF "$conf" "$top_builddir/doc/gen/kepagent.8" || fail "kepagent(8) does not name $conf"
grep -qF "$conf" "$top_builddir/doc/gen/kepagent.yaml.5" || fail "kepagent.yaml(5) does not name $conf"
etc=${conf%/kepagent/kepagent.yaml}
if [ "$etc" != /etc ]; then
	! grep -n '[^a-z/]/etc/kepagent' "$top_builddir/doc/gen/kepagent.8" "$top_builddir/doc/gen/kepagent.yaml.5" ||
		fail "an installed page still says /etc/kepagent, not $etc/kepagent"
fi
