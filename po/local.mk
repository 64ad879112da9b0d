# Officer-facing texts in other languages (gettext, domain "kepagent"; see
# lib/i18n.h). `make update-po` refreshes po/kepagent.pot from the sources
# in po/POTFILES and merges it into each po/LANG.po.
EXTRA_DIST += po/POTFILES po/kepagent.pot po/tr.po

trlocaledir = $(localedir)/tr/LC_MESSAGES
trlocale_DATA = po/locale/tr/LC_MESSAGES/kepagent.mo
CLEANFILES += $(trlocale_DATA)
po/locale/tr/LC_MESSAGES/kepagent.mo: $(srcdir)/po/tr.po
	$(AM_V_GEN)$(MKDIR_P) po/locale/tr/LC_MESSAGES && $(MSGFMT) -c -o $@ $(srcdir)/po/tr.po

update-po:
	cd $(srcdir) && xgettext --from-code=UTF-8 -k_ -kN_ --add-comments=TRANSLATORS: \
		--package-name=kepagent --package-version=$(PACKAGE_VERSION) \
		-o po/kepagent.pot -f po/POTFILES && \
	msgmerge -q -U --backup=none po/tr.po po/kepagent.pot
.PHONY: update-po
