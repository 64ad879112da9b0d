# The background agent, kepagent doctor, the systemd unit.
TESTS += tests/doctor.sh
dist_noinst_SCRIPTS += tests/doctor.sh
