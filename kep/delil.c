/* delil.c: see delil.h. Codes from the PTT KEP developer guide (kep-domain.md §4). */
#include "delil.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct delil_code codes[] = {
	{ 10, 1, DELIL_PROGRESS, "Kabul Edildi", "SubmissionAcceptanceRejection", "Acceptance" },
	{ 11, 1, DELIL_FAILURE, "Kabul Edilmedi", "SubmissionAcceptanceRejection", "Rejection" },
	{ 20, 2, DELIL_PROGRESS, "Alıcı KEPHS Kabul Etti", "RelayREMMDAcceptanceRejection", "Acceptance" },
	{ 21, 2, DELIL_FAILURE, "Alıcı KEPHS Reddetti", "RelayREMMDAcceptanceRejection", "Rejection" },
	{ 31, 2, DELIL_FAILURE, "Alıcı KEPHS'ye Ulaşılamadı", "RelayREMMDFailure", NULL },
	{ 40, 3, DELIL_PROGRESS, "Teslim Edildi", "DeliveryNonDeliveryToRecipient", "Delivery" },
	{ 41, 3, DELIL_FAILURE, "Teslim Edilemedi", "DeliveryNonDeliveryToRecipient", "DeliveryExpiration" },
	{ 60, 4, DELIL_PROGRESS, "Okundu", "RetrievalNonRetrievalByRecipient", "Retrieval" },
};

const struct delil_code *delil_by_code(int code)
{
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].code == code)
			return &codes[i];
	return NULL;
}

static const char *uri_fragment(const char *s)
{
	const char *hash = strrchr(s, '#');

	return hash != NULL ? hash + 1 : s;
}

int delil_code_from_etsi(const char *evidence_type, const char *event)
{
	const char *ev = event != NULL ? uri_fragment(event) : NULL;
	size_t i;

	if (evidence_type == NULL)
		return 0;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		if (strcasecmp(codes[i].etsi_type, evidence_type) != 0)
			continue;
		if (codes[i].etsi_event == NULL)
			return codes[i].code;
		if (ev != NULL && strcasecmp(codes[i].etsi_event, ev) == 0)
			return codes[i].code;
	}
	/* Delivery evidence names its failures in more than one way. */
	if (ev != NULL && strcasecmp(evidence_type, "DeliveryNonDeliveryToRecipient") == 0 &&
	    strncasecmp(ev, "NonDelivery", 11) == 0)
		return 41;
	return 0;
}

const char *delil_label(int code, char *buf, unsigned int buflen)
{
	const struct delil_code *d = delil_by_code(code);

	if (d != NULL)
		snprintf(buf, buflen, "%s", d->label);
	else
		snprintf(buf, buflen, "Bilinmeyen delil (kod %d)", code);
	return buf;
}
