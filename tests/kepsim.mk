# kepsim (owned by its module; see HACKING.md)

# generator
TESTS += tests/kepsim-gen-pki.sh tests/kepsim-gen-mailbox.sh
dist_noinst_SCRIPTS += tests/kepsim-gen-pki.sh tests/kepsim-gen-mailbox.sh tests/kepsim-gen-check.py

# server
TESTS += tests/kepsim-server-ops.sh tests/kepsim-server-faults.sh tests/kepsim-server-pki.sh \
	tests/kepsim-server-send.sh
dist_noinst_SCRIPTS += tests/kepsim-server-ops.sh tests/kepsim-server-faults.sh tests/kepsim-server-pki.sh tests/kepsim-server-lib.sh tests/kepsim-server-split.py \
	tests/kepsim-server-send.sh tests/kepsim-server-send.py
