/* gen_mailbox.h: whole-mailbox generation and the add mode of kepsim-gen. */
#ifndef KEPSIM_GEN_MAILBOX_H
#define KEPSIM_GEN_MAILBOX_H

#include "gen.h"

struct gen_opts {
	const char **accounts;
	size_t naccounts;
	int received, sent, big;
	size_t big_size;   /* >0: each big package is about this many bytes */
	int faults[F__COUNT];
	int opaque_faults; /* the package faults' originals opaque-signed (pkcs7-mime) */
};

/* Writes accounts, packages, evidence and manifest.json into g->mailbox. */
int mailbox_generate(struct gen *g, const struct gen_opts *o, struct kerr *err);
/* The random parts of a valid package spec (pointers are borrowed). */
void plan_package(struct gen *g, struct pkg_spec *p, const char *acct, const char *folder,
		  int sira, int n_in_folder);

#endif
