/* What every child of the master (worker or listener) does first. */
#ifndef BENCHINGEST_CHILD_H
#define BENCHINGEST_CHILD_H

#include <signal.h>

/* Set by SIGTERM or SIGINT. */
extern volatile sig_atomic_t child_stopping;

/*
 * Dies with the master, ignores SIGHUP and SIGPIPE, and blocks the stop
 * signals: they are let in only through *waitmask, the mask to wait with,
 * so whatever the child is doing between waits always finishes.
 */
void	child_setup(sigset_t *waitmask);

#endif
