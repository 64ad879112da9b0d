/* faults.h: reproducible fault injection.
 *
 * faults_init() selects the enabled faults ("all" or a comma list of the
 * names below), the probability per eligible request and the seed. The
 * decision for a request depends only on (seed, seq, op): the same seed and
 * the same request sequence give the same faults. Every injected fault is
 * appended to the fault log as {"seq","op","fault"}. Thread-safe after init
 * (the settings are read-only; logging is serialised by jsonl). */
#ifndef KEPSIM_FAULTS_H
#define KEPSIM_FAULTS_H

#include <stdint.h>

#include "err.h"

enum fault {
	FAULT_NONE = 0,
	FAULT_HTTP500,          /* HTTP 500 with an HTML body; the operation is not run */
	FAULT_HTTP503,          /* HTTP 503 + Retry-After; the operation is not run */
	FAULT_HTTP429,          /* HTTP 429 + Retry-After; the operation is not run */
	FAULT_SLOW,             /* sleep slow_ms, then answer normally */
	FAULT_DROP,             /* send part of the body, then close the connection */
	FAULT_TRUNCATED_MTOM,   /* multipart cut inside the last part, Content-Length consistent */
	FAULT_SOAP_FAULT,       /* HTTP 500 SOAP Fault; the operation is not run */
	FAULT_DURUM1_TRANSIENT, /* durum=1 "Sistem meşgul..."; the operation is not run */
	FAULT_DURUM1_UNAVAILABLE, /* durum=1 "Sistem geçici olarak hizmet verememektedir"; not run */
	FAULT_DUPLICATE,        /* list operations: some entries twice */
	FAULT_REORDER,          /* list operations: entries shuffled */
	FAULT_UNKNOWN_EVIDENCE, /* PaketDelilSorgula: an extra item for a kepId that does not exist */
	FAULT_PERFORMED_HTTP500,    /* sending ops: the operation runs, the answer is an HTML 500 */
	FAULT_PERFORMED_NO_ANSWER,  /* sending ops: the operation runs, the connection closes unanswered */
	FAULT_PERFORMED_NO_KEPID,   /* Yukle/SmimeGonder: the operation runs, the answer is durum 0
	                             * without a kepId */
	FAULT__COUNT
};

int faults_init(const char *list, double rate, uint64_t seed, const char *log_path,
		int inline_base64, struct kerr *err);
/* Only the operations in ops (a comma list; NULL: all) get faults, and at
 * most limit faults are injected in all (0: no limit). After faults_init. */
int faults_restrict(const char *ops, unsigned long limit, struct kerr *err);
/* The fault for request number seq (1, 2, ...) of operation op (NULL when
 * the request did not parse: no fault). Logs it when not FAULT_NONE. */
enum fault faults_decide(uint64_t seq, const char *op);
const char *fault_name(enum fault f);
/* The hataaciklama of a durum=1 fault (FAULT_DURUM1_*), else NULL. */
const char *fault_durum1_text(enum fault f);
/* A deterministic pseudo-random number for (seq, salt): what a content
 * fault uses to choose which entries to duplicate or how to shuffle. */
uint64_t faults_random(uint64_t seq, uint64_t salt);

#endif
