# tests/kepsim-pki.sh: the test PKI (contrib/kepsim/mkpki.sh), made once per
# build tree and shared by every test that only reads it (mkpki.sh takes
# seconds). Source after tests/lib.sh.
#
#   kenv_pki        make or reuse it; sets KENV_PKI (read it, never write into it)
# Tests that need a PKI of their own (revocation served on their own port)
# still run mkpki.sh themselves.
kenv_pki() {
	KENV_PKI=$top_builddir/tests/kepsim-pki.cache
	(
		flock 9
		# Keyed on the script: a changed mkpki.sh rebuilds the cache.
		_key=$(cksum <"$top_srcdir/contrib/kepsim/mkpki.sh")
		if [ "$(cat "$KENV_PKI/.done" 2>/dev/null)" != "$_key" ]; then
			rm -rf "$KENV_PKI"
			sh "$top_srcdir/contrib/kepsim/mkpki.sh" "$KENV_PKI" >"$T/mkpki.log" 2>&1 \
				|| { cat "$T/mkpki.log"; exit 1; }
			echo "$_key" >"$KENV_PKI/.done"
		fi
	) 9>"$top_builddir/tests/kepsim-pki.lock" || fail "mkpki.sh"
}
