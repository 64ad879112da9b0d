/* submit.c: see submit.h. */
#include "submit.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <openssl/rand.h>

#include "log.h"

static const struct tur_info turs[] = {
	{ "Standart", "standart", 1 },
	{ "EYazisma", "eYazisma", 2 },
	{ "ETebligat", "eTebligat", 3 },
};

/* Evidence per recipient: the normal course, and each failure code's. */
static const int normal_stages[] = { 10, 20, 40, 0 };
static const struct {
	int code;
	int stages[4];
} failures[] = {
	{ 11, { 11, 0 } },
	{ 21, { 10, 21, 0 } },
	{ 31, { 10, 31, 0 } },
	{ 41, { 10, 20, 41, 0 } },
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct gen g;          /* the signers, loaded at the first submission */
static int g_loaded;

/* Evidence not yet due (--evidence-delay-ms), in the order it was planned. */
struct pending {
	char *account, *folder, *rcpt;
	long long sira;
	int code;
	int64_t due_ms;
	struct pending *next;
};
static struct pending *pending_head, **pending_tail = &pending_head;

const struct tur_info *tur_lookup(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < ARRAY_SIZE(turs); i++)
		if (strcasecmp(name, turs[i].name) == 0)
			return &turs[i];
	return NULL;
}

int kep_address_ok(const char *addr)
{
	const char *at = strchr(addr, '@'), *p;
	size_t n = strlen(addr);

	if (at == NULL || at == addr || n > 254 || strchr(at + 1, '@') != NULL || n - (size_t)(at - addr) < 9 ||
	    strcasecmp(addr + n - 7, ".kep.tr") != 0)
		return 0;
	for (p = addr; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr(".-_+@", *p) == NULL)
			return 0;
	return strstr(addr, "..") == NULL && at[1] != '.' && at[-1] != '.' && addr[0] != '.';
}

int submit_init(struct kerr *err)
{
	return evidence_init(err);
}

static void pending_free(struct pending *p)
{
	free(p->account);
	free(p->folder);
	free(p->rcpt);
	free(p);
}

void submit_shutdown(void)
{
	pthread_mutex_lock(&lock);
	while (pending_head != NULL) {
		struct pending *p = pending_head;

		pending_head = p->next;
		pending_free(p);
	}
	pending_tail = &pending_head;
	if (g_loaded)
		gen_free(&g);
	g_loaded = 0;
	pthread_mutex_unlock(&lock);
	evidence_shutdown();
}

/* Call with lock held. */
static int load_signers(const struct kepsim_conf *conf, struct kerr *err)
{
	uint64_t seed;

	if (g_loaded)
		return 0;
	memset(&g, 0, sizeof(g));
	g.mailbox = xstrdup(conf->mailbox);
	g.pkidir = xasprintf("%s/pki", conf->mailbox);
	if (gen_load_pki(&g, err) < 0) {
		gen_free(&g);
		return -1;
	}
	/* Ids and boundaries must differ between runs over one mailbox. */
	if (RAND_bytes((unsigned char *)&seed, sizeof(seed)) != 1)
		seed = (uint64_t)now_ms();
	grand_seed(&g.rnd, seed);
	g_loaded = 1;
	return 0;
}

/* The recipient's stages: recipients.json {"addr": failure code}. */
static const int *stages_for(const char *mailbox, const char *addr)
{
	char *path = xasprintf("%s/recipients.json", mailbox);
	json_t *rules = json_load_file(path, 0, NULL);
	json_int_t code = json_integer_value(json_object_get(rules, addr));
	const int *st = normal_stages;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(failures); i++)
		if (failures[i].code == code)
			st = failures[i].stages;
	if (code != 0 && st == normal_stages)
		log_warn("%s: %s has an unknown code %lld", path, addr, (long long)code);
	json_decref(rules);
	free(path);
	return st;
}

static long long next_sirano(const char *mailbox, const struct account *a, const char *folder,
			     struct kerr *err)
{
	struct pkg_list l;
	long long max = 0;

	if (mailbox_packages(mailbox, a, folder, 1, &l, err) < 0)
		return -1;
	if (l.n > 0)
		max = l.v[l.n - 1].sirano;
	pkg_list_free(&l);
	return max + 1;
}

static const char *chain_of(const struct account *a)
{
	const char *c = account_str(a, "chain");

	return c != NULL && strcmp(c, "ec") == 0 ? "ec" : "rsa";
}

static json_t *make_meta(const struct account *a, const struct submission *s, const char *kep_id,
			 long long sira, time_t now)
{
	char tarih[32];
	const char *name = account_str(a, "name");
	json_t *kime = json_array();
	size_t i;

	for (i = 0; i < s->nrcpt; i++)
		json_array_append_new(kime, json_string(s->rcpt[i]));
	mime_iso_time(tarih, sizeof(tarih), now);
	return json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:o, s:s}",
			 "kepId", kep_id, "kepSiraNo", (json_int_t)sira, "OrgMesajId", s->msg_id,
			 "from", name != NULL ? name : a->name, "fromKep", a->name,
			 "konu", s->subject, "tur", s->tur->name, "turId", s->tur->id,
			 "tarih", tarih, "kime", kime, "iletiID", s->ileti_id);
}

