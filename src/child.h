/* What every child of the master (worker or listener) does first. */
#ifndef BENCHINGEST_CHILD_H
#define BENCHINGEST_CHILD_H

#include <signal.h>

/* Set by SIGTERM or SIGINT. */
extern volatile sig_atomic_t child_stopping;

/* Right after fork(), in the child: remembers which master it has. */
void	child_forked(void);

/*
 * Dies with the master, ignores SIGHUP and SIGPIPE, and blocks the stop
 * signals: they are let in only through *waitmask, the mask to wait with,
 * so whatever the child is doing between waits always finishes.  A stop
 * signal that arrived before (the master forks with them blocked) is let
 * in at the first wait.
 */
void	child_setup(sigset_t *waitmask);

#endif
