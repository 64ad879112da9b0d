# kepsim (owned by its module; see HACKING.md)

# generator
TESTS += tests/kepsim-gen-pki.sh tests/kepsim-gen-mailbox.sh
dist_noinst_SCRIPTS += tests/kepsim-gen-pki.sh tests/kepsim-gen-mailbox.sh tests/kepsim-gen-check.py
