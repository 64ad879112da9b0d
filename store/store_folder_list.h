/* store_folder_list.h: an account's folder list (DizinSorgula) as last
 * fetched, so the sync asks the provider for it once a day instead of on
 * every refresh (the sync forgets it when a folder cannot be listed). Names
 * are the provider's, untrusted, kept verbatim. Thread safety: as struct
 * store. */
#ifndef KEP_STORE_FOLDER_LIST_H
#define KEP_STORE_FOLDER_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct store;

/* 1 with the names (*names_r malloc'd, each name too) when a list fetched
 * at or after since_ms is stored; 0 when none (*names_r NULL). */
int store_folders_get(struct store *store, const char *account, int64_t since_ms,
		      char ***names_r, size_t *n_r, struct kerr *err);
/* Replaces the stored list with names, fetched at fetched_ms. An empty
 * list is not kept (the next run asks again). */
int store_folders_put(struct store *store, const char *account, char *const *names, size_t n,
		      int64_t fetched_ms, struct kerr *err);
/* Drops the stored list: the next run asks the provider. */
int store_folders_forget(struct store *store, const char *account, struct kerr *err);

#endif
