/* config_yaml.c: see config_yaml.h. */
#include "config_yaml.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long mark_line(const yaml_mark_t *m)
{
	return (unsigned long)m->line + 1;
}

static unsigned long mark_col(const yaml_mark_t *m)
{
	return (unsigned long)m->column + 1;
}

/* Messages are kept until cy_close() so they come out in file order, not in
 * the order the checks ran. */
struct cy_msg {
	unsigned long line, col;
	unsigned seq;
	char *text;
};

static void report_at(struct cy_doc *d, unsigned long line, unsigned long col,
		      const char *expected, const char *msg)
{
	struct cy_msg *m;

	d->msgs = xrealloc(d->msgs, (d->n_errors + 1) * sizeof(*d->msgs));
	m = &d->msgs[d->n_errors];
	m->line = line;
	m->col = col;
	m->seq = d->n_errors++;
	if (expected != NULL)
		m->text = xasprintf("%s:%lu:%lu: %s (expected %s)\n", d->file, line, col, msg,
				    expected);
	else
		m->text = xasprintf("%s:%lu:%lu: %s\n", d->file, line, col, msg);
}

static int msg_cmp(const void *a, const void *b)
{
	const struct cy_msg *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void flush_messages(struct cy_doc *d)
{
	unsigned i;

	if (d->n_errors > 0)
		qsort(d->msgs, d->n_errors, sizeof(*d->msgs), msg_cmp);
	for (i = 0; i < d->n_errors; i++) {
		kbuf_append_str(d->report, d->msgs[i].text);
		free(d->msgs[i].text);
	}
	free(d->msgs);
	d->msgs = NULL;
}

void cy_error(struct cy_doc *d, const yaml_node_t *n, const char *expected, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n == NULL)
		report_at(d, 1, 1, expected, msg);
	else
		report_at(d, mark_line(&n->start_mark), mark_col(&n->start_mark), expected, msg);
}

unsigned cy_errors(const struct cy_doc *d)
{
	return d->n_errors;
}

unsigned long cy_line(const yaml_node_t *n)
{
	return mark_line(&n->start_mark);
}

int cy_sequence(struct cy_doc *d, const yaml_node_t *n, const char *key, const char *expected,
		size_t *count)
{
	if (n->type != YAML_SEQUENCE_NODE) {
		cy_error(d, n, expected, "wrong type for '%s'", key);
		return -1;
	}
	*count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	return 0;
}

yaml_node_t *cy_item(struct cy_doc *d, const yaml_node_t *n, size_t i)
{
	return yaml_document_get_node(&d->doc, n->data.sequence.items.start[i]);
}

const char *cy_scalar(const yaml_node_t *n)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)n->data.scalar.value;
}

static void report_parser(struct cy_doc *d, const yaml_parser_t *p)
{
	char msg[512];

	if (p->context != NULL)
		snprintf(msg, sizeof(msg), "YAML syntax error: %s (%s at line %lu, column %lu)",
			 p->problem ? p->problem : "unknown problem", p->context,
			 mark_line(&p->context_mark), mark_col(&p->context_mark));
	else
		snprintf(msg, sizeof(msg), "YAML syntax error: %s",
			 p->problem ? p->problem : "unknown problem");
	report_at(d, mark_line(&p->problem_mark), mark_col(&p->problem_mark), NULL, msg);
}

/* For a secrets file, wipes the parser's copies of the input before freeing
 * them (the scanner's short-lived scalar buffers are beyond reach). */
static void parser_done(struct cy_doc *d, yaml_parser_t *p)
{
	if (d->sensitive) {
		if (p->buffer.start != NULL)
			secure_wipe(p->buffer.start, (size_t)(p->buffer.end - p->buffer.start));
		if (p->raw_buffer.start != NULL)
			secure_wipe(p->raw_buffer.start,
				    (size_t)(p->raw_buffer.end - p->raw_buffer.start));
	}
	yaml_parser_delete(p);
}

