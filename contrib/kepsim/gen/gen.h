/* gen.h: kepsim-gen, the mailbox generator of the kepsim simulator.
 *
 * Internal contract between the generator's files. It never uses the agent's
 * kep/ code (the simulator must stay independent of what it tests); only lib/.
 * Single-threaded. Functions follow lib/err.h: int, -1 on failure, struct
 * kerr last. A struct kbuf given as output is appended to; the caller owns it.
 */
#ifndef KEPSIM_GEN_H
#define KEPSIM_GEN_H

#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "err.h"
#include "util.h"

/* --- deterministic randomness (gen_rand.c): everything but signatures. */
struct grand { uint64_t s; };
void grand_seed(struct grand *r, uint64_t seed);
uint64_t grand_next(struct grand *r);
/* Uniform in [lo, hi]. */
uint64_t grand_range(struct grand *r, uint64_t lo, uint64_t hi);
void grand_bytes(struct grand *r, unsigned char *out, size_t n);

/* --- signers of the test PKI (gen_pki.c). */
struct signer {
	X509 *cert;
	EVP_PKEY *key;
	STACK_OF(X509) *chain;  /* certificates shipped with a signature */
	char *email;            /* first e-mail SAN or NULL */
};
/* Loads DIR/<hier>/<name>.pem and .key, and DIR/<hier>/chain.pem. */
int signer_load(struct signer *s, const char *pkidir, const char *hier,
		const char *name, struct kerr *err);
void signer_free(struct signer *s);

/* --- RFC 3161 (gen_tsa.c): a token (DER ContentInfo) over a SHA-256
 * imprint, dated gentime. */
int tsa_token(const struct signer *tsa, const unsigned char imprint[32], time_t gentime,
	      struct kbuf *der, struct kerr *err);
/* The same TSTInfo (made by tsa) but the token signed by signer: a fault,
 * for a signer OpenSSL's TSA refuses (no timeStamping EKU). */
int tsa_token_signed_by(const struct signer *tsa, const struct signer *signer,
			const unsigned char imprint[32], time_t gentime, struct kbuf *der,
			struct kerr *err);
/* The forger's tokens: over an imprint of md (NULL: SHA-256) of ilen bytes;
 * no_certs: no certificate in the token; ess_other: its ESS
 * signing-certificate-v2 names that certificate, not the TSA's. */
struct tsa_forge {
	const EVP_MD *md;
	int no_certs;
	X509 *ess_other;
};
int tsa_token_forged(const struct signer *tsa, const struct signer *signer,
		     const struct tsa_forge *f, const unsigned char *imprint, size_t ilen,
		     time_t gentime, struct kbuf *der, struct kerr *err);

/* --- forgeries of a CMS signature and of its time stamp (gen_forge_cms.c):
 * what a forger holding genuine packages and an ordinary certificate makes
 * of a signature's structure. */
enum cms_forgery {
	CF_NONE = 0,
	CF_NO_SIGNER_CERT,       /* the signer's certificate left out of the SignedData */
	CF_ESS_OTHER,            /* ESS signing-certificate-v2 names forge_other, then signed */
	CF_NOT_SIGNED_DATA,      /* a DigestedData (no key needed) where a SignedData belongs */
	CF_ATTACHED_AS_DETACHED, /* multipart/signed whose p7s encapsulates the genuine entity,
				    beside a first part changed after signing */
	CF_DETACHED_AS_OPAQUE,   /* pkcs7-mime signed-data holding a detached SignedData */
	CF_NO_SIGNER_INFO,       /* a SignedData with the signer's certificates, no SignerInfo */
	CF_TS_MALFORMED,         /* the token's ContentInfo type garbled: not a SignedData */
	CF_TS_NO_TSA_CERT,       /* the token without the TSA's certificate (or any) */
	CF_TS_ESS_OTHER,         /* the token's ESS signing-certificate-v2 names forge_other */
	CF_TS_SHA1_IMPRINT, CF_TS_MD5_IMPRINT, /* genuine tokens over a weak imprint */
	CF_TS_OVER_CONTENT,      /* a genuine token over the signed content, not the signature */
};
/* The signature forgery a package fault plants in its KEPHS envelope. */
enum cms_forgery fault_cms_forgery(int fault /* enum gen_fault */);
/* The stand-ins for a signature CF_NOT_SIGNED_DATA and CF_NO_SIGNER_INFO
 * make over data (signer s's certificates in the latter): 0 and der filled,
 * -1 on error; 1 (nothing done) for any other f. */
