/* delil.h: PTT evidence (delil) codes and the stages EBYS shows.
 *
 * Stages order a sent message's life: 10 < 20 < 40 < 60. Failure codes
 * (11, 21, 31, 41) are final failures at the stage they belong to. Unknown
 * codes are kept and reported as unknown, never dropped. Tables are static:
 * returned strings are never freed. Thread-safe. */
#ifndef KEP_DELIL_H
#define KEP_DELIL_H

enum delil_kind { DELIL_UNKNOWN = 0, DELIL_PROGRESS, DELIL_FAILURE };

struct delil_code {
	int code;               /* PTT delilTurId */
	int rank;               /* ordering of stages: 1 (10/11) .. 4 (60); 0 unknown */
	enum delil_kind kind;
	const char *label;      /* Turkish label shown to EBYS users */
	const char *etsi_type;  /* ETSI REM evidence type */
	const char *etsi_event; /* ETSI event (last URI fragment), NULL when none */
};

/* The entry for a delilTurId, or NULL when the code is unknown. */
const struct delil_code *delil_by_code(int code);
/* Maps an ETSI evidence type and event (the event URI or its fragment) to a
 * PTT code; returns 0 when no mapping is known. */
int delil_code_from_etsi(const char *evidence_type, const char *event);
/* "Kabul Edildi", ... or "Bilinmeyen delil (kod N)" written into buf. */
const char *delil_label(int code, char *buf, unsigned int buflen);

#endif
