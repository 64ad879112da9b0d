/* mailbox_state.c: see mailbox_state.h. */
#include "mailbox_state.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "jsonl.h"

/* Makes check-then-append atomic between concurrent requests. */
static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;

struct match {
	const char *account, *folder;
	long long sirano;
};

static int same(json_t *line, void *arg)
{
	const struct match *m = arg;
	const char *acc = json_string_value(json_object_get(line, "account"));
	const char *dir = json_string_value(json_object_get(line, "dizin"));
	json_t *n = json_object_get(line, "kepSiraNo");

	return acc != NULL && dir != NULL && json_is_integer(n) && strcmp(acc, m->account) == 0 &&
	       strcmp(dir, m->folder) == 0 && json_integer_value(n) == m->sirano;
}

static char *state_path(const char *mailbox, enum state_kind kind)
{
	return xasprintf("%s/state/%s.jsonl", mailbox, kind == STATE_ACK ? "acks" : "deleted");
}

int state_has(const char *mailbox, enum state_kind kind, const char *account,
	      const char *folder, long long sirano)
{
	struct match m = { account, folder, sirano };
	char *path = state_path(mailbox, kind);
	int rc = jsonl_each(path, same, &m);

	free(path);
	return rc;
}

int state_record(const char *mailbox, enum state_kind kind, const char *account,
		 const struct pkg *p, int *dup, struct kerr *err)
{
	char now[20], *dir, *path;
	json_t *line;
	int rc = 0;

	dir = xasprintf("%s/state", mailbox);
	(void)mkdir(dir, 0755);
	free(dir);
	pthread_mutex_lock(&state_lock);
	*dup = state_has(mailbox, kind, account, p->folder, p->sirano);
	if (!*dup) {
		jsonl_now(now);
		path = state_path(mailbox, kind);
		line = json_pack("{s:s, s:s, s:s, s:O?, s:I}", "time", now, "account", account,
				 "dizin", p->folder, "kepId", json_object_get(p->meta, "kepId"),
				 "kepSiraNo", (json_int_t)p->sirano);
		rc = jsonl_append(path, line, err);
		json_decref(line);
		free(path);
	}
	pthread_mutex_unlock(&state_lock);
	return rc;
}
