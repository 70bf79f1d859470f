/*
 * The metrics: counters and histograms in memory the master maps before
 * it forks, so every worker, the listener and the master add to the same
 * numbers, and they outlive any child; GET /metrics renders them in
 * Prometheus's text format.  Labels are small enums of the code (a route
 * of the routing table, an HTTP status, an error class, a kind of
 * database failure, a kind of child and how it ended), never anything a
 * client sends, so the number of series is bounded.  Recording is a
 * relaxed atomic add or two; without the master's mapping (a unit test
 * that did not call metrics_init()) it does nothing.
 */
#ifndef BENCHINGEST_METRICS_H
#define BENCHINGEST_METRICS_H

#include <stdbool.h>

#include "routes.h"
#include "strbuf.h"

/* Rows of the routing table, and one more for a path none of them has. */
#define METRICS_ROUTES	32

/* Database failures, by what they mean to an operator. */
enum metrics_db_error {
	METRICS_DB_CONNECT,		/* no session: connect or set-up failed */
	METRICS_DB_CONNECTION_LOST,	/* the server went away mid-way */
	METRICS_DB_DEADLOCK,		/* 40P01 */
	METRICS_DB_SERIALIZATION,	/* 40001 */
	METRICS_DB_UNIQUE_VIOLATION,	/* 23505, a direct COPY's race */
	METRICS_DB_TIMEOUT,		/* statement_timeout, read_timeout */
	METRICS_DB_OTHER,
	METRICS_DB_ERROR_COUNT
};

/* How a child of the master ended. */
enum metrics_exit {
	METRICS_EXIT_STOPPED,	/* the master asked it to (reload, stop) */
	METRICS_EXIT_EXITED,	/* on its own with status 0 (max_requests) */
	METRICS_EXIT_FAILED,	/* on its own with another status */
	METRICS_EXIT_KILLED,	/* by a signal the master did not send */
	METRICS_EXIT_COUNT
};

/* Maps the counters; in the master, before any child exists. */
int	metrics_init(void);

/* A request answered (not nginx's cache key probe), in us microseconds. */
void	metrics_request(const struct request_summary *, long long us);
/* nginx asked for a read's cache key; did it get one? */
void	metrics_cache_key_probe(bool key);
/* A read refused because max_concurrent_reads were under way. */
void	metrics_read_refused(void);
void	metrics_db_error(enum metrics_db_error);
/* A transaction or statement run again after a failure of that kind. */
void	metrics_db_retry(enum metrics_db_error);
/* The listener started a session (LISTEN answered), or could not. */
void	metrics_listener_session(bool started);
/* The listener received n notifications. */
void	metrics_listener_notified(int n);
void	metrics_child_started(bool listener);
void	metrics_child_exited(bool listener, enum metrics_exit);

/*
 * Everything, in Prometheus's text exposition format 0.0.4;
 * read_slots_limit is the running max_concurrent_reads.  -1 without the
 * mapping; out of memory shows in the strbuf.
 */
int	metrics_render(struct strbuf *, long long read_slots_limit);

/*
 * GET /metrics: the page, when the request came through the location the
 * nginx snippet gives it (FastCGI parameter BENCHINGEST_METRICS); else
 * 404, as for a path no route has.
 */
void	metrics_handle(struct http_request *, struct route_ctx *);

#endif
