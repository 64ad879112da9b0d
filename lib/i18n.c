/* i18n.c: see i18n.h. */
#include "i18n.h"

#include <locale.h>
#include <stdlib.h>

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/share/locale"
#endif

void i18n_init(void)
{
	const char *dir = getenv("KEPAGENT_LOCALEDIR");

	(void)setlocale(LC_MESSAGES, "");
	bindtextdomain("kepagent", dir != NULL && dir[0] != '\0' ? dir : LOCALEDIR);
	bind_textdomain_codeset("kepagent", "UTF-8");
	textdomain("kepagent");
}
