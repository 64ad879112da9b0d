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

#endif
