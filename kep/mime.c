/* mime.c: libetpan-based splitting of KEP packages; see mime.h. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sys/mman.h>
#include <unistd.h>

#include <libetpan/libetpan.h>
#include <libetpan/charconv.h>

#include "cms_verify.h"
#include "log.h"
#include "mime.h"
#include "safe_name.h"
#include "util.h"

struct walk {
	const char *buf;    /* what libetpan parses: the message, or a blanked copy */
	size_t len;
	int in_content;     /* buf is the opaque sigs[0]'s encapsulated content */
	struct mime_message *m;
	size_t parts;
	struct kbuf sigs, att, extra; /* arrays being built */
	struct kbuf att_inside;       /* one int per att: inside the first signed entity */
	const char *spool_dir;        /* large bodies are decoded into a file here; NULL: heap */
	struct kerr *err;
};

/* ---- header decoding ---- */

char *mime_decode_header(const char *raw)
{
	size_t idx = 0;
	char *res = NULL, *out;

	if (!raw)
		return xstrdup("");
	if (mailmime_encoded_phrase_parse("utf-8", raw, strlen(raw), &idx, "utf-8", &res) !=
	    MAILIMF_NO_ERROR || !res)
		return xstrdup(raw);
	out = xstrdup(res);
	free(res);
	return out;
}

static char *mailbox_str(const struct mailimf_mailbox *mb)
{
	char *name, *s;

	if (!mb->mb_display_name)
		return xstrdup(mb->mb_addr_spec ? mb->mb_addr_spec : "");
	name = mime_decode_header(mb->mb_display_name);
	s = xasprintf("%s <%s>", name, mb->mb_addr_spec ? mb->mb_addr_spec : "");
	free(name);
	return s;
}

static char *mailbox_list_str(clist *list)
{
	struct kbuf b = { 0 };
	char *s;

	for (clistiter *it = clist_begin(list); it; it = clist_next(it)) {
		s = mailbox_str(clist_content(it));
		kbuf_printf(&b, "%s%s", b.len ? ", " : "", s);
		free(s);
	}
	s = xstrdup(kbuf_cstr(&b));
	kbuf_free(&b);
	return s;
}

static char *address_list_str(struct mailimf_address_list *al)
{
	struct kbuf b = { 0 };
	char *s;

	for (clistiter *it = clist_begin(al->ad_list); it; it = clist_next(it)) {
		struct mailimf_address *a = clist_content(it);

		if (a->ad_type == MAILIMF_ADDRESS_MAILBOX)
			s = mailbox_str(a->ad_data.ad_mailbox);
		else if (a->ad_data.ad_group->grp_mb_list)
			s = mailbox_list_str(a->ad_data.ad_group->grp_mb_list->mb_list);
		else
			s = mime_decode_header(a->ad_data.ad_group->grp_display_name);
		kbuf_printf(&b, "%s%s", b.len ? ", " : "", s);
		free(s);
	}
	s = xstrdup(kbuf_cstr(&b));
	kbuf_free(&b);
	return s;
}

static void add_mailbox(struct kbuf *out, char role, const struct mailimf_mailbox *mb)
{
	struct mime_address a = { role, xstrdup(mb->mb_addr_spec ? mb->mb_addr_spec : ""),
				  mb->mb_display_name ? mime_decode_header(mb->mb_display_name) : NULL };

	if (out->len / sizeof(a) >= MIME_MAX_PARTS) {   /* bounded like the parts */
		free(a.addr);
		free(a.name);
		return;
	}
	kbuf_append(out, &a, sizeof(a));
}

static void add_recipients(struct kbuf *out, char role, struct mailimf_address_list *al)
{
	for (clistiter *it = clist_begin(al->ad_list); it; it = clist_next(it)) {
		struct mailimf_address *a = clist_content(it);

		if (a->ad_type == MAILIMF_ADDRESS_MAILBOX)
			add_mailbox(out, role, a->ad_data.ad_mailbox);
		else if (a->ad_data.ad_group->grp_mb_list)
			for (clistiter *g = clist_begin(a->ad_data.ad_group->grp_mb_list->mb_list); g;
			     g = clist_next(g))
				add_mailbox(out, role, clist_content(g));
	}
}

static void set_once(char **dst, char *val)
{
	if (*dst)
		free(val); /* the first occurrence wins, as mail clients show */
	else
		*dst = val;
}

static void take_headers(struct mime_message *m, struct mailimf_fields *f)
{
	struct kbuf rem = { 0 }, rcpt = { 0 };
	int seen_to = 0, seen_cc = 0;

	if (!f)
		return;
	for (clistiter *it = clist_begin(f->fld_list); it; it = clist_next(it)) {
		struct mailimf_field *fl = clist_content(it);

		switch (fl->fld_type) {
		case MAILIMF_FIELD_SUBJECT:
			set_once(&m->subject, mime_decode_header(fl->fld_data.fld_subject->sbj_value));
			break;
		case MAILIMF_FIELD_FROM:
			set_once(&m->from, mailbox_list_str(fl->fld_data.fld_from->frm_mb_list->mb_list));
			break;
		case MAILIMF_FIELD_TO:
			set_once(&m->to, address_list_str(fl->fld_data.fld_to->to_addr_list));
			if (!seen_to++)
				add_recipients(&rcpt, 't', fl->fld_data.fld_to->to_addr_list);
			break;
		case MAILIMF_FIELD_CC:
			if (!seen_cc++)
				add_recipients(&rcpt, 'c', fl->fld_data.fld_cc->cc_addr_list);
			break;
		case MAILIMF_FIELD_MESSAGE_ID:
			set_once(&m->message_id, xstrdup(fl->fld_data.fld_message_id->mid_value));
			break;
		case MAILIMF_FIELD_ORIG_DATE: {
			const struct mailimf_date_time *d = fl->fld_data.fld_orig_date->dt_date_time;
			int z = d->dt_zone < 0 ? -d->dt_zone : d->dt_zone;

			if (m->date == NULL) {
				struct tm tm = { .tm_year = d->dt_year - 1900, .tm_mon = d->dt_month - 1,
						 .tm_mday = d->dt_day, .tm_hour = d->dt_hour,
						 .tm_min = d->dt_min, .tm_sec = d->dt_sec };
				long off = (z / 100 * 3600L + z % 100 * 60L) * (d->dt_zone < 0 ? -1 : 1);

				m->date_ms = ((long long)timegm(&tm) - off) * 1000;
			}
			set_once(&m->date, xasprintf("%04d-%02d-%02dT%02d:%02d:%02d%c%04d", d->dt_year,
						     d->dt_month, d->dt_day, d->dt_hour, d->dt_min,
						     d->dt_sec, d->dt_zone < 0 ? '-' : '+', z % 10000));
			break;
		}
		case MAILIMF_FIELD_OPTIONAL_FIELD: {
			const char *n = fl->fld_data.fld_optional_field->fld_name;
			const char *v = fl->fld_data.fld_optional_field->fld_value;

			/* headers libetpan could not parse strictly arrive here */
			if (strcasecmp(n, "Subject") == 0)
				set_once(&m->subject, mime_decode_header(v));
			else if (strcasecmp(n, "From") == 0)
				set_once(&m->from, mime_decode_header(v));
			else if (strcasecmp(n, "X-TR-REM-iletiTip") == 0)
				set_once(&m->ileti_tip, xstrdup(v));
			else if (strcasecmp(n, "X-TR-REM-iletiID") == 0)
				set_once(&m->ileti_id, xstrdup(v));
			if (strncasecmp(n, "X-REM-", 6) == 0 || strncasecmp(n, "X-TR-REM-", 9) == 0) {
				struct mime_header h = { xstrdup(n), xstrdup(v) };

				kbuf_append(&rem, &h, sizeof(h));
			}
			break;
		}
		default:
			break;
		}
	}
	m->rem = (struct mime_header *)rem.data;
	m->n_rem = rem.len / sizeof(struct mime_header);
	m->rcpt = (struct mime_address *)rcpt.data;
	m->n_rcpt = rcpt.len / sizeof(struct mime_address);
}

