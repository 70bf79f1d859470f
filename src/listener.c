/* The listener child: LISTEN bench_data, advance the generation, ping. */
#include <sys/prctl.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "child.h"
#include "clock.h"
#include "db.h"
#include "generation.h"
#include "listener.h"
#include "log.h"
#include "metrics.h"

/*
 * Each answered ping renews the lease under which nginx may answer reads
 * from cache (GENERATION_LEASE_MS), so pings come several times per lease.
 * A session that stops answering is given up after PING_TIMEOUT_MS.
 */
#define PING_INTERVAL_MS	200
#define PING_TIMEOUT_MS		2000
#define RETRY_MAX_MS		5000

static void
pause_ms(long long ms, const sigset_t *waitmask)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	ppoll(NULL, 0, &ts, waitmask);
}

static PGconn *
connect_and_listen(const char *conninfo)
{
	PGresult *res;
	PGconn *conn;
	const char *why;

	conn = db_open(conninfo, "benchingest listener");
	if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
		why = conn != NULL ? PQerrorMessage(conn) : "out of memory";
		log_msg(LOG_WARN, "listener: connect: %.*s",
		    (int)strcspn(why, "\n"), why);
		PQfinish(conn);
		return NULL;
	}
	res = PQexec(conn, "LISTEN bench_data");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		why = PQerrorMessage(conn);
		log_msg(LOG_WARN, "listener: LISTEN: %.*s",
		    (int)strcspn(why, "\n"), why);
		PQclear(res);
		PQfinish(conn);
		return NULL;
	}
	PQclear(res);
	return conn;
}

/* Reads what arrived; -1 when the session is gone. */
static int
drain(PGconn *conn, long long *ping_sent)
{
	PGnotify *n;
	PGresult *res;
	long long answered = 0;
	int notified = 0;

	if (PQconsumeInput(conn) == 0)
		return -1;
	while (*ping_sent != 0 && !PQisBusy(conn)) {
		if ((res = PQgetResult(conn)) == NULL) {
			answered = *ping_sent;
			*ping_sent = 0;
			break;
		}
		PQclear(res);
	}
	/*
	 * Postgres sends the notifications of commits made before a query
	 * ahead of its answer: count them before the answer renews the lease.
	 */
	while ((n = PQnotifies(conn)) != NULL) {
		notified++;
		PQfreemem(n);
	}
	if (notified > 0) {
		generation_advance();
		metrics_listener_notified(notified);
	}
	if (answered != 0)
		generation_confirm(answered);
	return PQstatus(conn) == CONNECTION_OK ? 0 : -1;
}

/* Serves one session until it fails or a stop is asked for. */
static void
listen_loop(PGconn *conn, const sigset_t *waitmask)
{
	struct pollfd pfd = { .fd = PQsocket(conn), .events = POLLIN };
	struct timespec wait;
	long long ping_sent = 0, last_ping = clock_ms(), now, due;

	while (!child_stopping) {
		now = clock_ms();
		if (ping_sent != 0 && now - ping_sent > PING_TIMEOUT_MS) {
			log_msg(LOG_WARN, "listener: the database stopped "
			    "answering");
			return;
		}
		if (ping_sent == 0 && now - last_ping >= PING_INTERVAL_MS) {
			if (PQsendQuery(conn, "SELECT 1") == 0)
				return;
			ping_sent = last_ping = now;
		}
		due = ping_sent != 0 ? ping_sent + PING_TIMEOUT_MS + 1 :
		    last_ping + PING_INTERVAL_MS;
		due = due > now ? due - now : 0;
		wait.tv_sec = due / 1000;
		wait.tv_nsec = due % 1000 * 1000000L;
		pfd.revents = 0;
		if (ppoll(&pfd, 1, &wait, waitmask) == -1 && errno != EINTR)
			return;
		if (pfd.revents != 0 && drain(conn, &ping_sent) == -1)
			return;
	}
}

int
listener_run(const struct config *cfg)
{
	sigset_t waitmask;
	long long retry = 100;
	PGconn *conn;

	child_setup(&waitmask);
	/* ps and the tests tell it from the workers by this name. */
	prctl(PR_SET_NAME, "bi-listener");

	while (!child_stopping) {
		conn = connect_and_listen(cfg->database);
		metrics_listener_session(conn != NULL);
		if (conn == NULL) {
			pause_ms(retry, &waitmask);
			retry = retry * 2 > RETRY_MAX_MS ? RETRY_MAX_MS :
			    retry * 2;
			continue;
		}
		retry = 100;
		generation_set_listening(true);
		log_msg(LOG_DEBUG, "listener: listening on bench_data");
		listen_loop(conn, &waitmask);
		generation_set_listening(false);
		PQfinish(conn);
		if (!child_stopping)
			log_msg(LOG_WARN, "listener: lost the database; read "
			    "caching is off until it is back");
	}
	return 0;
}
