/* schema.c: the SQL of every schema version (see store_schema.h).
 *
 * Times are INTEGER milliseconds since the epoch, NULL when unknown. Digests
 * are 32-byte SHA-256 BLOBs. Raw content is kept byte for byte as received:
 * it is the legal record, everything else is derived from it.
 *
 * Large content columns come LAST in their table: content is inserted as a
 * zeroblob and streamed in afterwards, and SQLite keeps a zeroblob unexpanded
 * only when it ends the record; anywhere else it would allocate all of it. */
#include "store_schema.h"

#include "util.h"

/* v1: accounts, their sync state, packages with their parts, the audit log. */
static const char v1[] =
	"CREATE TABLE accounts ("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE,"
	" address TEXT,"
	" provider TEXT,"
	" created_at INTEGER NOT NULL);"
	"CREATE TABLE sync_state ("
	" account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" folder TEXT NOT NULL,"
	" window_end INTEGER,"           /* end of the last successful sync window */
	" last_run INTEGER,"
	" last_error TEXT,"
	" consecutive_failures INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (account_id, folder));"
	"CREATE TABLE packages ("
	" id INTEGER PRIMARY KEY,"
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" folder TEXT NOT NULL,"
	" kep_id TEXT NOT NULL,"
	" kep_sira_no TEXT,"
	" org_mesaj_id TEXT,"
	" message_id TEXT,"
	" sender TEXT,"
	" sender_kep TEXT,"
	" subject TEXT,"
	" provider_date INTEGER,"
	" received_at INTEGER,"
	" tur TEXT,"
	" tur_id TEXT,"
	" ileti_tip TEXT,"
	" ileti_id TEXT,"
	" belge_no TEXT,"
	" verdict TEXT,"
	" verdict_reason TEXT,"
	" provider_ack TEXT NOT NULL DEFAULT 'none'"
	"  CHECK (provider_ack IN ('none', 'due', 'done')),"
	" provider_ack_time INTEGER,"
	" raw_size INTEGER NOT NULL CHECK (raw_size >= 0),"
	" raw_sha256 BLOB NOT NULL CHECK (length(raw_sha256) = 32),"
	" stored_at INTEGER NOT NULL,"
	" raw BLOB NOT NULL,"            /* last: see the note at the top */
	" UNIQUE (account_id, folder, kep_id));"
	"CREATE TABLE parts ("
	" id INTEGER PRIMARY KEY,"
	" package_id INTEGER NOT NULL REFERENCES packages(id) ON DELETE CASCADE,"
	" idx INTEGER NOT NULL CHECK (idx >= 0),"
	" role TEXT NOT NULL CHECK (role IN ('envelope', 'original', 'body', 'attachment',"
	"  'eyp', 'signature', 'evidence', 'other')),"
	" content_type TEXT,"
	" file_name TEXT,"                /* as the sender named it: untrusted */
	" safe_name TEXT,"                /* sanitised, safe to write to disk */
	" size INTEGER NOT NULL CHECK (size >= 0),"
	" sha256 BLOB NOT NULL CHECK (length(sha256) = 32),"
	" content BLOB NOT NULL,"
	" UNIQUE (package_id, idx));"
	"CREATE TABLE audit_log ("
	" id INTEGER PRIMARY KEY,"
	" time INTEGER NOT NULL,"
	" actor TEXT NOT NULL,"
	" action TEXT NOT NULL,"
	" account TEXT,"
	" object TEXT,"
	" detail TEXT);"
	/* The audit log is evidence of what the agent did: append-only. */
	"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
	" BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
	"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
	" BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;";