/* ---- parameters and file names ---- */

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* RFC 2231: charset'lang'percent-encoded -> UTF-8. */
static char *rfc2231_decode(const char *v)
{
	const char *q1 = strchr(v, '\''), *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
	char *charset, *raw, *conv = NULL, *out;
	size_t n = 0;

	if (!q2)
		return xstrdup(v);
	charset = xstrndup(v, (size_t)(q1 - v));
	raw = xmalloc(strlen(q2) + 1);
	for (const char *p = q2 + 1; *p; p++) {
		if (*p == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
			raw[n++] = (char)(hexval((unsigned char)p[1]) * 16 + hexval((unsigned char)p[2]));
			p += 2;
		} else {
			raw[n++] = *p;
		}
	}
	raw[n] = 0;
	if (*charset && strcasecmp(charset, "utf-8") != 0 &&
	    charconv("utf-8", charset, raw, n, &conv) == MAIL_CHARCONV_NO_ERROR && conv) {
		out = xstrdup(conv);
		free(conv);
	} else {
		out = xstrdup(raw);
	}
	free(raw);
	free(charset);
	return out;
}

/* Looks for name, name* and name*N[*] among generic parameters; returns the
 * decoded UTF-8 value (malloc'd) or NULL. */
struct param_acc {
	const char *name;
	char *plain;
	struct kbuf ext;   /* concatenated continuation sections, in order seen */
	int ext_encoded;
};

static void param_acc_add(struct param_acc *a, const char *pname, const char *val)
{
	size_t nl = strlen(a->name);

	if (strcasecmp(pname, a->name) == 0) {
		if (!a->plain)
			a->plain = xstrdup(val);
	} else if (strncasecmp(pname, a->name, nl) == 0 && pname[nl] == '*') {
		const char *rest = pname + nl + 1;

		if (*rest == 0 || strcmp(rest, "0*") == 0)
			a->ext_encoded = 1;
		kbuf_append_str(&a->ext, val);
	}
}

static char *param_acc_result(struct param_acc *a)
{
	char *r;

	if (a->ext.len) {
		r = a->ext_encoded ? rfc2231_decode(kbuf_cstr(&a->ext)) : xstrdup(kbuf_cstr(&a->ext));
		free(a->plain);
	} else if (a->plain) {
		r = mime_decode_header(a->plain); /* RFC 2047 inside quotes, as Outlook does */
		free(a->plain);
	} else {
		r = NULL;
	}
	kbuf_free(&a->ext);
	return r;
}

static char *content_param(struct mailmime_content *ct, const char *name)
{
	struct param_acc a = { .name = name };

	if (ct && ct->ct_parameters)
		for (clistiter *it = clist_begin(ct->ct_parameters); it; it = clist_next(it)) {
			struct mailmime_parameter *p = clist_content(it);

			param_acc_add(&a, p->pa_name, p->pa_value);
		}
	return param_acc_result(&a);
}

static struct mailmime_disposition *disposition(struct mailmime *mm)
{
	if (!mm->mm_mime_fields)
		return NULL;
	for (clistiter *it = clist_begin(mm->mm_mime_fields->fld_list); it; it = clist_next(it)) {
		struct mailmime_field *f = clist_content(it);

		if (f->fld_type == MAILMIME_FIELD_DISPOSITION)
			return f->fld_data.fld_disposition;
	}
	return NULL;
}

static char *part_filename(struct mailmime *mm)
{
	struct mailmime_disposition *d = disposition(mm);
	struct param_acc a = { .name = "filename" };
	char *r;

	if (d)
		for (clistiter *it = clist_begin(d->dsp_parms); it; it = clist_next(it)) {
			struct mailmime_disposition_parm *p = clist_content(it);

			if (p->pa_type == MAILMIME_DISPOSITION_PARM_FILENAME)
				param_acc_add(&a, "filename", p->pa_data.pa_filename);
			else if (p->pa_type == MAILMIME_DISPOSITION_PARM_PARAMETER)
				param_acc_add(&a, p->pa_data.pa_parameter->pa_name,
					      p->pa_data.pa_parameter->pa_value);
		}
	r = param_acc_result(&a);
	return r ? r : content_param(mm->mm_content_type, "name");
}

