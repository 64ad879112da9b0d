/* bundle_report.c: the human renderings of a bundle's report.json (see
 * bundle.h): report.txt and report.html. Both are functions of the JSON
 * alone, so `kepagent evidence verify` renders them again and any change to
 * either is tampering. Every string of the report is untrusted (a sender's
 * subject, a certificate's name): HTML-escaped, and the page's CSP forbids
 * scripts and any fetch, so it is self-contained. */
#include "bundle.h"

#include <string.h>
#include <strings.h>

#include "reply.h"
#include "util.h"
#include "verdict.h"

#define CHAIN_MAX 10

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* "geçerli", ... for a stable verdict name; the name itself when unknown. */
static const char *verdict_tr(const char *v)
{
	int n = v != NULL ? verdict_from_name(v) : -1;

	if (v != NULL && strcmp(v, "unverified") == 0)
		return "doğrulanmadı";
	return n >= 0 ? verdict_label_tr((enum verdict)n) : v != NULL ? v : "-";
}

/* The Turkish local time of an RFC 3339 string, or NULL. */
static const char *local_tr(const char *rfc3339, char buf[40])
{
	struct kerr err;
	int64_t ms;

	if (rfc3339 == NULL || reply_parse_time(rfc3339, &ms, &err) < 0)
		return NULL;
	return reply_time_tr(ms, buf);
}

/* ---- report.txt ---- */

#define TXT_LABEL 20

static void txt_row(struct kbuf *t, const char *label, const char *value)
{
	kbuf_append_str(t, "  ");
	reply_column(t, label, TXT_LABEL);
	kbuf_append_str(t, value != NULL ? value : "-");
	kbuf_append_str(t, "\n");
}

static void txt_time(struct kbuf *t, const char *label, const char *rfc3339)
{
	char tr[40], *s;

	if (local_tr(rfc3339, tr) == NULL) {
		txt_row(t, label, rfc3339);
		return;
	}
	s = xasprintf("%s  %s", rfc3339, tr);
	txt_row(t, label, s);
	free(s);
}

/* "valid (geçerli)": a verdict name and its Turkish label. */
static void txt_verdict(struct kbuf *t, const char *label, const char *v)
{
	char *s = xasprintf("%s (%s)", v, verdict_tr(v));

	txt_row(t, label, s);
	free(s);
}

/* The verdict and reason rows every check and evidence item starts with. */
static void txt_outcome(struct kbuf *t, const json_t *x)
{
	txt_verdict(t, "Sonuç", str(x, "verdict"));
	txt_row(t, "Gerekçe", str(x, "reason"));
}

static void txt_check(struct kbuf *t, const json_t *c)
{
	/* The rows a check has when it names them. */
	static const struct {
		const char *key, *label;
		int time;
	} rows[] = {
		{ "signer_subject", "İmzacı", 0 },
		{ "signer_serial", "Seri no", 0 },
		{ "signer_issuer", "Düzenleyen", 0 },
		{ "signing_time", "İmza zamanı", 1 },
		{ "timestamp_time", "Zaman damgası", 1 },
		{ "validation_time", "Doğrulama zamanı", 1 },
	};
	size_t i;

	kbuf_printf(t, "  [%s]\n", str(c, "check"));
	txt_outcome(t, c);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *v = str(c, rows[i].key);

		if (v != NULL && rows[i].time)
			txt_time(t, rows[i].label, v);
		else if (v != NULL)
			txt_row(t, rows[i].label, v);
	}
}

