/* err.c: see err.h. */
#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

__attribute__((format(printf, 3, 0)))
static void vset(struct kerr *e, enum kerr_class cls, const char *fmt, va_list ap)
{
	e->cls = cls;
	e->retry_after_ms = 0;
	e->not_performed = 0;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

int kerr_set(struct kerr *e, enum kerr_class cls, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vset(e, cls, fmt, ap);
	va_end(ap);
	return -1;
}

int kerr_errno(struct kerr *e, enum kerr_class cls, int errno_value, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vset(e, cls, fmt, ap);
	va_end(ap);
	len = strlen(e->msg);
	snprintf(e->msg + len, sizeof(e->msg) - len, ": %s", strerror(errno_value));
	return -1;
}

int kerr_prefix(struct kerr *e, const char *fmt, ...)
{
	char prefix[512];
	size_t plen, mlen;
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix) - 2, fmt, ap);
	va_end(ap);
	strcat(prefix, ": ");
	plen = strlen(prefix);
	mlen = strnlen(e->msg, sizeof(e->msg) - 1);
	if (plen + mlen >= sizeof(e->msg))
		mlen = sizeof(e->msg) - 1 - plen;
	memmove(e->msg + plen, e->msg, mlen);
	memcpy(e->msg, prefix, plen);
	e->msg[plen + mlen] = '\0';
	return -1;
}

void kerr_add_openssl(struct kerr *e)
{
	unsigned long code;
	char buf[256];
	size_t len;

	while ((code = ERR_get_error()) != 0) {
		if (e == NULL)
			continue;
		ERR_error_string_n(code, buf, sizeof(buf));
		len = strlen(e->msg);
		snprintf(e->msg + len, sizeof(e->msg) - len, " [%s]", buf);
	}
}

void kerr_clear(struct kerr *e)
{
	if (e == NULL)
		return;
	e->cls = KERR_NONE;
	e->msg[0] = '\0';
	e->retry_after_ms = 0;
	e->not_performed = 0;
	e->not_performed = 0;
}

const char *kerr_class_name(enum kerr_class cls)
{
	switch (cls) {
	case KERR_NONE: return "none";
	case KERR_INTERNAL: return "internal";
	case KERR_NOMEM: return "nomem";
	case KERR_IO: return "io";
	case KERR_USAGE: return "usage";
	case KERR_CONFIG: return "config";
	case KERR_STORE: return "store";
	case KERR_AUTH: return "auth";
	case KERR_TRANSIENT: return "transient";
	case KERR_PERMANENT: return "permanent";
	case KERR_PACKAGE: return "package";
	case KERR_MALFORMED: return "malformed";
	case KERR_VERIFY: return "verify";
	case KERR_NOTFOUND: return "notfound";
	case KERR_BUSY: return "busy";
	case KERR_LIMIT: return "limit";
	case KERR_INTERRUPTED: return "interrupted";
	}
	return "unknown";
}

int kerr_exit_code(const struct kerr *e)
{
	switch (e->cls) {
	case KERR_NONE: return KEXIT_OK;
	case KERR_USAGE: return KEXIT_USAGE;
	case KERR_CONFIG: return KEXIT_CONFIG;
	case KERR_AUTH: return KEXIT_AUTH;
	case KERR_TRANSIENT:
	case KERR_PERMANENT: return KEXIT_PROVIDER;
	case KERR_STORE: return KEXIT_STORE;
	case KERR_BUSY: return KEXIT_BUSY;
	case KERR_NOTFOUND: return KEXIT_NOTFOUND;
	case KERR_INTERRUPTED: return KEXIT_INTERRUPTED;
	default: return KEXIT_FAILURE;
	}
}