int cms_forged_structure(const struct signer *s, const void *data, size_t len, int detached,
			 enum cms_forgery f, struct kbuf *der, struct kerr *err);
/* Before si is signed: its ESS signing-certificate-v2 names other instead of signer. */
int ess_name_other(void *si /* CMS_SignerInfo* */, X509 *signer, X509 *other, struct kerr *err);
/* The token's outer ContentInfo type made id-data: well-formed DER, no SignedData. */
int ts_token_garble(struct kbuf *der, struct kerr *err);

/* --- CMS (gen_cms.c). */
struct cms_opts {
	const EVP_MD *md;         /* EVP_sha256() unless the weak fault */
	time_t signing_time;      /* signingTime attribute */
	int detached;             /* 1: detached SignedData; 0: encapsulated */
	const struct signer *tsa; /* non-NULL: add a signature time stamp */
	time_t ts_time;           /* its genTime */
	int ts_bad_imprint;       /* stamp something else than the signature value */
	const struct signer *ts_signer; /* non-NULL: the token signed by it, not by tsa */
	/* faults: after signing, a year taken off the signingTime attribute
	 * (under the signature), or off the token's genTime (under the TSA's) */
	int alter_signing_time, ts_alter_time;
	enum cms_forgery forgery; /* CF_NONE unless a forgery of gen_forge_cms.c */
	X509 *forge_other;        /* the certificate CF_ESS_OTHER / CF_TS_ESS_OTHER names */
};
/* Signs data (exact bytes, no canonicalisation) with ESS signing-certificate-v2;
 * writes the DER SignedData ContentInfo to der. */
int cms_sign(const struct signer *s, const void *data, size_t len,
	     const struct cms_opts *o, struct kbuf *der, struct kerr *err);

/* --- MIME (gen_mime.c). Every line ends in CRLF. */
enum subj_enc { SUBJ_UTF8_B, SUBJ_UTF8_Q, SUBJ_LATIN5_Q };
/* Appends "Name: value" with an RFC 2047 encoded value (UTF-8 input). */
void mime_header_encoded(struct kbuf *b, const char *name, const char *utf8, enum subj_enc enc);
/* Appends base64 of data in 76-column CRLF lines. */
void mime_base64(struct kbuf *b, const void *data, size_t len);
void mime_date(char *out, size_t n, time_t t);        /* RFC 5322 date */
void mime_iso_time(char *out, size_t n, time_t t);    /* YYYY-MM-DDThh:mm:ss (UTC) */
/* Makes "--boundary" strings unique per use. */
void mime_boundary(struct grand *r, char *out, size_t n);

/* --- e-Yazisma package (gen_eyp.c). */
enum eyp_forgery {
	EYP_HONEST = 0,
	EYP_ATTACHED_OTHER_OZET,  /* ImzaCades: attached, genuine, over another PaketOzeti */
	EYP_OZET_MISMATCH,        /* PaketOzeti digests another UstYazi; signature genuine */
	EYP_SWAPPED_PART,         /* Ustveri replaced after signing */
	EYP_NIHAI_CHANGED,        /* NihaiUstveri (BelgeNo) changed after the seal */
	EYP_SEAL_OTHER_NIHAI,     /* MuhurCades: attached, genuine, over another NihaiOzet */
	EYP_OZET_NO_DIGEST,       /* PaketOzeti's UstYazi Reference without a digest (signed
				     genuinely), UstYazi changed after signing */
};
/* "attached-other-ozet", "ozet-mismatch", "swapped-part", "nihai-changed",
 * "seal-other-nihai", "ozet-no-digest"; NULL for EYP_HONEST. */
const char *eyp_forgery_name(enum eyp_forgery f);
int eyp_forgery_parse(const char *name, enum eyp_forgery *f);
struct eyp_spec {
	const char *belge_id, *konu, *belge_no, *olusturan, *hedef, *pdf_name;
	time_t tarih;
	const unsigned char *pdf; size_t pdf_len;
	const struct signer *imza, *muhur;
	int version;              /* 1 (1.3 layout, detached CAdES) or 2 (2.0, attached) */
	int detached;             /* 2.x: detached signature and seal instead */
	int alter_part;           /* fault: change UstYazi after PaketOzeti was made */
	enum eyp_forgery forgery;
};
int eyp_build(const struct eyp_spec *e, struct kbuf *zip, struct kerr *err);