/* v2: evidence items and verification results. */
static const char v2[] =
	"CREATE TABLE evidence ("
	" id INTEGER PRIMARY KEY,"
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	/* NULL while the package it refers to is unknown to the store. */
	" package_id INTEGER REFERENCES packages(id) ON DELETE SET NULL,"
	" kep_id TEXT,"
	" kep_sira_no TEXT,"
	" delil_id TEXT NOT NULL,"
	" delil_tur_id INTEGER,"
	" description TEXT,"
	" event_time INTEGER,"
	" issuer TEXT,"
	" raw_size INTEGER NOT NULL CHECK (raw_size >= 0),"
	" raw_sha256 BLOB NOT NULL CHECK (length(raw_sha256) = 32),"
	" verdict TEXT,"
	" verdict_reason TEXT,"
	" stored_at INTEGER NOT NULL,"
	" raw BLOB NOT NULL,"            /* last: see the note at the top */
	" UNIQUE (account_id, delil_id));"
	"CREATE TABLE verification_results ("
	" id INTEGER PRIMARY KEY,"
	" package_id INTEGER REFERENCES packages(id) ON DELETE CASCADE,"
	" evidence_id INTEGER REFERENCES evidence(id) ON DELETE CASCADE,"
	" check_name TEXT NOT NULL,"
	" verdict TEXT NOT NULL,"
	" reason TEXT,"
	" signer_subject TEXT,"
	" signer_serial TEXT,"
	" signer_issuer TEXT,"
	" signing_time INTEGER,"
	" timestamp_time INTEGER,"
	" validation_time INTEGER,"
	" details_json TEXT CHECK (details_json IS NULL OR json_valid(details_json)),"
	" created_at INTEGER NOT NULL,"
	" CHECK ((package_id IS NULL) <> (evidence_id IS NULL)));";

/* v3: the import queue, e-Yazisma metadata, the revocation cache, indexes. */
static const char v3[] =
	"CREATE TABLE import_queue ("
	" id INTEGER PRIMARY KEY,"
	" package_id INTEGER NOT NULL UNIQUE REFERENCES packages(id) ON DELETE CASCADE,"
	" state TEXT NOT NULL DEFAULT 'pending'"
	"  CHECK (state IN ('pending', 'claimed', 'acked', 'rejected', 'parked')),"
	" lease_owner TEXT,"
	" lease_expires INTEGER,"
	" not_before INTEGER,"           /* a rejected item waits until then */
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" last_reason TEXT,"
	" created_at INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL);"
	/* Packages stored before the queue existed still need importing. */
	"INSERT INTO import_queue (package_id, state, created_at, updated_at)"
	" SELECT id, 'pending', stored_at, stored_at FROM packages;"
	"CREATE TABLE eyp_metadata ("
	" package_id INTEGER PRIMARY KEY REFERENCES packages(id) ON DELETE CASCADE,"
	" belge_id TEXT,"
	" konu TEXT,"
	" tarih TEXT,"
	" belge_no TEXT,"
	" olusturan TEXT,"
	" attachments_json TEXT CHECK (attachments_json IS NULL OR json_valid(attachments_json)));"
	"CREATE TABLE revocation_cache ("
	" key TEXT PRIMARY KEY,"
	" der BLOB NOT NULL,"
	" this_update INTEGER,"
	" next_update INTEGER,"
	" fetched_at INTEGER NOT NULL);"
	"CREATE INDEX packages_by_kep_id ON packages (kep_id);"
	"CREATE INDEX packages_by_org_mesaj_id ON packages (org_mesaj_id);"
	"CREATE INDEX packages_by_message_id ON packages (message_id);"
	"CREATE INDEX packages_by_ileti_id ON packages (ileti_id);"
	"CREATE INDEX packages_by_belge_no ON packages (belge_no);"
	"CREATE INDEX packages_ack_due ON packages (account_id) WHERE provider_ack = 'due';"
	"CREATE INDEX evidence_by_package ON evidence (package_id);"
	"CREATE INDEX evidence_by_account_kep_id ON evidence (account_id, kep_id);"
	"CREATE INDEX verification_by_package ON verification_results (package_id);"
	"CREATE INDEX verification_by_evidence ON verification_results (evidence_id);"
	"CREATE INDEX queue_by_state_lease ON import_queue (state, lease_expires);"
	"CREATE INDEX audit_by_time ON audit_log (time);";

/* v4: retention. Raw content moved to an archive file (store/archive.c)
 * leaves an empty BLOB behind, with raw_size and the digest kept; these
 * columns say where it went. They follow the content column, which is
 * harmless for streaming: they are NULL when a row is inserted, and a NULL
 * takes no bytes in the record, so the zeroblob still ends it. */