/* Delivers the package into a kepsim account's INBOX, linked back to the
 * sender's copy (sender.json) for the read receipt. */
static int deliver(const struct kepsim_conf *conf, const struct account *from, const char *folder,
		   long long from_sira, const char *to, const struct submission *s,
		   const struct kbuf *env, const char *kep_id, time_t now, json_t *log,
		   struct kerr *err)
{
	struct account *b = NULL;
	char *fdir = NULL, *link = NULL;
	long long sira;
	json_t *meta = NULL, *back;
	int rc = -1;

	if (account_load(conf->mailbox, to, &b, err) < 0)
		return -1;
	if (!account_has_folder(b, "INBOX")) {
		rc = kerr_set(err, KERR_CONFIG, "account %s has no INBOX", to);
		goto out;
	}
	fdir = xasprintf("%s/INBOX", b->dir);
	if (mkdir_p(fdir, err) < 0 || (sira = next_sirano(conf->mailbox, b, "INBOX", err)) < 0)
		goto out;
	meta = make_meta(from, s, kep_id, sira, now);
	if (package_dir_write(fdir, sira, env, s->original, s->att, s->natt, meta, err) < 0)
		goto out;
	link = xasprintf("%s/%lld/sender.json", fdir, sira);
	back = json_pack("{s:s, s:s, s:I}", "account", from->name, "folder", folder,
			 "kepSiraNo", (json_int_t)from_sira);
	rc = json_write_atomic(link, back, err);
	json_decref(back);
	if (rc == 0) {
		json_t *d = json_object_get(log, "delivered");

		if (d == NULL)
			json_object_set_new(log, "delivered", d = json_array());
		json_array_append_new(d, json_pack("{s:s, s:I}", "account", b->name,
						   "kepSiraNo", (json_int_t)sira));
		log_info("%s delivered to %s INBOX/%lld", kep_id, b->name, sira);
	}
out:
	json_decref(meta);
	free(fdir);
	free(link);
	account_free(&b);
	return rc;
}

int submit_package(const struct kepsim_conf *conf, const struct account *a,
		   const struct submission *s, char **kep_id_out, long long *sirano_out,
		   json_t *log, struct kerr *err)
{
	const char *folder = account_sent_folder(a), *hier = chain_of(a);
	struct kbuf env = { 0 }, to = { 0 };
	struct pkg_result r;
	json_t *meta = NULL;
	char *fdir = NULL, *kep_id = NULL;
	long long sira = -1;
	time_t now = time(NULL);
	size_t i;
	int h, rc = -1, step;

	*kep_id_out = NULL;
	memset(&r, 0, sizeof(r));
	if (folder == NULL)
		return kerr_set(err, KERR_CONFIG, "account %s has no sent folder", a->name);
	for (i = 0; i < s->nrcpt; i++)
		kbuf_printf(&to, "%s%s", i > 0 ? ", " : "", s->rcpt[i]);
	pthread_mutex_lock(&lock);
	if (load_signers(conf, err) < 0)
		goto out;
	h = gen_hier_index(hier);
	fdir = xasprintf("%s/%s", a->dir, folder);
	if (mkdir_p(fdir, err) < 0 || (sira = next_sirano(conf->mailbox, a, folder, err)) < 0)
		goto out;
	kep_id = kep_id_make(&g.rnd, now);
	{
		struct envelope_spec e = {
			.kephs = &g.kephs[h], .tsa = &g.tsa[h], .sender = a->name,
			.recipients = kbuf_cstr(&to), .subject = s->subject, .subj_enc = SUBJ_UTF8_B,
			.msg_id = s->msg_id, .kep_id = kep_id, .ileti_tip = s->tur->ileti_tip,
			.ileti_id = s->ileti_id, .tarih = now, .original = s->original,
		};

		if (envelope_build(&g.rnd, &e, &env, err) < 0)
			goto out;
	}
	meta = make_meta(a, s, kep_id, sira, now);
	/* A provider that lists what it took only later (PaketSorgula). */
	if (conf->sent_list_delay_ms > 0)
		json_object_set_new(meta, "listAfterMs",
				    json_integer(now_ms() + conf->sent_list_delay_ms));
	if (package_dir_write(fdir, sira, &env, s->original, s->att, s->natt, meta, err) < 0)
		goto out;
	log_info("%s accepted from %s: %s/%lld", kep_id, a->name, folder, sira);
	/* Evidence per recipient, in the order the stages happen; a recipient
	 * that is a kepsim account gets the package before its 40. */
	r.kep_id = kep_id;
	r.msg_id = (char *)s->msg_id;
	r.subject = (char *)s->subject;
	r.sender = a->name;
	r.tarih = now;
	r.original = *s->original;
	for (i = 0; i < s->nrcpt; i++) {
		const int *st = stages_for(conf->mailbox, s->rcpt[i]);

		r.recipient = s->rcpt[i];
		for (step = 0; st[step] != 0; step++) {
			char *id = NULL;

			if (st[step] == 40 && account_exists(conf->mailbox, s->rcpt[i]) &&
			    deliver(conf, a, folder, sira, s->rcpt[i], s, &env, kep_id, now, log, err) < 0)
				goto out;
			if (step > 0 && conf->evidence_delay_ms > 0) {
				struct pending *p = xcalloc(1, sizeof(*p));

				p->account = xstrdup(a->name);
				p->folder = xstrdup(folder);
				p->rcpt = xstrdup(s->rcpt[i]);
				p->sira = sira;
				p->code = st[step];
				p->due_ms = now_ms() + (int64_t)conf->evidence_delay_ms * step;
				*pending_tail = p;
				pending_tail = &p->next;
				continue;
			}
			if (evidence_write(&g, a->name, folder, (int)sira, &r, hier, st[step], F_NONE, 0,
					   now + step, &id, err) < 0)
				goto out;
			free(id);
		}
	}
	json_object_set_new(log, "kepId", json_string(kep_id));
	json_object_set_new(log, "kepSiraNo", json_integer(sira));
	*kep_id_out = kep_id;
	*sirano_out = sira;
	kep_id = NULL;
	rc = 0;
out:
	pthread_mutex_unlock(&lock);
	if (rc < 0)
		log_error("submission by %s: %s", a->name, err->msg);
	json_decref(meta);
	free(fdir);
	free(kep_id);
	kbuf_free(&env);
	kbuf_free(&to);
	return rc;
}