void bundle_report_txt(struct kbuf *t, const json_t *r)
{
	const json_t *pkg = json_object_get(r, "package"), *st = json_object_get(r, "stored");
	const json_t *rv = json_object_get(r, "reverified"), *x;
	char code[16], *s;
	size_t i;

	kbuf_printf(t, "KEP delil paketi raporu (%s)\n\n", str(r, "format"));
	txt_time(t, "Oluşturulma", str(r, "created_at"));
	kbuf_append_str(t, "\nİleti\n");
	snprintf(code, sizeof(code), "%lld", (long long)json_integer_value(json_object_get(pkg, "id")));
	txt_row(t, "Paket no", code);
	txt_row(t, "Hesap", str(pkg, "account"));
	txt_row(t, "Klasör", str(pkg, "folder"));
	txt_row(t, "KEP kimliği", str(pkg, "kep_id"));
	txt_row(t, "Konu", str(pkg, "subject"));
	txt_row(t, "Gönderen", str(pkg, "sender"));
	json_array_foreach(json_object_get(pkg, "recipients"), i, x) {
		s = xasprintf("%s (%s)", str(x, "address"), str(x, "role"));
		txt_row(t, i == 0 ? "Alıcılar" : "", s);
		free(s);
	}
	txt_time(t, "İleti tarihi", str(pkg, "date"));
	txt_time(t, "KEP zamanı", str(pkg, "provider_time"));
	txt_time(t, "Kaydedilme", str(pkg, "stored_at"));
	txt_row(t, "SHA-256", str(pkg, "sha256"));

	kbuf_append_str(t, "\nEşitlemede kaydedilen sonuçlar\n");
	txt_verdict(t, "Paket genel sonucu", str(st, "overall") ?: "unverified");
	json_array_foreach(json_object_get(st, "checks"), i, x)
		txt_check(t, x);
	json_array_foreach(json_object_get(st, "evidence"), i, x) {
		kbuf_printf(t, "  [delil %lld: %s]\n",
			    (long long)json_integer_value(json_object_get(x, "delil_tur_id")),
			    str(x, "label"));
		txt_outcome(t, x);
		txt_time(t, "Olay zamanı", str(x, "event_time"));
		txt_row(t, "Düzenleyen", str(x, "issuer"));
		txt_row(t, "Dosya", str(x, "file"));
	}

	kbuf_append_str(t, "\nÇevrimdışı yeniden doğrulama\n");
	txt_time(t, "Doğrulama zamanı", str(rv, "validation_time"));
	txt_verdict(t, "Paket genel sonucu", str(json_object_get(rv, "package"), "overall"));
	json_array_foreach(json_object_get(json_object_get(rv, "package"), "checks"), i, x)
		txt_check(t, x);
	json_array_foreach(json_object_get(rv, "evidence"), i, x) {
		kbuf_printf(t, "  [%s]\n", str(x, "file"));
		txt_outcome(t, x);
		txt_row(t, "Özet karşılaştırması", str(x, "digest"));
	}

	kbuf_append_str(t, "\nDosyalar (SHA-256)\n");
	json_array_foreach(json_object_get(r, "files"), i, x)
		kbuf_printf(t, "  %s  %s\n", str(x, "sha256"), str(x, "name"));
	kbuf_append_str(t, "\nÇevrimdışı yeniden doğrulamak için: kepagent evidence verify PAKET.zip\n");
}

/* ---- report.html ---- */

static void esc(struct kbuf *h, const char *s)
{
	const char *p;

	if (s == NULL) {
		kbuf_append_str(h, "—");
		return;
	}
	for (p = s; *p != '\0'; p++) {
		switch (*p) {
		case '&': kbuf_append_str(h, "&amp;"); break;
		case '<': kbuf_append_str(h, "&lt;"); break;
		case '>': kbuf_append_str(h, "&gt;"); break;
		case '"': kbuf_append_str(h, "&quot;"); break;
		case '\'': kbuf_append_str(h, "&#39;"); break;
		default: kbuf_append(h, p, 1);
		}
	}
}

/* ' name="value"' (value escaped) inside a start tag. */
static void attr(struct kbuf *h, const char *name, const char *value)
{
	kbuf_printf(h, " %s=\"", name);
	esc(h, value);
	kbuf_append_str(h, "\"");
}

