#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "db.h"
#include "log.h"
#include "strbuf.h"

#define MAX_ATTEMPTS	5
#define COPY_CHUNK	((size_t)256 * 1024)
/* Below this a table is counted exactly; above, the planner's estimate. */
#define EXACT_COUNT_BYTES	(8LL * 1024 * 1024)
/* Batches this large first try a plain COPY into the table. */
#define DIRECT_MIN_ROWS		1000
/* A cancelled read's answer is awaited this long before the link is cut. */
#define CANCEL_GRACE_MS		1000

struct db {
	char *conninfo;
	PGconn *conn;
	bool ready;		/* session set up on this connection */
	char sqlstate[6];	/* of the last failed statement, or "" */
	struct strbuf session;	/* what every new connection runs first */
	struct strbuf sql;		/* scratch for building statements */
	struct strbuf copy;	/* one chunk of COPY data */
	long long read_timeout;	/* of the read under way, ms; 0: none */
	long long read_deadline;	/* its end, on now_ms()'s clock */
};

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

/* Milliseconds on the monotonic clock: a read's deadline. */
static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
drop_connection(struct db *db)
{
	if (db->conn != NULL)
		PQfinish(db->conn);
	db->conn = NULL;
	db->ready = false;
}

static int
unavailable(struct db *db, struct api_error *err, const char *what)
{
	char line[300];

	api_error_set(err, 503, "unavailable", "%s: %s", what,
	    first_line(db->conn != NULL ? PQerrorMessage(db->conn) :
	    "no connection", line, sizeof(line)));
	drop_connection(db);
	return -1;
}

/* A statement failed: remember its SQLSTATE, keep the reason for the log. */
static int
pg_fail(struct db *db, const PGresult *res, const char *what,
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
	api_error_set(err, 500, "internal", "%s: %s%s%s%s", what,
	    first_line(msg, line, sizeof(line)), state ? " [" : "",
	    state ? state : "", state ? "]" : "");
	return -1;
}

static bool
sqlstate_is(const struct db *db, const char *state)
{
	return strcmp(db->sqlstate, state) == 0;
}

/*
 * The server is going or gone: a broken connection, or an administrator
 * shutdown (class 08, 57P01..57P03) that arrives just before the close.
 */
static bool
connection_lost(const struct db *db)
{
	return PQstatus(db->conn) != CONNECTION_OK ||
	    strncmp(db->sqlstate, "08", 2) == 0 ||
	    strncmp(db->sqlstate, "57P0", 4) == 0;
}

static int
exec_ok(struct db *db, PGresult *res, ExecStatusType want, const char *what,
    struct api_error *err)
{
	if (PQresultStatus(res) == want)
		return 0;
	return pg_fail(db, res, what, err);
}

/* A statement without results; the result is consumed here. */
static int
exec_command(struct db *db, const char *sql, struct api_error *err)
{
	PGresult *res = PQexec(db->conn, sql);
	int rc = exec_ok(db, res, PGRES_COMMAND_OK, sql, err);

	PQclear(res);
	return rc;
}

/* Comma-separated column list of a kind: measurement_id, then fields. */
static void
add_columns(struct strbuf *b, const struct kind *k)
{
	size_t i;

	sb_str(b, "measurement_id");
	for (i = 0; i < k->nfields; i++)
		sb_printf(b, ", %s", k->fields[i].name);
}

/* Columns of commits are named as the members, but for the sha. */
static const char *
commit_column(size_t i)
{
	return i == COMMIT_SHA ? "commit_sha" : commit_members[i];
}

/*
 * Everything a session needs, sent as one multi-statement query: the
 * statement timeout, a staging table per kind, and prepared statements.
 * Staging tables are temporary (no WAL) and emptied at every commit.
 */