static char *content_type_str(struct mailmime_content *ct)
{
	const char *type = "text";
	char *s;

	if (!ct || !ct->ct_type)
		return xstrdup("text/plain");
	if (ct->ct_type->tp_type == MAILMIME_TYPE_DISCRETE_TYPE) {
		static const char *const names[] = { "", "text", "image", "audio", "video",
						     "application" };
		struct mailmime_discrete_type *d = ct->ct_type->tp_data.tp_discrete_type;

		type = d->dt_type == MAILMIME_DISCRETE_TYPE_EXTENSION ? d->dt_extension
			: (size_t)d->dt_type < ARRAY_SIZE(names) ? names[d->dt_type] : "";
	} else {
		struct mailmime_composite_type *c = ct->ct_type->tp_data.tp_composite_type;

		type = c->ct_type == MAILMIME_COMPOSITE_TYPE_MESSAGE ? "message"
			: c->ct_type == MAILMIME_COMPOSITE_TYPE_MULTIPART ? "multipart"
			: c->ct_token ? c->ct_token : "";
	}
	s = xasprintf("%s/%s", type, ct->ct_subtype ? ct->ct_subtype : "");
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

static int ends_with_ci(const char *s, const char *suffix)
{
	size_t a = s ? strlen(s) : 0, b = strlen(suffix);

	return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

/* ---- body decoding and ranges ---- */

/* base64 with libetpan's tolerance (mailmime_base64_body_parse, whose
 * answers must not change): every byte outside the alphabet is skipped,
 * '=' too, and a last group of 1, 2 or 3 symbols gives 1, 1 or 2 bytes.
 * One pass over the body through a table (a symbol's value, or 64 for a
 * byte that is skipped), four symbols giving three bytes, no copy of the
 * symbols first: the body is read once. */
static const unsigned char b64_val[256] = {
#define X64 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64
	X64, X64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 62, 64, 64, 64, 63,   /* '+' '/' */
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 64, 64, 64, 64, 64, 64,   /* '0'-'9' */
	64, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,             /* 'A'-'O' */
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 64, 64, 64, 64, 64,  /* 'P'-'Z' */
	64, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,  /* 'a'-'o' */
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 64, 64, 64, 64, 64,  /* 'p'-'z' */
	X64, X64, X64, X64, X64, X64, X64, X64
#undef X64
};

/* Where decoded bytes go: a buffer that holds them all, or a file. */
struct b64_sink {
	unsigned char *buf;  /* NULL: write to fd */
	int fd;
	size_t len;
	int failed;
};

static void sink_put(struct b64_sink *k, const unsigned char *d, size_t n)
{
	if (k->buf != NULL)
		memcpy(k->buf + k->len, d, n);
	else if (!k->failed && fd_write_all(k->fd, d, n, NULL) < 0)
		k->failed = 1;
	k->len += n;
}

static void b64_decode(const unsigned char *in, size_t n, struct b64_sink *k)
{
	unsigned char out[3072];
	size_t o = 0, i = 0;
	uint32_t acc = 0;
	unsigned m = 0;

	while (i < n) {
		/* a run of whole groups of symbols (a line's worth), no test per byte but the table's */
		while (i + 4 <= n && m == 0) {
			unsigned a = b64_val[in[i]], b = b64_val[in[i + 1]],
				 c = b64_val[in[i + 2]], d = b64_val[in[i + 3]];

			if ((a | b | c | d) & 64)
				break;
			acc = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | d;
			out[o] = (unsigned char)(acc >> 16);
			out[o + 1] = (unsigned char)(acc >> 8);
			out[o + 2] = (unsigned char)acc;
			o += 3;
			i += 4;
			if (o == sizeof(out)) {
				sink_put(k, out, o);
				o = 0;
			}
		}
		if (i >= n)
			break;
		/* one byte at a time, across skipped bytes */
		{
			unsigned v = b64_val[in[i++]];

			if (v & 64)
				continue;
			acc = acc << 6 | v;
			if (++m == 4) {
				out[o] = (unsigned char)(acc >> 16);
				out[o + 1] = (unsigned char)(acc >> 8);
				out[o + 2] = (unsigned char)acc;
				o += 3;
				m = 0;
				acc = 0;
				if (o == sizeof(out)) {
					sink_put(k, out, o);
					o = 0;
				}
			}
		}
	}
	if (m > 0) {
		/* the last group, completed with zero symbols ('A') */
		acc <<= 6 * (4 - m);
		out[o++] = (unsigned char)(acc >> 16);
		if (m == 3)
			out[o++] = (unsigned char)(acc >> 8);
	}
	if (o > 0)
		sink_put(k, out, o);
}

/* A large body decoded into an unlinked temporary file in dir (the
 * caller's: the store's directory, never $TMPDIR), mapped read-only: its
 * pages are read in only when someone reads them (the store copies it from
 * the descriptor), so the heap never holds the document. -1 when the file
 * cannot be made (the caller decodes into memory). */
static int b64_spool(const char *dir, const unsigned char *in, size_t n,
		     const unsigned char **out, size_t *outlen, int *fd_r)
{
	struct b64_sink k = { .fd = -1 };
	void *map;

	k.fd = tmpfile_in(dir, "kepagent-part", NULL);
	if (k.fd < 0)
		return -1;
	b64_decode(in, n, &k);
	if (k.failed || k.len == 0 ||
	    (map = mmap(NULL, k.len, PROT_READ, MAP_PRIVATE, k.fd, 0)) == MAP_FAILED) {
		close(k.fd);
		return -1;
	}
	*out = map;
	*outlen = k.len;
	*fd_r = k.fd;
	return 0;
}

static unsigned char *b64_decode_mem(const unsigned char *in, size_t n, size_t *outlen)
{
	struct b64_sink k = { .buf = xmalloc(n / 4 * 3 + 3), .fd = -1 };

	b64_decode(in, n, &k);
	*outlen = k.len;
	return xrealloc(k.buf, k.len + 1);
}

/* The decoded body of mm: for an identity transfer encoding the body's
 * bytes in the message, as libetpan's mailmime_binary_body_parse gives them
 * (*own NULL); else decoded into *own. */
static int decode_body(struct walk *w, struct mailmime *mm, const unsigned char **out,
		       unsigned char **own, size_t *outlen, int *fd_r)
{
	struct mailmime_data *b = mm->mm_body;
	const char *d;
	size_t n, idx = 0;
	char *res = NULL;
	size_t rlen = 0;

	*own = NULL;
	if (fd_r != NULL)
		*fd_r = -1;
	if (!b || b->dt_type != MAILMIME_DATA_TEXT) {
		*out = (const unsigned char *)"";
		*outlen = 0;
		return 0;
	}
	d = b->dt_data.dt_text.dt_data;
	n = b->dt_data.dt_text.dt_length;
	switch (b->dt_encoding) {
	case MAILMIME_MECHANISM_BASE64:
		if (fd_r != NULL && w->spool_dir != NULL && *w->spool_dir != '\0' &&
		    n > MIME_SPOOL_AT &&
		    b64_spool(w->spool_dir, (const unsigned char *)d, n, out, outlen, fd_r) == 0)
			return 0;
		*own = b64_decode_mem((const unsigned char *)d, n, outlen);
		*out = *own;
		return 0;
	case MAILMIME_MECHANISM_QUOTED_PRINTABLE:
		if (mailmime_part_parse(d, n, &idx, b->dt_encoding, &res, &rlen) != MAILIMF_NO_ERROR)
			return kerr_set(w->err, KERR_MALFORMED, "cannot decode a MIME part body");
		*own = xmalloc(rlen + 1);
		memcpy(*own, res, rlen);
		mailmime_decoded_part_free(res);
		*out = *own;
		*outlen = rlen;
		return 0;
	default:
		*out = (const unsigned char *)d;
		*outlen = n;
		return 0;
	}
}

/* decode_body into memory of its own (signatures: small, and kept apart
 * from the message). */
static int decode_owned(struct walk *w, struct mailmime *mm, unsigned char **out, size_t *outlen)
{
	const unsigned char *d;
	unsigned char *own;

	if (decode_body(w, mm, &d, &own, outlen, NULL) < 0)
		return -1;
	if (own == NULL) {
		own = xmalloc(*outlen + 1);
		memcpy(own, d, *outlen);
	}
	*out = own;
	return 0;
}

/* Offset of p in the parsed buffer, with a bounds check. */
static int offset_of(struct walk *w, const char *p, size_t n, size_t *off)
{
	if (!p || p < w->buf || p > w->buf + w->len || n > (size_t)(w->buf + w->len - p))
		return kerr_set(w->err, KERR_INTERNAL, "MIME part outside the message");
	*off = (size_t)(p - w->buf);
	return 0;
}

/* application/pkcs7-SUB or application/x-pkcs7-SUB */
static int is_p7_type(const char *ct, const char *sub)
{
	if (strncasecmp(ct, "application/x-pkcs7-", 20) == 0)
		return strcasecmp(ct + 20, sub) == 0;
	if (strncasecmp(ct, "application/pkcs7-", 18) == 0)
		return strcasecmp(ct + 18, sub) == 0;
	return 0;
}

static int add_detached(struct walk *w, struct mailmime *mm)
{
	clist *l = mm->mm_data.mm_multipart.mm_mp_list;
	struct mailmime *first, *second;
	struct mime_sig s = { .kind = MIME_SIG_DETACHED, .in_content = w->in_content };
	char *boundary = content_param(mm->mm_content_type, "boundary");
	size_t after, bl;
	int ok;

	if (!l || clist_count(l) != 2 || !boundary) {
		free(boundary);
		return kerr_set(w->err, KERR_MALFORMED, "multipart/signed without exactly two parts");
	}
	first = clist_content(clist_begin(l));
	second = clist_content(clist_next(clist_begin(l)));
	if (offset_of(w, first->mm_mime_start, first->mm_length, &s.content_off) < 0) {
		free(boundary);
		return -1;
	}
	s.content_len = first->mm_length;
	/* The range must end right before "CRLF--boundary" (or LF-only, which will
	 * then fail verification honestly): anything else means the parser's
	 * notion of the part differs from RFC 1847's and must not be trusted. */
	after = s.content_off + s.content_len;
	if (after < w->len && w->buf[after] == '\r')
		after++;
	bl = strlen(boundary);
	ok = after + 3 + bl <= w->len && w->buf[after] == '\n' && w->buf[after + 1] == '-' &&
	     w->buf[after + 2] == '-' && memcmp(w->buf + after + 3, boundary, bl) == 0;
	free(boundary);
	if (!ok)
		return kerr_set(w->err, KERR_MALFORMED,
				"multipart/signed: cannot locate the signed part's exact bytes");
	if (decode_owned(w, second, &s.sig, &s.sig_len) < 0)
		return -1;
	s.protocol = content_param(mm->mm_content_type, "protocol");
	s.micalg = content_param(mm->mm_content_type, "micalg");
	kbuf_append(&w->sigs, &s, sizeof(s));
	return 0;
}

static int walk(struct walk *w, struct mailmime *mm, int depth, const char *path, int inside);
static int precheck(const char *d, size_t len, struct kerr *err);
static size_t blank_nested(char *c, size_t len, struct kbuf *out);
static void rebase(struct mime_attachment *a, size_t n, const char *copy, size_t len,
		   const void *data);
static void att_release(struct mime_attachment *a);

/* Undoes what a walk appended past the given lengths (an encapsulated
 * content that failed to parse exposes nothing). */
static void walk_truncate(struct walk *w, size_t n_sigs, size_t n_att)
{
	struct mime_sig *s = (struct mime_sig *)w->sigs.data;
	struct mime_attachment *a = (struct mime_attachment *)w->att.data;

	for (size_t i = n_sigs; i < w->sigs.len / sizeof(*s); i++) {
		free(s[i].sig);
		free(s[i].protocol);
		free(s[i].micalg);
		free(s[i].content);
	}
	for (size_t i = n_att; i < w->att.len / sizeof(*a); i++) {
		free(a[i].filename);
		free(a[i].raw_filename);
		free(a[i].content_type);
		att_release(&a[i]);
	}
	w->sigs.len = n_sigs * sizeof(*s);
	w->att.len = n_att * sizeof(*a);
	w->att_inside.len = n_att * sizeof(int);
}

/* One pass of open_content over buf (the content, or its blanked copy):
 * bounded, parsed, walked below path sub; errors in *cerr. */
static int content_pass(struct walk *w, const char *buf, size_t len, int depth, const char *sub,
			struct kerr *cerr)
{
	struct walk saved = *w;
	struct mailmime *root = NULL;
	size_t idx = 0;
	int rc;

	if (precheck(buf, len, cerr) < 0)
		return -1;
	if (mailmime_parse(buf, len, &idx, &root) != MAILIMF_NO_ERROR || !root ||
	    root->mm_type != MAILMIME_MESSAGE || !root->mm_data.mm_message.mm_msg_mime) {
		rc = kerr_set(cerr, KERR_MALFORMED, "not a MIME entity");
	} else {
		w->buf = buf;
		w->len = len;
		w->in_content = 1;
		w->err = cerr;
		rc = walk(w, root->mm_data.mm_message.mm_msg_mime, depth + 1, sub, 1);
		w->buf = saved.buf;
		w->len = saved.len;
		w->in_content = saved.in_content;
		w->err = saved.err;
	}
	if (root)
		mailmime_free(root);
	return rc;
}

/* Walks the opaque first signature's encapsulated content c (NUL-terminated)
 * as the signed part of a detached one is walked: what it holds is the
 * message's signed content, numbered below path as "<path>.1". A bound hit
 * because of a nested message (a deep original inside an opaque envelope)
 * is handled as mime_message_parse() handles it: one more pass over a copy
 * whose message/rfc822 bodies are blanked, the nested messages' bytes then
 * taken from c. When it does not parse as a MIME entity (or still hits a
 * bound), nothing of it is kept and content_error says why (the first
 * failure); the signature itself stands. */
static int open_content(struct walk *w, const unsigned char *c, size_t len, int depth,
			const char *path)
{
	struct kerr cerr, again;
	char sub[MIME_PATH_LEN];
	size_t n_sigs = w->sigs.len / sizeof(struct mime_sig);
	size_t n_att = w->att.len / sizeof(struct mime_attachment), parts = w->parts;
	int rc;

	kerr_clear(&cerr);
	snprintf(sub, sizeof(sub), "%s%s1", path, *path ? "." : "");
	rc = content_pass(w, (const char *)c, len, depth, sub, &cerr);
	if (rc < 0 && cerr.cls == KERR_LIMIT) {
		struct kbuf blanks = { 0 };
		char *copy = xmalloc(len + 1);

		memcpy(copy, c, len);
		copy[len] = '\0';
		if (blank_nested(copy, len, &blanks) > 0) {
			walk_truncate(w, n_sigs, n_att);
			w->parts = parts;
			kerr_clear(&again);
			rc = content_pass(w, copy, len, depth, sub, &again);
			if (rc == 0)
				rebase((struct mime_attachment *)w->att.data + n_att,
				       w->att.len / sizeof(struct mime_attachment) - n_att, copy, len, c);
			else if (again.cls != KERR_MALFORMED && again.cls != KERR_LIMIT)
				cerr = again;
		}
		kbuf_free(&blanks);
		free(copy);
	}
	if (rc == 0)
		return 0;
	if (cerr.cls != KERR_MALFORMED && cerr.cls != KERR_LIMIT) {
		*w->err = cerr;
		return -1;
	}
	walk_truncate(w, n_sigs, n_att);
	w->m->content_error = xasprintf("the signed content (part %s) does not parse: %s", sub,
					cerr.msg);
	return 0;
}

/* An opaque signature; the first of the message is opened (open_content). */
static int add_opaque(struct walk *w, struct mailmime *mm, const char *ct, int depth,
		      const char *path)
{
	struct mime_sig s = { .kind = MIME_SIG_OPAQUE, .in_content = w->in_content };
	int first = w->sigs.len == 0;
	struct kerr cerr;

	if (decode_owned(w, mm, &s.sig, &s.sig_len) < 0)
		return -1;
	s.protocol = xstrdup(ct);
	if (first && cms_content(s.sig, s.sig_len, &s.content, &s.content_len, &cerr) < 0)
		w->m->content_error = xasprintf("the signed content cannot be opened: %s", cerr.msg);
	kbuf_append(&w->sigs, &s, sizeof(s));
	if (s.content == NULL)
		return 0;
	return open_content(w, s.content, s.content_len, depth, path);
}

/* A part outside the first signed entity, by its location (no data kept:
 * the raw message holds it byte-exact). Takes fname. */
static void add_extra(struct walk *w, struct mailmime *mm, const char *path, const char *ct,
		      char *fname, int is_signed)
{
	struct mime_extra x = { .is_signed = is_signed };

	if (w->extra.len / sizeof(x) >= MIME_MAX_PARTS) {
		free(fname);
		return;
	}
	snprintf(x.path, sizeof(x.path), "%s", path);
	x.content_type = xstrdup(ct);
	x.filename = fname ? safe_name(fname, "part") : NULL;
	free(fname);
	if (mm->mm_mime_start == NULL ||
	    offset_of(w, mm->mm_mime_start, mm->mm_length, &x.off) < 0) {
		x.off = 0;
		x.len = 0;
	} else {
		x.len = mm->mm_length;
	}
	kbuf_append(&w->extra, &x, sizeof(x));
}

static int add_attachment(struct walk *w, struct mailmime *mm, const char *path, const char *ct,
			  char *fname, int inside)
{
	struct mime_attachment a = { .in_content = w->in_content, .fd = -1 };

	snprintf(a.path, sizeof(a.path), "%s", path);

	/* A message is parsed and shared as the original: it stays in memory. */
	a.is_message = strcmp(ct, "message/rfc822") == 0 || ends_with_ci(fname, ".eml");
	if (decode_body(w, mm, &a.data, &a.own, &a.len, a.is_message ? NULL : &a.fd) < 0) {
		free(fname);
		return -1;
	}
	a.content_type = xstrdup(ct);
	if (mm->mm_body && mm->mm_body->dt_type == MAILMIME_DATA_TEXT &&
	    mm->mm_body->dt_data.dt_text.dt_length == a.len &&
	    offset_of(w, mm->mm_body->dt_data.dt_text.dt_data, a.len, &a.src_off) == 0 &&
	    (a.own == NULL || memcmp(w->buf + a.src_off, a.data, a.len) == 0))
		a.verbatim = 1;
	a.is_eyp = strcmp(ct, "application/eyazisma") == 0 || ends_with_ci(fname, ".eyp");
	a.filename = safe_name(fname, a.is_message ? "message.eml" : "attachment");
	a.raw_filename = fname;
	if (mm->mm_mime_start != NULL &&
	    offset_of(w, mm->mm_mime_start, mm->mm_length, &a.part_off) == 0)
		a.part_len = mm->mm_length;
	kbuf_append(&w->att, &a, sizeof(a));
	kbuf_append(&w->att_inside, &inside, sizeof(inside));
	return 0;
}

/* Frees an attachment's decoded body (memory or spool). */
static void att_release(struct mime_attachment *a)
{
	free(a->own);
	if (a->fd >= 0) {
		munmap((void *)a->data, a->len);
		close(a->fd);
	}
	a->own = NULL;
	a->fd = -1;
}

/* Walks the tree in document order. path is the part number ("1.2");
 * inside says whether mm lies within the content of the message's first
 * signed entity (sigs[0]), the only content a signature proves. */
static int walk(struct walk *w, struct mailmime *mm, int depth, const char *path, int inside)
{
	char *ct, *fname, sub[MIME_PATH_LEN];
	int rc = 0;

	if (depth > MIME_MAX_DEPTH)
		return kerr_set(w->err, KERR_LIMIT, "MIME nesting deeper than %d at part %s",
				MIME_MAX_DEPTH, path);
	if (++w->parts > MIME_MAX_PARTS)
		return kerr_set(w->err, KERR_LIMIT, "more than %d MIME parts", MIME_MAX_PARTS);
	ct = content_type_str(mm->mm_content_type);
	if (mm->mm_type == MAILMIME_MULTIPLE) {
		clist *l = mm->mm_data.mm_multipart.mm_mp_list;
		char *proto = content_param(mm->mm_content_type, "protocol");
		int is_signed = strcmp(ct, "multipart/signed") == 0 && proto &&
				is_p7_type(proto, "signature");
		int first = is_signed && w->sigs.len == 0, n = 0;

		free(proto);
		if (is_signed && !first && !inside)
			add_extra(w, mm, path, ct, NULL, 1);   /* a second signed entity */
		if (is_signed && add_detached(w, mm) < 0)
			rc = -1;
		for (clistiter *it = l ? clist_begin(l) : NULL; rc == 0 && it; it = clist_next(it)) {
			if (is_signed && it != clist_begin(l))
				break; /* the signature part is not an attachment */
			snprintf(sub, sizeof(sub), "%s%s%d", path, *path ? "." : "", ++n);
			rc = walk(w, clist_content(it), depth + 1, sub, inside || first);
		}
		free(ct);
		return rc;
	}
	fname = part_filename(mm);
	if (is_p7_type(ct, "mime")) {
		char *st = content_param(mm->mm_content_type, "smime-type");

		/* no smime-type: old clients; enveloped data would fail to verify anyway */
		if (!st || strcasecmp(st, "signed-data") == 0) {
			free(st);
			if (w->sigs.len != 0 && !inside)
				add_extra(w, mm, path, ct, NULL, 1);
			free(fname);
			rc = add_opaque(w, mm, ct, depth, path);
			free(ct);
			return rc;
		}
		free(st);
	}
	/* Inline text without a name is the body, not an attachment. */
	if (mm->mm_type == MAILMIME_MESSAGE || fname ||
	    (strncmp(ct, "text/", 5) != 0 && strncmp(ct, "multipart/", 10) != 0))
		rc = add_attachment(w, mm, path, ct, fname, inside);
	else if (!inside)
		add_extra(w, mm, path, ct, fname, 0);  /* dropped below when unsigned */
	else
		free(fname);
	free(ct);
	return rc;
}

/* Once the walk knows whether the message is signed: in a signed message
 * only what lies inside the first signed entity is its content; every
 * attachment outside it becomes unsigned extra content. In an unsigned one
 * nothing is "outside", so the extras are dropped. */
static void split_signed(struct walk *w)
{
	struct mime_attachment *a = (struct mime_attachment *)w->att.data;
	const int *in = (const int *)w->att_inside.data;
	size_t n = w->att.len / sizeof(*a), k = 0;

	if (w->sigs.len == 0) {
		struct mime_extra *x = (struct mime_extra *)w->extra.data;

		for (size_t i = 0; i < w->extra.len / sizeof(*x); i++) {
			free(x[i].content_type);
			free(x[i].filename);
		}
		w->extra.len = 0;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (in[i]) {
			a[k++] = a[i];
			continue;
		}
		struct mime_extra x = { .off = a[i].part_off, .len = a[i].part_len };

		snprintf(x.path, sizeof(x.path), "%s", a[i].path);
		x.content_type = a[i].content_type;
		x.filename = a[i].filename;
		free(a[i].raw_filename);
		att_release(&a[i]);
		kbuf_append(&w->extra, &x, sizeof(x));
	}
	w->att.len = k * sizeof(*a);
}

/* How deep the multiparts open at d[0, upto) nest, for the precheck's
 * reason: each Content-Type field naming a boundary opens one, a line
 * "--B--" closing the innermost (B its boundary) closes it. A guess (a
 * close of an outer boundary or a missing close delimiter is not followed),
 * used only to name why a message was refused, never to refuse one; one
 * comparison per line, so it stays linear. */
static unsigned nesting_at(const char *d, size_t upto)
{
	struct open { size_t off, len; } stack[MIME_MAX_PARTS + 1];
	unsigned n = 0, most = 0;

	for (size_t i = 0; i < upto; i++) {
		if (i > 0 && d[i - 1] != '\n')
			continue;
		if (upto - i >= 13 && strncasecmp(d + i, "content-type:", 13) == 0) {
			size_t e = i + 13, v;

			/* the field, with its folded lines */
			while (e < upto && !(d[e] == '\n' && (e + 1 >= upto ||
							       (d[e + 1] != ' ' && d[e + 1] != '\t'))))
				e++;
			for (v = i + 13; v + 9 <= e && strncasecmp(d + v, "boundary=", 9) != 0; v++)
				;
			if (v + 9 <= e && n <= MIME_MAX_PARTS) {
				size_t b = v + 9, l;
				int q = d[b] == '"';

				b += (size_t)q;
				for (l = 0; b + l < e && d[b + l] != '\r' && d[b + l] != '\n' &&
				     (q ? d[b + l] != '"' : d[b + l] != ';' && d[b + l] != ' ' &&
				      d[b + l] != '\t'); l++)
					;
				stack[n].off = b;
				stack[n].len = l;
				if (++n > most)
					most = n;
			}
		} else if (n > 0 && upto - i >= stack[n - 1].len + 4 && d[i] == '-' && d[i + 1] == '-' &&
			   memcmp(d + i + 2, d + stack[n - 1].off, stack[n - 1].len) == 0 &&
			   d[i + 2 + stack[n - 1].len] == '-' && d[i + 3 + stack[n - 1].len] == '-') {
			n--;
		}
	}
	return most;
}

/* libetpan recurses once per nesting level; bound its depth before it runs
 * by bounding the Content-Type headers (each nested level needs one). When
 * they are too many, the reason names the nesting if that is what made
 * them so (a tree deeper than the walk would take), else the count. */
static int precheck(const char *d, size_t len, struct kerr *err)
{
	size_t n = 0, i = 0;

	if (len > MIME_MAX_LEN)
		return kerr_set(err, KERR_LIMIT, "message of %zu bytes exceeds %u", len, MIME_MAX_LEN);
	/* line by line: memchr finds where the next one starts */
	while (i + 13 <= len) {
		const char *nl;

		if (strncasecmp(d + i, "content-type:", 13) == 0 && ++n > MIME_MAX_PARTS) {
			unsigned depth = nesting_at(d, i);

			if (depth > MIME_MAX_DEPTH)
				return kerr_set(err, KERR_LIMIT, "MIME nesting deeper than %d (%u levels "
						"open within the first %d parts)", MIME_MAX_DEPTH,
						depth, MIME_MAX_PARTS);
			return kerr_set(err, KERR_LIMIT, "more than %d MIME parts", MIME_MAX_PARTS);
		}
		if ((nl = memchr(d + i, '\n', len - i)) == NULL)
			break;
		i = (size_t)(nl - d) + 1;
	}
	return 0;
}

/* ---- nested messages too deep for one pass ----
 *
 * The walk never descends into a message/rfc822 part (it is an attachment,
 * parsed on its own bytes by whoever needs it), but libetpan does, and the
 * bounds count what it would see. So a deep original inside an envelope
 * would make the envelope itself unparseable, hiding its signature and
 * headers. When a parse fails on a bound, it is tried once more on a copy in
 * which the bodies of message/rfc822 parts are blanked: every byte but CR
 * and LF becomes 'x', so offsets, line structure and signed ranges stay
 * those of the real bytes (which signatures are verified over), while
 * libetpan sees leaves. Blanking can only remove delimiters, never make
 * one: a misjudged extent at worst leaves the message malformed. */

struct blank { size_t off, len; };

static const char *find_ci(const char *h, size_t hlen, size_t from, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = from; i + n <= hlen; i++)
		if (strncasecmp(h + i, needle, n) == 0)
			return h + i;
	return NULL;
}

/* Appends to bd (one NUL-terminated string after another) the boundary of
 * every "boundary=" in [from, to). */
static void collect_boundaries(const char *c, size_t from, size_t to, struct kbuf *bd)
{
	const char *p;

	while ((p = find_ci(c, to, from, "boundary=")) != NULL) {
		const char *v = p + 9, *e;
		int q = *v == '"';

		v += q;
		for (e = v; (size_t)(e - c) < to && *e != '\r' && *e != '\n' &&
		     (q ? *e != '"' : *e != ';' && *e != ' ' && *e != '\t'); e++)
			;
		if (e > v && e - v <= 70) {  /* RFC 2046: 1..70 characters */
			kbuf_append(bd, v, (size_t)(e - v));
			kbuf_append(bd, "", 1);
		}
		from = (size_t)(e - c);
	}
}

/* Where the body at off ends: before the CRLF of the first line "--B" for
 * a boundary B declared earlier (an enclosing multipart's), else at len. */
static size_t body_end(const char *c, size_t len, size_t off, const struct kbuf *bd)
{
	for (size_t i = off; i + 2 < len; i++) {
		if (!(i == off || c[i - 1] == '\n') || c[i] != '-' || c[i + 1] != '-')
			continue;
		for (size_t k = 0; k < bd->len; k += strlen((const char *)bd->data + k) + 1) {
			const char *b = (const char *)bd->data + k;
			size_t bl = strlen(b);

			if (i + 2 + bl <= len && memcmp(c + i + 2, b, bl) == 0) {
				size_t e = i;

				if (e > off && c[e - 1] == '\n')
					e--;
				if (e > off && c[e - 1] == '\r')
					e--;
				return e;
			}
		}
	}
	return len;
}

/* Blanks the body of every message/rfc822 part with an identity transfer
 * encoding (base64 or quoted-printable bodies hold no MIME structure).
 * Records the ranges in out; returns how many. */
static size_t blank_nested(char *c, size_t len, struct kbuf *out)
{
	struct kbuf bd = { 0 };
	size_t from = 0, scanned = 0, n = 0;

	while (from < len) {
		const char *ct = find_ci(c, len, from, "content-type:");
		size_t at, hdr_end;
		const char *v, *e2, *e1;

		if (!ct)
			break;
		at = (size_t)(ct - c);
		from = at + 13;
		if (at > 0 && c[at - 1] != '\n')
			continue;
		for (v = ct + 13; (size_t)(v - c) < len && (*v == ' ' || *v == '\t'); v++)
			;
		if ((size_t)(v - c) + 14 > len || strncasecmp(v, "message/rfc822", 14) != 0)
			continue;
		/* the end of this part's header block */
		e2 = find_ci(c, len, at, "\r\n\r\n");
		e1 = find_ci(c, len, at, "\n\n");
		if (!e2 && !e1)
			break;
		hdr_end = e2 && (!e1 || e2 < e1) ? (size_t)(e2 - c) + 4 : (size_t)(e1 - c) + 2;
		{
			/* the part's own header block starts at the blank line before it */
			size_t hs = at;
			const char *cte;

			while (hs > 1 && !(c[hs - 1] == '\n' && (c[hs - 2] == '\n' ||
				(hs > 2 && c[hs - 2] == '\r' && c[hs - 3] == '\n'))))
				hs--;
			cte = find_ci(c, hdr_end, hs, "content-transfer-encoding:");
			if (cte) {
				const char *w = cte + 26;

				while ((size_t)(w - c) < hdr_end && (*w == ' ' || *w == '\t'))
					w++;
				if (strncasecmp(w, "base64", 6) == 0 ||
				    strncasecmp(w, "quoted-printable", 16) == 0)
					continue;
			}
		}
		collect_boundaries(c, scanned, at, &bd);
		scanned = at;
		{
			struct blank bl = { hdr_end, body_end(c, len, hdr_end, &bd) - hdr_end };

			for (size_t i = bl.off; i < bl.off + bl.len; i++)
				if (c[i] != '\r' && c[i] != '\n')
					c[i] = 'x';
			kbuf_append(out, &bl, sizeof(bl));
			n++;
			from = bl.off + bl.len;
		}
	}
	kbuf_free(&bd);
	return n;
}

/* Parses c (the message, or its blanked copy) into m. */
static int parse_buf(const char *c, size_t len, const char *spool_dir, struct mime_message *m,
		     struct kerr *err)
{
	struct walk w = { .m = m, .err = err, .buf = c, .len = len, .spool_dir = spool_dir };
	struct mailmime *root = NULL;
	size_t idx = 0;
	int rc = 0;
	const char *hdr_end_crlf, *hdr_end_lf;

	if (precheck(c, len, err) < 0)
		return -1;
	if (mailmime_parse(c, len, &idx, &root) != MAILIMF_NO_ERROR || !root ||
	    root->mm_type != MAILMIME_MESSAGE) {
		if (root)
			mailmime_free(root);
		return kerr_set(err, KERR_MALFORMED, "not a MIME message");
	}
	take_headers(m, root->mm_data.mm_message.mm_fields);
	if (!root->mm_data.mm_message.mm_fields || !clist_count(root->mm_data.mm_message.mm_fields->fld_list))
		rc = kerr_set(err, KERR_MALFORMED, "message has no header fields");
	else if (root->mm_data.mm_message.mm_msg_mime)
		rc = walk(&w, root->mm_data.mm_message.mm_msg_mime, 1, "", 0);
	if (rc == 0)
		split_signed(&w);
	/* LF-only when a blank line "\n\n" comes before the first CRLF one:
	 * looked for only before it (a CRLF message is not scanned to its end) */
	hdr_end_crlf = memmem(c, len, "\r\n\r\n", 4);
	hdr_end_lf = memmem(c, hdr_end_crlf != NULL ? (size_t)(hdr_end_crlf - c) + 1 : len, "\n\n", 2);
	m->lf_only = hdr_end_lf && (!hdr_end_crlf || hdr_end_lf < hdr_end_crlf);
	m->sigs = (struct mime_sig *)w.sigs.data;
	m->n_sigs = w.sigs.len / sizeof(struct mime_sig);
	m->att = (struct mime_attachment *)w.att.data;
	m->n_att = w.att.len / sizeof(struct mime_attachment);
	m->extra = (struct mime_extra *)w.extra.data;
	m->n_extra = w.extra.len / sizeof(struct mime_extra);
	kbuf_free(&w.att_inside);
	mailmime_free(root);
	return rc;
}

/* p lies in buf[0 .. len] (compared as addresses: p may be elsewhere). */
static int in_buf(const void *buf, size_t len, const void *p)
{
	uintptr_t b = (uintptr_t)buf, q = (uintptr_t)p;

	return q >= b && q - b <= len;
}

/* The slices of a parse of copy (a blanked copy of data) made slices of
 * data: the nested messages' bytes are the real ones, not the blanks. */
static void rebase(struct mime_attachment *a, size_t n, const char *copy, size_t len,
		   const void *data)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].own == NULL && in_buf(copy, len, a[i].data))
			a[i].data = (const unsigned char *)data + ((const char *)a[i].data - copy);
}

