# Sample configuration, systemd unit, simulator.
include contrib/kepsim/local.mk
dist_noinst_SCRIPTS += contrib/install-deps.sh
