/* secrets.c: see secrets.h; also config_load_secrets() and config_load_pin(). */
#include "secrets.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "config_yaml.h"

#define SECRETS_MAX 65536

static int check_mode(const char *path, const struct stat *st, struct kerr *err)
{
	if (!S_ISREG(st->st_mode))
		return kerr_set(err, KERR_CONFIG, "secrets file %s is not a regular file", path);
	if ((st->st_mode & 077) != 0)
		return kerr_set(err, KERR_CONFIG,
				"secrets file %s has permissions %04o: group and others must "
				"have no access (run: chmod 600 %s)",
				path, (unsigned)(st->st_mode & 07777), path);
	return 0;
}

int secrets_check_file(const char *path, struct kerr *err)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return kerr_errno(err, KERR_IO, errno, "cannot use secrets file %s", path);
	return check_mode(path, &st, err);
}

int secrets_read_file(const char *path, size_t max_len, struct kbuf *b, struct kerr *err)
{
	unsigned char chunk[4096];
	struct stat st;
	ssize_t n;
	int fd, ret = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return kerr_errno(err, KERR_IO, errno, "cannot open secrets file %s", path);
	if (fstat(fd, &st) < 0) {
		kerr_errno(err, KERR_IO, errno, "cannot stat secrets file %s", path);
		goto out;
	}
	if (check_mode(path, &st, err) < 0)
		goto out;
	/* Room for everything up front: a growing buffer would leave unwiped
	 * copies of the secret behind in freed memory. */
	if (b->cap < b->len + max_len + 2) {
		struct kbuf big = { xmalloc(b->len + max_len + 2), 0, b->len + max_len + 2 };

		kbuf_append(&big, b->data, b->len);
		secrets_kbuf_free(b);
		*b = big;
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			kerr_errno(err, KERR_IO, errno, "cannot read secrets file %s", path);
			goto out;
		}
		if (n == 0)
			break;
		if (b->len + (size_t)n > max_len) {
			kerr_set(err, KERR_LIMIT, "secrets file %s is larger than %zu bytes", path,
				 max_len);
			goto out;
		}
		kbuf_append(b, chunk, (size_t)n);
	}
	ret = 0;
out:
	secure_wipe(chunk, sizeof(chunk));
	close(fd);
	return ret;
}

void secrets_kbuf_free(struct kbuf *b)
{
	if (b->data != NULL)
		secure_wipe(b->data, b->cap);
	kbuf_free(b);
}

int secrets_load(const char *path, char **parola_r, char **sifre_r, struct kbuf *report,
		 struct kerr *err)
{
	static const struct cy_key keys[] = {
		{ "parola", 1, "the account's API password (parola)" },
		{ "sifre", 1, "the account's API secret (sifre)" },
	};
	yaml_node_t *vals[ARRAY_SIZE(keys)];
	struct kbuf data = { 0 };
	struct cy_doc d;
	yaml_node_t *root;
	char *parola = NULL, *sifre = NULL;
	size_t start = report->len;
	unsigned n_errors;
	int ret = -1;

	*parola_r = *sifre_r = NULL;
	if (secrets_read_file(path, SECRETS_MAX, &data, err) < 0) {
		secrets_kbuf_free(&data);
		kbuf_printf(report, "%s\n", err->msg);
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
	secrets_kbuf_free(&data);
	return ret;
}

int config_load_secrets(const struct account_config *acct, char **parola_r, char **sifre_r,
			struct kerr *err)
{
	struct kbuf report = { 0 };
	int ret = secrets_load(acct->secrets_file, parola_r, sifre_r, &report, err);

	kbuf_free(&report);
	return ret;
}

int config_load_pin(const struct account_config *acct, char **pin_r, struct kerr *err)
{
	struct kbuf data = { 0 };
	const char *s;
	size_t len;

	*pin_r = NULL;
	if (!acct->has_pkcs11 || acct->pkcs11.pin_file == NULL)
		return 0;
	if (secrets_read_file(acct->pkcs11.pin_file, 1024, &data, err) < 0) {
		secrets_kbuf_free(&data);
		return -1;
	}
	s = kbuf_cstr(&data);
	len = strcspn(s, "\r\n");
	if (len == 0) {
		secrets_kbuf_free(&data);
		return kerr_set(err, KERR_CONFIG, "PIN file %s: the first line is empty",
				acct->pkcs11.pin_file);
	}
	*pin_r = xstrndup(s, len);
	secrets_kbuf_free(&data);
	return 0;
}