int mime_message_parse(const void *data, size_t len, const char *spool_dir,
		       struct mime_message *m, struct kerr *err)
{
	struct kbuf blanks = { 0 };
	struct kerr first;
	char *copy;
	int rc;

	memset(m, 0, sizeof(*m));
	if (len == 0 || data == NULL)   /* an empty file: data may be NULL */
		return kerr_set(err, KERR_MALFORMED, "empty message");
	if (len > MIME_MAX_LEN)
		return kerr_set(err, KERR_LIMIT, "message of %zu bytes exceeds %u", len, MIME_MAX_LEN);
	/* libetpan's parser is bounded by the length: the bytes are parsed
	 * where they are (a mapped file), not copied. */
	kerr_clear(&first);
	rc = parse_buf(data, len, spool_dir, m, &first);
	if (rc < 0 && first.cls == KERR_LIMIT) {
		copy = xmalloc(len);
		memcpy(copy, data, len);
		if (blank_nested(copy, len, &blanks) > 0) {
			mime_message_free(m);
			rc = parse_buf(copy, len, spool_dir, m, err);
			if (rc == 0)
				rebase(m->att, m->n_att, copy, len, data);
			if (rc < 0 && err)   /* report the first failure: it names the real cause */
				*err = first;
		} else if (err) {
			*err = first;
		}
		free(copy);
	} else if (rc < 0 && err) {
		*err = first;
	}
	kbuf_free(&blanks);
	m->data = data;
	m->len = len;
	if (rc < 0) {
		mime_message_free(m);
		return -1;
	}
	return 0;
}

