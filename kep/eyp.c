/* eyp.c: e-Yazisma package contents and digests; see eyp.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "digest_uri.h"
#include "eyp.h"
#include "log.h"
#include "safe_name.h"
#include "util.h"
#include "xml_safe.h"

static const struct zip_limits eyp_limits = {
	.max_entries = 500,
	.max_entry = 32u << 20,  /* a KEP message is capped at about 25 MB */
	.max_total = 64u << 20,
	.max_ratio = 200,
};

const struct zip_entry *eyp_part(const struct eyp *e, const char *name)
{
	return zip_archive_find(&e->za, name);
}

static void warn(struct eyp *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct eyp *e, const char *fmt, ...)
{
	size_t n = strlen(e->warnings);
	va_list ap;

	if (n + 3 >= sizeof(e->warnings))
		return;
	if (n)
		n += (size_t)snprintf(e->warnings + n, sizeof(e->warnings) - n, "; ");
	va_start(ap, fmt);
	vsnprintf(e->warnings + n, sizeof(e->warnings) - n, fmt, ap);
	va_end(ap);
}

/* Olusturan: a legal person's name, or a person's first and last name. */
static char *olusturan(xmlNodePtr n)
{
	char *adi, *soyadi, *s;

	if (!n)
		return NULL;
	adi = xml_text(xml_find(n, "Adi"));
	if (!adi)
		adi = xml_text(xml_find(n, "Ad"));
	if (!adi)
		return xml_text(n);
	soyadi = xml_text(xml_find(n, "Soyadi"));
	s = soyadi && *soyadi ? xasprintf("%s %s", adi, soyadi) : xstrdup(adi);
	free(adi);
	free(soyadi);
	return s;
}

/* The part a package-level relationship of this type (matched without case:
 * producers differ in spelling) points at, or NULL. */
static const struct zip_entry *rel_target(const struct eyp *e, const char *type)
{
	const struct zip_entry *rels = eyp_part(e, "_rels/.rels"), *p = NULL;
	struct kerr perr = { 0 };
	xmlDocPtr doc;

	if (!rels || !(doc = xml_safe_parse(rels->data, rels->len, ".rels", &perr)))
		return NULL;
	for (xmlNodePtr c = xmlDocGetRootElement(doc)->children; c && !p; c = c->next) {
		xmlChar *t, *target;

		if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "Relationship") != 0)
			continue;
		t = xmlGetProp(c, BAD_CAST "Type");
		target = xmlGetProp(c, BAD_CAST "Target");
		if (t && target && strcasecmp((const char *)t, type) == 0)
			p = eyp_part(e, (const char *)target + (target[0] == '/'));
		xmlFree(t);
		xmlFree(target);
	}
	xmlFreeDoc(doc);
	return p;
}

/* The version in the Core properties (OPC: the package relationship of type
 * core-properties; System.IO.Packaging names the part
 * /package/services/metadata/core-properties/<id>.psmdcp). Without one the
 * layout decides: Tarih/BelgeNo in Ustveri is 1.x, a NihaiUstveri beside an
 * Ustveri without them is 2.x. */
static void read_version(struct eyp *e, xmlNodePtr ustveri)
{
	const struct zip_entry *core = rel_target(e,
		"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties");
	struct kerr perr = { 0 };
	xmlDocPtr doc;

	for (size_t i = 0; !core && i < e->za.n; i++) {
		size_t n = strlen(e->za.e[i].name);

		if ((n > 7 && strcmp(e->za.e[i].name + n - 7, ".psmdcp") == 0) ||
		    strcmp(e->za.e[i].name, "docProps/core.xml") == 0)
			core = &e->za.e[i];
	}
	e->core = core;
	if (core && (doc = xml_safe_parse(core->data, core->len, "Core properties", &perr))) {
		e->version = xml_text(xml_find(xmlDocGetRootElement(doc), "version"));
		xmlFreeDoc(doc);
	}
	if (e->version && *e->version) {
		e->major = atoi(e->version) == 1 ? 1 : atoi(e->version) >= 2 ? 2 : 0;
		snprintf(e->version_source, sizeof(e->version_source), "core");
		if (e->major)
			return;
	}
	if (xml_child(ustveri, "Tarih") || xml_child(ustveri, "BelgeNo") ||
	    !eyp_part(e, "NihaiUstveri/NihaiUstveri.xml"))
		e->major = 1;
	else
		e->major = 2;
	snprintf(e->version_source, sizeof(e->version_source), "layout");
}

