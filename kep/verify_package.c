/* verify_package.c: see verify_package.h. */
#include "verify_package.h"

#include <stdio.h>
#include <string.h>

#include "eyp.h"
#include "eyp_verify.h"
#include "mime.h"
#include "package_view.h"
#include "util.h"

static struct pkg_check *add_check(struct pkg_report *r, const char *name, enum verdict v,
				   const char *reason)
{
	struct pkg_check *c;

	r->checks = xrealloc(r->checks, (r->n + 1) * sizeof(*r->checks));
	c = &r->checks[r->n++];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(c->reason, sizeof(c->reason), "%s", reason);
	c->verdict = v;
	r->overall = r->n == 1 ? v : verdict_worst(r->overall, v);
	return c;
}

/* One check per signer named sname, plus tname for each signer's time stamp. */
static void add_signer_checks(struct pkg_report *r, const char *sname, const char *tname,
			      const struct cms_result *res)
{
	size_t i;

	if (res->nsigners == 0) {
		add_check(r, sname, res->verdict, res->reason);
		return;
	}
	for (i = 0; i < res->nsigners; i++) {
		const struct sig_report *s = &res->signers[i];
		struct pkg_check *c = add_check(r, sname, s->verdict, s->reason);

		snprintf(c->signer, sizeof(c->signer), "%s", s->subject);
		snprintf(c->serial, sizeof(c->serial), "%s", s->serial);
		snprintf(c->issuer, sizeof(c->issuer), "%s", s->issuer);
		c->signing_time = s->signing_time;
		c->timestamp_time = s->ts.present ? s->ts.gen_time : 0;
		c->validation_time = s->validation_time;
		c->revocation = s->revocation;
		if (s->ts.present) {
			c = add_check(r, tname, s->ts.verdict, s->ts.reason);
			snprintf(c->signer, sizeof(c->signer), "%s", s->ts.tsa_subject);
			snprintf(c->serial, sizeof(c->serial), "%s", s->ts.serial);
			c->timestamp_time = s->ts.gen_time;
		}
	}
}

/* One signature of message m (whose bytes are m->data); index i names it. */
static int verify_sig(const struct verify_opts *o, const struct mime_message *m, size_t i,
		      const char *what, struct pkg_report *r, struct kerr *err)
{
	struct cms_result res;
	const struct mime_sig *s = &m->sigs[i];
	char name[32], tname[32];
	int rc;

	if (s->kind == MIME_SIG_DETACHED) {
		const unsigned char *signed_bytes = mime_signed_bytes(m, i);

		if (signed_bytes == NULL)
			return kerr_set(err, KERR_INTERNAL, "signed range outside the message");
		rc = cms_verify_detached(o, s->sig, s->sig_len, signed_bytes, s->content_len, &res,
					 err);
	} else {
		rc = cms_verify_attached(o, s->sig, s->sig_len, &res, err);
	}
	if (rc < 0)
		return kerr_prefix(err, "%s", what);
	/* What mime.c opened and exposes must be the very content proved. */
	if (s->kind == MIME_SIG_OPAQUE && s->content != NULL &&
	    (res.content == NULL || res.content_len != s->content_len ||
	     memcmp(res.content, s->content, s->content_len) != 0) &&
	    res.verdict < VERDICT_INVALID) {
		res.verdict = VERDICT_INVALID;
		snprintf(res.reason, sizeof(res.reason),
			 "the encapsulated content parsed is not the content verified");
		for (size_t k = 0; k < res.nsigners; k++) {
			res.signers[k].verdict = VERDICT_INVALID;
			snprintf(res.signers[k].reason, sizeof(res.signers[k].reason), "%s",
				 res.reason);
		}
	}
	if (i == 0) {
		snprintf(name, sizeof(name), "%s-signature", what);
		snprintf(tname, sizeof(tname), "%s-timestamp", what);
	} else {
		snprintf(name, sizeof(name), "%s-signature-%zu", what, i + 1);
		snprintf(tname, sizeof(tname), "%s-timestamp-%zu", what, i + 1);
	}
	add_signer_checks(r, name, tname, &res);
	if (m->lf_only && r->n > 0 && r->checks[r->n - 1].verdict == VERDICT_INVALID) {
		struct pkg_check *c = &r->checks[r->n - 1];
		size_t n = strlen(c->reason);
		snprintf(c->reason + n, sizeof(c->reason) - n,
			 " (the message has LF-only line endings)");
	}
	cms_result_free(&res);
	return 0;
}

