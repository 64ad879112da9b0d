/* smime_build.c: see smime_build.h. */
#include "smime_build.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

static int has_crlf(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") != NULL;
}

static int is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80 || (unsigned char)*s < 0x20)
			return 0;
	return 1;
}

static void random_hex(char *out, size_t nbytes)
{
	unsigned char r[32];

	if (nbytes > sizeof(r))
		nbytes = sizeof(r);
	if (RAND_bytes(r, (int)nbytes) != 1)
		abort();
	hex_encode(r, nbytes, out);
}

/* Base64 in lines of 76 characters, each ending in CRLF. */
static void b64_lines(struct kbuf *b, const void *data, size_t len)
{
	const unsigned char *p = data;
	unsigned char line[80];

	while (len > 0) {
		size_t n = len > 57 ? 57 : len;
		int w = EVP_EncodeBlock(line, p, (int)n);

		kbuf_append(b, line, (size_t)w);
		kbuf_append_str(b, "\r\n");
		p += n;
		len -= n;
	}
}

/* RFC 2047 B encoding of UTF-8 text, in encoded words of at most 45 input
 * bytes split on character boundaries, folded between words. */
static void encoded_words(struct kbuf *b, const char *s)
{
	size_t len = strlen(s), off = 0;
	unsigned char w[80];

	if (is_ascii(s)) {
		kbuf_append_str(b, s);
		return;
	}
	while (off < len) {
		size_t n = len - off > 45 ? 45 : len - off;
		int k;

		/* Do not split a UTF-8 sequence. */
		while (off + n < len && ((unsigned char)s[off + n] & 0xc0) == 0x80)
			n--;
		k = EVP_EncodeBlock(w, (const unsigned char *)s + off, (int)n);
		kbuf_printf(b, "%s=?UTF-8?B?%.*s?=", off ? "\r\n " : "", k, (const char *)w);
		off += n;
	}
}

/* A quoted-string: backslash before " and \. */
static void quoted(struct kbuf *b, const char *s)
{
	kbuf_append_str(b, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			kbuf_append_str(b, "\\");
		kbuf_append(b, s, 1);
	}
	kbuf_append_str(b, "\"");
}

/* RFC 2231 extended value: UTF-8''percent-encoded. */
static void ext_value(struct kbuf *b, const char *s)
{
	kbuf_append_str(b, "UTF-8''");
	kbuf_pct_encode(b, s, "!#$&+-.^_`|~");
}

static void addresses(struct kbuf *b, const struct smime_msg *m, char role, const char *hdr)
{
	size_t i, k = 0;

	for (i = 0; i < m->n_rcpt; i++) {
		const struct smime_addr *a = &m->rcpt[i];

		if (a->role != role)
			continue;
		kbuf_append_str(b, k++ ? ",\r\n " : hdr);
		if (a->name != NULL && *a->name) {
			if (is_ascii(a->name))
				quoted(b, a->name);
			else
				encoded_words(b, a->name);
			kbuf_printf(b, " <%s>", a->address);
		} else {
			kbuf_append_str(b, a->address);
		}
	}
	if (k)
		kbuf_append_str(b, "\r\n");
}

static int check_input(const struct smime_msg *m, struct kerr *err)
{
	size_t i;

	if (m->from == NULL || m->subject == NULL || m->message_id == NULL ||
	    m->ileti_tip == NULL || m->n_rcpt == 0)
		return kerr_set(err, KERR_USAGE, "a message needs a sender, recipients, a subject, "
				"a Message-ID and an iletiTip");
	if (has_crlf(m->from) || has_crlf(m->subject) || has_crlf(m->message_id) ||
	    has_crlf(m->ileti_tip) || has_crlf(m->ileti_id))
		return kerr_set(err, KERR_USAGE, "a header value holds a line break");
	for (i = 0; i < m->n_rcpt; i++)
		if (m->rcpt[i].address == NULL || has_crlf(m->rcpt[i].address) ||
		    has_crlf(m->rcpt[i].name) || strpbrk(m->rcpt[i].address, "<>,\" ") != NULL)
			return kerr_set(err, KERR_USAGE, "recipient %zu is not an address", i + 1);
	for (i = 0; i < m->n_files; i++)
		if (m->files[i].file_name == NULL || has_crlf(m->files[i].file_name) ||
		    has_crlf(m->files[i].content_type) ||
		    (m->files[i].content_type && strpbrk(m->files[i].content_type, ";\"")))
			return kerr_set(err, KERR_USAGE, "file %zu has a bad name or type", i + 1);
	return 0;
}

static const char *file_type(const struct smime_file *f)
{
	size_t n = strlen(f->file_name);

	if (f->content_type != NULL && *f->content_type)
		return f->content_type;
	if (n > 4 && strcasecmp(f->file_name + n - 4, ".eyp") == 0)
		return "application/eyazisma";
	return "application/octet-stream";
}

