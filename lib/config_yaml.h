/* config_yaml.h: strict, position-aware reading of a small YAML file
 * (libyaml's document API) for the configuration, the drivers' account keys
 * (provider.h) and secrets files.
 *
 * Every problem becomes one line "FILE:LINE:COLUMN: message (expected ...)"
 * (1-based), and reading goes on, so one pass reports every error;
 * cy_errors() counts them and cy_close() appends them, in file order, to the
 * caller's report. With
 * `sensitive` set (secrets files) no message ever quotes file content.
 * Aliases are refused (a node may be visited once), which also rules out
 * alias bombs. Not thread-safe per struct cy_doc; independent docs are fine. */
#ifndef KEP_CONFIG_YAML_H
#define KEP_CONFIG_YAML_H

#include <stddef.h>
#include <yaml.h>

#include "util.h"

struct cy_msg;

struct cy_doc {
	yaml_document_t doc;
	int loaded;
	const char *file;        /* shown in messages; not owned */
	int sensitive;
	unsigned char *visited;  /* one byte per node */
	struct kbuf *report;     /* not owned */
	struct cy_msg *msgs;     /* pending messages, sorted into report by cy_close() */
	unsigned n_errors;
};

/* Parses data (len bytes; need not be NUL-terminated) as one YAML document.
 * Returns the root node, or NULL after reporting a syntax error or an empty
 * file. Always call cy_close() afterwards; for a sensitive doc it wipes
 * every scalar first (the parser's input buffers are wiped in cy_open()). */
yaml_node_t *cy_open(struct cy_doc *d, const char *file, const unsigned char *data,
		     size_t len, int sensitive, struct kbuf *report);
void cy_close(struct cy_doc *d);
unsigned cy_errors(const struct cy_doc *d);

/* Reports a problem at node n (the document start when n is NULL). */
void cy_error(struct cy_doc *d, const yaml_node_t *n, const char *expected,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

struct cy_key {
	const char *name;
	int required;
	const char *expected; /* what the value should be, for "missing" messages */
};

/* Checks that n is a mapping whose keys are known, each given once, and
 * that required keys are there; vals[i] gets keys[i]'s value node or NULL.
 * what names the mapping in messages ("account 'x'", "api").
 * Returns 0, or -1 when n is not a mapping (other problems are reported and
 * the known keys still filled). */
int cy_mapping(struct cy_doc *d, yaml_node_t *n, const char *what, const struct cy_key *keys,
	       size_t nkeys, yaml_node_t **vals);

/* Typed values. Each returns 0 and sets *out, or reports and returns -1
 * (leaving *out as it was). key names the value in messages. */
int cy_string(struct cy_doc *d, yaml_node_t *n, const char *key, char **out);
int cy_int(struct cy_doc *d, yaml_node_t *n, const char *key, long min, long max, long *out);
int cy_bool(struct cy_doc *d, yaml_node_t *n, const char *key, int *out);
/* names is NULL-terminated; *out gets the index. */
int cy_enum(struct cy_doc *d, yaml_node_t *n, const char *key, const char *const *names,
	    int *out);
/* An integer of seconds, or with a suffix s, m or h ("90s", "5m", "1h"). */
int cy_duration(struct cy_doc *d, yaml_node_t *n, const char *key, long min, long max,
		long *out);
/* Bytes, or with a suffix K, M or G (powers of 1024). */
int cy_size(struct cy_doc *d, yaml_node_t *n, const char *key, size_t min, size_t max,
	    size_t *out);
/* A path: a relative one resolves against dir (the configuration file's
 * directory), because the daemon does not run where the file was edited.
 * Replaces (and frees) *out. */
int cy_path(struct cy_doc *d, yaml_node_t *n, const char *key, const char *dir, char **out);
/* A pkcs11: block, as the driver's login card and the outbox's signer are
 * both written: module (required; a path relative to dir, or a bare name
 * for dlopen()'s search path), token and key (required), pin_file (a path).
 * what names the block in messages. Sets what is present; -1 when n is not
 * such a mapping. */
int cy_pkcs11(struct cy_doc *d, yaml_node_t *n, const char *what, const char *dir,
	      char **module, char **token, char **key, char **pin_file);
/* A sequence of strings, or a single string. Appends to *list / *count. */
int cy_string_list(struct cy_doc *d, yaml_node_t *n, const char *key, char ***list,
		   size_t *count);

/* A sequence: *count is its number of items (item i is cy_item(d, n, i));
 * -1 after a message (expected, "wrong type for 'key'") when n is not one. */
int cy_sequence(struct cy_doc *d, const yaml_node_t *n, const char *key, const char *expected,
		size_t *count);
yaml_node_t *cy_item(struct cy_doc *d, const yaml_node_t *n, size_t i);

/* The scalar's text, or NULL when n is not a scalar. Points into the doc. */
const char *cy_scalar(const yaml_node_t *n);
/* 1-based line of n's start. */
unsigned long cy_line(const yaml_node_t *n);

#endif