/* 2.x keeps Tarih and BelgeNo in NihaiUstveri (root NihaiUstVeri); its
 * absence leaves them unknown rather than read from the wrong part. */
static void read_nihai_ustveri(struct eyp *e)
{
	const struct zip_entry *n = eyp_part(e, "NihaiUstveri/NihaiUstveri.xml");
	struct kerr perr = { 0 };
	xmlDocPtr doc;

	if (!n || !(doc = xml_safe_parse(n->data, n->len, "NihaiUstveri.xml", &perr)))
		return;
	e->tarih = xml_child_text(xmlDocGetRootElement(doc), "Tarih");
	e->belge_no = xml_child_text(xmlDocGetRootElement(doc), "BelgeNo");
	xmlFreeDoc(doc);
}

/* The attachments some Dagitim lists in KonulmamisEkListesi (by Ek Id): a
 * recipient's copy may lack them (Rehber K.23). Kept by DosyaAdi. */
static void read_withheld(struct eyp *e, xmlNodePtr root, xmlNodePtr ekler)
{
	enum { MAX_WITHHELD = 256 };  /* bounds the Ek x KonulmamisEk matching */
	char *ids[MAX_WITHHELD];
	size_t n_ids = 0;
	struct kbuf b = { 0 };
	xmlNodePtr dl = xml_child(root, "DagitimListesi");

	for (xmlNodePtr d = dl ? dl->children : NULL; d && n_ids < MAX_WITHHELD; d = d->next) {
		xmlNodePtr kl = d->type == XML_ELEMENT_NODE ? xml_child(d, "KonulmamisEkListesi") : NULL;

		for (xmlNodePtr k = kl ? kl->children : NULL; k && n_ids < MAX_WITHHELD; k = k->next)
			if (k->type == XML_ELEMENT_NODE && (ids[n_ids] = xml_child_text(k, "EkId")))
				n_ids++;
	}
	for (xmlNodePtr c = ekler && n_ids ? ekler->children : NULL; c; c = c->next) {
		char *cid, *name = NULL;

		if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "Ek") != 0)
			continue;
		cid = xml_child_text(c, "Id");
		for (size_t i = 0; cid && !name && i < n_ids; i++)
			if (strcasecmp(cid, ids[i]) == 0)
				name = xml_child_text(c, "DosyaAdi");
		if (name)
			kbuf_append(&b, &name, sizeof(name));
		free(cid);
	}
	for (size_t i = 0; i < n_ids; i++)
		free(ids[i]);
	e->withheld = (char **)b.data;
	e->n_withheld = b.len / sizeof(char *);
}

int eyp_withheld(const struct eyp *e, const char *uri)
{
	const char *base = strrchr(uri, '/');

	base = base ? base + 1 : uri;
	for (size_t i = 0; i < e->n_withheld; i++)
		if (strcmp(e->withheld[i], base) == 0)
			return 1;
	return 0;
}

