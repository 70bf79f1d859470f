/*
 * The prefork master: keeps `workers` workers and one listener running,
 * replaces them on SIGHUP, stops them on SIGTERM.  It never blocks but in
 * ppoll(), so whatever goes wrong (a full child table, fork() failing, a
 * child that will not stop) it keeps reaping, answering signals, and
 * retrying with a back-off; a child asked to stop gets shutdown_timeout
 * seconds before SIGKILL.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdbool.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "clock.h"
#include "generation.h"
#include "listener.h"
#include "log.h"
#include "master.h"
#include "metrics.h"
#include "privsep.h"
#include "readlimit.h"
#include "worker.h"

/*
 * Two full cohorts of the most workers, each with its listener: a reload
 * starts the new one while the old one finishes.  Beyond that (reloads
 * faster than old children finish) spawning waits for slots.
 */
#define MAX_CHILDREN	(2 * (CONFIG_WORKERS_MAX + 1))
_Static_assert(MAX_CHILDREN >= 2 * (CONFIG_WORKERS_MAX + 1),
    "the child table holds two full cohorts");
/* A worker that dies sooner than this after starting is crash-looping. */
#define MIN_LIFETIME	1
/* Between failed attempts to start children; doubled up to the maximum. */
#define BACKOFF_MIN_MS	100
#define BACKOFF_MAX_MS	5000
#define CRASH_WAIT_MS	1000
/* After SIGKILL at the end of a stop, how long to wait for the corpses. */
#define KILL_WAIT_MS	5000

/*
 * A cohort is the children started under one configuration: every SIGHUP
 * starts a new one and asks the old one to stop.  (Not the read cache's
 * generation, generation.h, which changes on every commit.)
 */
struct child {
	pid_t pid;
	unsigned cohort;
	time_t started;
	long long kill_at;	/* when SIGKILL is due (ms); 0: not stopping */
	bool listener;		/* the read cache's listener, not a worker */
};

/* Retrying to start children, no sooner than `until`. */
struct backoff {
	long long delay;	/* ms; 0: not backing off */
	long long until;
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

static const char *
what(const struct child *c)
{
	return c->listener ? "listener" : "worker";
}

static int
count(unsigned cohort, bool listener)
{
	int i, n = 0;

	for (i = 0; i < MAX_CHILDREN; i++)
		n += children[i].pid > 0 &&
		    children[i].cohort == cohort &&
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

/*
 * The child inherits the master's mask, with every signal the master
 * handles blocked: a SIGTERM that arrives before the child's own handler
 * is installed (in child_setup()) waits for it instead of running the
 * master's.  SIGUSR1 is let in as soon as the child's own handler for it
 * is there.
 */
static void
child_main(const struct config *cfg, int listen_fd, bool listener)
{
	struct sigaction sa;
	sigset_t usr1;
	char why[256];

	child_forked();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	log_reopen_on(SIGUSR1);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);
	if (privsep_drop(cfg->user, why, sizeof(why)) == -1) {
		log_msg(LOG_ERROR, "%s: %s", listener ? "listener" : "worker",
		    why);
		_exit(1);
	}
	if (listener) {
		close(listen_fd);
		_exit(listener_run(cfg));
	}
	_exit(worker_run(cfg, listen_fd));
}

/* Starts one child; -1 with the reason in why when it cannot. */
static int
spawn(const struct config *cfg, int listen_fd, unsigned cohort,
    bool listener, char *why, size_t whylen)
{
	pid_t pid;
	int i;

	for (i = 0; i < MAX_CHILDREN && children[i].pid > 0; i++)
		;
	if (i == MAX_CHILDREN) {
		snprintf(why, whylen, "%d children are still running",
		    MAX_CHILDREN);
		return -1;
	}
	if ((pid = fork()) == -1) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0)
		child_main(cfg, listen_fd, listener);
	children[i].pid = pid;
	children[i].cohort = cohort;
	children[i].started = time(NULL);
	children[i].kill_at = 0;
	children[i].listener = listener;
	metrics_child_started(listener);
	log_msg(LOG_DEBUG, "started %s %ld", what(&children[i]), (long)pid);
	return 0;
}

