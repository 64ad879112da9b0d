# Man pages. The sources say /etc/kepagent and /var/lib/kepagent (what the
# Debian package installs); the installed pages name the configured
# $(sysconfdir) and $(localstatedir) (a default build: /usr/local/etc).
man_MANS = doc/gen/kepagent.8 doc/gen/kepagent.yaml.5
EXTRA_DIST += doc/kepagent.8 doc/kepagent.yaml.5
CLEANFILES += $(man_MANS)
doc_subst = sed -e 's|/etc/kepagent|$(sysconfdir)/kepagent|g' \
	-e 's|/var/lib/kepagent|$(localstatedir)/lib/kepagent|g'
doc/gen/kepagent.8: $(srcdir)/doc/kepagent.8 Makefile
	$(AM_V_GEN)$(MKDIR_P) doc/gen && $(doc_subst) $(srcdir)/doc/kepagent.8 > $@
doc/gen/kepagent.yaml.5: $(srcdir)/doc/kepagent.yaml.5 Makefile
	$(AM_V_GEN)$(MKDIR_P) doc/gen && $(doc_subst) $(srcdir)/doc/kepagent.yaml.5 > $@

dist_noinst_DATA += doc/openapi.yaml doc/redocly.yaml