static int read_ustveri(struct eyp *e, struct kerr *err)
{
	const struct zip_entry *u = eyp_part(e, "Ustveri/Ustveri.xml");
	struct kbuf ek = { 0 };
	xmlDocPtr doc;
	xmlNodePtr root, ekler;

	if (!u)
		return kerr_set(err, KERR_MALFORMED, "e-Yazisma package has no /Ustveri/Ustveri.xml");
	if (!(doc = xml_safe_parse(u->data, u->len, "Ustveri.xml", err)))
		return -1;
	root = xmlDocGetRootElement(doc);
	read_version(e, root);
	e->belge_id = xml_child_text(root, "BelgeId");
	e->konu = xml_child_text(root, "Konu");
	if (e->major == 2) {
		read_nihai_ustveri(e);
	} else {
		e->tarih = xml_child_text(root, "Tarih");
		e->belge_no = xml_child_text(root, "BelgeNo");
	}
	e->dosya_adi = xml_child_text(root, "DosyaAdi");
	e->mime = xml_child_text(root, "MimeTuru");
	e->olusturan = olusturan(xml_child(root, "Olusturan"));
	ekler = xml_child(root, "Ekler");
	for (xmlNodePtr c = ekler ? ekler->children : NULL; c; c = c->next) {
		struct eyp_ek x;

		if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "Ek") != 0)
			continue;
		x.dosya_adi = xml_child_text(c, "DosyaAdi");
		x.ad = xml_child_text(c, "Ad");
		if (!x.ad)
			x.ad = xml_child_text(c, "Aciklama");
		x.mime = xml_child_text(c, "MimeTuru");
		kbuf_append(&ek, &x, sizeof(x));
	}
	e->ekler = (struct eyp_ek *)ek.data;
	e->n_ekler = ek.len / sizeof(struct eyp_ek);
	read_withheld(e, root, ekler);
	xmlFreeDoc(doc);
	return 0;
}

static void list_files(struct eyp *e)
{
	struct kbuf b = { 0 };

	for (int pass = 1; pass >= 0; pass--)
		for (size_t i = 0; i < e->za.n; i++) {
			const char *n = e->za.e[i].name;
			struct eyp_file f;

			if (strncmp(n, pass ? "UstYazi/" : "Ekler/", pass ? 8 : 6) != 0)
				continue;
			f.part = n;
			f.safe = safe_name(n, pass ? "ustyazi" : "ek");
			f.size = e->za.e[i].len;
			f.main_doc = pass;
			f.digest_state = "not-digested";
			kbuf_append(&b, &f, sizeof(f));
		}
	e->files = (struct eyp_file *)b.data;
	e->n_files = b.len / sizeof(struct eyp_file);
}

/* Percent-decodes an OPC part URI into buf (for names with spaces/Turkish). */
static void uri_decode(const char *s, char *buf, size_t cap)
{
	size_t n = 0;

	for (; *s && n + 1 < cap; s++) {
		unsigned int v;

		if (*s == '%' && sscanf(s + 1, "%2x", &v) == 1 && v) {
			buf[n++] = (char)v;
			s += 2;
		} else {
			buf[n++] = *s;
		}
	}
	buf[n] = 0;
}

/* One DigestMethod/DigestValue pair under item against part p: 1 match,
 * else 0 with the failure appended to bad. */
static int check_digest(xmlNodePtr item, const char *uri, const struct zip_entry *p,
			struct kbuf *bad)
{
	xmlNodePtr dm = xml_find(item, "DigestMethod");
	xmlChar *alg = dm ? xmlGetProp(dm, BAD_CAST "Algorithm") : NULL;
	char *val = xml_text(xml_find(item, "DigestValue"));
	const EVP_MD *md = digest_for_uri((const char *)alg);
	int m = 0;

	if (!val && !dm)
		kbuf_printf(bad, "%s%s (no digest)", bad->len ? ", " : "", uri);
	else if (!md || !val)
		kbuf_printf(bad, "%s%s (unsupported digest %s)", bad->len ? ", " : "", uri,
			    alg ? (const char *)alg : "none");
	else if ((m = digest_b64_matches(md, p->data, p->len, val)) != 1)
		kbuf_printf(bad, "%s%s (%s)", bad->len ? ", " : "", uri,
			    m < 0 ? "unreadable digest" : "digest mismatch");
	xmlFree(alg);
	free(val);
	return m == 1;
}