static void file_part(struct kbuf *b, const struct smime_file *f)
{
	kbuf_printf(b, "Content-Type: %s; name=", file_type(f));
	if (is_ascii(f->file_name))
		quoted(b, f->file_name);
	else
		encoded_words(b, f->file_name);
	kbuf_append_str(b, "\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment;");
	if (is_ascii(f->file_name)) {
		kbuf_append_str(b, " filename=");
		quoted(b, f->file_name);
	} else {
		kbuf_append_str(b, "\r\n filename*=");
		ext_value(b, f->file_name);
	}
	kbuf_append_str(b, "\r\n\r\n");
	b64_lines(b, f->data, f->len);
}

static void body_part(struct kbuf *b, const struct smime_msg *m)
{
	const char *body = m->body ? m->body : "";

	kbuf_printf(b, "Content-Type: text/%s; charset=UTF-8\r\n"
		    "Content-Transfer-Encoding: base64\r\n\r\n", m->html ? "html" : "plain");
	b64_lines(b, body, strlen(body));
}

int smime_build_entity(const struct smime_msg *m, struct kbuf *e, struct kerr *err)
{
	char bnd[64], hex[33];
	size_t i;

	if (check_input(m, err) < 0)
		return -1;
	if (m->n_files == 0) {
		body_part(e, m);
		return 0;
	}
	random_hex(hex, 16);
	snprintf(bnd, sizeof(bnd), "=_kepagent_mixed_%s", hex);
	kbuf_printf(e, "Content-Type: multipart/mixed;\r\n boundary=\"%s\"\r\n\r\n", bnd);
	kbuf_printf(e, "--%s\r\n", bnd);
	body_part(e, m);
	for (i = 0; i < m->n_files; i++) {
		kbuf_printf(e, "--%s\r\n", bnd);
		file_part(e, &m->files[i]);
	}
	kbuf_printf(e, "--%s--\r\n", bnd);
	return 0;
}

static void date_header(struct kbuf *b, int64_t ms)
{
	/* Turkish time, as the provider and the recipients read it. */
	time_t t = (time_t)(ms / 1000) + 3 * 3600;
	struct tm tm;
	char buf[64];
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mons[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

	gmtime_r(&t, &tm);
	snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d +0300", days[tm.tm_wday],
		 tm.tm_mday, mons[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	kbuf_printf(b, "Date: %s\r\n", buf);
}

int smime_wrap_signed(const struct smime_msg *m, const void *entity, size_t entity_len,
		      const void *sig, size_t sig_len, struct kbuf *out, struct kerr *err)
{
	char bnd[64], hex[33];

	if (check_input(m, err) < 0)
		return -1;
	if (entity_len < 2 || memcmp((const char *)entity + entity_len - 2, "\r\n", 2) != 0)
		return kerr_set(err, KERR_INTERNAL, "the signed entity does not end in CRLF");
	random_hex(hex, 16);
	snprintf(bnd, sizeof(bnd), "=_kepagent_signed_%s", hex);
	kbuf_printf(out, "From: %s\r\n", m->from);
	addresses(out, m, 't', "To: ");
	addresses(out, m, 'c', "Cc: ");
	kbuf_append_str(out, "Subject: ");
	encoded_words(out, m->subject);
	kbuf_append_str(out, "\r\n");
	date_header(out, m->date_ms);
	kbuf_printf(out, "Message-ID: %s\r\nMIME-Version: 1.0\r\nX-TR-REM-iletiTip: %s\r\n",
		    m->message_id, m->ileti_tip);
	if (m->ileti_id != NULL)
		kbuf_printf(out, "X-TR-REM-iletiID: %s\r\n", m->ileti_id);
	kbuf_printf(out, "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\";"
		    "\r\n micalg=sha-256; boundary=\"%s\"\r\n\r\n"
		    "This is an S/MIME signed message\r\n\r\n--%s\r\n", bnd, bnd);
	/* RFC 1847: the CRLF before the next delimiter belongs to the delimiter,
	 * so the entity's own final CRLF is part of what was signed. */
	kbuf_append(out, entity, entity_len);
	kbuf_printf(out, "\r\n--%s\r\nContent-Type: application/pkcs7-signature; name=\"smime.p7s\""
		    "\r\nContent-Transfer-Encoding: base64\r\n"
		    "Content-Disposition: attachment; filename=\"smime.p7s\"\r\n\r\n", bnd);
	b64_lines(out, sig, sig_len);
	kbuf_printf(out, "\r\n--%s--\r\n", bnd);
	return 0;
}

char *smime_new_message_id(const char *from)
{
	const char *at = from ? strrchr(from, '@') : NULL;
	char hex[33];

	random_hex(hex, 16);
	return xasprintf("<kepagent.%s@%s>", hex,
			 at && at[1] && !has_crlf(at + 1) && !strpbrk(at + 1, "<> ") ? at + 1
										  : "kepagent.invalid");
}
