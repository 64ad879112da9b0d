/* null_driver.c: see null_driver.h. */
#include "null_driver.h"

#include <stdlib.h>
#include <string.h>

#include "fdio.h"
#include "util.h"

struct null_item {
	char *folder, *kep_id, *id;  /* id: evidence only */
	int64_t seq;
	char *seq_text;              /* listed instead of a number, or NULL */
	int code;
	time_t date;
	struct kbuf data;
	int deleted;
};

struct null_fault {
	char *op;
	unsigned skip, times;
	enum kerr_class cls;
};

struct kep_account_conf {
	struct null_mailbox *mb;
};

struct null_mailbox {
	struct null_item *pkgs, *evs;
	size_t n_pkgs, n_evs;
	struct null_fault *faults;
	size_t n_faults;
	int duplicate, reverse;
	struct kbuf journal;
	struct kep_account_conf conf;
};

struct kep_session {
	struct null_mailbox *mb;
};

struct null_mailbox *null_mailbox_new(void)
{
	struct null_mailbox *mb = xcalloc(1, sizeof(*mb));

	mb->conf.mb = mb;
	kbuf_cstr(&mb->journal);
	return mb;
}

static void item_free(struct null_item *it)
{
	free(it->folder);
	free(it->kep_id);
	free(it->seq_text);
	free(it->id);
	kbuf_free(&it->data);
}

void null_mailbox_free(struct null_mailbox **mbp)
{
	struct null_mailbox *mb = *mbp;
	size_t i;

	if (mb == NULL)
		return;
	for (i = 0; i < mb->n_pkgs; i++)
		item_free(&mb->pkgs[i]);
	for (i = 0; i < mb->n_evs; i++)
		item_free(&mb->evs[i]);
	for (i = 0; i < mb->n_faults; i++)
		free(mb->faults[i].op);
	free(mb->pkgs);
	free(mb->evs);
	free(mb->faults);
	kbuf_free(&mb->journal);
	free(mb);
	*mbp = NULL;
}

static struct null_item *add(struct null_item **list, size_t *n, const void *data, size_t len)
{
	struct null_item *it;

	*list = xrealloc(*list, (*n + 1) * sizeof(**list));
	it = &(*list)[(*n)++];
	memset(it, 0, sizeof(*it));
	kbuf_append(&it->data, data, len);
	return it;
}

void null_mailbox_add_package(struct null_mailbox *mb, const char *folder, const char *kep_id,
			      int64_t seq, time_t date, const void *data, size_t len)
{
	struct null_item *it = add(&mb->pkgs, &mb->n_pkgs, data, len);

	it->folder = xstrdup(folder);
	it->kep_id = xstrdup(kep_id);
	it->seq = seq;
	it->date = date;
}

void null_mailbox_seq_text(struct null_mailbox *mb, const char *kep_id, const char *text)
{
	for (size_t i = 0; i < mb->n_pkgs; i++)
		if (strcmp(mb->pkgs[i].kep_id, kep_id) == 0) {
			free(mb->pkgs[i].seq_text);
			mb->pkgs[i].seq_text = xstrdup(text);
		}
}

void null_mailbox_add_evidence(struct null_mailbox *mb, const char *kep_id, const char *id,
			       int code, const void *data, size_t len)
{
	struct null_item *it = add(&mb->evs, &mb->n_evs, data, len);

	it->kep_id = xstrdup(kep_id);
	it->id = xstrdup(id);
	it->code = code;
}

void null_mailbox_fault(struct null_mailbox *mb, const char *op, unsigned skip, unsigned times,
			enum kerr_class cls)
{
	mb->faults = xrealloc(mb->faults, (mb->n_faults + 1) * sizeof(*mb->faults));
	mb->faults[mb->n_faults++] = (struct null_fault){ xstrdup(op), skip, times, cls };
}

void null_mailbox_quirks(struct null_mailbox *mb, int duplicate, int reverse)
{
	mb->duplicate = duplicate;
	mb->reverse = reverse;
}

const char *null_mailbox_journal(struct null_mailbox *mb)
{
	return kbuf_cstr(&mb->journal);
}

unsigned null_mailbox_count(struct null_mailbox *mb, const char *line)
{
	const char *s = kbuf_cstr(&mb->journal), *nl;
	size_t len = strlen(line);
	unsigned n = 0;

	for (; *s != '\0'; s = nl + 1) {
		nl = strchr(s, '\n');
		if ((size_t)(nl - s) == len && memcmp(s, line, len) == 0)
			n++;
	}
	return n;
}