static int
session_sql(struct strbuf *b, long long timeout)
{
	const struct kind *k;
	size_t i, f;

	sb_reset(b);
	sb_printf(b, "SET statement_timeout = %lld;\n", timeout);
	sb_str(b, "PREPARE bi_commit AS INSERT INTO commits (");
	for (i = 0; i < COMMIT_NFIELDS; i++)
		sb_printf(b, "%s%s", i ? ", " : "", commit_column(i));
	sb_str(b, ") VALUES ($1, $2::timestamptz, $3, $4, $5, $6, $7, $8, $9) "
	    "ON CONFLICT (commit_sha) DO UPDATE SET ");
	for (i = 1; i < COMMIT_NFIELDS; i++)
		sb_printf(b, "%s%s = EXCLUDED.%s", i > 1 ? ", " : "",
		    commit_column(i), commit_column(i));
	/* A constant payload: nothing a client sends reaches a listener. */
	sb_str(b, ";\nPREPARE bi_notify AS "
	    "SELECT pg_notify('bench_data', 'ingest');\n");

	for (k = record_kinds; k < record_kinds + KIND_COUNT; k++) {
		sb_printf(b, "CREATE TEMP TABLE IF NOT EXISTS bi_stage_%s "
		    "(measurement_id bigint", k->table);
		for (f = 0; f < k->nfields; f++)
			sb_printf(b, ", %s %s", k->fields[f].name,
			    field_type_sql(k->fields[f].type));
		sb_str(b, ") ON COMMIT DELETE ROWS;\n");

		/*
		 * xmax is 0 only on a row this statement inserted: the exact
		 * insert count, even with concurrent writers.
		 */
		sb_printf(b, "PREPARE bi_merge_%s%s AS WITH up AS (INSERT INTO "
		    "%s (", k->table, k->stamps_commit_timestamp ?
		    " (timestamptz)" : "", k->table);
		add_columns(b, k);
		sb_str(b, k->stamps_commit_timestamp ?
		    ", commit_timestamp) SELECT " : ") SELECT ");
		add_columns(b, k);
		sb_printf(b, "%s FROM bi_stage_%s ON CONFLICT (measurement_id) "
		    "DO UPDATE SET ", k->stamps_commit_timestamp ? ", $1" : "",
		    k->table);
		for (f = 0; f < k->nfields; f++)
			sb_printf(b, "%s%s = EXCLUDED.%s", f ? ", " : "",
			    k->fields[f].name, k->fields[f].name);
		if (k->stamps_commit_timestamp)
			sb_str(b, ", commit_timestamp = "
			    "EXCLUDED.commit_timestamp");
		sb_str(b, " RETURNING (xmax = 0) AS inserted) "
		    "SELECT count(*) FILTER (WHERE inserted) FROM up;\n");
	}
	return b->failed ? -1 : 0;
}

struct db *
db_new(const char *conninfo, long long statement_timeout_ms)
{
	struct db *db;

	if ((db = calloc(1, sizeof(*db))) == NULL)
		return NULL;
	if ((db->conninfo = strdup(conninfo)) == NULL) {
		free(db);
		return NULL;
	}
	if (session_sql(&db->session, statement_timeout_ms) == -1) {
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
	if (db->conn != NULL)
		PQfinish(db->conn);
	free(db->conninfo);
	sb_free(&db->session);
	sb_free(&db->sql);
	sb_free(&db->copy);
	free(db);
}

int
db_connect(struct db *db, struct api_error *err)
{
	static const char *const keys[] = {
		"application_name", "connect_timeout", "dbname", NULL
	};
	const char *values[] = { "benchingest", "5", db->conninfo, NULL };
	PGresult *res;

	if (db->conn != NULL && db->ready && PQstatus(db->conn) == CONNECTION_OK)
		return 0;
	drop_connection(db);
	/* Our defaults first: the configured conninfo overrides them. */
	db->conn = PQconnectdbParams(keys, values, 1);
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK)
		return unavailable(db, err, "connect");
	if (PQsetClientEncoding(db->conn, "UTF8") != 0)
		return unavailable(db, err, "client_encoding");
	res = PQexec(db->conn, db->session.data);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		pg_fail(db, res, "session setup", err);
		PQclear(res);
		if (PQstatus(db->conn) != CONNECTION_OK)
			err->status = 503, err->class = "unavailable";
		drop_connection(db);
		return -1;
	}
	PQclear(res);
	db->ready = true;
	return 0;
}

/*
 * Sends the buffered COPY data once it makes a chunk (or all of it), so a
 * row of any size streams through a buffer of bounded size.
 */
static int
copy_flush(struct db *db, bool all)
{
	if (db->copy.failed)
		return -1;
	if (db->copy.len == 0 || (!all && db->copy.len < COPY_CHUNK))
		return 0;
	if (PQputCopyData(db->conn, db->copy.data, (int)db->copy.len) != 1)
		return -1;
	sb_reset(&db->copy);
	return 0;
}

