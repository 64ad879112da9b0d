# Sample configuration, systemd unit, simulator.
include contrib/kepsim/local.mk
dist_noinst_SCRIPTS += contrib/install-deps.sh
dist_doc_DATA = contrib/kepagent.yaml.sample