/* Lists m's unsigned extra content in r and gives it one invalid check. */
static void report_extras(const struct mime_message *m, const char *what, struct pkg_report *r)
{
	struct kbuf why = { 0 };
	char name[32];
	size_t i;

	if (m->n_extra == 0)
		return;
	for (i = 0; i < m->n_extra; i++) {
		const struct mime_extra *x = &m->extra[i];
		struct pkg_extra *e;

		r->extras = xrealloc(r->extras, (r->n_extras + 1) * sizeof(*r->extras));
		e = &r->extras[r->n_extras++];
		memset(e, 0, sizeof(*e));
		snprintf(e->where, sizeof(e->where), "%s", what);
		snprintf(e->path, sizeof(e->path), "%s", x->path);
		snprintf(e->content_type, sizeof(e->content_type), "%s", x->content_type);
		snprintf(e->filename, sizeof(e->filename), "%s", x->filename ? x->filename : "");
		e->off = x->off;
		e->len = x->len;
		e->is_signed = x->is_signed;
		kbuf_printf(&why, "%spart %s %s%s%s%s%s", i ? "; " : "", x->path, x->content_type,
			    x->filename ? " \"" : "", x->filename ? x->filename : "",
			    x->filename ? "\"" : "", x->is_signed ? " (a second signed entity)" : "");
		if (x->len)
			kbuf_printf(&why, " at bytes %zu+%zu", x->off, x->len);
	}
	snprintf(name, sizeof(name), "%s-unsigned-content", what);
	{
		char reason[sizeof(r->checks[0].reason)];

		snprintf(reason, sizeof(reason),
			 "content outside the signature, kept in the raw package but not shown: %s",
			 kbuf_cstr(&why));
		add_check(r, name, VERDICT_INVALID, reason);
	}
	kbuf_free(&why);
}

/* Every signature of m, then what lies outside the first one. */
static int verify_message(const struct verify_opts *o, const struct mime_message *m,
			  const char *what, struct pkg_report *r, struct kerr *err)
{
	char name[32];
	size_t i;

	if (m->n_sigs == 0) {
		snprintf(name, sizeof(name), "%s-signature", what);
		add_check(r, name, VERDICT_UNSIGNED, "the message is unsigned (no S/MIME signature)");
		return 0;
	}
	if (verify_sig(o, m, 0, what, r, err) < 0)
		return -1;
	if (m->content_error != NULL) {
		snprintf(name, sizeof(name), "%s-content", what);
		add_check(r, name, VERDICT_MALFORMED, m->content_error);
	}
	report_extras(m, what, r);  /* before the others: the row's reason names it */
	for (i = 1; i < m->n_sigs; i++)
		if (verify_sig(o, m, i, what, r, err) < 0)
			return -1;
	return 0;
}

/* Where m's first signed entity is: 1 and its range, or 0 (unsigned, or
 * an opaque signature whose content was not opened). */
static int signed_entity(const struct mime_message *m, int *opaque, size_t *off, size_t *len)
{
	const struct mime_sig *s = m->n_sigs > 0 ? &m->sigs[0] : NULL;

	if (s == NULL || mime_signed_bytes(m, 0) == NULL)
		return 0;
	*opaque = s->kind == MIME_SIG_OPAQUE;
	*off = s->content_off;
	*len = s->content_len;
	return 1;
}

/* Records which bytes the signatures cover. */
static void record_ranges(const struct mime_package *p, struct pkg_signed *sr)
{
	sr->envelope = signed_entity(&p->envelope, &sr->env_opaque, &sr->env_off, &sr->env_len);
	if (!p->has_original)
		return;
	sr->original = 1;
	sr->orig_in_package = p->orig_in_package;
	sr->orig_off = p->orig_off;
	sr->orig_len = p->orig_len;
	sr->orig_signed = signed_entity(&p->original, &sr->orig_opaque, &sr->orig_sig_off,
					&sr->orig_sig_len);
}

/* An .eyp attachment, opened by the view: part digests, CAdES signature, seal. */
static int verify_eyp(const struct verify_opts *o, const struct pkg_view_eyp *x,
		      struct pkg_report *r, struct kerr *err)
{
	const struct eyp *e = &x->e;
	struct cms_result res;
	int rc;