/* --- ETSI TS 102 640-2 evidence (gen_evidence.c). */
/* Forgeries of a delil's XML signature and digest (gen_evforge.c): what a
 * forger who holds genuine delils and an ordinary certificate makes, or what
 * a KEPHS must never be trusted for. */
enum evidence_xml_forgery {
	EVX_NONE = 0,
	EVX_ENVELOPING,     /* the KEPHS signature envelops the delil (ds:Signature
			       the root, the delil in its ds:Object "#ev") */
	EVX_DUPLICATE_ID,   /* a genuine delil signed by reference "#ev" moved into a
			       forged root with the same Id (EventTime changed) */
	EVX_WRAPPED_ID,     /* the same, the forged root's Id namespaced (w:Id),
			       so only the moved genuine element is an ID */
	EVX_NO_CERT,        /* signed by the forger's key, KeyInfo a bare KeyValue */
	EVX_SHA1,           /* the KEPHS signs with rsa-sha1/ecdsa-sha1, SHA-1 reference */
	EVX_MD5_DIGEST,     /* the KEPHS signs, the reference digest MD5 */
	EVX_NO_DIGEST,      /* KEPHS-signed, no digest of the original */
	EVX_UNKNOWN_DIGEST, /* KEPHS-signed, the original's digest under an unknown URI */
};
#define EVX_UNKNOWN_DIGEST_URI "urn:kepsim:digest#crc32"
#define EVX_ID "ev"
struct evidence_spec {
	int code;                 /* PTT delilTurId */
	const char *evidence_id, *sender, *recipient, *subject, *ua_msgid, *remmd_msgid;
	time_t event_time, submission_time;
	const void *digest_data; size_t digest_len;   /* the bytes whose SHA-256 goes in */
	const struct signer *kephs;
	const char *kephs_key_path, *kephs_cert_path, *kephs_chain_path;
	int break_signature;      /* fault: alter the document after signing */
	int partial_signature;    /* fault: sign SenderMessageDetails only (Id "smd"),
				     then change EventTime outside it */
	enum evidence_xml_forgery xml_forgery;
};
/* Initialises/finalises libxml2 + xmlsec once per process. */
int evidence_init(struct kerr *err);
void evidence_shutdown(void);
int evidence_build(const struct evidence_spec *e, struct kbuf *xml, struct kerr *err);
/* How gen_evidence.c signs e (gen_evforge.c): the algorithms, the reference,
 * the key info; where the signature goes, and the tree rewritten after. */
struct evforge_plan {
	void *sign, *digest;      /* xmlSecTransformId */
	const char *uri;          /* the reference's URI */
	int enveloped;            /* the enveloped transform */
	int key_value;            /* KeyInfo a bare KeyValue, no certificate */
};
void evforge_plan(const struct evidence_spec *e, int is_ec, struct evforge_plan *p);
void evforge_place(void *doc, const struct evidence_spec *e, void *sig);
void evforge_after_sign(void *doc, const struct evidence_spec *e);
/* PTT label ("Kabul Edildi") of a code, or NULL when unknown. */
const char *evidence_label(int code);
/* ZIP archives in memory (gen_zip.c), entries deflated, fixed mtime. */
int zip_build(const char *const names[], const void *const data[], const size_t lens[],
	      size_t n, time_t mtime, struct kbuf *out, struct kerr *err);
/* A ZIP holding one file. */
int zip_one(const char *name, const void *data, size_t len, struct kbuf *zip, struct kerr *err);

