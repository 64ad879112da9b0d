/* gen_manifest.c: JSON files of the mailbox (manifest items, atomic writes). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gen.h"

int json_write_atomic(const char *path, void *json, struct kerr *err)
{
	char *s = json_dumps(json, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	if (!s)
		return kerr_set(err, KERR_INTERNAL, "cannot serialise %s", path);
	size_t n = strlen(s);
	s = xrealloc(s, n + 2);
	s[n++] = '\n';
	/* Built under a dot-name beside path (FORMAT.md: readers skip those),
	 * then renamed over it. No fsync: this is test data. */
	const char *slash = strrchr(path, '/');
	char *tmp = slash ? xasprintf("%.*s/.%s.tmp", (int)(slash - path), path, slash + 1)
			  : xasprintf(".%s.tmp", path);
	int rc = write_file_plain(tmp, s, n, err);
	if (rc == 0 && rename(tmp, path) < 0)
		rc = kerr_errno(err, KERR_IO, errno, "cannot rename %s to %s", tmp, path);
	free(tmp);
	free(s);
	return rc;
}

static json_t *verdict_or_null(const char *v)
{
	return v ? json_string(v) : json_null();
}

void *manifest_package_item(const struct pkg_spec *p, const struct pkg_result *r)
{
	static const char *const ileti[] = {"standart", "eYazisma", "eTebligat"};
	const struct fault_info *fi = fault_info(p->fault);
	const char *eyp = fi->v[3][0] ? fi->v[3] : (r->has_eyp ? "valid" : NULL);
	json_t *expect = json_pack("{s:s, s:o, s:s, s:o, s:s, s:s}",
		"envelope", fi->v[0], "envelope_timestamp", verdict_or_null(fi->v[1]),
		"original", fi->v[2],
		"eyp", verdict_or_null(eyp), "overall", fi->v[4], "reason", fi->reason);
	return json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:b, s:b, s:I, s:o, s:o}",
		"kind", "package", "account", p->account, "folder", p->folder, "kepSiraNo", p->sira,
		"kepId", r->kep_id, "chain", p->hier, "iletiTip", ileti[p->ileti],
		"opaque", p->variant == 2 && p->fault != F_UNSIGNED_ORIGINAL,
		"envelope_opaque", pkg_envelope_opaque(p),
		"size", (json_int_t)r->size,
		"fault", p->fault ? json_string(fi->name) : json_null(), "expect", expect);
}

void *manifest_evidence_item(const char *account, const char *folder, int sira,
			     const char *delil_id, int code, int zipped, enum gen_fault f)
{
	const struct fault_info *fi = fault_info(f);
	const char *sig = f ? fi->v[0] : "valid", *dig = f ? fi->v[1] : "match",
		   *all = f ? fi->v[2] : "valid";
	json_t *expect = json_pack("{s:s, s:s, s:s, s:s}", "signature", sig, "digest", dig,
				   "overall", all, "reason", f ? fi->reason : "");
	return json_pack("{s:s, s:s, s:s, s:i, s:s, s:i, s:b, s:o, s:o}",
		"kind", "evidence", "account", account, "folder", folder, "kepSiraNo", sira,
		"delilId", delil_id, "delilTurId", code, "zipped", zipped,
		"fault", f ? json_string(fi->name) : json_null(), "expect", expect);
}

void *manifest_evidence_mail_item(const char *account, int sira, const char *delil_id,
				  int code, const char *about_kep_id, enum gen_fault f)
{
	json_t *it = manifest_evidence_item(account, "INBOX", sira, delil_id, code, 0, f);

	json_object_set_new(it, "kind", json_string("evidence-mail"));
	json_object_set_new(it, "aboutKepId", json_string(about_kep_id));
	json_object_del(it, "zipped");
	return it;
}
