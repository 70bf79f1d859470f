/*
 * The worker's Postgres session: one connection, set up once with what
 * db_setup.h generates and re-established after a failure, and the way
 * the files built on it (db_write.h, db_health.h, db_read.h, db_copy.h)
 * run a statement and tell its failures apart.
 */
#ifndef BENCHINGEST_DB_H
#define BENCHINGEST_DB_H

#include <stdbool.h>

#include <libpq-fe.h>

#include "db_stmt.h"
#include "error.h"
#include "metrics.h"
#include "strbuf.h"

struct db {
	char *conninfo;
	PGconn *conn;
	bool ready;		/* session set up on this connection */
	char sqlstate[6];	/* of the last failed statement, or "" */
	struct strbuf session;	/* what every new connection runs first */
	struct strbuf sql;	/* scratch for building statements */
	struct strbuf copy;	/* one chunk of COPY data (db_copy.c) */
	long long read_timeout;	/* of the read under way, ms; 0: none */
	long long read_deadline;	/* its end (db_read.c) */
	struct db_stmts stmts;	/* prepared on conn (db_read.c) */
};

/*
 * A connection with benchingest's defaults (application_name, a 5 s
 * connect_timeout), which the conninfo string overrides.  Check its
 * PQstatus(); NULL only when out of memory.
 */
PGconn		*db_open(const char *conninfo, const char *application_name);

/* prepared_statements: how many reads' statements to keep (db_stmt.h). */
struct db	*db_new(const char *conninfo, long long statement_timeout_ms,
		    int prepared_statements);
void		 db_free(struct db *);
/* Connected and set up, or -1 with a 503 (a 500 if the set-up failed). */
int		 db_connect(struct db *, struct api_error *);
/* Closes the connection: the next db_connect() makes a new one. */
void		 db_drop(struct db *);

/*
 * A statement failed (res may be NULL): keeps its SQLSTATE in db and the
 * reason in err, a 500 whose message is for the log; counts it in the
 * metrics.  Returns -1.
 */
int		 db_fail(struct db *, const PGresult *res, const char *what,
		    struct api_error *);
/* 0 when res has status want, else db_fail(). */
int		 db_check(struct db *, PGresult *res, ExecStatusType want,
		    const char *what, struct api_error *);
/* A statement without results, on the current connection. */
int		 db_exec(struct db *, const char *sql, struct api_error *);
/*
 * One statement in autocommit, reconnecting once if the server went away;
 * the result (NULL on failure) is the caller's to PQclear().
 */
PGresult	*db_run(struct db *, const char *sql, int nparams,
		    const char *const *params, struct api_error *);
bool		 db_sqlstate_is(const struct db *, const char *state);
/* The server went away (or is going): worth a new connection. */
bool		 db_lost(const struct db *);
/* What the last failure was, for the metrics (db_fail() counts it). */
enum metrics_db_error db_error_kind(const struct db *);

#endif