void null_mailbox_journal_clear(struct null_mailbox *mb)
{
	mb->journal.len = 0;
	kbuf_cstr(&mb->journal);
}

struct kep_account_conf *null_mailbox_conf(struct null_mailbox *mb)
{
	return &mb->conf;
}

/* Journals the call; -1 with err set when a scripted fault hits it. */
static int enter(struct kep_session *s, const char *op, const char *arg, struct kerr *err)
{
	size_t i;

	kbuf_printf(&s->mb->journal, "%s%s%s\n", op, arg ? " " : "", arg ? arg : "");
	for (i = 0; i < s->mb->n_faults; i++) {
		struct null_fault *f = &s->mb->faults[i];

		if (strcmp(f->op, op) != 0)
			continue;
		if (f->skip > 0) {
			f->skip--;
			continue;
		}
		if (f->times > 0) {
			f->times--;
			return kerr_set(err, f->cls, "%s: scripted %s fault", op,
					kerr_class_name(f->cls));
		}
	}
	return 0;
}

static struct null_item *find_pkg(struct null_mailbox *mb, const struct kep_pkg_ref *ref)
{
	size_t i;

	for (i = 0; i < mb->n_pkgs; i++) {
		struct null_item *it = &mb->pkgs[i];

		if (it->deleted || (ref->folder && strcmp(it->folder, ref->folder) != 0))
			continue;
		if (ref->kep_id ? strcmp(it->kep_id, ref->kep_id) == 0 : it->seq == ref->seq)
			return it;
	}
	return NULL;
}

static struct kep_session *null_open(const struct kep_provider_opts *o, struct kerr *err)
{
	struct kep_session *s;

	if (o->conf == NULL || o->conf->mb == NULL) {
		kerr_set(err, KERR_CONFIG, "the null driver needs a mailbox (null_mailbox_conf)");
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->mb = o->conf->mb;
	return s;
}

static void null_close(struct kep_session **s)
{
	free(*s);
	*s = NULL;
}

static int null_login(struct kep_session *s, struct kerr *err)
{
	return enter(s, "login", NULL, err);
}

static int null_list_folders(struct kep_session *s, struct kep_folder_list *out,
			     struct kerr *err)
{
	memset(out, 0, sizeof(*out));
	if (enter(s, "list_folders", NULL, err) < 0)
		return -1;
	out->names = xcalloc(2, sizeof(*out->names));
	out->names[out->n++] = xstrdup("INBOX");
	out->names[out->n++] = xstrdup("OUTBOX");
	return 0;
}

static void row_of(const struct null_item *it, struct kep_package_info *pi)
{
	pi->kep_id = xstrdup(it->kep_id);
	pi->seq = it->seq_text != NULL ? -1 : it->seq;
	pi->seq_text = it->seq_text != NULL ? xstrdup(it->seq_text) : NULL;
	pi->subject = xasprintf("package %s", it->kep_id);
}

static int null_list_packages(struct kep_session *s, const char *folder,
			      const struct kep_window *w, struct kep_package_list *out,
			      struct kerr *err)
{
	struct null_mailbox *mb = s->mb;
	size_t i, k, copies = mb->duplicate ? 2 : 1;

	memset(out, 0, sizeof(*out));
	if (enter(s, "list_packages", folder, err) < 0)
		return -1;
	out->items = xcalloc(mb->n_pkgs * copies + 1, sizeof(*out->items));
	for (k = 0; k < copies; k++)
		for (i = 0; i < mb->n_pkgs; i++) {
			const struct null_item *it = &mb->pkgs[mb->reverse ? mb->n_pkgs - 1 - i : i];

			if (!it->deleted && strcmp(it->folder, folder ? folder : "INBOX") == 0 &&
			    it->date >= w->start && it->date <= w->end)
				row_of(it, &out->items[out->n++]);
		}
	return 0;
}

static int null_download_package(struct kep_session *s, const struct kep_pkg_ref *ref,
				 enum kep_part part, const struct kep_sink *sink,
				 unsigned *nparts, struct kerr *err)
{
	struct null_item *it;
	int fd;

	(void)part;
	if (nparts)
		*nparts = 0;
	if (enter(s, "download_package", ref->kep_id, err) < 0)
		return -1;
	it = find_pkg(s->mb, ref);
	if (it == NULL)
		return kerr_set(err, KERR_PACKAGE, "no package %s", ref->kep_id);
	fd = sink->part_fd(sink->arg, 0, err);
	if (fd < 0 || fd_write_all(fd, it->data.data, it->data.len, err) < 0)
		return -1;
	if (nparts)
		*nparts = 1;
	return 0;
}

static int null_list_evidence(struct kep_session *s, const struct kep_pkg_ref *ref,
			      struct kep_evidence_list *out, struct kerr *err)
{
	struct null_mailbox *mb = s->mb;
	size_t i, k, copies = mb->duplicate ? 2 : 1;

