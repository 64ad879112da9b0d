/* eyp.h: e-Yazisma packages (.eyp, OPC/ZIP, application/eyazisma).
 *
 * eyp_open() reads the whole package through zip_safe.h (bounded: entries,
 * per-entry and total size, compression ratio -> KERR_LIMIT; ".." or
 * absolute part names -> KERR_MALFORMED), recognises the version (Core
 * properties, else the layout), reads /Ustveri/Ustveri.xml (matched by local
 * name) through xml_safe.h, Tarih and BelgeNo from Ustveri in 1.x and from
 * /NihaiUstveri/NihaiUstveri.xml in 2.x, lists the main document (/UstYazi/ *) and attachments
 * (/Ekler/ *), and checks every Reference digest of /PaketOzeti/PaketOzeti.xml
 * (an element with a URI attribute and DigestMethod/DigestValue children;
 * xmlenc#sha256/#sha512) against the parts -> `digests` verdict: valid,
 * invalid (each mismatching or missing part named in the reason) or
 * malformed; and NihaiOzet likewise -> `nihai_ozet`. eyp_verify.h hands the CAdES signature and seal to the CMS
 * verifier. Everything is owned by struct eyp; free with eyp_free().
 * Each call logs "opening an e-Yazisma package" at debug level: a package
 * is opened once per verification (package_view.h), and tests count it.
 * Thread-safe (no globals). */
#ifndef KEP_EYP_H
#define KEP_EYP_H

#include <stddef.h>

#include "err.h"
#include "verdict.h"
#include "zip_safe.h"

struct eyp_ek {            /* one Ustveri/Ekler/Ek */
	char *dosya_adi;   /* DosyaAdi, NULL when absent */
	char *ad;          /* Ad, else Aciklama */
	char *mime;        /* MimeTuru */
};

struct eyp_file {          /* a part of the package shown to users */
	const char *part;  /* part name in the package (borrowed from the archive) */
	char *safe;        /* safe_name() of its last segment */
	size_t size;
	int main_doc;      /* 1 for /UstYazi/ *, 0 for /Ekler/ * */
	/* its PaketOzeti digests: "valid", "invalid" (a digest does not match
	 * or is unsupported) or "not-digested" (no Reference names it) */
	const char *digest_state;
};

struct eyp {
	struct zip_archive za;
	char *version;            /* Core properties' version ("2.0"), NULL when absent */
	int major;                /* 1 or 2: from version, else from the layout */
	char version_source[8];   /* "core" or "layout" */
	char *belge_id, *konu, *tarih, *belge_no, *olusturan, *dosya_adi;
	char *mime;               /* Ustveri's MimeTuru (the main document's type) */
	struct eyp_ek *ekler;
	size_t n_ekler;
	struct eyp_file *files;   /* main document(s) first */
	size_t n_files;
	enum verdict digests;
	char digests_reason[1024];
	/* NihaiOzet's digests over NihaiUstveri, Core, PaketOzeti, ImzaCades
	 * (all four required in 2.x): valid, invalid (mismatch, part not
	 * covered, external reference), malformed; unsigned when a 1.x package
	 * has none to check. */
	enum verdict nihai_ozet;
	char nihai_ozet_reason[1024];
	const struct zip_entry *core; /* the Core properties part, NULL when absent */
	/* What is missing but allowed (each "K.<n>: ..." naming the Teknik
	 * Rehber's rule, "; "-separated; empty when none): a referenced
	 * ParafImza/ParafOzeti absent, an attachment listed as not included for
	 * this recipient (Dagitim/KonulmamisEkListesi), a package relationship
	 * absent (types compared without case). Not failures; also appended to
	 * digests_reason. */
	char warnings[1024];
	char **withheld;          /* DosyaAdi of attachments withheld (KonulmamisEk) */
	size_t n_withheld;
};

int eyp_open(const void *data, size_t len, struct eyp *e, struct kerr *err);
/* 1 when Ustveri's DagitimListesi withholds the attachment of this DosyaAdi
 * from some recipient (KonulmamisEkListesi), else 0. */
int eyp_withheld(const struct eyp *e, const char *dosya_adi);
void eyp_free(struct eyp *e);
/* The bytes of a part ("/PaketOzeti/PaketOzeti.xml" or without "/"), or NULL. */
const struct zip_entry *eyp_part(const struct eyp *e, const char *name);

#endif