/* COPY text format: backslash, tab, newline and CR are escaped. */
static int
copy_text(struct db *db, const char *s, size_t n)
{
	struct strbuf *b = &db->copy;
	const char *p, *end;
	size_t slice;

	for (; n > 0; s += slice, n -= slice) {
		slice = n < COPY_CHUNK ? n : COPY_CHUNK;
		if (!sb_reserve(b, slice * 2))
			return -1;
		for (p = s, end = s + slice; p < end; p++) {
			char c = *p, e = 0;

			switch (c) {
			case '\\': e = '\\'; break;
			case '\t': e = 't'; break;
			case '\n': e = 'n'; break;
			case '\r': e = 'r'; break;
			}
			if (e) {
				b->data[b->len++] = '\\';
				b->data[b->len++] = e;
			} else
				b->data[b->len++] = c;
		}
		b->data[b->len] = '\0';
		if (copy_flush(db, false) == -1)
			return -1;
	}
	return 0;
}

/* Hot: millions per batch, so no printf. */
static void
copy_int(struct strbuf *b, int64_t v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	sb_add(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* One row; the buffer's failure sticks and copy_flush() reports it. */
static int
copy_row(struct db *db, const struct record *r, const struct jp_str *stamp)
{
	const struct kind *k = r->kind;
	const struct value *v;
	struct strbuf *b = &db->copy;
	char tmp[40];
	size_t f, i;

	copy_int(b, r->measurement_id);
	for (f = 0; f < k->nfields; f++) {
		v = &r->values[f];
		sb_add(b, "\t", 1);
		if (v->null) {
			sb_add(b, "\\N", 2);
			continue;
		}
		switch (k->fields[f].type) {
		case FT_STR:
		case FT_STR_OPT:
			if (copy_text(db, v->u.str.ptr, v->u.str.len) == -1)
				return -1;
			break;
		case FT_I32:
		case FT_I64:
		case FT_I64_OPT:
			copy_int(b, v->u.i64);
			break;
		case FT_I64_ARR:
			sb_add(b, "{", 1);
			for (i = 0; i < v->u.arr.n; i++) {
				if (i > 0)
					sb_add(b, ",", 1);
				copy_int(b, v->u.arr.v[i]);
				if (copy_flush(db, false) == -1)
					return -1;
			}
			sb_add(b, "}", 1);
			break;
		case FT_F64:
			/* 17 significant digits round-trip every double. */
			sb_add(b, tmp, (size_t)snprintf(tmp, sizeof(tmp),
			    "%.17g", v->u.f64));
			break;
		}
	}
	if (stamp != NULL) {
		sb_add(b, "\t", 1);
		if (copy_text(db, stamp->ptr, stamp->len) == -1)
			return -1;
	}
	sb_add(b, "\n", 1);
	return copy_flush(db, false);
}

struct slot {
	int64_t id;
	size_t pos;
};

static int
slot_cmp(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/*
 * The records of one kind in measurement_id order, one per id: the last
 * one wins, as if they had been upserted one by one.  The fixed order also
 * makes concurrent writers take row locks in the same order.
 */
static struct slot *
unique_rows(const struct envelope *env, const struct kind *k, size_t *n)
{
	struct slot *s;
	size_t i, m = 0, out = 0;

	if ((s = malloc(env->kind_count[k - record_kinds] * sizeof(*s))) ==
	    NULL)
		return NULL;
	for (i = 0; i < env->nrecords; i++)
		if (env->records[i]->kind == k) {
			s[m].id = env->records[i]->measurement_id;
			s[m].pos = i;
			m++;
		}
	qsort(s, m, sizeof(*s), slot_cmp);
	for (i = 0; i < m; i++)
		if (i + 1 == m || s[i + 1].id != s[i].id)
			s[out++] = s[i];
	*n = out;
	return s;
}

/*
 * Streams rows into a COPY: into the kind's table itself when direct, else
 * into its staging table.  The direct form also carries commit_timestamp,
 * which the merge statement otherwise stamps.
 */
static int
copy_rows(struct db *db, const struct envelope *env, const struct kind *k,
    const struct slot *rows, size_t n, bool direct, struct api_error *err)
{
	const struct jp_str *ts = &env->commit[COMMIT_TIMESTAMP];
	bool stamp = direct && k->stamps_commit_timestamp;
	PGresult *res;
	size_t i;
	int rc = -1;

	sb_reset(&db->sql);
	sb_printf(&db->sql, "COPY %s%s (", direct ? "" : "bi_stage_", k->table);
	add_columns(&db->sql, k);
	sb_str(&db->sql, stamp ? ", commit_timestamp) FROM STDIN" :
	    ") FROM STDIN");
	if (db->sql.failed) {
		api_error_set(err, 500, "internal", "out of memory");
		return -1;
	}
	res = PQexec(db->conn, db->sql.data);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		pg_fail(db, res, "COPY", err);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	sb_reset(&db->copy);
	for (i = 0; i < n; i++)
		if (copy_row(db, env->records[rows[i].pos],
		    stamp ? ts : NULL) == -1)
			break;
	if (i < n || copy_flush(db, true) == -1) {
		pg_fail(db, NULL, "COPY data", err);
		PQputCopyEnd(db->conn, "benchingest could not send a row");
		goto drain;
	}
	if (PQputCopyEnd(db->conn, NULL) != 1) {
		pg_fail(db, NULL, "COPY end", err);
		goto drain;
	}
	rc = 0;
drain:
	while ((res = PQgetResult(db->conn)) != NULL) {
		if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = pg_fail(db, res, "COPY", err);
		PQclear(res);
	}
	return rc;
}

/*
 * Writes one kind's records and adds how many were new to *inserted.
 *
 * A large batch of new rows goes straight into the table with COPY, the
 * cheapest write Postgres has: if it succeeds, the unique index has proven
 * every row new.  If any row exists (unique violation), the attempt is
 * rolled back to its savepoint and the batch takes the general path: COPY
 * into the staging table, then one upsert whose RETURNING (xmax = 0)
 * counts the inserts.  Either way the count comes from the write itself.
 */
static int
write_kind(struct db *db, const struct envelope *env, const struct kind *k,
    long long *inserted, struct api_error *err)
{
	const char *params[1] = { env->commit[COMMIT_TIMESTAMP].ptr };
	struct slot *rows;
	PGresult *res;
	char name[64];
	size_t n;
	int rc = -1;

	if ((rows = unique_rows(env, k, &n)) == NULL) {
		api_error_set(err, 500, "internal", "out of memory");
		return -1;
	}
	if (n >= DIRECT_MIN_ROWS) {
		if (exec_command(db, "SAVEPOINT bi_direct", err) == -1)
			goto out;
		if (copy_rows(db, env, k, rows, n, true, err) == 0) {
			rc = exec_command(db, "RELEASE SAVEPOINT bi_direct", err);
			*inserted += (long long)n;
			goto out;
		}
		if (!sqlstate_is(db, "23505") || exec_command(db,
		    "ROLLBACK TO SAVEPOINT bi_direct", err) == -1)
			goto out;
	}
	if (copy_rows(db, env, k, rows, n, false, err) == -1)
		goto out;
	snprintf(name, sizeof(name), "bi_merge_%s", k->table);
	res = PQexecPrepared(db->conn, name, k->stamps_commit_timestamp ? 1 : 0,
	    params, NULL, NULL, 0);
	if ((rc = exec_ok(db, res, PGRES_TUPLES_OK, k->table, err)) == 0)
		*inserted += strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
out:
	free(rows);
	return rc;
}

static int
ingest_once(struct db *db, const struct envelope *env,
    struct ingest_counts *counts, struct api_error *err)
{
	const char *params[COMMIT_NFIELDS];
	const struct kind *k;
	PGresult *res;
	size_t i;
	int rc;

	counts->inserted = 0;
	db->sqlstate[0] = '\0';
	for (i = 0; i < COMMIT_NFIELDS; i++)
		params[i] = env->commit[i].ptr;
	if (exec_command(db, "BEGIN", err) == -1)
		return -1;
	res = PQexecPrepared(db->conn, "bi_commit", COMMIT_NFIELDS, params,
	    NULL, NULL, 0);
	rc = exec_ok(db, res, PGRES_COMMAND_OK, "commit upsert", err);
	PQclear(res);
	for (k = record_kinds; rc == 0 && k < record_kinds + KIND_COUNT; k++)
		if (env->kind_count[k - record_kinds] > 0)
			rc = write_kind(db, env, k, &counts->inserted, err);
	if (rc == 0) {
		/* Delivered to listeners only if this transaction commits. */
		res = PQexecPrepared(db->conn, "bi_notify", 0, NULL, NULL,
		    NULL, 0);
		rc = exec_ok(db, res, PGRES_TUPLES_OK, "NOTIFY", err);
		PQclear(res);
	}
	if (rc == 0)
		rc = exec_command(db, "COMMIT", err);
	if (rc == -1 && PQstatus(db->conn) == CONNECTION_OK)
		PQclear(PQexec(db->conn, "ROLLBACK"));
	counts->updated = (long long)env->nrecords - counts->inserted;
	return rc;
}

/*
 * Deadlock and serialization failures; and a unique violation, which a
 * direct COPY racing a concurrent writer of the same new rows can meet.
 */
static bool
retryable(const struct db *db)
{
	return sqlstate_is(db, "40P01") || sqlstate_is(db, "40001") ||
	    sqlstate_is(db, "23505");
}

static void
backoff(int attempt)
{
	struct timespec ts;
	long ms;

	/* Jitter from the clock, so that two retrying workers drift apart. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ms = (10L << attempt) + ts.tv_nsec % 10;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

int
db_ingest(struct db *db, const struct envelope *env,
    struct ingest_counts *counts, struct api_error *err)
{
	bool reconnected = false;
	int attempt;

	for (attempt = 1; ; attempt++) {
		if (db_connect(db, err) == -1)
			return -1;
		if (ingest_once(db, env, counts, err) == 0)
			return 0;
		if (connection_lost(db)) {
			/* The server went away; the write is idempotent. */
			drop_connection(db);
			if (reconnected) {
				api_error_set(err, 503, "unavailable",
				    "connection lost twice");
				return -1;
			}
			reconnected = true;
			log_msg(LOG_WARN, "database connection lost, "
			    "reconnecting");
			continue;
		}
		if (!retryable(db) || attempt == MAX_ATTEMPTS)
			return -1;
		log_msg(LOG_INFO, "retrying ingest after %s (attempt %d)",
		    err->message, attempt);
		backoff(attempt);
	}
}

/* One statement in autocommit, reconnecting once if the server went away. */
static PGresult *
run(struct db *db, const char *sql, int nparams, const char *const *params,
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
		pg_fail(db, res, "query", err);
		PQclear(res);
		if (!connection_lost(db))
			return NULL;
		drop_connection(db);
	}
	api_error_set(err, 503, "unavailable", "connection lost");
	return NULL;
}

