/* verdict.c: see verdict.h. */
#include "verdict.h"

#include <string.h>

static const char *const names[] = {
	[VERDICT_VALID] = "valid",
	[VERDICT_REVOCATION_UNKNOWN] = "revocation-unknown",
	[VERDICT_UNSIGNED] = "unsigned",
	[VERDICT_WEAK] = "weak",
	[VERDICT_EXPIRED] = "expired",
	[VERDICT_UNTRUSTED] = "untrusted",
	[VERDICT_REVOKED] = "revoked",
	[VERDICT_MALFORMED] = "malformed",
	[VERDICT_INVALID] = "invalid",
};

static const char *const labels_tr[] = {
	[VERDICT_VALID] = "geçerli",
	[VERDICT_REVOCATION_UNKNOWN] = "iptal durumu bilinmiyor",
	[VERDICT_UNSIGNED] = "imzasız",
	[VERDICT_WEAK] = "zayıf",
	[VERDICT_EXPIRED] = "süresi dolmuş",
	[VERDICT_UNTRUSTED] = "güvenilmeyen",
	[VERDICT_REVOKED] = "iptal edilmiş",
	[VERDICT_MALFORMED] = "bozuk",
	[VERDICT_INVALID] = "geçersiz",
};

const char *verdict_label_tr(enum verdict v)
{
	if ((unsigned)v >= sizeof(labels_tr) / sizeof(labels_tr[0]))
		return labels_tr[VERDICT_INVALID];
	return labels_tr[v];
}

const char *verdict_name(enum verdict v)
{
	if ((unsigned)v >= sizeof(names) / sizeof(names[0]))
		return "invalid";
	return names[v];
}

int verdict_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

enum verdict verdict_worst(enum verdict a, enum verdict b)
{
	return a > b ? a : b;
}

int verdict_acceptable(enum verdict v)
{
	return v <= VERDICT_REVOCATION_UNKNOWN;
}