static const char v4[] =
	"ALTER TABLE packages ADD COLUMN archived_to TEXT;"     /* archive file path */
	"ALTER TABLE packages ADD COLUMN archive_entry TEXT;"   /* entry name in it */
	"ALTER TABLE packages ADD COLUMN archived_at INTEGER;"
	"ALTER TABLE parts ADD COLUMN archived_to TEXT;"
	"ALTER TABLE parts ADD COLUMN archive_entry TEXT;"
	"ALTER TABLE parts ADD COLUMN archived_at INTEGER;"
	/* Retention looks for old content still in the store. */
	"CREATE INDEX packages_unarchived_by_stored_at ON packages (stored_at)"
	" WHERE archived_to IS NULL;";

/* v5: deletion on the provider (delete_after_ack). 'due' is written in the
 * transaction that records the acknowledgement, 'done' after PaketSil
 * answered, so a crash in between deletes on the next run. A table of its
 * own: packages rows are not rewritten. */
static const char v5[] =
	"CREATE TABLE provider_deletions ("
	" package_id INTEGER PRIMARY KEY REFERENCES packages(id) ON DELETE CASCADE,"
	" state TEXT NOT NULL CHECK (state IN ('due', 'done')),"
	" updated_at INTEGER NOT NULL);"
	"CREATE INDEX provider_deletions_due ON provider_deletions (package_id)"
	" WHERE state = 'due';";

/* v6: a package's own date, its KEP arrival/submission time and its
 * recipients, in tables of their own (the packages row is not rewritten).
 * Packages stored before have no package_details row: the sync back-fills
 * them from their stored bytes (sync/sync_backfill.c). packages.provider_date
 * was never written and is superseded by package_details.provider_time. */
static const char v6[] =
	"CREATE TABLE package_details ("
	" package_id INTEGER PRIMARY KEY REFERENCES packages(id) ON DELETE CASCADE,"
	" message_date INTEGER,"          /* the message's Date: */
	" provider_time INTEGER,"         /* the provider envelope's Date: */
	" derived_at INTEGER NOT NULL);"
	"CREATE TABLE package_recipients ("
	" package_id INTEGER NOT NULL REFERENCES packages(id) ON DELETE CASCADE,"
	" idx INTEGER NOT NULL,"
	" role TEXT NOT NULL CHECK (role IN ('to', 'cc')),"
	" address TEXT NOT NULL,"
	" name TEXT,"
	" PRIMARY KEY (package_id, idx));"
	"CREATE INDEX package_recipients_by_address ON package_recipients"
	" (address COLLATE NOCASE);";

/* v7: the outbox (store_outbox.h has the state machine). Files are kept in a
 * table of their own, content last (see the note at the top); the state is
 * checked by the database too, so no writer can invent one. */
static const char v7[] =
	"CREATE TABLE outbox ("
	" id INTEGER PRIMARY KEY,"
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" idem_key TEXT NOT NULL,"
	" ileti_id TEXT,"
	" ileti_tip TEXT NOT NULL CHECK (ileti_tip IN ('standart', 'eYazisma')),"
	" path TEXT NOT NULL CHECK (path IN ('yukle', 'mimeyap')),"
	" sign_mode TEXT NOT NULL CHECK (sign_mode IN ('seal', 'officer')),"
	" subject TEXT NOT NULL,"
	" body TEXT,"
	" body_type TEXT NOT NULL CHECK (body_type IN ('text', 'html')),"
	" message_id TEXT NOT NULL UNIQUE,"
	" request_sha256 BLOB NOT NULL CHECK (length(request_sha256) = 32),"
	" state TEXT NOT NULL DEFAULT 'accepted' CHECK (state IN ('accepted',"
	"  'needs-signature', 'signed', 'submitting', 'submitted', 'failed', 'parked')),"
	" kep_id TEXT,"
	" mesaj_id TEXT,"
	" provider_text TEXT,"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" package_id INTEGER REFERENCES packages(id) ON DELETE SET NULL,"
	" created_at INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL,"
	" submitted_at INTEGER,"
	" UNIQUE (account_id, idem_key));"
	"CREATE UNIQUE INDEX outbox_by_ileti_id ON outbox (account_id, ileti_id)"
	" WHERE ileti_id IS NOT NULL;"
	"CREATE INDEX outbox_by_state ON outbox (state, account_id);"
	"CREATE INDEX outbox_by_kep_id ON outbox (kep_id);"
	"CREATE TABLE outbox_recipients ("
	" item_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,"
	" idx INTEGER NOT NULL,"
	" role TEXT NOT NULL CHECK (role IN ('to', 'cc')),"
	" address TEXT NOT NULL,"
	" name TEXT,"
	" PRIMARY KEY (item_id, idx));"
	"CREATE TABLE outbox_files ("
	" id INTEGER PRIMARY KEY,"
	" item_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,"
	" role TEXT NOT NULL CHECK (role IN ('attachment', 'eyp', 'entity', 'ehash',"
	"  'signature', 'smime')),"
	" file_name TEXT,"                /* as EBYS named it: untrusted */
	" content_type TEXT,"
	" size INTEGER NOT NULL CHECK (size >= 0),"
	" sha256 BLOB NOT NULL CHECK (length(sha256) = 32),"
	" created_at INTEGER NOT NULL,"
	" content BLOB NOT NULL);"       /* last: see the note at the top */
	"CREATE INDEX outbox_files_by_item ON outbox_files (item_id);";

