#!/bin/sh
# Both man pages render without groff warnings (and mandoc lint findings,
# where mandoc is installed), and the Turkish letters come out as letters.
. "$top_srcdir/tests/lib.sh"
command -v groff >/dev/null || skip "groff not installed"
for p in kepagent.8 kepagent.yaml.5; do
	page=$top_srcdir/doc/$p
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