static void verdict_span(struct kbuf *h, const char *v)
{
	int n = v != NULL ? verdict_from_name(v) : -1;
	const char *cls = n < 0 ? "bad" : verdict_acceptable((enum verdict)n) ?
			  (n == VERDICT_VALID ? "ok" : "warn") : "bad";

	kbuf_printf(h, "<span class=\"v %s\">", cls);
	esc(h, verdict_tr(v));
	kbuf_append_str(h, "</span> <code>");
	esc(h, v);
	kbuf_append_str(h, "</code>");
}

static void row_open(struct kbuf *h, const char *label)
{
	kbuf_append_str(h, "<tr><th scope=\"row\">");
	esc(h, label);
	kbuf_append_str(h, "</th><td>");
}

static void row(struct kbuf *h, const char *label, const char *value, int mono)
{
	row_open(h, label);
	if (mono && value != NULL)
		kbuf_append_str(h, "<span class=\"mono\">");
	esc(h, value);
	if (mono && value != NULL)
		kbuf_append_str(h, "</span>");
	kbuf_append_str(h, "</td></tr>\n");
}

/* An instant: RFC 3339 as recorded and the Turkish local time. */
static void time_value(struct kbuf *h, const char *rfc3339)
{
	char tr[40];

	if (rfc3339 == NULL) {
		esc(h, NULL);
		return;
	}
	kbuf_append_str(h, "<time datetime=\"");
	esc(h, rfc3339);
	kbuf_append_str(h, "\">");
	esc(h, rfc3339);
	kbuf_append_str(h, "</time>");
	if (local_tr(rfc3339, tr) != NULL) {
		kbuf_append_str(h, " <span class=\"tr\">");
		esc(h, tr);
		kbuf_append_str(h, "</span>");
	}
}

static void row_time(struct kbuf *h, const char *label, const char *rfc3339)
{
	row_open(h, label);
	time_value(h, rfc3339);
	kbuf_append_str(h, "</td></tr>\n");
}

static void row_verdict(struct kbuf *h, const char *label, const char *v)
{
	row_open(h, label);
	verdict_span(h, v);
	kbuf_append_str(h, "</td></tr>\n");
}

/* A summary row: the overall verdict of one source, with its reason if any. */
static void row_overall(struct kbuf *h, const char *source, const char *label, const char *v,
			const char *reason)
{
	kbuf_append_str(h, "<tr");
	attr(h, "data-source", source);
	attr(h, "data-verdict", v);
	kbuf_append_str(h, "><th scope=\"row\">");
	esc(h, label);
	kbuf_append_str(h, "</th><td>");
	verdict_span(h, v);
	if (reason != NULL) {
		kbuf_append_str(h, "<br>");
		esc(h, reason);
	}
	kbuf_append_str(h, "</td></tr>\n");
}

/* The certificate of the bundle with this subject and serial; else the
 * first with this subject (a time-stamp check's serial is the token's, not
 * the TSA certificate's). */
static const json_t *find_cert(const json_t *certs, const char *subject, const char *serial)
{
	const json_t *c, *by_name = NULL;
	size_t i;

	if (subject == NULL)
		return NULL;
	json_array_foreach(certs, i, c) {
		if (str(c, "subject") == NULL || strcmp(str(c, "subject"), subject) != 0)
			continue;
		if (serial == NULL || strcasecmp(str(c, "serial") ?: "", serial) == 0)
			return c;
		if (by_name == NULL)
			by_name = c;
	}
	return by_name;
}

