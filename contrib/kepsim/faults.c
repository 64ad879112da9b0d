/* faults.c: see faults.h. */
#include "faults.h"

#include <jansson.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"
#include "log.h"
#include "util.h"

static const char *const names[FAULT__COUNT] = {
	[FAULT_NONE] = "none",
	[FAULT_HTTP500] = "http500",
	[FAULT_HTTP503] = "http503",
	[FAULT_HTTP429] = "http429",
	[FAULT_SLOW] = "slow",
	[FAULT_DROP] = "drop",
	[FAULT_TRUNCATED_MTOM] = "truncated-mtom",
	[FAULT_SOAP_FAULT] = "soap-fault",
	[FAULT_DURUM1_TRANSIENT] = "durum1-transient",
	[FAULT_DURUM1_UNAVAILABLE] = "durum1-unavailable",
	[FAULT_DUPLICATE] = "duplicate-list-entries",
	[FAULT_REORDER] = "reordered-list-entries",
	[FAULT_UNKNOWN_EVIDENCE] = "unknown-package-evidence",
	[FAULT_PERFORMED_HTTP500] = "performed-http500",
	[FAULT_PERFORMED_NO_ANSWER] = "performed-no-answer",
	[FAULT_PERFORMED_NO_KEPID] = "performed-no-kepid",
};

static int enabled[FAULT__COUNT];
static double fault_rate;
static uint64_t fault_seed;
static const char *fault_log;
static int mtom_off;
static char *only_ops;            /* ",Op1,Op2," or NULL */
static unsigned long max_faults;
static atomic_ulong injected;

const char *fault_name(enum fault f)
{
	return (unsigned)f < FAULT__COUNT ? names[f] : "?";
}

const char *fault_durum1_text(enum fault f)
{
	switch (f) {
	case FAULT_DURUM1_TRANSIENT: return "Sistem meşgul, lütfen daha sonra tekrar deneyiniz";
	/* What PTT answers (at Giris too) while the service is down. */
	case FAULT_DURUM1_UNAVAILABLE: return "Sistem geçici olarak hizmet verememektedir";
	default: return NULL;
	}
}

int faults_init(const char *list, double rate, uint64_t seed, const char *log_path,
		int inline_base64, struct kerr *err)
{
	char *copy, *tok, *save = NULL;
	int f, rc = 0;

	memset(enabled, 0, sizeof(enabled));
	fault_rate = rate;
	fault_seed = seed;
	fault_log = log_path;
	mtom_off = inline_base64;
	if (rate < 0 || rate > 1)
		return kerr_set(err, KERR_USAGE, "--fault-rate must be between 0 and 1");
	if (list == NULL || *list == '\0')
		return 0;
	copy = xstrdup(list);
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "all") == 0) {
			for (f = 1; f < FAULT__COUNT; f++)
				enabled[f] = 1;
			continue;
		}
		for (f = 1; f < FAULT__COUNT; f++)
			if (strcmp(tok, names[f]) == 0)
				break;
		if (f == FAULT__COUNT) {
			rc = kerr_set(err, KERR_USAGE, "unknown fault '%s'", tok);
			break;
		}
		enabled[f] = 1;
	}
	free(copy);
	return rc;
}

int faults_restrict(const char *ops, unsigned long limit, struct kerr *err)
{
	free(only_ops);
	only_ops = NULL;
	max_faults = limit;
	if (ops != NULL) {
		if (*ops == '\0' || strpbrk(ops, " \t") != NULL)
			return kerr_set(err, KERR_USAGE, "--fault-ops: a comma list of operations");
		only_ops = xasprintf(",%s,", ops);
	}
	return 0;
}

/* splitmix64: tiny, well mixed, and identical on every platform. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

uint64_t faults_random(uint64_t seq, uint64_t salt)
{
	return mix(mix(fault_seed ^ mix(seq)) ^ salt);
}

static int eligible(enum fault f, const char *op)
{
	int list = strcmp(op, "PaketSorgula") == 0 || strcmp(op, "PaketDelilSorgula") == 0;
	int send = strcmp(op, "Yukle") == 0 || strcmp(op, "MimeYap") == 0 ||
		   strcmp(op, "SmimeGonder") == 0;

	switch (f) {
	case FAULT_PERFORMED_HTTP500:
	case FAULT_PERFORMED_NO_ANSWER:
		return send;
	case FAULT_PERFORMED_NO_KEPID:
		return strcmp(op, "Yukle") == 0 || strcmp(op, "SmimeGonder") == 0;
	case FAULT_TRUNCATED_MTOM:
		return !mtom_off && (strcmp(op, "Indir") == 0 || strcmp(op, "PaketDelilIndir") == 0);
	case FAULT_DUPLICATE:
	case FAULT_REORDER:
		return list;
	case FAULT_UNKNOWN_EVIDENCE:
		return strcmp(op, "PaketDelilSorgula") == 0;
	default:
		return 1;
	}
}

enum fault faults_decide(uint64_t seq, const char *op)
{
	enum fault cand[FAULT__COUNT];
	size_t n = 0;
	double u;
	enum fault f;
	json_t *j;
	int i;

	if (op == NULL)
		return FAULT_NONE;
	if (only_ops != NULL) {
		char *want = xasprintf(",%s,", op);
		int listed = strstr(only_ops, want) != NULL;

		free(want);
		if (!listed)
			return FAULT_NONE;
	}
	for (i = 1; i < FAULT__COUNT; i++)
		if (enabled[i] && eligible((enum fault)i, op))
			cand[n++] = (enum fault)i;
	if (n == 0)
		return FAULT_NONE;
	u = (double)(faults_random(seq, 1) >> 11) / 9007199254740992.0;
	if (u >= fault_rate)
		return FAULT_NONE;
	if (max_faults > 0 && atomic_fetch_add(&injected, 1) >= max_faults)
		return FAULT_NONE;
	f = cand[faults_random(seq, 2) % n];
	log_info("request %llu (%s): injecting fault %s", (unsigned long long)seq, op, names[f]);
	j = json_pack("{s:I, s:s, s:s}", "seq", (json_int_t)seq, "op", op, "fault", names[f]);
	if (jsonl_append(fault_log, j, NULL) < 0)
		log_warn("cannot write the fault log");
	json_decref(j);
	return f;
}
