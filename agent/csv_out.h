/* csv_out.h: lists of the API's objects as CSV for spreadsheets (RFC 4180:
 * every field quoted, quotes doubled, CRLF line ends), UTF-8 with a byte
 * order mark so spreadsheet programs read Turkish letters right.
 *
 * The header row is the JSON field names (doc/openapi.yaml), so a column
 * means what the API's field means. Values: strings as they are, integers
 * in decimal, true/false, null as an empty field, an array as its elements
 * joined by "; " (an object element as its non-null values joined by ":",
 * e.g. "to:birim@hs01.kep.tr"). A string that a spreadsheet would take for
 * a formula (it begins with =, +, -, @, TAB or CR: an attacker's subject)
 * gets a leading apostrophe. */
#ifndef KEP_CSV_OUT_H
#define KEP_CSV_OUT_H

#include <stdio.h>

#include <jansson.h>

/* Writes the header row of columns (NULL-terminated) and one row per
 * object of items. */
void csv_write_items(FILE *out, const json_t *items, const char *const *columns);

#endif
