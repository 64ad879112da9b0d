/* ptt_secrets.c: a PTT account's secrets file (parola, sifre); see
 * ptt_config.h. */
#include "ptt_config.h"

#include <string.h>

#include "secret_file.h"
#include "util.h"

#define SECRETS_MAX 65536

int ptt_secrets_load(const char *path, char **parola_r, char **sifre_r, struct kbuf *report_r,
		     struct kerr *err)
{
	static const struct cy_key keys[] = {
		{ "parola", 1, "the account's API password (parola)" },
		{ "sifre", 1, "the account's API secret (sifre)" },
	};
	yaml_node_t *vals[ARRAY_SIZE(keys)];
	struct kbuf data = { 0 }, own = { 0 };
	struct kbuf *report = report_r ? report_r : &own;
	struct cy_doc d;
	yaml_node_t *root;
	char *parola = NULL, *sifre = NULL;
	size_t start = report->len;
	unsigned n_errors;
	int ret = -1;

	*parola_r = *sifre_r = NULL;
	if (secret_file_read(path, SECRETS_MAX, &data, err) < 0) {
		secret_kbuf_free(&data);
		kbuf_printf(report, "%s\n", err->msg);
		kbuf_free(&own);
		return -1;
	}
	root = cy_open(&d, path, data.data, data.len, 1, report);
	if (root != NULL && cy_mapping(&d, root, "the secrets file", keys, ARRAY_SIZE(keys),
				       vals) == 0) {
		if (vals[0] != NULL)
			cy_string(&d, vals[0], "parola", &parola);
		if (vals[1] != NULL)
			cy_string(&d, vals[1], "sifre", &sifre);
	}
	n_errors = cy_errors(&d);
	cy_close(&d);
	if (n_errors == 0 && parola != NULL && sifre != NULL) {
		*parola_r = parola;
		*sifre_r = sifre;
		parola = sifre = NULL;
		ret = 0;
	} else {
		const char *first = (const char *)report->data + start;
		int len = (int)strcspn(first, "\n");

		if (n_errors > 1)
			kerr_set(err, KERR_CONFIG, "%.*s (and %u more errors)", len, first,
				 n_errors - 1);
		else
			kerr_set(err, KERR_CONFIG, "%.*s", len, first);
	}
	secret_free(&parola);
	secret_free(&sifre);
	secret_kbuf_free(&data);
	kbuf_free(&own);
	return ret;
}
