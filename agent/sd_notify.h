/* sd_notify.h: systemd readiness and watchdog notifications.
 *
 * Uses libsystemd's sd_notify() when built with it, else writes the same
 * datagram to $NOTIFY_SOCKET itself. Without systemd every call is a no-op.
 * Thread-safe. */
#ifndef KEP_SD_NOTIFY_H
#define KEP_SD_NOTIFY_H

#include <stdint.h>

/* Sends a state string such as "READY=1" or "WATCHDOG=1". */
void notify_systemd(const char *state);
/* Sends state (may be NULL) together with STATUS=text, the line
 * `systemctl status kepagent` shows. */
void notify_systemd_status(const char *state, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The watchdog interval systemd expects pings at, in ms; 0 when disabled. */
int64_t notify_watchdog_interval_ms(void);

#endif
