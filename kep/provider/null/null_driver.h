/* null_driver.h: the null provider driver: an in-memory mailbox with
 * scripted faults, so the sync engine runs without HTTP, SOAP or kepsim
 * (tests/test-sync-null.c), as OpenSMTPD's queue_null makes its engine
 * testable alone.
 *
 * A test builds a null_mailbox, adds packages and evidence, scripts faults
 * and listing quirks, and hands the engine an account whose driver is
 * kep_driver_null and whose driver_conf is null_mailbox_conf(mb). Every
 * call the engine makes is journaled, one line "op[ arg]" each, in order.
 * The driver is not in the configuration's table: no kepagent.yaml names it.
 * Not thread-safe; the mailbox must outlive every session on it. */
#ifndef KEP_NULL_DRIVER_H
#define KEP_NULL_DRIVER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"
#include "provider.h"

extern const struct kep_driver kep_driver_null;

struct null_mailbox;

struct null_mailbox *null_mailbox_new(void);
void null_mailbox_free(struct null_mailbox **mb);

/* A package in folder ("INBOX" or "OUTBOX" are listed as the folders),
 * dated date; data is copied. */
void null_mailbox_add_package(struct null_mailbox *mb, const char *folder, const char *kep_id,
			      int64_t seq, time_t date, const void *data, size_t len);
/* The package kep_id is listed with this text as its sequence number, not a
 * number (as kep_package_info.seq_text, seq -1). */
void null_mailbox_seq_text(struct null_mailbox *mb, const char *kep_id, const char *text);
/* An evidence item of the package kep_id; data is copied. */
void null_mailbox_add_evidence(struct null_mailbox *mb, const char *kep_id, const char *id,
			       int code, const void *data, size_t len);

/* After skip successful calls of op (a driver table member name, "login",
 * "download_package", ...), the next times calls fail with cls. */
void null_mailbox_fault(struct null_mailbox *mb, const char *op, unsigned skip, unsigned times,
			enum kerr_class cls);
/* Listings repeat every row (duplicate) and/or come in reverse order. */
void null_mailbox_quirks(struct null_mailbox *mb, int duplicate, int reverse);

/* The journal so far (NUL-terminated, owned by mb), and how many lines of
 * it are exactly line. */
const char *null_mailbox_journal(struct null_mailbox *mb);
unsigned null_mailbox_count(struct null_mailbox *mb, const char *line);
void null_mailbox_journal_clear(struct null_mailbox *mb);

/* The account configuration that serves mb (owned by mb). */
struct kep_account_conf *null_mailbox_conf(struct null_mailbox *mb);

#endif
