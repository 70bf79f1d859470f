/* The start of every child's life: its signals and its tie to the master. */
#include <sys/prctl.h>

#include <string.h>
#include <unistd.h>

#include "child.h"

volatile sig_atomic_t child_stopping;
static pid_t master;

static void
on_stop(int sig)
{
	(void)sig;
	child_stopping = 1;
}

void
child_forked(void)
{
	master = getppid();
}

void
child_setup(sigset_t *waitmask)
{
	struct sigaction sa;
	sigset_t block;

	/*
	 * A child whose master is gone must not linger.  Set after the
	 * privilege drop, which clears it; a master that died before then
	 * is noticed here.
	 */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != master)
		child_stopping = 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, waitmask);
	sigdelset(waitmask, SIGTERM);
	sigdelset(waitmask, SIGINT);
}