void mime_message_free(struct mime_message *m)
{
	if (!m)
		return;
	free(m->subject);
	free(m->from);
	free(m->to);
	for (size_t i = 0; i < m->n_rcpt; i++) {
		free(m->rcpt[i].addr);
		free(m->rcpt[i].name);
	}
	free(m->rcpt);
	free(m->message_id);
	free(m->date);
	free(m->ileti_tip);
	free(m->ileti_id);
	for (size_t i = 0; i < m->n_rem; i++) {
		free(m->rem[i].name);
		free(m->rem[i].value);
	}
	free(m->rem);
	for (size_t i = 0; i < m->n_sigs; i++) {
		free(m->sigs[i].sig);
		free(m->sigs[i].protocol);
		free(m->sigs[i].micalg);
		free(m->sigs[i].content);
	}
	free(m->sigs);
	free(m->content_error);
	for (size_t i = 0; i < m->n_att; i++) {
		free(m->att[i].filename);
		free(m->att[i].raw_filename);
		free(m->att[i].content_type);
		att_release(&m->att[i]);
	}
	free(m->att);
	for (size_t i = 0; i < m->n_extra; i++) {
		free(m->extra[i].content_type);
		free(m->extra[i].filename);
	}
	free(m->extra);
	memset(m, 0, sizeof(*m));
}