/* Call with lock held. */
static int write_pending(const struct kepsim_conf *conf, const struct pending *p, struct kerr *err)
{
	struct account *a = NULL;
	struct pkg_result r;
	char *dir, *id = NULL;
	int rc;

	memset(&r, 0, sizeof(r));
	if (account_load(conf->mailbox, p->account, &a, err) < 0)
		return -1;
	dir = xasprintf("%s/%s/%lld", a->dir, p->folder, p->sira);
	rc = package_load(dir, &r, err);
	if (rc == 0) {
		r.recipient = xstrdup(p->rcpt);
		rc = evidence_write(&g, a->name, p->folder, (int)p->sira, &r, chain_of(a), p->code,
				    F_NONE, 0, (time_t)(p->due_ms / 1000), &id, err);
	}
	free(id);
	free(dir);
	pkg_result_free(&r);
	account_free(&a);
	return rc;
}

void submit_tick(const struct kepsim_conf *conf)
{
	int64_t now = now_ms();
	struct kerr err;

	struct pending **pp, *p;

	pthread_mutex_lock(&lock);
	for (pp = &pending_head; (p = *pp) != NULL;) {
		if (p->due_ms > now) {
			pp = &p->next;
			continue;
		}
		*pp = p->next;
		if (write_pending(conf, p, &err) < 0)
			log_error("evidence %d of %s/%s/%lld: %s", p->code, p->account, p->folder,
				  p->sira, err.msg);
		pending_free(p);
	}
	pending_tail = pp;
	pthread_mutex_unlock(&lock);
}

int submit_read_receipt(const struct kepsim_conf *conf, const struct account *a,
			const struct pkg *p, json_t *log, struct kerr *err)
{
	char *link = xasprintf("%s/sender.json", p->dir), *pdir = NULL, *id = NULL;
	json_t *back = json_load_file(link, 0, NULL);
	const char *from, *folder;
	json_int_t sira;
	struct account *s = NULL;
	struct pkg_result r;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	if (back == NULL)
		goto out; /* not delivered by kepsim: nobody to tell */
	if (json_unpack(back, "{s:s, s:s, s:I}", "account", &from, "folder", &folder,
			"kepSiraNo", &sira) < 0 || !safe_component(folder)) {
		rc = kerr_set(err, KERR_MALFORMED, "%s: bad link", link);
		goto out;
	}
	pthread_mutex_lock(&lock);
	if ((rc = load_signers(conf, err)) == 0 &&
	    (rc = account_load(conf->mailbox, from, &s, err)) == 0) {
		pdir = xasprintf("%s/%s/%lld", s->dir, folder, (long long)sira);
		rc = package_load(pdir, &r, err);
	}
	if (rc == 0) {
		r.recipient = xstrdup(a->name);
		rc = evidence_write(&g, s->name, folder, (int)sira, &r, chain_of(s), 60, F_NONE, 0,
				    time(NULL), &id, err);
	}
	pthread_mutex_unlock(&lock);
	if (rc == 0) {
		json_object_set_new(log, "okundu", json_string(id));
		log_info("%s read by %s: evidence 60 %s for %s", r.kep_id, a->name, id, s->name);
	}
out:
	pkg_result_free(&r);
	account_free(&s);
	json_decref(back);
	free(link);
	free(pdir);
	free(id);
	return rc;
}
