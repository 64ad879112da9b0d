/* verdict.h: the documented set of verification verdicts.
 *
 * Every signature, time stamp, evidence document and package digest gets
 * exactly one verdict, with a human reason. Verdicts are ordered from best
 * to worst so that a package's overall verdict is the worst of its parts
 * (verdict_worst). The names are stable: they are stored, shown to EBYS and
 * auditors, and compared by tests. Thread-safe, no allocation. */
#ifndef KEP_VERDICT_H
#define KEP_VERDICT_H

enum verdict {
	VERDICT_VALID = 0,          /* verified, chain trusted, in force at the time used */
	VERDICT_REVOCATION_UNKNOWN, /* valid, but revocation could not be checked */
	VERDICT_UNSIGNED,           /* nothing to verify: no signature present */
	VERDICT_WEAK,               /* SHA-1 or a weak key: reported, not trusted */
	VERDICT_EXPIRED,            /* a certificate was not in force at the time used */
	VERDICT_UNTRUSTED,          /* no path to a configured trust anchor */
	VERDICT_REVOKED,            /* a certificate was revoked before the time used */
	VERDICT_MALFORMED,          /* the signed object does not parse */
	VERDICT_INVALID,            /* the signature or digest does not match the bytes */
};

/* "valid", "revocation-unknown", ... */
const char *verdict_name(enum verdict v);
/* The verdict for a Turkish reader ("geçerli", "iptal durumu bilinmiyor",
 * ...), UTF-8, for human reports; the name stays the stable key. */
const char *verdict_label_tr(enum verdict v);
/* Parses a name; returns -1 when unknown. */
int verdict_from_name(const char *name);
/* The one rule for which verdicts are acceptable: 1 for valid and
 * revocation-unknown (verified, revocation not checkable), 0 otherwise. */
int verdict_acceptable(enum verdict v);
/* The worse of two verdicts. */
enum verdict verdict_worst(enum verdict a, enum verdict b);

#endif