	memset(out, 0, sizeof(*out));
	if (enter(s, "list_evidence", ref->kep_id, err) < 0)
		return -1;
	out->items = xcalloc(mb->n_evs * copies + 1, sizeof(*out->items));
	for (k = 0; k < copies; k++)
		for (i = 0; i < mb->n_evs; i++) {
			const struct null_item *it = &mb->evs[mb->reverse ? mb->n_evs - 1 - i : i];
			struct kep_evidence_info *e;

			if (ref->kep_id == NULL || strcmp(it->kep_id, ref->kep_id) != 0)
				continue;
			e = &out->items[out->n++];
			e->id = xstrdup(it->id);
			e->code = it->code;
		}
	return 0;
}

static int null_download_evidence(struct kep_session *s, const char *id, int fd,
				  struct kerr *err)
{
	size_t i;

	if (enter(s, "download_evidence", id, err) < 0)
		return -1;
	for (i = 0; i < s->mb->n_evs; i++)
		if (strcmp(s->mb->evs[i].id, id) == 0)
			return fd_write_all(fd, s->mb->evs[i].data.data, s->mb->evs[i].data.len, err);
	return kerr_set(err, KERR_PACKAGE, "no evidence %s", id);
}

static int null_acknowledge(struct kep_session *s, const struct kep_pkg_ref *ref,
			    struct kerr *err)
{
	if (enter(s, "acknowledge", ref->kep_id, err) < 0)
		return -1;
	return find_pkg(s->mb, ref) ? 0 : kerr_set(err, KERR_PACKAGE, "no package %s", ref->kep_id);
}

static int null_delete(struct kep_session *s, const struct kep_pkg_ref *ref, struct kerr *err)
{
	struct null_item *it;

	if (enter(s, "delete_package", ref->kep_id, err) < 0)
		return -1;
	it = find_pkg(s->mb, ref);
	if (it == NULL)
		return kerr_set(err, KERR_PACKAGE, "no package %s", ref->kep_id);
	it->deleted = 1;
	return 0;
}

static struct kep_account_conf *null_conf_parse(struct cy_doc *d, yaml_node_t *account,
						const char *what, yaml_node_t *const *v,
						const char *dir)
{
	(void)account, (void)what, (void)v, (void)dir;
	cy_error(d, account, "a provider of kepagent.yaml", "the null driver serves tests only");
	return xcalloc(1, sizeof(struct kep_account_conf));
}

static void null_conf_free(struct kep_account_conf **c)
{
	/* One made by null_mailbox_conf() belongs to its mailbox. */
	if (*c != NULL && (*c)->mb == NULL)
		free(*c);
	*c = NULL;
}

static void null_conf_login(const struct kep_account_conf *c, struct kep_login_info *out)
{
	(void)c;
	out->mode = "none";
	out->personal = 0;
	out->needs_officer = 0;
	out->endpoint = NULL;
}

static void null_conf_check(const struct kep_account_conf *c, int deep,
			    const struct kep_check_sink *sink)
{
	(void)deep;
	sink->finding(sink->arg, c->mb ? KEP_CHECK_OK : KEP_CHECK_FAIL, "null",
		      c->mb ? "an in-memory mailbox" : "no mailbox");
}

const struct kep_driver kep_driver_null = {
	.name = "null",
	.domain = "null.invalid",
	.conf_parse = null_conf_parse,
	.conf_free = null_conf_free,
	.conf_login = null_conf_login,
	.conf_check = null_conf_check,
	.open = null_open,
	.close = null_close,
	.login = null_login,
	.list_folders = null_list_folders,
	.list_packages = null_list_packages,
	.download_package = null_download_package,
	.list_evidence = null_list_evidence,
	.download_evidence = null_download_evidence,
	.acknowledge = null_acknowledge,
	.delete_package = null_delete,
};
