/* i18n.h: officer-facing texts in the user's language (gettext, domain
 * "kepagent"; catalogues in po/, installed under $(localedir)).
 *
 * Only LC_MESSAGES follows the locale: LC_CTYPE stays "C" so that
 * case-insensitive header and name comparisons never turn Turkish (the
 * dotless i), and translations are always given out as UTF-8.
 * $KEPAGENT_LOCALEDIR overrides the catalogue directory (tests run the
 * build tree's catalogues). Log lines and JSON stay English: they are for
 * administrators, journald and programs. */
#ifndef KEP_I18N_H
#define KEP_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
/* Marks a text for the catalogue whose translation is looked up later. */
#define N_(s) (s)

/* Once, at start: the locale's LC_MESSAGES and the catalogue directory. */
void i18n_init(void);

#endif