/* --- faults (gen_faults.c). */
enum gen_fault {
	F_NONE = 0,
	F_TAMPERED_ENVELOPE, F_TAMPERED_ORIGINAL, F_UNTRUSTED_SIGNER, F_EXPIRED_SIGNER,
	F_EXPIRED_SIGNER_TIMESTAMPED, F_REVOKED_SIGNER, F_TS_IMPRINT_MISMATCH, F_WRONG_TSA,
	F_SHA1_SIGNATURE, F_UNSIGNED_ORIGINAL, F_EYP_ALTERED_PART,
	/* attacks on the signed range: content outside a signed entity */
	F_WRAPPED_ENVELOPE, F_SWAPPED_ORIGINAL, F_UNSIGNED_EXTRA_ATTACHMENT,
	F_SECOND_SIGNED_ENTITY,
	/* signers in the wrong role: chains to an anchor, but not a KEPHS / TSA */
	F_ENVELOPE_BY_EIMZA, F_TIMESTAMP_NOT_BY_TSA,
	F_EVIDENCE_BROKEN_SIGNATURE, F_EVIDENCE_DIGEST_MISMATCH,
	F_EVIDENCE_BY_EIMZA, F_EVIDENCE_BY_TSA, F_EVIDENCE_BY_SEAL,
	F_EVIDENCE_UNPARSEABLE,   /* only with `add --fault`: no mailbox plants it */
	/* e-Yazisma 2.x forgeries (enum eyp_forgery), last so that adding them
	 * left the other faults' packages as they were */
	F_EYP_ATTACHED_OTHER_OZET, F_EYP_OZET_MISMATCH, F_EYP_SWAPPED_PART,
	/* the listing's delilTurId is not the code the signed delil proves */
	F_EVIDENCE_CODE_MISMATCH,
	F_EYP_NIHAI_CHANGED,      /* 2.x: NihaiUstveri changed after the seal */
	/* a delil that came as an e-mail (gen_evmail.c): its XML by an e-imza,
	 * or the carrying message by an e-imza */
	F_EVMAIL_BY_EIMZA, F_EVMAIL_ENVELOPE_BY_EIMZA,
	/* the KEPHS envelope opaque-signed (application/pkcs7-mime signed-data,
	 * the original inside the CMS): honest (valid), and by a person's e-imza */
	F_OPAQUE_ENVELOPE, F_OPAQUE_ENVELOPE_BY_EIMZA,
	/* a genuine envelope backdated after signing: its signingTime, or its
	 * time-stamp token's genTime, a year earlier */
	F_ENVELOPE_SIGNING_TIME_CHANGED, F_TIMESTAMP_TIME_CHANGED,
	/* a KEPHS signature over a part of the delil only, changed outside it */
	F_EVIDENCE_PARTIAL_SIGNATURE,
	F_EYP_SEAL_OTHER_NIHAI,   /* 2.x: the seal genuine, over another package's NihaiOzet */
	/* a delil's XML signature and digest forged (enum evidence_xml_forgery) */
	F_EVIDENCE_ENVELOPING, F_EVIDENCE_DUPLICATE_ID, F_EVIDENCE_WRAPPED_ID,
	F_EVIDENCE_NO_CERTIFICATE, F_EVIDENCE_SHA1_SIGNATURE, F_EVIDENCE_MD5_DIGEST,
	F_EVIDENCE_NO_DIGEST, F_EVIDENCE_UNKNOWN_DIGEST,
	/* forgeries of the KEPHS envelope's CMS structure and of its time stamp
	 * (enum cms_forgery), and an original time-stamped before its signer's
	 * certificate was valid */
	F_ENVELOPE_SIGNER_CERT_MISSING, F_ENVELOPE_ESS_MISMATCH, F_ENVELOPE_NOT_SIGNED_DATA,
	F_ENVELOPE_ATTACHED_AS_DETACHED, F_ENVELOPE_DETACHED_AS_OPAQUE, F_ENVELOPE_NO_SIGNER_INFO,
	F_TIMESTAMP_MALFORMED, F_TIMESTAMP_WITHOUT_TSA_CERT, F_TIMESTAMP_ESS_MISMATCH,
	F_TIMESTAMP_SHA1_IMPRINT, F_TIMESTAMP_MD5_IMPRINT, F_TIMESTAMP_OVER_CONTENT,
	F_SIGNER_NOT_YET_VALID,
	/* relabelled outside every signature (X-REM-Msg-Type): a genuine
	 * package carrying a data XML (not a delil) labelled a delil mail, and a
	 * genuine delil mail labelled Dispatch */
	F_RELABELLED_AS_EVIDENCE, F_EVMAIL_RELABELLED_DISPATCH,
	F_EYP_OZET_NO_DIGEST,     /* 2.x: PaketOzeti names UstYazi without a digest */
	F__COUNT
};
struct fault_info {
	const char *name;
	int evidence;             /* 1: an evidence fault, 2: an evidence mail's,
				   * 0: a package fault */
	/* package: envelope, envelope_timestamp, original, eyp ("" = as generated),
	 * overall; evidence: signature, digest, overall */
	const char *v[5];
	const char *reason;
};
const struct fault_info *fault_info(enum gen_fault f);
/* The .eyp forgery a package fault plants (EYP_HONEST for none), and
 * whether the fault needs an eYazisma package at all. */