int
db_notify(struct db *db, const char *payload, struct api_error *err)
{
	PGresult *res;

	if ((res = run(db, "SELECT pg_notify('bench_data', $1)", 1, &payload,
	    err)) == NULL)
		return -1;
	PQclear(res);
	return 0;
}

int
db_health(struct db *db, struct health *h, struct api_error *err)
{
	PGresult *res;
	const char *table;
	size_t i, n = 1 + KIND_COUNT;

	memset(h, 0, sizeof(*h));
	h->exact = true;
	/* Sizes first: small tables get an exact count, big ones an estimate. */
	sb_reset(&db->sql);
	sb_str(&db->sql, "SELECT pg_relation_size(t::regclass), "
	    "GREATEST(c.reltuples, 0)::bigint FROM unnest(ARRAY['commits'");
	for (i = 0; i < KIND_COUNT; i++)
		sb_printf(&db->sql, ", '%s'", record_kinds[i].table);
	sb_str(&db->sql, "]) WITH ORDINALITY AS u(t, n) JOIN pg_class c "
	    "ON c.oid = t::regclass ORDER BY n");
	if (db->sql.failed)
		goto oom;
	if ((res = run(db, db->sql.data, 0, NULL, err)) == NULL)
		return -1;
	sb_reset(&db->sql);
	sb_str(&db->sql, "SELECT (SELECT to_char(timestamp AT TIME ZONE "
	    "'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
	    "extract(microseconds FROM timestamp)::bigint % 1000000 <> 0 THEN "
	    "to_char(timestamp AT TIME ZONE 'UTC', '.US') ELSE '' END || 'Z' "
	    "FROM commits ORDER BY timestamp DESC, commit_sha DESC LIMIT 1)");
	for (i = 0; i < n; i++) {
		table = i == 0 ? "commits" : record_kinds[i - 1].table;
		if (strtoll(PQgetvalue(res, (int)i, 0), NULL, 10) <
		    EXACT_COUNT_BYTES)
			sb_printf(&db->sql, ", (SELECT count(*) FROM %s)",
			    table);
		else {
			h->exact = false;
			sb_printf(&db->sql, ", %s::bigint",
			    PQgetvalue(res, (int)i, 1));
		}
	}
	PQclear(res);
	if (db->sql.failed)
		goto oom;
	if ((res = run(db, db->sql.data, 0, NULL, err)) == NULL)
		return -1;
	if ((h->has_latest = !PQgetisnull(res, 0, 0)))
		snprintf(h->latest, sizeof(h->latest), "%s",
		    PQgetvalue(res, 0, 0));
	for (i = 0; i < n; i++)
		h->counts[i] = strtoll(PQgetvalue(res, 0, (int)i + 1), NULL, 10);
	PQclear(res);
	return 0;
oom:
	api_error_set(err, 500, "internal", "out of memory");
	return -1;
}

