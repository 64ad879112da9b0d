/* package_view.c: see package_view.h. */
#include "package_view.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void pkg_view_open(const void *data, size_t len, const char *spool_dir, struct pkg_view *v)
{
	const struct mime_message *o = &v->mp.original;
	size_t i, n = 0;

	memset(v, 0, sizeof(*v));
	if (mime_package_parse(data, len, spool_dir, &v->mp, &v->perr) < 0)
		return;
	v->parsed = 1;
	if (!v->mp.has_original)
		return;
	for (i = 0; i < o->n_att; i++)
		n += o->att[i].is_eyp != 0;
	if (n == 0)
		return;
	v->eyps = xcalloc(n, sizeof(*v->eyps));
	for (i = 0; i < o->n_att; i++) {
		struct pkg_view_eyp *x;

		if (!o->att[i].is_eyp)
			continue;
		x = &v->eyps[v->n_eyps++];
		x->att = &o->att[i];
		x->ok = eyp_open(x->att->data, x->att->len, &x->e, &x->err) == 0;
	}
}

const struct pkg_view_eyp *pkg_view_first_eyp(const struct pkg_view *v)
{
	return v->n_eyps > 0 ? &v->eyps[0] : NULL;
}

void pkg_view_free(struct pkg_view *v)
{
	size_t i;

	for (i = 0; i < v->n_eyps; i++)
		if (v->eyps[i].ok)
			eyp_free(&v->eyps[i].e);
	free(v->eyps);
	if (v->parsed)
		mime_package_free(&v->mp);
	memset(v, 0, sizeof(*v));
}