enum eyp_forgery fault_eyp_forgery(enum gen_fault f);
int fault_needs_eyp(enum gen_fault f);
/* The delil XML forgery an evidence fault plants (EVX_NONE for none). */
enum evidence_xml_forgery fault_evidence_xml_forgery(enum gen_fault f);
/* Parses "all", "none" or a comma list into want[F__COUNT]. */
int faults_parse(const char *spec, int want[F__COUNT], struct kerr *err);

/* --- the parts of a package (gen_package.c), shared with kepsim's sending
 * operations (contrib/kepsim/submit.c) so a sent package is built exactly as
 * a generated one. */
struct attachment {
	const char *name, *ctype;
	struct kbuf body;
};
/* The entity a sender signs: multipart/mixed with the text (text_ctype, e.g.
 * "text/plain" or "text/html"; charset utf-8, base64) and the attachments.
 * *text_off receives the offset of the text's first base64 character. */
void original_entity(struct grand *r, const char *text, const char *text_ctype,
		     const struct attachment *att, size_t natt, struct kbuf *e, size_t *text_off);
/* A signed entity from a DER SignedData: multipart/signed with the detached
 * signature (variant 0 pkcs7-signature, 1 x-pkcs7-signature; micalg names the
 * digest, e.g. "sha-256"), or opaque pkcs7-mime holding an encapsulated one
 * (variant 2; entity unused). */
void smime_wrap(struct grand *r, const struct kbuf *der, const struct kbuf *entity, int variant,
		const char *micalg, struct kbuf *out);
/* The original message's header block (CRLF lines, no blank line after):
 * From, To, [Cc], Date, Message-ID, Subject (RFC 2047), X-TR-REM-iletiTip,
 * X-TR-REM-iletiID, MIME-Version. */
void original_headers(struct kbuf *out, const char *from, const char *to, const char *cc,
		      time_t date, const char *msg_id, const char *subject, enum subj_enc enc,
		      const char *ileti_tip, const char *ileti_id);
/* The KEPHS envelope (package.eml) around the exact bytes of an original. */
struct envelope_spec {
	const struct signer *kephs, *tsa;
	const char *sender, *recipients;  /* addresses; recipients: the To: value */
	const char *subject;              /* UTF-8 */
	enum subj_enc subj_enc;
	const char *msg_id, *kep_id;      /* the original's Message-ID; the package's */
	const char *ileti_tip, *ileti_id; /* X-TR-REM-iletiTip / -iletiID */
	time_t tarih;                     /* Date:, signingTime; time stamp at +5 s */
	const struct kbuf *original;
	int ts_bad_imprint, tamper_text;  /* the timestamp-imprint / tampered-envelope faults */
	int opaque;                       /* 1: opaque-signed (pkcs7-mime signed-data), not
					     multipart/signed; tamper_text then unsupported */
	int alter_signing_time, ts_alter_time; /* the backdating faults (struct cms_opts) */
	const struct signer *ts_signer;   /* non-NULL: the token signed by it (a fault) */
	enum cms_forgery forgery;         /* the signature's forgery (gen_forge_cms.c) */
	X509 *forge_other;                /* the certificate its ESS forgeries name */
	/* relabelled-as-evidence: a data XML (kepbilgi.xml, not a delil) in the
	 * signed entity beside the original, and X-REM-Msg-Type: Message */
	int relabel_message;
	/* Called with the signed body before the headers go on (the generator's
	 * wrapping attacks); NULL for none. */
	int (*after_sign)(void *arg, struct kbuf *body, struct kerr *err);
	void *after_sign_arg;
};
int envelope_build(struct grand *r, const struct envelope_spec *e, struct kbuf *out,
		   struct kerr *err);
/* A package directory as FORMAT.md describes: built as <folder_dir>/.<sira>.tmp,
 * then renamed to <folder_dir>/<sira> (which must not exist). meta is a
 * json_t object written as meta.json; att[i] becomes attachments/NN-<name>. */
int package_dir_write(const char *folder_dir, long long sira, const struct kbuf *envelope,
		      const struct kbuf *original, const struct attachment *att, size_t natt,
		      void *meta, struct kerr *err);
