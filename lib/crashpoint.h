/* crashpoint.h: deterministic crash points for the crash-safety tests.
 *
 * crashpoint(name) is called at each step whose order matters (between a
 * durable write and the next provider call or write). With
 * KEPAGENT_CRASHPOINT in the environment the process raises SIGKILL:
 * - KEPAGENT_CRASHPOINT=N (a number): at the N-th call of the process,
 *   whatever its name (tests/crash-refresh.sh walks N = 1, 2, ...);
 * - KEPAGENT_CRASHPOINT=NAME: at the first call named NAME;
 * - KEPAGENT_CRASHPOINT=NAME:K: at the K-th call named NAME.
 * The line "crash point ... (NAME): SIGKILL" is logged first. Without the
 * variable a call costs one load. Thread-safe. */
#ifndef KEP_CRASHPOINT_H
#define KEP_CRASHPOINT_H

void crashpoint(const char *name);
/* 1 when KEPAGENT_CRASHPOINT names a crash point: a step whose order would
 * depend on timing takes its deterministic branch (the sync's batch ends,
 * sync/sync_p.h), so a numbered point is hit at the same step every run. */
int crashpoint_armed(void);

#endif
