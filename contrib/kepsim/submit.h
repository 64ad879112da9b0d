/* submit.h: what happens once kepsim accepts a signed original from an
 * account (Yukle, SmimeGonder).
 *
 * The package is built around the original by the generator's own code
 * (libkepsimgen: KEPHS envelope with its time stamp, package directory,
 * evidence XML), lands in the sender's sent folder (account_sent_folder) with
 * the next kepSiraNo, gets its evidence per recipient (10, 20, 40; or the
 * failure code MAILBOX/recipients.json gives the address: 11, 21, 31, 41),
 * and is delivered into the INBOX of every recipient that is a kepsim
 * account. The 10 is written at once; the later stages too, or with
 * --evidence-delay-ms one stage per delay, at the first request after. AlindiOnay of a delivered copy gives the sender its 60.
 * One lock serialises all of it (kepSiraNo allocation, xmlsec signing). */
#ifndef KEPSIM_SUBMIT_H
#define KEPSIM_SUBMIT_H

#include <jansson.h>

#include "gen/gen.h"
#include "kepsim.h"
#include "mailbox.h"

/* KEP's size limits (kep-domain.md section 2), in bytes. */
#define KEP_MAX_MESSAGE (25u * 1024 * 1024)
#define KEP_MAX_ATTACHMENTS (20u * 1024 * 1024)
/* A Yukle package on the wire: 25 MB of content base64-encoded in 76-column
 * lines, with headers and the signature. */
#define KEP_MAX_WIRE (KEP_MAX_MESSAGE / 3 * 4 / 76 * 78 + 2u * 1024 * 1024)
#define E_TOO_LARGE "İleti boyutu 25 MB sınırını aşıyor"
#define E_ATT_TOO_LARGE "Eklerin toplam boyutu 20 MB sınırını aşıyor"

/* ePaketTur: the SOAP name, the X-TR-REM-iletiTip value and turId. */
struct tur_info {
	const char *name, *ileti_tip;
	int id;
};
/* The type named by an ePaketTur (case-insensitive), or NULL. */
const struct tur_info *tur_lookup(const char *name);

struct submission {
	const struct tur_info *tur;
	const char *ileti_id;        /* X-TR-REM-iletiID ("" when none) */
	const char *msg_id;          /* the original's Message-ID, with <> */
	const char *subject;         /* UTF-8 */
	char **rcpt;                 /* To and Cc addresses */
	size_t nrcpt;
	const struct kbuf *original; /* the exact bytes the recipients get */
	const struct attachment *att;
	size_t natt;
};

/* In main() before any thread starts (xmlsec), and at the end. */
int submit_init(struct kerr *err);
void submit_shutdown(void);
/* Makes the sent package; *kep_id (allocated) and *sirano say which it is.
 * Adds kepId, kepSiraNo and the delivered copies to log. */
int submit_package(const struct kepsim_conf *conf, const struct account *a,
		   const struct submission *s, char **kep_id, long long *sirano, json_t *log,
		   struct kerr *err);
/* Writes the sent packages' evidence whose time has come
 * (--evidence-delay-ms); called before every operation. Evidence still due
 * when kepsim stops is lost. */
void submit_tick(const struct kepsim_conf *conf);
/* AlindiOnay of package p (account a): when kepsim delivered it, the
 * sender's package gets a 60 evidence for a (its delilId added to log). */
int submit_read_receipt(const struct kepsim_conf *conf, const struct account *a,
			const struct pkg *p, json_t *log, struct kerr *err);
/* 1 when addr looks like a KEP address (local@label.kep.tr). */
int kep_address_ok(const char *addr);

#endif