int
db_read_begin(struct db *db, long long timeout_ms, struct api_error *err)
{
	PGresult *res;

	db->read_timeout = timeout_ms;
	db->read_deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
	if ((res = run(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	    0, NULL, err)) == NULL)
		return -1;
	PQclear(res);
	/* Timestamps read as the contract shows them: 2026-06-18 11:59:00+00 */
	if ((res = db_read_query(db, "SELECT set_config('TimeZone', 'UTC', "
	    "true), set_config('DateStyle', 'ISO, YMD', true)", 0, NULL,
	    err)) == NULL) {
		db_read_end(db);
		return -1;
	}
	PQclear(res);
	return 0;
}

/*
 * Waits for the answer to the query just sent, until the read's deadline;
 * then cancels the query, and cuts the connection if even that is not
 * answered soon.  Returns false when the deadline passed.
 */
static bool
await_answer(struct db *db)
{
	struct pollfd pfd = { .fd = PQsocket(db->conn), .events = POLLIN };
	long long until = db->read_deadline, left;
	PGcancel *cancel;
	bool late = false;
	char why[256];

	while (PQisBusy(db->conn)) {
		left = until != 0 ? until - now_ms() : -1;
		if (until != 0 && left <= 0) {
			if (late) {
				drop_connection(db);
				break;
			}
			late = true;
			if ((cancel = PQgetCancel(db->conn)) != NULL) {
				PQcancel(cancel, why, sizeof(why));
				PQfreeCancel(cancel);
			}
			until = now_ms() + CANCEL_GRACE_MS;
			continue;
		}
		pfd.revents = 0;
		if (poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left) == -1 &&
		    errno != EINTR)
			break;
		if (PQconsumeInput(db->conn) == 0)
			break;
	}
	return !late;
}