const unsigned char *mime_signed_bytes(const struct mime_message *m, size_t i)
{
	const struct mime_sig *s = &m->sigs[i];
	const unsigned char *base = m->data;
	size_t len = m->len;

	if (s->kind == MIME_SIG_OPAQUE)
		return s->content;
	if (s->in_content) {
		base = m->sigs[0].content;
		len = m->sigs[0].content_len;
	}
	if (base == NULL || s->content_off > len || s->content_len > len - s->content_off)
		return NULL;
	return base + s->content_off;
}

const char *mime_signed_state(const struct mime_message *m)
{
	if (!m->n_sigs)
		return "unsigned";
	return m->sigs[0].kind == MIME_SIG_OPAQUE ? "opaque-signed" : "signed";
}

const char *mime_rem_header(const struct mime_message *m, const char *name)
{
	const char *v;
	size_t i;

	for (i = 0; i < m->n_rem; i++) {
		if (strcasecmp(m->rem[i].name, name) != 0)
			continue;
		for (v = m->rem[i].value; *v == ' ' || *v == '\t'; v++)
			;
		return v;
	}
	return NULL;
}

int mime_is_evidence_mail(const struct mime_message *m)
{
	const char *t = mime_rem_header(m, "X-REM-Msg-Type");
	size_t n;

	if (t == NULL)
		return 0;
	n = strcspn(t, " \t\r\n;");
	return n == 7 && strncasecmp(t, "Message", 7) == 0;
}

