/* formats-tool: drives kep/mime, kep/evidence and kep/eyp from shell tests.
 *   formats-tool mime FILE OUTDIR       prints what was found; writes the
 *                                       signed ranges and signatures to OUTDIR
 * Output lines are "key=value" so tests can grep them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mime.h"
#include "util.h"

static int dump(const char *dir, const char *name, const void *d, size_t n)
{
	char *p = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	int ok = f && fwrite(d, 1, n, f) == n;

	if (f)
		ok = (fclose(f) == 0) && ok;
	free(p);
	return ok ? 0 : -1;
}

static void print_msg(const char *pfx, const struct mime_message *m, const char *dir)
{
	printf("%s.state=%s\n", pfx, mime_signed_state(m));
	printf("%s.subject=%s\n", pfx, m->subject ? m->subject : "");
	printf("%s.from=%s\n", pfx, m->from ? m->from : "");
	printf("%s.message_id=%s\n", pfx, m->message_id ? m->message_id : "");
	printf("%s.date=%s\n", pfx, m->date ? m->date : "");
	printf("%s.ileti_tip=%s\n", pfx, m->ileti_tip ? m->ileti_tip : "");
	printf("%s.ileti_id=%s\n", pfx, m->ileti_id ? m->ileti_id : "");
	printf("%s.lf_only=%d\n", pfx, m->lf_only);
	for (size_t i = 0; i < m->n_rem; i++)
		printf("%s.hdr.%s=%s\n", pfx, m->rem[i].name, m->rem[i].value);
	for (size_t i = 0; i < m->n_sigs; i++) {
		const struct mime_sig *s = &m->sigs[i];
		char name[64];

		printf("%s.sig%zu.kind=%s protocol=%s micalg=%s off=%zu len=%zu\n", pfx, i,
		       s->kind == MIME_SIG_OPAQUE ? "opaque" : "detached", s->protocol,
		       s->micalg ? s->micalg : "", s->content_off, s->content_len);
		snprintf(name, sizeof(name), "%s-sig%zu.der", pfx, i);
		dump(dir, name, s->sig, s->sig_len);
		if (s->kind == MIME_SIG_DETACHED) {
			snprintf(name, sizeof(name), "%s-content%zu.bin", pfx, i);
			dump(dir, name, m->data + s->content_off, s->content_len);
		}
	}
	for (size_t i = 0; i < m->n_att; i++) {
		const struct mime_attachment *a = &m->att[i];
		char name[64];

		printf("%s.att%zu=%s type=%s size=%zu eyp=%d message=%d\n", pfx, i, a->filename,
		       a->content_type, a->len, a->is_eyp, a->is_message);
		snprintf(name, sizeof(name), "%s-att%zu.bin", pfx, i);
		dump(dir, name, a->data, a->len);
	}
}

static int cmd_mime(const char *file, const char *dir)
{
	struct kbuf b = { 0 };
	struct kerr err = { 0 };
	struct mime_package p;

	if (read_file(file, 100u << 20, &b, &err) < 0 || mime_package_parse(b.data, b.len, &p, &err) < 0) {
		printf("error=%s: %s\n", kerr_class_name(err.cls), err.msg);
		kbuf_free(&b);
		return 1;
	}
	print_msg("envelope", &p.envelope, dir);
	if (p.has_original) {
		printf("original.in_package=%d off=%zu len=%zu\n", p.orig_in_package, p.orig_off,
		       p.orig_len);
		dump(dir, "original.eml", p.original.data, p.original.len);
		print_msg("original", &p.original, dir);
	}
	mime_package_free(&p);
	kbuf_free(&b);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "mime") == 0)
		return cmd_mime(argv[2], argv[3]);
	fprintf(stderr, "usage: formats-tool mime FILE OUTDIR\n");
	return 2;
}
