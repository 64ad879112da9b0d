# config (owned by its module; see HACKING.md)
# The configuration loader (unit) and `kepagent check-config` (acceptance).
check_PROGRAMS += tests/test-config
tests_test_config_SOURCES = tests/test-config.c
tests_test_config_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_config_LDADD = $(TEST_LDADD)
TESTS += tests/test-config tests/config-errors.sh tests/config-secrets.sh tests/config-sample.sh
dist_noinst_SCRIPTS += tests/config-errors.sh tests/config-secrets.sh tests/config-sample.sh
EXTRA_DIST += \
	tests/data/config/bad-alias.yaml \
	tests/data/config/bad-duplicate-account.yaml \
	tests/data/config/bad-duplicate-key.yaml \
	tests/data/config/bad-duration.yaml \
	tests/data/config/bad-enum.yaml \
	tests/data/config/bad-http.yaml \
	tests/data/config/bad-login.yaml \
	tests/data/config/bad-many.yaml \
	tests/data/config/bad-missing-key.yaml \
	tests/data/config/bad-missing-trust.yaml \
	tests/data/config/bad-quoted-int.yaml \
	tests/data/config/bad-syntax.yaml \
	tests/data/config/bad-tcno.yaml \
	tests/data/config/bad-unknown-key.yaml \
	tests/data/config/bad-wrong-type.yaml \
	tests/data/config/valid.yaml