/* What a digest document's references were found to cover. */
struct refwalk {
	const char *doc, *rule;   /* "PaketOzeti", "K.33" */
	int files;                /* record each file's digest_state (PaketOzeti) */
	struct kbuf bad;
	size_t checked, external;
	const struct zip_entry *seen[64];
	size_t n_seen;
};

/* A Reference: 1.x holds one digest, 2.x two DigestItems (both checked). */
static void check_one(struct eyp *e, xmlNodePtr ref, const char *uri, struct refwalk *w)
{
	const struct zip_entry *p = eyp_part(e, uri);
	struct kbuf *bad = &w->bad;
	char dec[1024];
	int items = 0, ok = 1;

	if (!p) {
		uri_decode(uri, dec, sizeof(dec));
		p = eyp_part(e, dec);
	}
	w->checked++;
	if (!p && strncasecmp(uri + (uri[0] == '/'), "Paraf", 5) == 0) {
		warn(e, "%s: %s digested in %s is not in the package (a paraf may be left out)",
		     w->rule, uri, w->doc);
		return;
	}
	if (!p && strncasecmp(uri + (uri[0] == '/'), "Ekler/", 6) == 0 && eyp_withheld(e, uri))
		return; /* check_withheld() warned */
	if (!p) {
		kbuf_printf(bad, "%s%s (missing)", bad->len ? ", " : "", uri);
		return;
	}
	if (w->n_seen < ARRAY_SIZE(w->seen))
		w->seen[w->n_seen++] = p;
	for (xmlNodePtr c = ref->children; c && ok; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "DigestItem") == 0) {
			items++;
			ok = check_digest(c, uri, p, bad);
		}
	if (items == 0)
		ok = check_digest(ref, uri, p, bad);
	for (size_t i = 0; w->files && i < e->n_files; i++)
		if (e->files[i].part == p->name)
			e->files[i].digest_state = ok && strcmp(e->files[i].digest_state, "invalid") != 0
						   ? "valid" : "invalid";
}

/* References of this Type name a document outside the package: nothing to hash. */
#define EYP_REF_EXTERNAL "http://eyazisma.dpt/bilesen#harici"

static void walk_refs(struct eyp *e, xmlNodePtr n, struct refwalk *w, int depth)
{
	for (; n && depth < 64; n = n->next) {
		xmlChar *uri;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		uri = xmlGetProp(n, BAD_CAST "URI");
		if (uri && (xml_find(n, "DigestValue") ||
			    strcmp((const char *)n->name, "Reference") == 0)) {
			xmlChar *type = xmlGetProp(n, BAD_CAST "Type");

			/* A Reference without a digest covers nothing: its part is
			 * named as digested yet could be anything (check_digest). */
			if (!type || strcasecmp((const char *)type, EYP_REF_EXTERNAL) != 0)
				check_one(e, n, (const char *)uri, w);
			else
				w->external++;
			xmlFree(type);
		} else
			walk_refs(e, n->children, w, depth + 1);
		xmlFree(uri);
	}
}

static void check_digests(struct eyp *e)
{
	const struct zip_entry *po = eyp_part(e, "PaketOzeti/PaketOzeti.xml");
	struct kerr perr = { 0 };
	struct refwalk w = { .doc = "PaketOzeti", .rule = "K.33", .files = 1 };
	xmlDocPtr doc;

	if (!po || !(doc = xml_safe_parse(po->data, po->len, "PaketOzeti.xml", &perr))) {
		e->digests = VERDICT_MALFORMED;
		snprintf(e->digests_reason, sizeof(e->digests_reason), "%.900s",
			 po ? perr.msg : "no /PaketOzeti/PaketOzeti.xml in the package");
		return;
	}
	walk_refs(e, xmlDocGetRootElement(doc), &w, 0);
	xmlFreeDoc(doc);
	if (w.checked == 0) {
		e->digests = VERDICT_MALFORMED;
		snprintf(e->digests_reason, sizeof(e->digests_reason), "PaketOzeti lists no digest");
	} else if (w.bad.len) {
		e->digests = VERDICT_INVALID;
		snprintf(e->digests_reason, sizeof(e->digests_reason), "%zu part digest(s) checked; "
			 "failed: %.900s", w.checked, kbuf_cstr(&w.bad));
	} else {
		e->digests = VERDICT_VALID;
		snprintf(e->digests_reason, sizeof(e->digests_reason), "all %zu part digests match",
			 w.checked);
	}
	kbuf_free(&w.bad);
}

