/* The worker's Postgres session: connecting, and running statements on it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_setup.h"

/* First line of a libpq message, for a one-line log. */
static const char *
first_line(const char *msg, char *out, size_t size)
{
	size_t n = strcspn(msg, "\n");

	if (n >= size)
		n = size - 1;
	memcpy(out, msg, n);
	out[n] = '\0';
	return out;
}

PGconn *
db_open(const char *conninfo, const char *application_name)
{
	static const char *const keys[] = {
		"application_name", "connect_timeout", "dbname", NULL
	};
	const char *values[] = { application_name, "5", conninfo, NULL };

	/* Our defaults first: the configured conninfo (dbname) overrides. */
	return PQconnectdbParams(keys, values, 1);
}

void
db_drop(struct db *db)
{
	if (db->conn != NULL)
		PQfinish(db->conn);
	db->conn = NULL;
	db->ready = false;
	db_stmts_clear(&db->stmts);
}

static int
unavailable(struct db *db, struct api_error *err, const char *what)
{
	char line[300];

	api_error_set(err, 503, "unavailable", "%s: %s", what,
	    first_line(db->conn != NULL ? PQerrorMessage(db->conn) :
	    "no connection", line, sizeof(line)));
	metrics_db_error(METRICS_DB_CONNECT);
	db_drop(db);
	return -1;
}

int
db_fail(struct db *db, const PGresult *res, const char *what,
    struct api_error *err)
{
	char line[300];
	const char *msg = res != NULL ? PQresultErrorMessage(res) : "";
	const char *state = res != NULL ?
	    PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	if (*msg == '\0')
		msg = PQerrorMessage(db->conn);
	snprintf(db->sqlstate, sizeof(db->sqlstate), "%s",
	    state != NULL ? state : "");
	metrics_db_error(db_error_kind(db));
	api_error_set(err, 500, "internal", "%s: %s%s%s%s", what,
	    first_line(msg, line, sizeof(line)), state ? " [" : "",
	    state ? state : "", state ? "]" : "");
	return -1;
}

bool
db_sqlstate_is(const struct db *db, const char *state)
{
	return strcmp(db->sqlstate, state) == 0;
}

/*
 * The server is going or gone: a broken connection, or an administrator
 * shutdown (class 08, 57P01..57P03) that arrives just before the close.
 */
bool
db_lost(const struct db *db)
{
	return PQstatus(db->conn) != CONNECTION_OK ||
	    strncmp(db->sqlstate, "08", 2) == 0 ||
	    strncmp(db->sqlstate, "57P0", 4) == 0;
}

enum metrics_db_error
db_error_kind(const struct db *db)
{
	if (db_lost(db))
		return METRICS_DB_CONNECTION_LOST;
	if (db_sqlstate_is(db, "40P01"))
		return METRICS_DB_DEADLOCK;
	if (db_sqlstate_is(db, "40001"))
		return METRICS_DB_SERIALIZATION;
	if (db_sqlstate_is(db, "23505"))
		return METRICS_DB_UNIQUE_VIOLATION;
	/* query_canceled: statement_timeout, or a read's cancel */
	if (db_sqlstate_is(db, "57014"))
		return METRICS_DB_TIMEOUT;
	return METRICS_DB_OTHER;
}

int
db_check(struct db *db, PGresult *res, ExecStatusType want, const char *what,
    struct api_error *err)
{
	if (PQresultStatus(res) == want)
		return 0;
	return db_fail(db, res, what, err);
}

/* The result is consumed here. */
int
db_exec(struct db *db, const char *sql, struct api_error *err)
{
	PGresult *res = PQexec(db->conn, sql);
	int rc = db_check(db, res, PGRES_COMMAND_OK, sql, err);

	PQclear(res);
	return rc;
}

struct db *
db_new(const char *conninfo, long long statement_timeout_ms,
    int prepared_statements)
{
	struct db *db;

	if ((db = calloc(1, sizeof(*db))) == NULL)
		return NULL;
	if ((db->conninfo = strdup(conninfo)) == NULL) {
		free(db);
		return NULL;
	}
	if (db_setup_sql(&db->session, statement_timeout_ms) == -1 ||
	    db_stmts_init(&db->stmts, prepared_statements) == -1) {
		db_free(db);
		return NULL;
	}
	return db;
}

void
db_free(struct db *db)
{
	if (db == NULL)
		return;
	db_drop(db);
	db_stmts_free(&db->stmts);
	free(db->conninfo);
	sb_free(&db->session);
	sb_free(&db->sql);
	sb_free(&db->copy);
	free(db);
}

int
db_connect(struct db *db, struct api_error *err)
{
	PGresult *res;

	if (db->conn != NULL && db->ready && PQstatus(db->conn) == CONNECTION_OK)
		return 0;
	db_drop(db);
	db->conn = db_open(db->conninfo, "benchingest");
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK)
		return unavailable(db, err, "connect");
	if (PQsetClientEncoding(db->conn, "UTF8") != 0)
		return unavailable(db, err, "client_encoding");
	res = PQexec(db->conn, db->session.data);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		db_fail(db, res, "session setup", err);
		PQclear(res);
		if (PQstatus(db->conn) != CONNECTION_OK)
			err->status = 503, err->class = "unavailable";
		db_drop(db);
		return -1;
	}
	PQclear(res);
	db->ready = true;
	return 0;
}

PGresult *
db_run(struct db *db, const char *sql, int nparams, const char *const *params,
    struct api_error *err)
{
	PGresult *res;
	int tries;

	for (tries = 0; tries < 2; tries++) {
		if (db_connect(db, err) == -1)
			return NULL;
		res = PQexecParams(db->conn, sql, nparams, NULL, params, NULL,
		    NULL, 0);
		if (PQresultStatus(res) == PGRES_TUPLES_OK ||
		    PQresultStatus(res) == PGRES_COMMAND_OK)
			return res;
		db_fail(db, res, "query", err);
		PQclear(res);
		if (!db_lost(db))
			return NULL;
		db_drop(db);
		if (tries == 0)
			metrics_db_retry(METRICS_DB_CONNECTION_LOST);
	}
	api_error_set(err, 503, "unavailable", "connection lost");
	return NULL;
}