	if (!x->ok) {
		if (x->err.cls != KERR_MALFORMED && x->err.cls != KERR_LIMIT) {
			*err = x->err;
			return -1;
		}
		add_check(r, "eyp-digests", VERDICT_MALFORMED, x->err.msg);
		return 0;
	}
	add_check(r, "eyp-digests", e->digests, e->digests_reason);
	if (e->nihai_ozet != VERDICT_UNSIGNED)
		add_check(r, "eyp-nihai-ozet", e->nihai_ozet, e->nihai_ozet_reason);
	rc = eyp_verify_signature(e, o, &res, err);
	if (rc == 0) {
		add_signer_checks(r, "eyp-signature", "eyp-signature-timestamp", &res);
		cms_result_free(&res);
		rc = eyp_verify_seal(e, o, &res, err);
	}
	if (rc == 0) {
		add_signer_checks(r, "eyp-seal", "eyp-seal-timestamp", &res);
		cms_result_free(&res);
	}
	return rc < 0 ? kerr_prefix(err, "%s", x->att->filename != NULL ? x->att->filename :
				   ".eyp") : 0;
}

int verify_eyp_bytes(const struct verify_opts *o, const void *data, size_t len,
		     const char *name, struct pkg_report *r, struct kerr *err)
{
	struct mime_attachment a = { 0 };
	struct pkg_view_eyp x = { 0 };
	int rc;

	memset(r, 0, sizeof(*r));
	a.filename = (char *)name;
	a.data = (unsigned char *)data;
	a.len = len;
	a.is_eyp = 1;
	x.att = &a;
	x.ok = eyp_open(data, len, &x.e, &x.err) == 0;
	rc = verify_eyp(o, &x, r, err);
	if (x.ok)
		eyp_free(&x.e);
	if (rc < 0)
		pkg_report_free(r);
	return rc;
}

int verify_package_view(const struct verify_opts *o, const struct pkg_view *v,
			struct pkg_report *r, struct kerr *err)
{
	struct verify_opts kephs = *o, sender = *o;
	const struct mime_package *p = &v->mp;
	size_t i;
	int rc;

	memset(r, 0, sizeof(*r));
	if (!v->parsed) {
		if (v->perr.cls != KERR_MALFORMED && v->perr.cls != KERR_LIMIT) {
			*err = v->perr;
			return -1;
		}
		add_check(r, "envelope-signature", VERDICT_MALFORMED, v->perr.msg);
		return 0;
	}
	record_ranges(p, &r->signed_range);
	/* The envelope is the provider's, the original and its .eyp the sender's. */
	kephs.role = SIGNER_KEPHS;
	sender.role = SIGNER_SENDER;
	rc = verify_message(&kephs, &p->envelope, "envelope", r, err);
	if (rc == 0 && p->has_original)
		rc = verify_message(&sender, &p->original, "original", r, err);
	else if (rc == 0 && p->original_error[0] != '\0')
		add_check(r, "original-signature", VERDICT_MALFORMED, p->original_error);
	else if (rc == 0 && !mime_is_evidence_mail(&p->envelope) && !mime_evidence_part(p))
		add_check(r, "original-signature", VERDICT_MALFORMED,
			  "the envelope's signed content holds no original message");
	/* An evidence mail carries the evidence XML, no original: its
	 * envelope's signature is the whole check of the package. The view
	 * opened the original's .eyp attachments, in order. */
	for (i = 0; rc == 0 && i < v->n_eyps; i++)
		rc = verify_eyp(&sender, &v->eyps[i], r, err);
	if (rc == 0) {
		const struct mime_message *m = p->has_original ? &p->original : &p->envelope;

		if (m->subject != NULL)
			r->subject = xstrdup(m->subject);
		if (m->message_id != NULL)
			r->message_id = xstrdup(m->message_id);
	}
	if (rc < 0)
		pkg_report_free(r);
	return rc;
}

int verify_package(const struct verify_opts *o, const void *data, size_t len,
		   const char *spool_dir, struct pkg_report *r, struct kerr *err)
{
	struct pkg_view v;
	int rc;

	pkg_view_open(data, len, spool_dir, &v);
	rc = verify_package_view(o, &v, r, err);
	pkg_view_free(&v);
	return rc;
}

const char *pkg_report_reason(const struct pkg_report *r, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->checks[i].verdict == r->overall) {
			snprintf(buf, len, "%s: %s", r->checks[i].name, r->checks[i].reason);
			return buf;
		}
	if (r->notes[0] == '\0')
		return NULL;
	snprintf(buf, len, "%s", r->notes);
	return buf;
}

void pkg_report_free(struct pkg_report *r)
{
	if (r == NULL)
		return;
	free(r->checks);
	free(r->subject);
	free(r->message_id);
	free(r->extras);
	memset(r, 0, sizeof(*r));
}