static int seen(const struct refwalk *w, const struct zip_entry *p)
{
	for (size_t i = 0; p && i < w->n_seen; i++)
		if (w->seen[i] == p)
			return 1;
	return 0;
}

/* NihaiOzet (what the seal covers): in 2.x it must digest NihaiUstveri, the
 * Core properties, PaketOzeti and ImzaCades, each digest matching, and name
 * no external document; a part changed after the seal fails here even when
 * the seal over NihaiOzet holds. 1.x packages without one are not checked
 * (VERDICT_UNSIGNED). */
static void check_nihai_ozet(struct eyp *e)
{
	const struct zip_entry *no = eyp_part(e, "NihaiOzet/NihaiOzet.xml");
	const struct { const char *name; const struct zip_entry *p; } need[] = {
		{ "/NihaiUstveri/NihaiUstveri.xml", eyp_part(e, "NihaiUstveri/NihaiUstveri.xml") },
		{ "the Core properties", e->core },
		{ "/PaketOzeti/PaketOzeti.xml", eyp_part(e, "PaketOzeti/PaketOzeti.xml") },
		{ "/Imzalar/ImzaCades.imz", eyp_part(e, "Imzalar/ImzaCades.imz") },
	};
	struct kerr perr = { 0 };
	struct refwalk w = { .doc = "NihaiOzet", .rule = "K.43" };
	struct kbuf absent = { 0 };
	xmlDocPtr doc;

	if (!no) {
		e->nihai_ozet = e->major == 2 ? VERDICT_MALFORMED : VERDICT_UNSIGNED;
		snprintf(e->nihai_ozet_reason, sizeof(e->nihai_ozet_reason),
			 "no /NihaiOzet/NihaiOzet.xml in the package");
		return;
	}
	if (!(doc = xml_safe_parse(no->data, no->len, "NihaiOzet.xml", &perr))) {
		e->nihai_ozet = VERDICT_MALFORMED;
		snprintf(e->nihai_ozet_reason, sizeof(e->nihai_ozet_reason), "%.900s", perr.msg);
		return;
	}
	walk_refs(e, xmlDocGetRootElement(doc), &w, 0);
	xmlFreeDoc(doc);
	if (e->major == 2)
		for (size_t i = 0; i < ARRAY_SIZE(need); i++)
			if (!seen(&w, need[i].p))
				kbuf_printf(&absent, "%s%s", absent.len ? ", " : "", need[i].name);
	if (w.checked == 0 && e->major != 2) {
		e->nihai_ozet = VERDICT_UNSIGNED;
		snprintf(e->nihai_ozet_reason, sizeof(e->nihai_ozet_reason),
			 "NihaiOzet lists no digest");
	} else if (w.bad.len || absent.len || w.external) {
		e->nihai_ozet = VERDICT_INVALID;
		snprintf(e->nihai_ozet_reason, sizeof(e->nihai_ozet_reason),
			 "NihaiOzet: %zu digest(s) checked%s%.400s%s%.400s%s", w.checked,
			 w.bad.len ? "; failed: " : "", kbuf_cstr(&w.bad),
			 absent.len ? "; not covered: " : "", kbuf_cstr(&absent),
			 w.external ? "; an external reference (none is allowed)" : "");
	} else {
		e->nihai_ozet = VERDICT_VALID;
		snprintf(e->nihai_ozet_reason, sizeof(e->nihai_ozet_reason),
			 "NihaiOzet: all %zu digests match", w.checked);
	}
	kbuf_free(&w.bad);
	kbuf_free(&absent);
}

