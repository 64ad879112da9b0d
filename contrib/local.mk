# Sample configuration, systemd unit, install script, simulator.
include contrib/kepsim/local.mk

dist_noinst_SCRIPTS += contrib/install-deps.sh contrib/demo.sh
dist_doc_DATA = contrib/kepagent.yaml.sample

systemdunitdir = $(prefix)/lib/systemd/system
systemdunit_DATA = contrib/kepagent.service
EXTRA_DIST += contrib/kepagent.service.in
CLEANFILES += contrib/kepagent.service

contrib/kepagent.service: $(srcdir)/contrib/kepagent.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) contrib && sed \
		-e 's|@bindir[@]|$(bindir)|g' \
		-e 's|@sysconfdir[@]|$(sysconfdir)|g' \
		$(srcdir)/contrib/kepagent.service.in > $@

# The data and secrets directories, created with safe permissions. Runs as
# the installing user; packaging as root also makes the kepagent user.
install-data-local:
	$(MKDIR_P) -m 0750 $(DESTDIR)$(sysconfdir)/kepagent
	$(MKDIR_P) -m 0700 $(DESTDIR)$(sysconfdir)/kepagent/secrets
	$(MKDIR_P) -m 0700 $(DESTDIR)$(localstatedir)/lib/kepagent
	@if test ! -f $(DESTDIR)$(sysconfdir)/kepagent/api-token; then \
		echo "  creating $(DESTDIR)$(sysconfdir)/kepagent/api-token (mode 0600)"; \
		(umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' \
			> $(DESTDIR)$(sysconfdir)/kepagent/api-token); \
	fi
	@if test ! -f $(DESTDIR)$(sysconfdir)/kepagent/kepagent.yaml && \
	    test -f $(srcdir)/contrib/kepagent.yaml.sample; then \
		$(INSTALL_DATA) -m 0640 $(srcdir)/contrib/kepagent.yaml.sample \
			$(DESTDIR)$(sysconfdir)/kepagent/kepagent.yaml; \
	fi

uninstall-local:
	@echo "  keeping $(DESTDIR)$(sysconfdir)/kepagent and $(DESTDIR)$(localstatedir)/lib/kepagent (configuration and legal evidence)"

# `make uninstall` keeps configuration and secrets on purpose; tell
# distcheck's leftover check so.
distuninstallcheck_listfiles = find . -type f -print | grep -v '/etc/kepagent/'
