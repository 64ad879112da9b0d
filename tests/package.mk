# The Debian package: built, lintian-checked, installed in a throwaway root.
TESTS += tests/package-deb.sh
dist_noinst_SCRIPTS += tests/package-deb.sh