#define EYP_REL "http://eyazisma.dpt/iliskiler/"

/* An attachment withheld from this recipient and absent from /Ekler/. */
static void check_withheld(struct eyp *e)
{
	for (size_t k = 0; k < e->n_withheld; k++) {
		size_t i;

		for (i = 0; i < e->n_files; i++)
			if (!e->files[i].main_doc && strcmp(strrchr(e->files[i].part, '/') + 1,
							    e->withheld[k]) == 0)
				break;
		if (i == e->n_files)
			warn(e, "K.23: attachment /Ekler/%s is not in the package (not included for "
			     "this recipient: KonulmamisEkListesi)", e->withheld[k]);
	}
}

/* The package relationships the Rehber names (types compared without case:
 * "PaketOzeti" and "paketozeti" both occur); an absent one is a warning. */
static void check_rels(struct eyp *e)
{
	static const struct { const char *type, *rule, *what; int major; } rels[] = {
		{ EYP_REL "ustveri", "K.16", "Ustveri", 0 },
		{ EYP_REL "ustyazi", "K.2", "UstYazi", 0 },
		{ EYP_REL "paketozeti", "K.26", "PaketOzeti", 0 },
		{ EYP_REL "nihaiustveri", "K.82", "NihaiUstveri", 2 },
		{ EYP_REL "nihaiozet", "K.98", "NihaiOzet", 2 },
	};

	if (!eyp_part(e, "_rels/.rels"))
		return; /* hand-made packages without OPC relationships: nothing to say */
	for (size_t i = 0; i < ARRAY_SIZE(rels); i++)
		if ((!rels[i].major || rels[i].major == e->major) && !rel_target(e, rels[i].type))
			warn(e, "%s: no package relationship of type %s to a part in the package (%s)", rels[i].rule,
			     rels[i].type, rels[i].what);
}

int eyp_open(const void *data, size_t len, struct eyp *e, struct kerr *err)
{
	memset(e, 0, sizeof(*e));
	/* Counted by tests: one open per .eyp per verification (package_view.h). */
	log_debug("opening an e-Yazisma package (%zu bytes)", len);
	if (zip_safe_read(data, len, &eyp_limits, &e->za, err) < 0)
		return kerr_prefix(err, "e-Yazisma package");
	if (read_ustveri(e, err) < 0) {
		eyp_free(e);
		return kerr_prefix(err, "e-Yazisma package");
	}
	list_files(e);
	check_rels(e);
	check_withheld(e);
	check_digests(e);
	check_nihai_ozet(e);
	if (e->warnings[0]) {
		size_t n = strlen(e->digests_reason);

		snprintf(e->digests_reason + n, sizeof(e->digests_reason) - n, "; warnings: %s",
			 e->warnings);
	}
	return 0;
}

void eyp_free(struct eyp *e)
{
	if (!e)
		return;
	zip_archive_free(&e->za);
	free(e->belge_id);
	free(e->konu);
	free(e->tarih);
	free(e->belge_no);
	free(e->olusturan);
	free(e->dosya_adi);
	free(e->mime);
	free(e->version);
	for (size_t i = 0; i < e->n_ekler; i++) {
		free(e->ekler[i].dosya_adi);
		free(e->ekler[i].ad);
		free(e->ekler[i].mime);
	}
	free(e->ekler);
	for (size_t i = 0; i < e->n_withheld; i++)
		free(e->withheld[i]);
	free(e->withheld);
	for (size_t i = 0; i < e->n_files; i++)
		free(e->files[i].safe);
	free(e->files);
	memset(e, 0, sizeof(*e));
}