/* The signer's chain as far as the bundle's certificates go. */
static void chain(struct kbuf *h, const json_t *certs, const json_t *check)
{
	const json_t *c = find_cert(certs, str(check, "signer_subject"), str(check, "signer_serial"));
	int n;

	if (c == NULL) {
		kbuf_append_str(h, "<span class=\"note\">imzacının sertifikası pakette yok</span>");
		return;
	}
	kbuf_append_str(h, "<ol class=\"chain\">");
	for (n = 0; c != NULL && n < CHAIN_MAX; n++) {
		kbuf_append_str(h, "<li>");
		esc(h, str(c, "subject"));
		kbuf_append_str(h, "<br><span class=\"small\">seri ");
		esc(h, str(c, "serial"));
		kbuf_append_str(h, " · geçerlilik ");
		time_value(h, str(c, "not_before"));
		kbuf_append_str(h, " – ");
		time_value(h, str(c, "not_after"));
		kbuf_append_str(h, " · <span class=\"mono\">");
		esc(h, str(c, "file"));
		kbuf_append_str(h, "</span></span></li>");
		if (json_is_true(json_object_get(c, "self_issued")))
			break;
		c = find_cert(certs, str(c, "issuer"), NULL);
		if (c == NULL)
			kbuf_append_str(h, "<li class=\"note\">üst sertifika pakette yok "
					"(güven deposundaki çapa)</li>");
	}
	kbuf_append_str(h, "</ol>");
}

static void html_check(struct kbuf *h, const json_t *certs, const json_t *c, const char *source)
{
	kbuf_append_str(h, "<article class=\"check\"");
	attr(h, "data-source", source);
	attr(h, "data-check", str(c, "check"));
	attr(h, "data-verdict", str(c, "verdict"));
	kbuf_append_str(h, ">\n<h3>");
	esc(h, str(c, "check"));
	kbuf_append_str(h, "</h3>\n<table class=\"kv\">\n");
	row_verdict(h, "Sonuç", str(c, "verdict"));
	row(h, "Gerekçe", str(c, "reason"), 0);
	row(h, "İmzacı", str(c, "signer_subject"), 0);
	row(h, "Seri no", str(c, "signer_serial"), 1);
	row(h, "Düzenleyen", str(c, "signer_issuer"), 0);
	row_open(h, "Sertifika zinciri");
	chain(h, certs, c);
	kbuf_append_str(h, "</td></tr>\n");
	row_time(h, "İmza zamanı", str(c, "signing_time"));
	row_time(h, "Zaman damgası", str(c, "timestamp_time"));
	row_time(h, "Doğrulama zamanı", str(c, "validation_time"));
	if (json_object_get(c, "revocation") != NULL)
		row(h, "İptal durumu", str(c, "revocation"), 0);
	kbuf_append_str(h, "</table>\n</article>\n");
}

static const char style[] =
	"body{font-family:\"DejaVu Sans\",Arial,sans-serif;font-size:10.5pt;color:#111;"
	"margin:2em auto;max-width:62em;padding:0 1em}\n"
	"h1{font-size:16pt;margin:0 0 .2em}\n"
	"h2{font-size:12.5pt;border-bottom:1px solid #999;margin:1.6em 0 .5em;padding-bottom:.15em}\n"
	"h3{font-size:11pt;margin:1.1em 0 .3em;font-family:\"DejaVu Sans Mono\",monospace}\n"
	"table{border-collapse:collapse;width:100%;margin:.3em 0 .8em}\n"
	"th,td{text-align:left;vertical-align:top;padding:.2em .5em;border-bottom:1px solid #ddd}\n"
	"table.kv{table-layout:fixed}table.kv th{width:14em;font-weight:600}\n"
	".v{font-weight:700;padding:.05em .4em;border-radius:.2em;white-space:nowrap}\n"
	".ok{background:#d4edda}.warn{background:#fff3cd}.bad{background:#f8d7da}\n"
	".tr,.small,.note{color:#444}.small{font-size:9pt}.note{font-style:italic}\n"
	"code,.mono{font-family:\"DejaVu Sans Mono\",monospace;font-size:9pt;word-break:break-all}\n"
	"ol.chain{margin:0;padding-left:1.4em}\n"
	"@page{size:A4;margin:15mm}\n"
	"@media print{body{margin:0;max-width:none;font-size:9pt}article,tr{break-inside:avoid}"
	"h2,h3{break-after:avoid}.v{border:1px solid #555}}\n";

