# Sample configuration, systemd unit, sysusers.d/tmpfiles.d, bash completion,
# install script, simulator.
include contrib/kepsim/local.mk

dist_noinst_SCRIPTS += contrib/install-deps.sh contrib/demo.sh
dist_doc_DATA = contrib/kepagent.yaml.sample

# Files with the configured paths in them.
contrib_subst = sed \
	-e 's|@sbindir[@]|$(sbindir)|g' \
	-e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	-e 's|@localstatedir[@]|$(localstatedir)|g'

systemdunitdir = $(systemdsystemunitdir)
systemdunit_DATA = contrib/kepagent.service
EXTRA_DIST += contrib/kepagent.service.in
CLEANFILES += contrib/kepagent.service
contrib/kepagent.service: $(srcdir)/contrib/kepagent.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) contrib && $(contrib_subst) $(srcdir)/contrib/kepagent.service.in > $@

# The service user and its state directory, the systemd way (a package's
# postinst runs systemd-sysusers and systemd-tmpfiles on them).
sysusersdir = $(prefix)/lib/sysusers.d
sysusers_DATA = contrib/sysusers.d/kepagent.conf
tmpfilesdir = $(prefix)/lib/tmpfiles.d
tmpfiles_DATA = contrib/tmpfiles.d/kepagent.conf
EXTRA_DIST += contrib/kepagent.sysusers.in contrib/kepagent.tmpfiles.in
CLEANFILES += $(sysusers_DATA) $(tmpfiles_DATA)
contrib/sysusers.d/kepagent.conf: $(srcdir)/contrib/kepagent.sysusers.in Makefile
	$(AM_V_GEN)$(MKDIR_P) contrib/sysusers.d && $(contrib_subst) $(srcdir)/contrib/kepagent.sysusers.in > $@
contrib/tmpfiles.d/kepagent.conf: $(srcdir)/contrib/kepagent.tmpfiles.in Makefile
	$(AM_V_GEN)$(MKDIR_P) contrib/tmpfiles.d && $(contrib_subst) $(srcdir)/contrib/kepagent.tmpfiles.in > $@

bashcompletiondir = $(datadir)/bash-completion/completions
dist_bashcompletion_DATA = contrib/bash-completion/kepagent

# The live configuration: the sample with the configured paths and every
# account disabled, so nothing runs before an administrator set it up.
CLEANFILES += contrib/kepagent.yaml
contrib/kepagent.yaml: $(srcdir)/contrib/kepagent.yaml.sample Makefile
	$(AM_V_GEN)$(MKDIR_P) contrib && sed \
		-e 's|/etc/kepagent|$(sysconfdir)/kepagent|g' \
		-e 's|/var/lib/kepagent|$(localstatedir)/lib/kepagent|g' \
		-e 's|^\( *enabled:\) true.*|\1 false   # true once its secrets file and the trust anchors are in place|' \
		$(srcdir)/contrib/kepagent.yaml.sample > $@
all-local: contrib/kepagent.yaml

# The configuration and secrets directories, created with safe permissions.
# No secret is ever written here: the API token is made on the machine that
# runs the agent (a package's postinst, or `make install` without DESTDIR),
# never into a DESTDIR a package is built from.
install-data-local: contrib/kepagent.yaml
	$(MKDIR_P) -m 0750 $(DESTDIR)$(sysconfdir)/kepagent
	$(MKDIR_P) -m 0700 $(DESTDIR)$(sysconfdir)/kepagent/secrets
	@if test ! -f $(DESTDIR)$(sysconfdir)/kepagent/kepagent.yaml; then \
		echo "  installing $(DESTDIR)$(sysconfdir)/kepagent/kepagent.yaml (every account disabled)"; \
		$(INSTALL_DATA) -m 0640 contrib/kepagent.yaml $(DESTDIR)$(sysconfdir)/kepagent/kepagent.yaml; \
	fi
	@if test -z "$(DESTDIR)"; then \
		$(MKDIR_P) -m 0700 $(localstatedir)/lib/kepagent; \
		if test ! -f $(sysconfdir)/kepagent/api-token; then \
			echo "  creating $(sysconfdir)/kepagent/api-token (mode 0600; chown it to the service user)"; \
			(umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' \
				> $(sysconfdir)/kepagent/api-token); \
		fi; \
	fi

uninstall-local:
	@echo "  keeping $(DESTDIR)$(sysconfdir)/kepagent and $(DESTDIR)$(localstatedir)/lib/kepagent (configuration and legal evidence)"

# `make uninstall` keeps configuration and secrets on purpose; tell
# distcheck's leftover check so.
distuninstallcheck_listfiles = find . -type f -print | grep -v '/etc/kepagent/'

# The Debian package (dpkg-buildpackage -us -uc -b; tests/package-deb.sh).
EXTRA_DIST += debian/changelog debian/control debian/copyright debian/rules \
	debian/source/format debian/kepagent.postinst debian/kepagent.postrm