PGresult *
db_read_query(struct db *db, const char *sql, int nparams,
    const char *const *params, struct api_error *err)
{
	PGresult *res = NULL, *r;
	bool in_time;

	in_time = db->read_deadline == 0 || now_ms() < db->read_deadline;
	if (in_time && PQsendQueryParams(db->conn, sql, nparams, NULL, params,
	    NULL, NULL, 0) == 1) {
		in_time = await_answer(db);
		/* One statement, one result; the rest are read to the end. */
		while (db->conn != NULL && (r = PQgetResult(db->conn)) != NULL) {
			if (res == NULL)
				res = r;
			else
				PQclear(r);
		}
	}
	if (in_time && PQresultStatus(res) == PGRES_TUPLES_OK)
		return res;
	if (in_time)
		pg_fail(db, res, "read", err);
	else
		api_error_set(err, 503, "unavailable", "read: over "
		    "read_timeout (%lld ms)", db->read_timeout);
	PQclear(res);
	/* Gone, or over a timeout: worth a retry by the client. */
	if (db->conn == NULL || connection_lost(db) ||
	    sqlstate_is(db, "57014")) {
		err->status = 503;
		err->class = "unavailable";
	}
	return NULL;
}

void
db_read_end(struct db *db)
{
	PGresult *res;

	if (db->conn == NULL)
		return;
	res = PQexec(db->conn, "ROLLBACK");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		drop_connection(db);
	PQclear(res);
}