/* v8: the sent packages whose evidence is final (kep/evidence_stage.h: a
 * verified failure or a verified 60), written by the sync when it judges
 * the stored evidence, so the store keeps no copy of the codes and a forged
 * final delil never stops the follow-up. Packages stored before have no row:
 * the next sync judges their stored evidence once and marks them. */
static const char v8[] =
	"CREATE TABLE evidence_final ("
	" package_id INTEGER PRIMARY KEY REFERENCES packages(id) ON DELETE CASCADE,"
	" marked_at INTEGER NOT NULL);";

/* v9: an account whose seal token refused its PIN sends nothing until the
 * PIN file changes (a PIN is never tried twice: cards lock). */
static const char v9[] =
	"CREATE TABLE send_blocks ("
	" account_id INTEGER PRIMARY KEY REFERENCES accounts(id),"
	" reason TEXT NOT NULL,"
	" pin_fingerprint TEXT,"          /* the PIN file as it was: device, inode, size, mtime */
	" created_at INTEGER NOT NULL);";

/* v10: the provider's folder list as last fetched (store_folder_list.h):
 * asked for once a day, not on every refresh. */
static const char v10[] =
	"CREATE TABLE folder_lists ("
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" idx INTEGER NOT NULL,"
	" name TEXT NOT NULL,"
	" fetched_at INTEGER NOT NULL,"
	" PRIMARY KEY (account_id, idx));";

/* v11: when the evidence of each sent package not yet final is polled
 * next (store_evidence_pending.h; the sync sets the schedule). A package
 * without a row was never polled and is due. */
static const char v11[] =
	"CREATE TABLE evidence_polls ("
	" package_id INTEGER PRIMARY KEY REFERENCES packages(id) ON DELETE CASCADE,"
	" due_at INTEGER NOT NULL,"
	" interval_ms INTEGER NOT NULL,"
	" polled_at INTEGER NOT NULL);";

/* v12: an evidence item's event time as the provider wrote it (naive
 * Turkish time, Z or an offset) beside event_time (UTC). */
static const char v12[] =
	"ALTER TABLE evidence ADD COLUMN event_time_text TEXT;";

/* v13: the provider quota last asked (store_quota.h): asked again only when
 * the mailbox changed or the answer is old. */
static const char v13[] =
	"CREATE TABLE quota_state ("
	" account_id INTEGER PRIMARY KEY REFERENCES accounts(id),"
	" used_kb INTEGER NOT NULL,"
	" total_kb INTEGER NOT NULL,"
	" credit INTEGER NOT NULL,"
	" asked_at INTEGER NOT NULL);";

/* v14: the provider's sequence number of a package as an INTEGER (it sorts
 * "9" before "10"), in a table of its own: changing the type of
 * packages.kep_sira_no in place would rewrite every packages row, its raw
 * content with it. The old TEXT column is renamed (the schema alone is
 * edited) and no longer read or written. A value that is not a plain
 * non-negative number (as a provider or an older kepagent wrote it) is kept
 * verbatim in kep_sira_no_text, never dropped: exactly one of the two is
 * set; a package without a number has no row. */