/* The listener first, then workers up to the configured number. */
static int
spawn_missing(const struct config *cfg, int listen_fd, unsigned cohort,
    char *why, size_t whylen)
{
	if (count(cohort, true) == 0 &&
	    spawn(cfg, listen_fd, cohort, true, why, whylen) == -1)
		return -1;
	while (count(cohort, false) < cfg->workers)
		if (spawn(cfg, listen_fd, cohort, false, why, whylen) == -1)
			return -1;
	return 0;
}

/* SIGTERM to a cohort (or all), each with its deadline for SIGKILL. */
static void
stop_children(unsigned cohort, bool all, long long timeout_ms)
{
	long long deadline = clock_ms() + timeout_ms;
	int i;

	for (i = 0; i < MAX_CHILDREN; i++) {
		if (children[i].pid <= 0 ||
		    (!all && children[i].cohort != cohort))
			continue;
		kill(children[i].pid, SIGTERM);
		if (children[i].kill_at == 0)
			children[i].kill_at = deadline;
	}
}

/* SIGKILL to children past their deadline; ms until the next one, or -1. */
static long long
kill_overdue(long long now, long long timeout_s)
{
	long long next = -1;
	int i;

	for (i = 0; i < MAX_CHILDREN; i++) {
		struct child *c = &children[i];

		if (c->pid <= 0 || c->kill_at <= 0)
			continue;
		if (c->kill_at <= now) {
			log_msg(LOG_WARN, "%s %ld did not stop within "
			    "shutdown_timeout (%lld s): killing it", what(c),
			    (long)c->pid, timeout_s);
			kill(c->pid, SIGKILL);
			c->kill_at = -1;
		} else if (next == -1 || c->kill_at - now < next)
			next = c->kill_at - now;
	}
	return next;
}

/* How a child ended, for the metrics. */
static enum metrics_exit
exit_cause(const struct child *c, int status)
{
	if (c->kill_at != 0)
		return METRICS_EXIT_STOPPED;
	if (WIFSIGNALED(status))
		return METRICS_EXIT_KILLED;
	return WEXITSTATUS(status) == 0 ? METRICS_EXIT_EXITED :
	    METRICS_EXIT_FAILED;
}

/* Reaps exited children; returns true if a current one crash-looped. */
static bool
reap(unsigned cohort)
{
	int i, status;
	bool crashed = false;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < MAX_CHILDREN && children[i].pid != pid; i++)
			;
		if (i == MAX_CHILDREN)
			continue;
		children[i].pid = 0;
		metrics_child_exited(children[i].listener,
		    exit_cause(&children[i], status));
		if (children[i].listener)
			generation_listener_gone((int)pid);
		else
			readlimit_worker_gone((int)pid);
		if (WIFSIGNALED(status))
			log_msg(LOG_WARN, "%s %ld killed by signal %d",
			    what(&children[i]), (long)pid, WTERMSIG(status));
		else if (WEXITSTATUS(status) != 0)
			log_msg(LOG_WARN, "%s %ld exited with status %d",
			    what(&children[i]), (long)pid, WEXITSTATUS(status));
		else
			log_msg(LOG_DEBUG, "%s %ld exited", what(&children[i]),
			    (long)pid);
		if (children[i].cohort == cohort &&
		    children[i].kill_at == 0 &&
		    (WIFSIGNALED(status) || WEXITSTATUS(status) != 0) &&
		    time(NULL) - children[i].started < MIN_LIFETIME)
			crashed = true;
	}
	return crashed;
}

/* SIGUSR1, after logrotate: the master first, then every child. */
static void
reopen_log(void)
{
	int i;

	if (log_reopen() == -1)
		log_msg(LOG_ERROR, "cannot reopen the log file: %s",
		    strerror(errno));
	for (i = 0; i < MAX_CHILDREN; i++)
		if (children[i].pid > 0)
			kill(children[i].pid, SIGUSR1);
}