void bundle_report_html(struct kbuf *h, const json_t *r)
{
	const json_t *pkg = json_object_get(r, "package"), *st = json_object_get(r, "stored");
	const json_t *rv = json_object_get(r, "reverified"), *certs = json_object_get(r, "certificates");
	const json_t *x, *rvp = json_object_get(rv, "package");
	char num[24];
	size_t i;

	snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(json_object_get(pkg, "id")));
	kbuf_append_str(h, "<!DOCTYPE html>\n<html lang=\"tr\">\n<head>\n<meta charset=\"utf-8\">\n"
			"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
			"style-src 'unsafe-inline'\">\n"
			"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			"<title>KEP delil raporu: paket ");
	kbuf_printf(h, "%s</title>\n<style>\n%s</style>\n</head>\n<body>\n", num, style);
	kbuf_append_str(h, "<header>\n<h1>KEP Delil Paketi Raporu</h1>\n<table class=\"kv\">\n");
	row(h, "Biçim", str(r, "format"), 1);
	row_time(h, "Oluşturulma", str(r, "created_at"));
	kbuf_append_str(h, "</table>\n</header>\n");

	kbuf_append_str(h, "<section id=\"ileti\">\n<h2>İleti</h2>\n<table class=\"kv\">\n");
	row(h, "Paket no", num, 1);
	row(h, "Hesap", str(pkg, "account"), 0);
	row(h, "Klasör", str(pkg, "folder"), 0);
	row(h, "KEP kimliği", str(pkg, "kep_id"), 1);
	row(h, "Konu", str(pkg, "subject"), 0);
	row(h, "Gönderen", str(pkg, "sender"), 0);
	row_open(h, "Alıcılar");
	if (json_array_size(json_object_get(pkg, "recipients")) == 0)
		esc(h, NULL);
	json_array_foreach(json_object_get(pkg, "recipients"), i, x) {
		if (i > 0)
			kbuf_append_str(h, "<br>");
		esc(h, str(x, "address"));
		kbuf_append_str(h, " <span class=\"small\">(");
		esc(h, str(x, "role"));
		kbuf_append_str(h, ")</span>");
	}
	kbuf_append_str(h, "</td></tr>\n");
	row_time(h, "İleti tarihi", str(pkg, "date"));
	row_time(h, "KEP zamanı", str(pkg, "provider_time"));
	row_time(h, "Kaydedilme", str(pkg, "stored_at"));
	row(h, "OrgMesajId", str(pkg, "org_mesaj_id"), 1);
	row(h, "İleti kimliği", str(pkg, "ileti_id"), 1);
	row(h, "Belge no", str(pkg, "belge_no"), 1);
	row(h, "SHA-256", str(pkg, "sha256"), 1);
	kbuf_append_str(h, "</table>\n</section>\n");

	kbuf_append_str(h, "<section id=\"ozet\">\n<h2>Sonuçların özeti</h2>\n<table class=\"kv\">\n");
	row_overall(h, "stored-overall", "Eşitlemede kaydedilen", str(st, "overall") ?: "unverified",
		    str(st, "reason"));
	row_overall(h, "reverified-overall", "Çevrimdışı yeniden doğrulama", str(rvp, "overall"),
		    NULL);
	row_time(h, "Yeniden doğrulama zamanı", str(rv, "validation_time"));
	kbuf_append_str(h, "</table>\n</section>\n");

	kbuf_append_str(h, "<section id=\"kayitli\">\n<h2>Eşitlemede kaydedilen denetimler</h2>\n");
	json_array_foreach(json_object_get(st, "checks"), i, x)
		html_check(h, certs, x, "stored");
	kbuf_append_str(h, "</section>\n<section id=\"yeniden\">\n"
			"<h2>Çevrimdışı yeniden doğrulanan denetimler</h2>\n");
	json_array_foreach(json_object_get(rvp, "checks"), i, x)
		html_check(h, certs, x, "reverified");
	kbuf_append_str(h, "</section>\n");

	kbuf_append_str(h, "<section id=\"deliller\">\n<h2>Deliller</h2>\n");
	json_array_foreach(json_object_get(st, "evidence"), i, x) {
		const json_t *y, *again = NULL;
		size_t j;
		char code[48];

		json_array_foreach(json_object_get(rv, "evidence"), j, y)
			if (str(y, "file") != NULL && str(x, "file") != NULL &&
			    strcmp(str(y, "file"), str(x, "file")) == 0)
				again = y;
		kbuf_append_str(h, "<article class=\"evidence\"");
		attr(h, "data-file", str(x, "file"));
		attr(h, "data-verdict", str(x, "verdict"));
		attr(h, "data-reverified-verdict", again ? str(again, "verdict") : "");
		kbuf_append_str(h, ">\n<h3>");
		esc(h, str(x, "label"));
		snprintf(code, sizeof(code), " (kod %lld)",
			 (long long)json_integer_value(json_object_get(x, "delil_tur_id")));
		kbuf_append_str(h, code);
		kbuf_append_str(h, "</h3>\n<table class=\"kv\">\n");
		row(h, "Delil kimliği", str(x, "delil_id"), 1);
		row_time(h, "Olay zamanı", str(x, "event_time"));
		row(h, "Düzenleyen", str(x, "issuer"), 0);
		row_verdict(h, "Kayıtlı sonuç", str(x, "verdict"));
		row(h, "Kayıtlı gerekçe", str(x, "reason"), 0);
		if (again != NULL) {
			row_verdict(h, "Yeniden doğrulama", str(again, "verdict"));
			row(h, "Gerekçe", str(again, "reason"), 0);
			row(h, "İmzacı", str(again, "signer_subject"), 0);
			row(h, "Özet karşılaştırması", str(again, "digest"), 1);
		}
		row(h, "Dosya", str(x, "file"), 1);
		kbuf_append_str(h, "</table>\n</article>\n");
	}
	if (json_array_size(json_object_get(st, "evidence")) == 0)
		kbuf_append_str(h, "<p class=\"note\">Bu ileti için kayıtlı delil yok.</p>\n");
	kbuf_append_str(h, "</section>\n");

	kbuf_append_str(h, "<section id=\"sertifikalar\">\n<h2>Sertifikalar</h2>\n");
	json_array_foreach(certs, i, x) {
		kbuf_append_str(h, "<table class=\"kv\">\n");
		row(h, "Konu", str(x, "subject"), 0);
		row(h, "Düzenleyen", str(x, "issuer"), 0);
		row(h, "Seri no", str(x, "serial"), 1);
		row_time(h, "Geçerlilik başı", str(x, "not_before"));
		row_time(h, "Geçerlilik sonu", str(x, "not_after"));
		row(h, "SHA-256", str(x, "sha256"), 1);
		row(h, "Dosya", str(x, "file"), 1);
		kbuf_append_str(h, "</table>\n");
	}
	kbuf_append_str(h, "</section>\n");

	kbuf_append_str(h, "<section id=\"dosyalar\">\n<h2>Dosyalar</h2>\n<table>\n"
			"<tr><th>Dosya</th><th>Boyut (bayt)</th><th>SHA-256</th></tr>\n");
	json_array_foreach(json_object_get(r, "files"), i, x) {
		kbuf_append_str(h, "<tr><td class=\"mono\">");
		esc(h, str(x, "name"));
		kbuf_printf(h, "</td><td>%lld</td><td class=\"mono\">",
			    (long long)json_integer_value(json_object_get(x, "size")));
		esc(h, str(x, "sha256"));
		kbuf_append_str(h, "</td></tr>\n");
	}
	kbuf_append_str(h, "</table>\n<p>Çevrimdışı yeniden doğrulamak için: "
			"<code>kepagent evidence verify PAKET.zip</code></p>\n</section>\n"
			"</body>\n</html>\n");
}
