/* One worker: its session, the accept loop, one log line per request. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <fcgiapp.h>

#include "child.h"
#include "clock.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "routes.h"
#include "worker.h"

/*
 * Method, path and sha come from the client, the reason from Postgres:
 * escaped, so that none of them can end the line or forge a field.
 */
static void
log_request(const struct http_request *req, double ms)
{
	const struct request_summary *s = &req->summary;
	char method[64], path[LOG_FIELD_MAX], sha[256];
	char reason[LOG_FIELD_MAX / 2], counts[96] = "records=-";

	log_escape(method, sizeof(method), req->method, false);
	log_escape(path, sizeof(path), req->path != NULL ? req->path :
	    "-", false);
	log_escape(sha, sizeof(sha), s->sha[0] ? s->sha : "-", false);
	log_escape(reason, sizeof(reason), s->internal, true);
	if (s->records >= 0)
		snprintf(counts, sizeof(counts), "records=%lld", s->records);
	if (s->inserted >= 0)
		snprintf(counts + strlen(counts), sizeof(counts) -
		    strlen(counts), " inserted=%lld updated=%lld",
		    s->inserted, s->updated);
	else
		snprintf(counts + strlen(counts), sizeof(counts) -
		    strlen(counts), " inserted=- updated=-");
	log_msg(s->status >= 500 ? LOG_ERROR : LOG_INFO,
	    "%s %s status=%d %s ms=%.1f sha=%s error=%s%s%s%s", method, path,
	    s->status, counts, ms, sha,
	    s->error_class ? s->error_class : "-",
	    reason[0] ? " reason=\"" : "", reason, reason[0] ? "\"" : "");
}

static void
handle(FCGX_Request *fcgx, struct route_ctx *ctx)
{
	struct http_request req;
	long long start = clock_us(), us;

	http_request_init(&req, fcgx);
	routes_dispatch(&req, ctx);
	/* Before FCGX_Finish_r(): a client that has its answer sees it counted. */
	if (!req.summary.quiet) {
		us = clock_us() - start;
		metrics_request(&req.summary, us);
		log_request(&req, (double)us / 1000);
	}
	http_request_free(&req);
}

/* Out of descriptors, say: log it and pause rather than spin. */
static void
accept_failed(int rc)
{
	struct timespec pause = { 0, 100000000L };	/* 100 ms */

	log_msg(LOG_WARN, "accept: %s", rc < -1 ? strerror(-rc) :
	    "FastCGI handshake failed");
	nanosleep(&pause, NULL);
}

int
worker_run(const struct config *cfg, int listen_fd)
{
	struct route_ctx ctx = { .cfg = cfg };
	struct api_error err;
	struct pollfd pfd;
	sigset_t waitmask;
	FCGX_Request fcgx;
	long long served = 0;
	int rc;

	/*
	 * Stop signals are only let in while waiting for a connection, so a
	 * request in flight always finishes and no signal is lost between
	 * the check and the wait.
	 */
	child_setup(&waitmask);

	if ((ctx.db = db_new(cfg->database, cfg->statement_timeout,
	    (int)cfg->read_prepared_statements)) == NULL) {
		log_msg(LOG_ERROR, "out of memory");
		return 1;
	}
	api_error_clear(&err);
	if (db_connect(ctx.db, &err) == -1)
		log_msg(LOG_WARN, "database not reachable yet: %s", err.message);

	FCGX_Init();
	FCGX_InitRequest(&fcgx, listen_fd, 0);
	pfd.fd = listen_fd;
	pfd.events = POLLIN;
	while (!child_stopping) {
		if (ppoll(&pfd, 1, NULL, &waitmask) == -1) {
			if (errno == EINTR)
				continue;
			log_msg(LOG_ERROR, "poll: %s", strerror(errno));
			break;
		}
		/* The socket is non-blocking: another worker may win. */
		if ((rc = FCGX_Accept_r(&fcgx)) < 0) {
			if (rc != -EAGAIN && rc != -EWOULDBLOCK &&
			    rc != -EINTR && rc != -ECONNABORTED)
				accept_failed(rc);
			continue;
		}
		handle(&fcgx, &ctx);
		FCGX_Finish_r(&fcgx);
		if (cfg->max_requests > 0 && ++served >= cfg->max_requests) {
			log_msg(LOG_DEBUG, "served %lld requests, recycling",
			    served);
			break;
		}
	}
	FCGX_Free(&fcgx, 0);
	db_free(ctx.db);
	return 0;
}
