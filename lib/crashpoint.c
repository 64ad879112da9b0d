/* crashpoint.c: see crashpoint.h. */
#include "crashpoint.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int target_n;          /* N-th call of any name; 0: by name or off */
static char target_name[64];  /* "" : off */
static int target_k = 1;      /* K-th call of target_name */
static int count, count_named;

static void load(void)
{
	const char *s = getenv("KEPAGENT_CRASHPOINT"), *colon;
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return;
	v = strtol(s, &end, 10);
	if (*end == '\0') {
		target_n = v > 0 && v < 1000000 ? (int)v : 0;
		return;
	}
	colon = strchr(s, ':');
	if (colon != NULL) {
		v = strtol(colon + 1, &end, 10);
		if (*end != '\0' || v <= 0 || v >= 1000000)
			return;
		target_k = (int)v;
	}
	if ((size_t)(colon ? colon - s : (long)strlen(s)) >= sizeof(target_name))
		return;
	memcpy(target_name, s, colon ? (size_t)(colon - s) : strlen(s));
}

int crashpoint_armed(void)
{
	pthread_once(&once, load);
	return target_n > 0 || target_name[0] != '\0';
}

void crashpoint(const char *name)
{
	int n;

	pthread_once(&once, load);
	if (target_n > 0) {
		n = __atomic_add_fetch(&count, 1, __ATOMIC_SEQ_CST);
		if (n != target_n)
			return;
		log_info("crash point %d (%s): SIGKILL", n, name);
		raise(SIGKILL);
	}
	if (target_name[0] == '\0' || strcmp(name, target_name) != 0)
		return;
	n = __atomic_add_fetch(&count_named, 1, __ATOMIC_SEQ_CST);
	if (n != target_k)
		return;
	log_info("crash point %s:%d (%s): SIGKILL", name, n, name);
	raise(SIGKILL);
}
