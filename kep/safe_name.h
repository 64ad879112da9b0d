/* safe_name.h: file names from untrusted input (MIME attachments, .eyp parts)
 * made safe to show and to write into a directory.
 *
 * Strips any directory part (both '/' and '\\'), control characters, bytes
 * that are not valid UTF-8, characters Windows refuses (<>:"|?*), leading
 * dots and spaces, trailing dots and spaces; renames reserved device names
 * (CON, NUL, COM1, ...); keeps UTF-8 letters (Turkish included); caps the
 * length at SAFE_NAME_MAX bytes without splitting a character. Never returns
 * an empty name: falls back to `fallback` (or "attachment"). The result is
 * malloc'd; the caller frees it. Thread-safe. */
#ifndef KEP_SAFE_NAME_H
#define KEP_SAFE_NAME_H

#define SAFE_NAME_MAX 200

char *safe_name(const char *name, const char *fallback);

#endif
