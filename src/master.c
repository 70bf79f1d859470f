#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdbool.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "generation.h"
#include "listener.h"
#include "log.h"
#include "master.h"
#include "privsep.h"
#include "worker.h"

#define MAX_CHILDREN	512
/* A worker that dies sooner than this after starting is crash-looping. */
#define MIN_LIFETIME	1

struct child {
	pid_t pid;
	unsigned generation;
	time_t started;
	bool listener;		/* the read cache's listener, not a worker */
};

static volatile sig_atomic_t got_chld, got_hup, got_stop, got_usr1;
static struct child children[MAX_CHILDREN];

static void
on_signal(int sig)
{
	if (sig == SIGCHLD)
		got_chld = 1;
	else if (sig == SIGHUP)
		got_hup = 1;
	else if (sig == SIGUSR1)
		got_usr1 = 1;
	else
		got_stop = 1;
}

static int
count(unsigned generation, bool listener)
{
	int i, n = 0;

	for (i = 0; i < MAX_CHILDREN; i++)
		n += children[i].pid > 0 &&
		    children[i].generation == generation &&
		    children[i].listener == listener;
	return n;
}

static int
alive(void)
{
	int i, n = 0;

	for (i = 0; i < MAX_CHILDREN; i++)
		n += children[i].pid > 0;
	return n;
}

static void
spawn(const struct config *cfg, int listen_fd, unsigned generation,
    bool listener, const sigset_t *origmask)
{
	struct sigaction sa;
	char why[256];
	pid_t pid;
	int i, rc;

	for (i = 0; i < MAX_CHILDREN && children[i].pid > 0; i++)
		;
	if (i == MAX_CHILDREN)
		return;
	if ((pid = fork()) == -1) {
		log_msg(LOG_ERROR, "fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		sigaction(SIGCHLD, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		log_reopen_on(SIGUSR1);
		sigprocmask(SIG_SETMASK, origmask, NULL);
		if (privsep_drop(cfg->user, why, sizeof(why)) == -1) {
			log_msg(LOG_ERROR, "%s: %s", listener ? "listener" :
			    "worker", why);
			_exit(1);
		}
		if (listener) {
			close(listen_fd);
			rc = listener_run(cfg);
		} else
			rc = worker_run(cfg, listen_fd);
		_exit(rc);
	}
	children[i].pid = pid;
	children[i].generation = generation;
	children[i].started = time(NULL);
	children[i].listener = listener;
	log_msg(LOG_DEBUG, "started %s %ld", listener ? "listener" : "worker",
	    (long)pid);
}

static void
signal_generation(int sig, unsigned generation, int all)
{
	int i;

	for (i = 0; i < MAX_CHILDREN; i++)
		if (children[i].pid > 0 &&
		    (all || children[i].generation == generation))
			kill(children[i].pid, sig);
}

/* Reaps exited workers; returns true if one of them crash-looped. */
static int
reap(unsigned generation)
{
	int i, status, crashed = 0;
	const char *what;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < MAX_CHILDREN && children[i].pid != pid; i++)
			;
		if (i == MAX_CHILDREN)
			continue;
		children[i].pid = 0;
		what = children[i].listener ? "listener" : "worker";
		if (children[i].listener)
			generation_listener_gone((int)pid);
		if (WIFSIGNALED(status))
			log_msg(LOG_WARN, "%s %ld killed by signal %d", what,
			    (long)pid, WTERMSIG(status));
		else if (WEXITSTATUS(status) != 0)
			log_msg(LOG_WARN, "%s %ld exited with status %d", what,
			    (long)pid, WEXITSTATUS(status));
		else
			log_msg(LOG_DEBUG, "%s %ld exited", what, (long)pid);
		if (children[i].generation == generation &&
		    (WIFSIGNALED(status) || WEXITSTATUS(status) != 0) &&
		    time(NULL) - children[i].started < MIN_LIFETIME)
			crashed = 1;
	}
	return crashed;
}

/* SIGUSR1, after logrotate: the master first, then every child. */
static void
reopen_log(void)
{
	if (log_reopen() == -1)
		log_msg(LOG_ERROR, "cannot reopen the log file: %s",
		    strerror(errno));
	signal_generation(SIGUSR1, 0, 1);
}

static void
reload(const char *path, struct config *cfg, unsigned *generation)
{
	struct config fresh;
	char why[1024];

	if (config_load(path, &fresh, why, sizeof(why)) == -1) {
		log_msg(LOG_ERROR, "reload failed, keeping the running "
		    "configuration: %s", why);
		return;
	}
	if (privsep_check(fresh.user, why, sizeof(why)) == -1) {
		log_msg(LOG_ERROR, "reload failed, keeping the running "
		    "configuration: %s", why);
		config_free(&fresh);
		return;
	}
	config_free(cfg);
	*cfg = fresh;
	log_set_level(cfg->log_level);
	/* Old workers finish what they are doing while new ones take over. */
	signal_generation(SIGTERM, (*generation)++, 0);
	log_msg(LOG_INFO, "configuration reloaded, %lld workers",
	    cfg->workers);
}

int
master_run(const char *config_path, struct config *cfg, int listen_fd)
{
	struct sigaction sa;
	struct timespec delay = { 1, 0 };
	sigset_t block, origmask;
	unsigned generation = 0;
	int throttled = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	/* Signals arrive only inside ppoll(): no check-then-wait race. */
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &origmask);

	if (generation_init() == -1) {
		log_msg(LOG_ERROR, "cannot map the read cache generation");
		config_free(cfg);
		return 1;
	}
	log_msg(LOG_INFO, "starting %lld workers", cfg->workers);
	while (!got_stop) {
		if (got_hup) {
			got_hup = 0;
			reload(config_path, cfg, &generation);
		}
		if (got_usr1) {
			got_usr1 = 0;
			reopen_log();
		}
		if (got_chld) {
			got_chld = 0;
			throttled = reap(generation);
		}
		if (throttled) {
			log_msg(LOG_WARN, "workers are dying at start; "
			    "waiting before respawning");
			throttled = 0;
			ppoll(NULL, 0, &delay, &origmask);
			continue;
		}
		if (count(generation, true) == 0)
			spawn(cfg, listen_fd, generation, true, &origmask);
		while (count(generation, false) < cfg->workers)
			spawn(cfg, listen_fd, generation, false, &origmask);
		ppoll(NULL, 0, NULL, &origmask);
	}

	log_msg(LOG_INFO, "stopping: waiting for %d workers to finish",
	    alive());
	signal_generation(SIGTERM, 0, 1);
	while (alive() > 0) {
		int status;
		pid_t pid = waitpid(-1, &status, 0);
		int i;

		if (pid == -1 && errno != EINTR)
			break;
		for (i = 0; i < MAX_CHILDREN; i++)
			if (children[i].pid == pid) {
				children[i].pid = 0;
				if (children[i].listener)
					generation_listener_gone((int)pid);
			}
	}
	sigprocmask(SIG_SETMASK, &origmask, NULL);
	config_free(cfg);
	log_msg(LOG_INFO, "stopped");
	return 0;
}