const struct mime_attachment *mime_evidence_part(const struct mime_package *p)
{
	const struct mime_message *m = &p->envelope;

	if (!mime_is_evidence_mail(m) && (p->has_original || p->original_error[0] != '\0'))
		return NULL;
	/* Only what the signature covers is the delil (att: the signed entity). */
	for (size_t i = 0; i < m->n_att; i++)
		if (strstr(m->att[i].content_type, "xml") != NULL ||
		    strstr(m->att[i].content_type, "zip") != NULL)
			return &m->att[i];
	return NULL;
}

int mime_package_parse(const void *data, size_t len, const char *spool_dir,
		       struct mime_package *p, struct kerr *err)
{
	struct mime_attachment *o = NULL;
	struct kerr oerr;

	memset(p, 0, sizeof(*p));
	/* Counted by the tests (tests/api-eyp.sh): one parse per stored package. */
	log_debug("MIME-parsing a package (%zu bytes)", len);
	if (mime_message_parse(data, len, spool_dir, &p->envelope, err) < 0)
		return kerr_prefix(err, "KEP envelope");
	for (size_t i = 0; i < p->envelope.n_att && !o; i++)
		if (p->envelope.att[i].is_message)
			o = &p->envelope.att[i];
	if (!o)
		return 0;
	if (o->own == NULL && in_buf(data, len, o->data)) {
		/* No transfer encoding: the original is a slice of the package. */
		p->orig_in_package = 1;
		p->orig_off = (size_t)(o->data - (const unsigned char *)data);
		p->orig_len = o->len;
	} else if (o->own == NULL && o->len > 0) {
		/* A slice of an opaque envelope's encapsulated content, not of
		 * the package: orig_copy holds the original all the same. */
		p->orig_copy = xmalloc(o->len);
		memcpy(p->orig_copy, o->data, o->len);
	} else {
		/* Decoded once: the package takes the attachment's bytes, which
		 * the attachment keeps pointing at. */
		p->orig_copy = o->own ? o->own : xmalloc(1);
		o->own = NULL;
	}
	data = o->data;
	if (mime_message_parse(data, o->len, spool_dir, &p->original, &oerr) < 0) {
		if (oerr.cls != KERR_MALFORMED && oerr.cls != KERR_LIMIT) {
			if (err)
				*err = oerr;
			mime_package_free(p);
			return kerr_prefix(err, "original message");
		}
		/* The envelope and its signature stand on their own. */
		snprintf(p->original_error, sizeof(p->original_error),
			 "the original message (envelope part %.60s) does not parse: %.900s",
			 o->path[0] ? o->path : "1", oerr.msg);
		p->orig_in_package = 0;
		return 0;
	}
	p->has_original = 1;
	return 0;
}

void mime_package_free(struct mime_package *p)
{
	if (!p)
		return;
	mime_message_free(&p->envelope);
	mime_message_free(&p->original);
	free(p->orig_copy);
	memset(p, 0, sizeof(*p));
}