static const char v14[] =
	"CREATE TABLE package_seq ("
	" package_id INTEGER PRIMARY KEY REFERENCES packages(id) ON DELETE CASCADE,"
	" kep_sira_no INTEGER CHECK (kep_sira_no IS NULL"
	"  OR (typeof(kep_sira_no) = 'integer' AND kep_sira_no >= 0)),"
	" kep_sira_no_text TEXT,"
	" CHECK ((kep_sira_no IS NULL) <> (kep_sira_no_text IS NULL)));"
	/* The number when its text is exactly that number ("007" stays text). */
	"INSERT INTO package_seq (package_id, kep_sira_no, kep_sira_no_text)"
	" SELECT id, CASE WHEN n THEN CAST(kep_sira_no AS INTEGER) END,"
	"  CASE WHEN NOT n THEN kep_sira_no END"
	" FROM (SELECT id, kep_sira_no, CAST(CAST(kep_sira_no AS INTEGER) AS TEXT) = kep_sira_no"
	"  AND CAST(kep_sira_no AS INTEGER) >= 0 AS n FROM packages WHERE kep_sira_no IS NOT NULL);"
	"ALTER TABLE packages RENAME COLUMN kep_sira_no TO kep_sira_no_v13;";

/* v15: the packages that carry a delil as an e-mail (store_evidence_mail.h),
 * written with the package: evidence_id NULL until the delil is stored (a
 * pending extraction the next refresh retries), then the delil it carried.
 * is_evidence: the carrier's own signature is a KEPHS's, so it is evidence,
 * never offered to EBYS for import. */
static const char v15[] =
	"CREATE TABLE evidence_mails ("
	" package_id INTEGER PRIMARY KEY REFERENCES packages(id) ON DELETE CASCADE,"
	" is_evidence INTEGER NOT NULL,"
	" evidence_id INTEGER REFERENCES evidence(id));"
	"CREATE INDEX evidence_mails_evidence ON evidence_mails (evidence_id);";

/* v16: a part whose bytes are a verbatim slice of its package's raw
 * content (the original message inside the KEP envelope, an attachment
 * without a transfer encoding) is held as that range, not as a second
 * copy: parts.content is empty and part_ranges says where the bytes are
 * (size and sha256 stay in parts). Parts stored before keep their copy.
 * part_bytes shows every part's bytes in the store, wherever they are held,
 * for readers of the SQL (an archived part's are in its archive: empty
 * here, as in parts). */
static const char v16[] =
	"CREATE TABLE part_ranges ("
	" part_id INTEGER PRIMARY KEY REFERENCES parts(id) ON DELETE CASCADE,"
	" raw_offset INTEGER NOT NULL CHECK (raw_offset >= 0));"
	"CREATE VIEW part_bytes AS SELECT p.id AS id, p.package_id AS package_id,"
	" CASE WHEN r.part_id IS NULL OR p.archived_to IS NOT NULL THEN p.content"
	"  ELSE substr(k.raw, r.raw_offset + 1, p.size) END AS content"
	" FROM parts p LEFT JOIN part_ranges r ON r.part_id = p.id"
	" LEFT JOIN packages k ON k.id = p.package_id;";

/* v17: the provider's sequence number of the package an evidence item refers
 * to as an INTEGER, in a table of its own as v14 did for packages (the
 * evidence rows end with their raw content: an in-place change of the column
 * would rewrite them all). The old TEXT column is renamed and no longer read
 * or written. What is not a plain non-negative number is kept verbatim in
 * kep_sira_no_text: exactly one of the two is set; an item without a number
 * has no row. */
static const char v17[] =
	"CREATE TABLE evidence_seq ("
	" evidence_id INTEGER PRIMARY KEY REFERENCES evidence(id) ON DELETE CASCADE,"
	" kep_sira_no INTEGER CHECK (kep_sira_no IS NULL"
	"  OR (typeof(kep_sira_no) = 'integer' AND kep_sira_no >= 0)),"
	" kep_sira_no_text TEXT,"
	" CHECK ((kep_sira_no IS NULL) <> (kep_sira_no_text IS NULL)));"
	"INSERT INTO evidence_seq (evidence_id, kep_sira_no, kep_sira_no_text)"
	" SELECT id, CASE WHEN n THEN CAST(kep_sira_no AS INTEGER) END,"
	"  CASE WHEN NOT n THEN kep_sira_no END"
	" FROM (SELECT id, kep_sira_no, CAST(CAST(kep_sira_no AS INTEGER) AS TEXT) = kep_sira_no"
	"  AND CAST(kep_sira_no AS INTEGER) >= 0 AS n FROM evidence WHERE kep_sira_no IS NOT NULL);"
	"ALTER TABLE evidence RENAME COLUMN kep_sira_no TO kep_sira_no_v16;";

