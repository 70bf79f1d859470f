/*
 * The worker's Postgres session: one connection, set up once with its
 * staging tables and prepared statements, re-established after a failure.
 */
#ifndef BENCHINGEST_DB_H
#define BENCHINGEST_DB_H

#include <stdbool.h>

#include "envelope.h"
#include "error.h"

struct db;

struct ingest_counts {
	long long inserted;
	long long updated;
};

struct health {
	bool has_latest;
	char latest[64];		/* RFC 3339, UTC */
	long long counts[1 + KIND_COUNT];	/* commits, then each kind */
	bool exact;
};

struct db	*db_new(const char *conninfo, long long statement_timeout_ms);
void		 db_free(struct db *);
int		 db_connect(struct db *, struct api_error *);
int		 db_ingest(struct db *, const struct envelope *,
		    struct ingest_counts *, struct api_error *);
int		 db_notify(struct db *, const char *payload, struct api_error *);
int		 db_health(struct db *, struct health *, struct api_error *);

/*
 * A read: one read-only snapshot, queries inside it, then db_read_end().
 * A query's result is the caller's to PQclear().  A read that is still at
 * it timeout_ms after db_read_begin() (0: no limit) has its query cancelled
 * and gets a 503, however many statements it took to get there.
 */
struct pg_result;
int		 db_read_begin(struct db *, long long timeout_ms,
		    struct api_error *);
struct pg_result *db_read_query(struct db *, const char *sql, int nparams,
		    const char *const *params, struct api_error *);
void		 db_read_end(struct db *);

#endif