yaml_node_t *cy_open(struct cy_doc *d, const char *file, const unsigned char *data, size_t len,
		     int sensitive, struct kbuf *report)
{
	yaml_parser_t parser;
	yaml_document_t extra;
	yaml_node_t *root, *next;

	memset(d, 0, sizeof(*d));
	d->file = file;
	d->sensitive = sensitive;
	d->report = report;
	if (!yaml_parser_initialize(&parser))
		abort(); /* only fails when out of memory */
	/* libyaml asserts on a NULL input, which an empty file gives. */
	yaml_parser_set_input_string(&parser, data ? data : (const unsigned char *)"", len);
	if (!yaml_parser_load(&parser, &d->doc)) {
		report_parser(d, &parser);
		parser_done(d, &parser);
		return NULL;
	}
	d->loaded = 1;
	root = yaml_document_get_root_node(&d->doc);
	if (root == NULL) {
		cy_error(d, NULL, "a mapping of keys", "the file is empty");
		parser_done(d, &parser);
		return NULL;
	}
	/* A second document would be silently ignored: refuse it instead. */
	if (!yaml_parser_load(&parser, &extra)) {
		report_parser(d, &parser);
		root = NULL;
	} else {
		next = yaml_document_get_root_node(&extra);
		if (next != NULL) {
			cy_error(d, next, "a single document", "a second YAML document");
			root = NULL;
		}
		yaml_document_delete(&extra);
	}
	parser_done(d, &parser);
	d->visited = xcalloc((size_t)(d->doc.nodes.top - d->doc.nodes.start) + 1, 1);
	return root;
}

void cy_close(struct cy_doc *d)
{
	yaml_node_t *n;

	if (d->loaded && d->sensitive) {
		for (n = d->doc.nodes.start; n < d->doc.nodes.top; n++) {
			if (n->type == YAML_SCALAR_NODE)
				secure_wipe(n->data.scalar.value, n->data.scalar.length);
		}
	}
	if (d->loaded)
		yaml_document_delete(&d->doc);
	d->loaded = 0;
	flush_messages(d);
	free(d->visited);
	d->visited = NULL;
}

/* Marks n visited; a node reached twice came through an alias. */
static int visit(struct cy_doc *d, yaml_node_t *n)
{
	size_t i = (size_t)(n - d->doc.nodes.start);

	if (d->visited[i]) {
		cy_error(d, n, "each value written out where it is used",
			 "this value is reused through a YAML alias; aliases are not supported");
		return -1;
	}
	d->visited[i] = 1;
	return 0;
}

static const char *type_name(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a sequence";
	default:
		return "a scalar";
	}
}