/* v18: the received packages stored before delil mails were recognised
 * (v15), never judged as one (store_evidence_mail.h): marked here, judged
 * by the next refreshes a batch at a time, each mark removed once judged.
 * Only the queued ones: every received package was queued before v15, and
 * one judged since has its evidence_mails row when it is a delil mail. */
static const char v18[] =
	"CREATE TABLE evidence_mail_unjudged ("
	" package_id INTEGER PRIMARY KEY REFERENCES packages(id) ON DELETE CASCADE);"
	"INSERT INTO evidence_mail_unjudged (package_id)"
	" SELECT package_id FROM import_queue"
	" WHERE package_id NOT IN (SELECT package_id FROM evidence_mails);";

/* v19: a kepId the provider lists again with another kepSiraNo than the
 * stored package's (store_kep_id_reuse.h): a second package under an id the
 * store holds already (UNIQUE (account_id, folder, kep_id)). The stored
 * package is never overwritten; the listed one is recorded here, with its
 * bytes as downloaded by its kepSiraNo (raw NULL until they are: the next
 * refresh that lists it downloads them again). listed_seq: the number as
 * listed, in decimal, or the provider's text when it is not a number. */
static const char v19[] =
	"CREATE TABLE kep_id_reuses ("
	" id INTEGER PRIMARY KEY,"
	" package_id INTEGER NOT NULL REFERENCES packages(id) ON DELETE CASCADE,"
	" listed_seq TEXT NOT NULL,"
	" first_seen INTEGER NOT NULL,"
	" raw_size INTEGER,"
	" raw_sha256 BLOB CHECK (raw_sha256 IS NULL OR length(raw_sha256) = 32),"
	" stored_at INTEGER,"
	" raw BLOB,"                      /* last: see the note at the top */
	" UNIQUE (package_id, listed_seq));";

/* v20: a parked outbox item's last decision (store_outbox_last_decision)
 * read through an index, not by a scan of the whole audit log, which grows
 * by a line for every package and evidence item stored. Partial: only the
 * decision lines, so the other appends pay nothing; the query's action
 * term is this WHERE, word for word, for SQLite to use it. */
static const char v20[] =
	"CREATE INDEX audit_outbox_decisions ON audit_log (object)"
	" WHERE action IN ('outbox.parked', 'outbox.resubmit', 'outbox.abandon');";

/* v21: the Idempotency-Key of a person's decision on a parked outbox item
 * (POST /v1/outbox/{id}/resubmit or /abandon), written with the decision's
 * step: a replay of the request with the key is answered as a repeat, even
 * once the item was parked again, never taken as a second decision. */
static const char v21[] =
	"CREATE TABLE outbox_decision_keys ("
	" item_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,"
	" idem_key TEXT NOT NULL,"
	" action TEXT NOT NULL,"
	" created_at INTEGER NOT NULL,"
	" PRIMARY KEY (item_id, idem_key));";

const struct store_migration store_migrations[] = {
	{ 1, "core tables", v1 },
	{ 2, "evidence and verification results", v2 },
	{ 3, "import queue, e-Yazisma metadata, revocation cache, indexes", v3 },
	{ 4, "retention: where archived content went", v4 },
	{ 5, "provider deletions", v5 },
	{ 6, "package dates and recipients", v6 },
	{ 7, "outbox", v7 },
	{ 8, "final evidence", v8 },
	{ 9, "sending blocks", v9 },
	{ 10, "folder lists", v10 },
	{ 11, "evidence poll schedule", v11 },
	{ 12, "the provider's text of evidence times", v12 },
	{ 13, "the provider quota last asked", v13 },
	{ 14, "the provider's sequence number as an integer", v14 },
	{ 15, "evidence mails", v15 },
	{ 16, "parts held as ranges of their package", v16 },
	{ 17, "the sequence number of an evidence item's package as an integer", v17 },
	{ 18, "delil mails stored before they were recognised", v18 },
	{ 19, "kepIds listed again with another kepSiraNo", v19 },
	{ 20, "an index of the outbox decisions in the audit log", v20 },
	{ 21, "the idempotency keys of outbox decisions", v21 },
};
const size_t store_n_migrations = ARRAY_SIZE(store_migrations);
