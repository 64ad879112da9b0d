# The EBYS/auditor interface: the local API served by `kepagent run` over a
# store filled from kepsim, and the queue/status/evidence commands.
API_TESTS = \
	tests/api-queue.sh \
	tests/api-status.sh \
	tests/api-status-forged.sh \
	tests/api-signed-range.sh \
	tests/api-signed-range-opaque.sh \
	tests/api-auth.sh \
	tests/api-openapi.sh \
	tests/evidence-bundle.sh \
	tests/queue-cli.sh \
	tests/api-archive.sh \
	tests/api-listener.sh \
	tests/api-healthz.sh \
	tests/api-parties.sh \
	tests/evidence-report-html.sh \
	tests/api-cli-shapes.sh \
	tests/api-queue-lease.sh \
	tests/api-eyp.sh \
	tests/evidence-mail-queue.sh
TESTS += $(API_TESTS)
dist_noinst_SCRIPTS += $(API_TESTS) tests/api-lib.sh tests/bench-status.sh
EXTRA_DIST += tests/api-openapi.py tests/bench-status.py tests/api-listener.py \
	tests/evidence-report-html.py
# The screenshot tests/evidence-report-html.sh keeps of the rendered report.
CLEANFILES += tests/evidence-report-html.png

# Not a test: status lookups per second and latency over HTTP and in-process
# on a store of 1,000,000 evidence rows (`make bench-status`).
# Built with the tests (so it keeps compiling), run only on demand.
check_PROGRAMS += tests/bench-status
tests_bench_status_SOURCES = tests/bench-status.c
tests_bench_status_CPPFLAGS = $(TEST_CPPFLAGS)
tests_bench_status_LDADD = $(TEST_LDADD)
bench-status: kepagent tests/bench-status$(EXEEXT)
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
		KEPAGENT='$(abs_top_builddir)/kepagent' $(SHELL) $(srcdir)/tests/bench-status.sh
.PHONY: bench-status

# Turkish local times and character-counted columns (agent/reply.h).
check_PROGRAMS += tests/test-reply-time
tests_test_reply_time_SOURCES = tests/test-reply-time.c
tests_test_reply_time_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_reply_time_LDADD = $(TEST_LDADD)
TESTS += tests/test-reply-time

# The query plans of the status lookup: every statement through an index.
check_PROGRAMS += tests/test-status-plan
tests_test_status_plan_SOURCES = tests/test-status-plan.c
tests_test_status_plan_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_status_plan_LDADD = $(TEST_LDADD)
TESTS += tests/test-status-plan

check_PROGRAMS += tests/test-json-text
tests_test_json_text_SOURCES = tests/test-json-text.c
tests_test_json_text_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_json_text_LDADD = $(TEST_LDADD)
TESTS += tests/test-json-text