static int is_null(const yaml_node_t *n)
{
	const char *v = cy_scalar(n);

	if (v == NULL || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return !strcmp(v, "") || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
	       !strcmp(v, "NULL");
}

/* Common checks for a scalar value: visited once, a scalar, not null. */
static const char *scalar_value(struct cy_doc *d, yaml_node_t *n, const char *key,
				const char *expected)
{
	if (visit(d, n) < 0)
		return NULL;
	if (n->type != YAML_SCALAR_NODE) {
		cy_error(d, n, expected, "wrong type for '%s': %s", key, type_name(n));
		return NULL;
	}
	if (is_null(n)) {
		cy_error(d, n, expected, "'%s' has no value", key);
		return NULL;
	}
	if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length) {
		cy_error(d, n, expected, "'%s' contains a NUL character", key);
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

static void bad_value(struct cy_doc *d, yaml_node_t *n, const char *key, const char *expected)
{
	if (d->sensitive)
		cy_error(d, n, expected, "bad value for '%s'", key);
	else
		cy_error(d, n, expected, "bad value '%s' for '%s'", cy_scalar(n), key);
}

static void list_names(char *buf, size_t size, const char *prefix, const char *const *names,
		       size_t n)
{
	size_t used, i;

	snprintf(buf, size, "%s", prefix);
	for (i = 0; i < n; i++) {
		used = strlen(buf);
		snprintf(buf + used, size - used, "%s%s", i ? ", " : "", names[i]);
	}
}

int cy_mapping(struct cy_doc *d, yaml_node_t *n, const char *what, const struct cy_key *keys,
	       size_t nkeys, yaml_node_t **vals)
{
	yaml_node_pair_t *pair;
	yaml_node_t **key_nodes;
	const char **names;
	char expected[1024];
	size_t i;

	memset(vals, 0, nkeys * sizeof(*vals));
	if (visit(d, n) < 0)
		return -1;
	if (n->type != YAML_MAPPING_NODE) {
		cy_error(d, n, "a mapping of keys", "wrong type for %s: %s", what, type_name(n));
		return -1;
	}
	key_nodes = xcalloc(nkeys ? nkeys : 1, sizeof(*key_nodes));
	names = xcalloc(nkeys ? nkeys : 1, sizeof(*names));
	for (i = 0; i < nkeys; i++)
		names[i] = keys[i].name;
	list_names(expected, sizeof(expected), "one of: ", names, nkeys);
	for (pair = n->data.mapping.pairs.start; pair < n->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(&d->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(&d->doc, pair->value);
		const char *name;

		if (visit(d, k) < 0)
			continue;
		name = cy_scalar(k);
		if (name == NULL) {
			cy_error(d, k, expected, "a key in %s is %s", what, type_name(k));
			continue;
		}
		for (i = 0; i < nkeys; i++) {
			if (strcmp(name, keys[i].name) == 0)
				break;
		}
		if (i == nkeys) {
			if (d->sensitive)
				cy_error(d, k, expected, "unknown key in %s", what);
			else
				cy_error(d, k, expected, "unknown key '%s' in %s", name, what);
			continue;
		}
		if (key_nodes[i] != NULL) {
			char first[64];

			snprintf(first, sizeof(first), "each key once; the first is at line %lu",
				 cy_line(key_nodes[i]));
			cy_error(d, k, first, "duplicate key '%s' in %s", name, what);
			continue;
		}
		key_nodes[i] = k;
		vals[i] = v;
	}
	for (i = 0; i < nkeys; i++) {
		if (keys[i].required && key_nodes[i] == NULL)
			cy_error(d, n, keys[i].expected, "missing required key '%s' in %s",
				 keys[i].name, what);
	}
	free(key_nodes);
	free(names);
	return 0;
}

int cy_string(struct cy_doc *d, yaml_node_t *n, const char *key, char **out)
{
	const char *v = scalar_value(d, n, key, "a string");

	if (v == NULL)
		return -1;
	free(*out);
	*out = xstrdup(v);
	return 0;
}

int cy_path(struct cy_doc *d, yaml_node_t *n, const char *key, const char *dir, char **out)
{
	const char *v = scalar_value(d, n, key, "a string");

	if (v == NULL)
		return -1;
	free(*out);
	*out = v[0] == '/' ? xstrdup(v) : xasprintf("%s/%s", dir, v);
	return 0;
}

/* Parses optional '-' and digits only; 0 on success. */
static int parse_long(const char *s, long *out)
{
	char *end;
	long v;

	if (*s == '-' ? !(s[1] >= '0' && s[1] <= '9') : !(*s >= '0' && *s <= '9'))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s)
		return -1;
	*out = v;
	return end - s;
}

int cy_int(struct cy_doc *d, yaml_node_t *n, const char *key, long min, long max, long *out)
{
	char expected[96];
	const char *v;
	long x;
	int used;

	snprintf(expected, sizeof(expected), "an integer from %ld to %ld", min, max);
	v = scalar_value(d, n, key, expected);
	if (v == NULL)
		return -1;
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
		cy_error(d, n, expected, "wrong type for '%s': a quoted string", key);
		return -1;
	}
	used = parse_long(v, &x);
	if (used < 0 || v[used] != '\0') {
		bad_value(d, n, key, expected);
		return -1;
	}
	if (x < min || x > max) {
		cy_error(d, n, expected, "value %ld for '%s' is out of range", x, key);
		return -1;
	}
	*out = x;
	return 0;
}

int cy_bool(struct cy_doc *d, yaml_node_t *n, const char *key, int *out)
{
	static const char *const t[] = { "true", "True", "TRUE" };
	static const char *const f[] = { "false", "False", "FALSE" };
	const char *v = scalar_value(d, n, key, "true or false");
	size_t i;

	if (v == NULL)
		return -1;
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
		cy_error(d, n, "true or false", "wrong type for '%s': a quoted string", key);
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		if (strcmp(v, t[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcmp(v, f[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	bad_value(d, n, key, "true or false");
	return -1;
}

int cy_enum(struct cy_doc *d, yaml_node_t *n, const char *key, const char *const *names,
	    int *out)
{
	char expected[256];
	const char *v;
	size_t count = 0;
	int i;

	while (names[count] != NULL)
		count++;
	list_names(expected, sizeof(expected), "one of: ", names, count);
	v = scalar_value(d, n, key, expected);
	if (v == NULL)
		return -1;
	for (i = 0; names[i] != NULL; i++) {
		if (strcmp(v, names[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	bad_value(d, n, key, expected);
	return -1;
}

/* An integer with an optional one-letter unit; mult maps the unit to a factor
 * (0 for an unknown unit). */
static int scaled(struct cy_doc *d, yaml_node_t *n, const char *key, const char *expected,
		  long (*mult)(char unit), long min, long max, long *out)
{
	const char *v = scalar_value(d, n, key, expected);
	long x, m = 1;
	int used;

	if (v == NULL)
		return -1;
	used = parse_long(v, &x);
	if (used < 0 || x < 0 || (v[used] != '\0' && (v[used + 1] != '\0' ||
						       (m = mult(v[used])) == 0))) {
		bad_value(d, n, key, expected);
		return -1;
	}
	if (x > LONG_MAX / m || x * m < min || x * m > max) {
		if (d->sensitive)
			cy_error(d, n, expected, "value for '%s' is out of range", key);
		else
			cy_error(d, n, expected, "value '%s' for '%s' is out of range", v, key);
		return -1;
	}
	*out = x * m;
	return 0;
}

static long time_unit(char u)
{
	return u == 's' ? 1 : u == 'm' ? 60 : u == 'h' ? 3600 : 0;
}

static long size_unit(char u)
{
	switch (u) {
	case 'K': case 'k':
		return 1024L;
	case 'M': case 'm':
		return 1024L * 1024;
	case 'G': case 'g':
		return 1024L * 1024 * 1024;
	default:
		return 0;
	}
}

int cy_duration(struct cy_doc *d, yaml_node_t *n, const char *key, long min, long max,
		long *out)
{
	char expected[128];

	snprintf(expected, sizeof(expected),
		 "seconds from %ld to %ld, optionally with a suffix s, m or h", min, max);
	return scaled(d, n, key, expected, time_unit, min, max, out);
}

int cy_size(struct cy_doc *d, yaml_node_t *n, const char *key, size_t min, size_t max,
	    size_t *out)
{
	char expected[128];
	long v;

	snprintf(expected, sizeof(expected),
		 "bytes from %zu to %zu, optionally with a suffix K, M or G", min, max);
	if (scaled(d, n, key, expected, size_unit, (long)min, (long)max, &v) < 0)
		return -1;
	*out = (size_t)v;
	return 0;
}

int cy_string_list(struct cy_doc *d, yaml_node_t *n, const char *key, char ***list,
		   size_t *count)
{
	yaml_node_item_t *item;
	int ret = 0;

	if (n->type == YAML_MAPPING_NODE) {
		(void)visit(d, n);
		cy_error(d, n, "a string or a list of strings", "wrong type for '%s': a mapping",
			 key);
		return -1;
	}
	if (n->type != YAML_SEQUENCE_NODE) {
		char *s = NULL;

		if (cy_string(d, n, key, &s) < 0)
			return -1;
		*list = xrealloc(*list, (*count + 1) * sizeof(**list));
		(*list)[(*count)++] = s;
		return 0;
	}
	if (visit(d, n) < 0)
		return -1;
	for (item = n->data.sequence.items.start; item < n->data.sequence.items.top; item++) {
		yaml_node_t *v = yaml_document_get_node(&d->doc, *item);
		char *s = NULL;

		if (v->type == YAML_SEQUENCE_NODE) {
			cy_error(d, v, "a string", "wrong type for an item of '%s': a sequence", key);
			ret = -1;
			continue;
		}
		if (cy_string(d, v, key, &s) < 0) {
			ret = -1;
			continue;
		}
		*list = xrealloc(*list, (*count + 1) * sizeof(**list));
		(*list)[(*count)++] = s;
	}
	return ret;
}

int cy_pkcs11(struct cy_doc *d, yaml_node_t *n, const char *what, const char *dir,
	      char **module, char **token, char **key, char **pin_file)
{
	static const struct cy_key keys[] = {
		{ "module", 1, "the PKCS#11 module (e.g. /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so)" },
		{ "token", 1, "the token label" },
		{ "key", 1, "the key label or hex id" },
		{ "pin_file", 0, NULL },
	};
	yaml_node_t *v[ARRAY_SIZE(keys)];

	if (cy_mapping(d, n, what, keys, ARRAY_SIZE(keys), v) < 0)
		return -1;
	/* A bare module name is for dlopen()'s search path, not a relative path. */
	if (v[0] != NULL && cy_scalar(v[0]) != NULL && strchr(cy_scalar(v[0]), '/') != NULL)
		cy_path(d, v[0], "module", dir, module);
	else if (v[0] != NULL)
		cy_string(d, v[0], "module", module);
	if (v[1] != NULL)
		cy_string(d, v[1], "token", token);
	if (v[2] != NULL)
		cy_string(d, v[2], "key", key);
	if (v[3] != NULL)
		cy_path(d, v[3], "pin_file", dir, pin_file);
	return 0;
}