/* A kepId as PTT forms them: <EYWS<uuid>.<ddmmyyyyHHMMSS>.pttkepMimeyap>. */
char *kep_id_make(struct grand *r, time_t t);

/* --- packages and mailbox (gen_package.c, gen_mailbox.c). */
struct gen;
struct pkg_spec {
	const char *account, *folder, *peer; /* peer: the other party's address */
	int sira;
	const char *hier;         /* "rsa" | "ec": the KEPHS and the sender's hierarchy */
	const char *sender_name;  /* eimza, mali (the fault picks other signers) */
	int ileti;                /* 0 standart, 1 eYazisma, 2 eTebligat */
	enum subj_enc subj_enc;
	int variant;              /* 0 pkcs7-signature, 1 x-pkcs7-signature, 2 opaque */
	size_t big;               /* >0: attachment size for a big package */
	enum gen_fault fault;
	time_t tarih;
};
struct pkg_result {
	char *kep_id, *msg_id, *subject;  /* subject: UTF-8, decoded */
	char *sender, *recipient;         /* addresses */
	time_t tarih;
	size_t size;
	int has_eyp;
	struct kbuf original;     /* original.eml bytes, for evidence digests */
};
void pkg_result_free(struct pkg_result *r);
/* 1 when p's KEPHS envelope is opaque-signed (its fault says so). */
int pkg_envelope_opaque(const struct pkg_spec *p);
/* Builds and atomically writes accounts/<account>/<folder>/<sira>/. */
int package_write(struct gen *g, const struct pkg_spec *p, struct pkg_result *res,
		  struct kerr *err);
/* Writes one evidence item into an existing package directory. */
int evidence_write(struct gen *g, const char *account, const char *folder, int sira,
		   const struct pkg_result *pkg, const char *hier, int code, enum gen_fault fault,
		   int zipped, time_t when, char **delil_id_out, struct kerr *err);
/* A delil as a KEPHS-signed e-mail in <account>/INBOX/<inbox_sira>
 * (gen_evmail.c): the evidence of pkg (a sent package); fault: an
 * evidence-by-* forgery of the XML, or envelope-by-eimza for the mail. */
int evidence_mail_write(struct gen *g, const char *account, int inbox_sira,
			const struct pkg_result *pkg, const char *hier, int code,
			enum gen_fault fault, time_t when, char **delil_id_out, struct kerr *err);
/* Reads back what an evidence item needs of a package directory (meta.json,
 * original.eml); recipient stays NULL. */
int package_load(const char *dir, struct pkg_result *r, struct kerr *err);
/* Moves dir_tmp to dir (rename(2)); dir must not exist yet. */
int publish(const char *tmp, const char *final, struct kerr *err);

/* Generator state (gen_main.c owns it). */
struct gen {
	char *mailbox, *pkidir;
	uint64_t seed;
	struct grand rnd;
	struct signer kephs[2], eimza[2], mali[2], tsa[2], revoked[2], expired[2];
	struct signer untrusted, wrongtsa;
	int evidence_counter;
};
/* Index 0 rsa, 1 ec. */
int gen_hier_index(const char *hier);
int gen_load_pki(struct gen *g, struct kerr *err);
void gen_free(struct gen *g);

/* `kepsim-gen deep` (gen_deep.c): a package whose original nests DEPTH levels. */
int cmd_deep(int argc, char **argv, struct kerr *err);

/* --- JSON files (gen_manifest.c). Items are jansson objects. */
int json_write_atomic(const char *path, void *json /* json_t* */, struct kerr *err);
/* Builds the "expect" object of a package or evidence item. */
void *manifest_package_item(const struct pkg_spec *p, const struct pkg_result *r);
void *manifest_evidence_item(const char *account, const char *folder, int sira,
			     const char *delil_id, int code, int zipped, enum gen_fault f);
/* The item of a delil that came as an e-mail in INBOX/<sira>: kind
 * "evidence-mail", the package it is about (kepId) beside it. */
void *manifest_evidence_mail_item(const char *account, int sira, const char *delil_id,
				  int code, const char *about_kep_id, enum gen_fault f);

/* Files (gen_fs.c). */
int mkdir_p(const char *path, struct kerr *err);
int write_file_plain(const char *path, const void *data, size_t len, struct kerr *err);
/* Removes a directory tree (a half-built item); errors are ignored. */
void rm_tree(const char *path);

#endif
