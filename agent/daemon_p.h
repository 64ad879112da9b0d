/* daemon_p.h: the daemon's private state, shared by daemon.c (life cycle,
 * scheduling) and daemon_metrics.c. Not for other modules: they use
 * daemon.h. All fields below `mu` are protected by it. */
#ifndef KEP_DAEMON_P_H
#define KEP_DAEMON_P_H

#include <pthread.h>
#include <stdint.h>

#include "daemon.h"


#define DAEMON_MAX_OPS 16

struct op_metric {
	char name[32];
	unsigned long ok, failed;
	double seconds_sum;
	unsigned long bucket[8]; /* cumulative-by-render latency buckets, see metrics */
};

struct sched {
	struct daemon *d;
	pthread_t thread;
	int started;
	int trigger;              /* refresh requested by the API */
	int removed;              /* dropped by a reload: the thread ends */
	struct account_status st;
	/* daemon_refresh_state(): touched only by the scheduler's thread. */
	void *state;
	daemon_state_free_fn *state_free;
	unsigned long state_gen;  /* the configuration it was made under */
};

struct cfg_ref {
	struct config *cfg;
	int refs;
	unsigned long gen;        /* 1, 2, ...: one per configuration loaded */
};

struct daemon {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stopping;
	volatile sig_atomic_t stop_flag;
	daemon_sync_fn *sync;
	pthread_key_t store_key;

	struct cfg_ref *cfgs;      /* snapshots still referenced; the last is current */
	size_t n_cfgs;
	unsigned long last_gen;

	struct sched **scheds;
	size_t n_scheds;

	pthread_t housekeeper;    /* daily retention run */
	int housekeeper_started;

	struct op_metric ops[DAEMON_MAX_OPS];
	size_t n_ops;
	int64_t started_ms;
	unsigned int seed;
};


/* Records one provider request for /metrics. */
void daemon_metrics_request(struct daemon *d, const char *op, double seconds, int ok);

#endif
