/* err.h: the one error convention of kepagent.
 *
 * A function that can fail returns int: >= 0 on success, -1 on failure. On
 * failure it fills the caller's struct kerr (which may be NULL when the caller
 * does not care) with a class and a message a person can act on, built at the
 * place that knows the cause. Callers add context with kerr_prefix() and
 * report the error once, at the top. A struct kerr lives on the caller's
 * stack: there is no ownership to track. Never put secrets in a message. */
#ifndef KEP_ERR_H
#define KEP_ERR_H

#include <stddef.h>

enum kerr_class {
	KERR_NONE = 0,
	KERR_INTERNAL,   /* a bug or an impossible state */
	KERR_NOMEM,      /* allocation failed */
	KERR_IO,         /* local file or system call failed */
	KERR_USAGE,      /* bad command line or API request */
	KERR_CONFIG,     /* configuration invalid */
	KERR_STORE,      /* SQLite store failed */
	KERR_AUTH,       /* provider refused credentials, PIN, OTP */
	KERR_TRANSIENT,  /* provider or network: worth retrying later */
	KERR_PERMANENT,  /* provider: retrying will not help */
	KERR_PACKAGE,    /* one package or evidence item is bad; others go on */
	KERR_MALFORMED,  /* input does not parse */
	KERR_VERIFY,     /* a verification could not be carried out */
	KERR_NOTFOUND,   /* the thing asked for does not exist */
	KERR_BUSY,       /* locked by another process */
	KERR_LIMIT,      /* a size or count bound was exceeded */
	KERR_INTERRUPTED, /* stopped by a signal (SIGINT, SIGTERM) before the end */
};

struct kerr {
	enum kerr_class cls;
	char msg[1024];
	/* The server's own word on when to try again (HTTP Retry-After), in ms;
	 * 0: it said nothing. kerr_set() clears it, kerr_prefix() keeps it. */
	long long retry_after_ms;
	/* The request provably took no effect: it never left (refused before a
	 * byte of it was sent) or the server answered that it did not perform
	 * it (a SOAP Fault, a refusal in the answer, HTTP 503 or 429). Without
	 * it a failed request may have been performed. kerr_set() clears it,
	 * kerr_prefix() keeps it. */
	int not_performed;
};

/* Sets class and message; always returns -1 so callers can `return kerr_set(...)`. */
int kerr_set(struct kerr *e, enum kerr_class cls, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* As kerr_set, appending ": strerror(errno_value)". */
int kerr_errno(struct kerr *e, enum kerr_class cls, int errno_value, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Prepends "context: " to the existing message; keeps the class. Returns -1. */
int kerr_prefix(struct kerr *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends OpenSSL's queued errors (and clears the queue) to the message. */
void kerr_add_openssl(struct kerr *e);
void kerr_clear(struct kerr *e);
const char *kerr_class_name(enum kerr_class cls);

/* Process exit codes, documented in kepagent(8) (EXIT STATUS; main.c's
 * usage repeats them). kerr_exit_code() is the one mapping from an error
 * class to an exit code; tests/exit-codes.sh provokes each of them. */
enum kexit {
	KEXIT_OK = 0,
	KEXIT_FAILURE = 1,
	KEXIT_USAGE = 2,
	KEXIT_CONFIG = 3,
	KEXIT_AUTH = 4,
	KEXIT_PROVIDER = 5,
	KEXIT_STORE = 6,
	KEXIT_BUSY = 7,
	KEXIT_NOTFOUND = 8,
	KEXIT_NOT_VALID = 9,     /* evidence verify: intact, the same verdicts, not all valid */
	KEXIT_INTERRUPTED = 130, /* 128 + SIGINT, as a shell reports it */
};
int kerr_exit_code(const struct kerr *e);

#endif
