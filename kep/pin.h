/* pin.h: asking for a PIN or an OTP code.
 *
 * From a file (its first line, read by secret_file_read_line(): a file
 * group or others may access is refused, as msmtp refuses loose secret
 * files) or, when no file is given,
 * on the controlling terminal (/dev/tty) with echo off. The result is
 * xmalloc'd; the caller wipes and frees it with secret_free() right after
 * use. Intermediate buffers are wiped here. Not thread-safe (terminal). */
#ifndef KEP_PIN_H
#define KEP_PIN_H

#include "err.h"

/* path: file to read or NULL for the terminal; prompt: shown on the tty.
 * An empty answer on the terminal is KERR_AUTH; an empty file, or no
 * terminal, is KERR_CONFIG. */
int pin_read(const char *path, const char *prompt, char **out, struct kerr *err);

#endif
