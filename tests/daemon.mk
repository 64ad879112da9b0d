# The background agent, kepagent doctor, the systemd unit.
TESTS += tests/doctor.sh tests/quota-watch.sh
dist_noinst_SCRIPTS += tests/doctor.sh tests/quota-watch.sh
TESTS += tests/daemon-run.sh tests/daemon-sigterm.sh tests/daemon-sigterm-hung.sh tests/daemon-notify.sh
dist_noinst_SCRIPTS += tests/daemon-lib.sh tests/daemon-run.sh tests/daemon-sigterm.sh tests/daemon-sigterm-hung.sh tests/daemon-notify.sh
TESTS += tests/systemd-unit.sh
dist_noinst_SCRIPTS += tests/systemd-unit.sh
TESTS += tests/daemon-chain-cache.sh
dist_noinst_SCRIPTS += tests/daemon-chain-cache.sh
