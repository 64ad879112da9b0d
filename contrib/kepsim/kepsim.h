/* kepsim.h: the simulator's run-time settings, shared by its modules.
 *
 * kepsim is a test tool that speaks PTT KEP's EYWS SOAP contract on loopback.
 * It is independent of the agent: it never includes kep/ code, only lib/.
 * The single struct kepsim_conf is filled by kepsim_main.c before any server
 * thread starts and is read-only afterwards, so threads may read it freely. */
#ifndef KEPSIM_H
#define KEPSIM_H

#include <stddef.h>

struct kepsim_conf {
	const char *mailbox;      /* the FORMAT.md directory */
	int inline_base64;        /* binaries inline in text/xml instead of MTOM */
	int delay_ms;             /* added before every answer */
	int slow_ms;              /* the "slow" fault's sleep */
	const char *retry_after;  /* the http503/http429 faults' Retry-After value
	                           * (seconds or an HTTP-date), NULL: none */
	int retry_after_date;     /* retry_after is seconds, sent as the HTTP-date
	                           * that many seconds ahead */
	size_t max_request;       /* request bodies above this get 413 */
	const char *request_log;  /* JSON lines, or NULL */
	const char *otp_file;     /* the last OTP code is written here, or NULL */
	int evidence_delay_ms;    /* a sent package's later evidence: one step per delay */
	int sent_list_delay_ms;   /* PaketSorgula lists a package submitted to the sent
	                           * folder only this long after it was taken */
};

#endif