static void
reload(const char *path, struct config *cfg, unsigned *cohort)
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
	/* Old children finish what they are doing while new ones take over. */
	stop_children((*cohort)++, false, cfg->shutdown_timeout * 1000);
	log_msg(LOG_INFO, "configuration reloaded, %lld workers",
	    cfg->workers);
}

/* Waits in ppoll() for a signal, or at most ms milliseconds (-1: ever). */
static void
wait_signal(long long ms, const sigset_t *origmask)
{
	struct timespec ts;

	if (ms < 0) {
		ppoll(NULL, 0, NULL, origmask);
		return;
	}
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = ms % 1000 * 1000000L;
	ppoll(NULL, 0, &ts, origmask);
}

/* The earlier of two waits, either of which may be -1 (none). */
static long long
earlier(long long a, long long b)
{
	if (a < 0)
		return b;
	return b < 0 || a < b ? a : b;
}

/* Children are missing and could not all be started: wait, longer each time. */
static void
back_off(struct backoff *b, long long now, const char *why)
{
	b->delay = b->delay == 0 ? BACKOFF_MIN_MS : b->delay * 2;
	if (b->delay > BACKOFF_MAX_MS)
		b->delay = BACKOFF_MAX_MS;
	b->until = now + b->delay;
	log_msg(LOG_ERROR, "cannot start children: %s; retrying in %lld ms",
	    why, b->delay);
}

static void
stop(struct config *cfg, const sigset_t *origmask)
{
	long long now, wait, killed_at = 0;

	log_msg(LOG_INFO, "stopping: waiting for %d children to finish",
	    alive());
	stop_children(0, true, cfg->shutdown_timeout * 1000);
	while (alive() > 0) {
		if (got_chld) {
			got_chld = 0;
			reap(0);
			continue;
		}
		now = clock_ms();
		wait = kill_overdue(now, cfg->shutdown_timeout);
		if (wait == -1) {
			/* All that is left has had its SIGKILL. */
			if (killed_at == 0)
				killed_at = now;
			if (now - killed_at >= KILL_WAIT_MS) {
				log_msg(LOG_ERROR, "%d children did not die; "
				    "exiting without them", alive());
				break;
			}
			wait = KILL_WAIT_MS - (now - killed_at);
		}
		wait_signal(wait, origmask);
	}
}

int
master_run(const char *config_path, struct config *cfg, int listen_fd)
{
	struct sigaction sa;
	struct backoff backoff = { 0, 0 };
	sigset_t block, origmask;
	unsigned cohort = 0;
	char why[256];
	long long now, wait;

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
	if (readlimit_init() == -1) {
		log_msg(LOG_ERROR, "cannot map the read slots");
		config_free(cfg);
		return 1;
	}
	if (metrics_init() == -1) {
		log_msg(LOG_ERROR, "cannot map the metrics");
		config_free(cfg);
		return 1;
	}
	log_msg(LOG_INFO, "starting %lld workers", cfg->workers);
	while (!got_stop) {
		if (got_hup) {
			got_hup = 0;
			reload(config_path, cfg, &cohort);
		}
		if (got_usr1) {
			got_usr1 = 0;
			reopen_log();
		}
		if (got_chld) {
			got_chld = 0;
			if (reap(cohort) && backoff.delay == 0) {
				log_msg(LOG_WARN, "workers are dying at start; "
				    "waiting before respawning");
				backoff.until = clock_ms() + CRASH_WAIT_MS;
			}
		}
		now = clock_ms();
		wait = kill_overdue(now, cfg->shutdown_timeout);
		if (now < backoff.until)
			wait = earlier(wait, backoff.until - now);
		else if (spawn_missing(cfg, listen_fd, cohort, why,
		    sizeof(why)) == -1) {
			back_off(&backoff, now, why);
			wait = earlier(wait, backoff.delay);
		} else if (backoff.delay != 0) {
			log_msg(LOG_INFO, "all children started again");
			backoff.delay = 0;
		}
		wait_signal(wait, &origmask);
	}
	stop(cfg, &origmask);
	sigprocmask(SIG_SETMASK, &origmask, NULL);
	config_free(cfg);
	log_msg(LOG_INFO, "stopped");
	return 0;
}
