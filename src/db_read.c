/* Read transactions: a snapshot per read, each statement under a deadline. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "db_read.h"
#include "strbuf.h"

/* A cancelled read's answer is awaited this long before the link is cut. */
#define CANCEL_GRACE_MS		1000
/* Rows of a batch between two looks at what has come of the next. */
#define CURSOR_TAKE		64

int
db_read_begin(struct db *db, long long timeout_ms, struct api_error *err)
{
	PGresult *res;

	db->read_timeout = timeout_ms;
	db->read_deadline = timeout_ms > 0 ? clock_ms() + timeout_ms : 0;
	if ((res = db_run(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	    0, NULL, err)) == NULL)
		return -1;
	/* Its settings are the session's (db_setup.c). */
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
		left = until != 0 ? until - clock_ms() : -1;
		if (until != 0 && left <= 0) {
			if (late) {
				db_drop(db);
				break;
			}
			late = true;
			if ((cancel = PQgetCancel(db->conn)) != NULL) {
				PQcancel(cancel, why, sizeof(why));
				PQfreeCancel(cancel);
			}
			until = clock_ms() + CANCEL_GRACE_MS;
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

/*
 * The result of the statement just sent, the rest read to the end; NULL
 * and *in_time false if the read's deadline passed first.
 */
static PGresult *
collect(struct db *db, bool *in_time)
{
	PGresult *res = NULL, *r;

	*in_time = await_answer(db);
	while (db->conn != NULL && (r = PQgetResult(db->conn)) != NULL) {
		if (res == NULL)
			res = r;
		else
			PQclear(r);
	}
	return res;
}

/*
 * Whether the server did what was just sent (sent: what PQsend* said), a
 * prepare or a deallocate.  If not, *res is its refusal (NULL past the
 * deadline: *in_time false, a cancel answered) and nothing changed on
 * the server; or there was no answer at all, and what the server has
 * prepared is unknown: the connection is dropped, which forgets it all.
 */
static bool
server_did(struct db *db, int sent, PGresult **res, bool *in_time)
{
	*res = sent == 1 ? collect(db, in_time) : NULL;
	if (PQresultStatus(*res) == PGRES_COMMAND_OK) {
		PQclear(*res);
		*res = NULL;
		return true;
	}
	if (*res == NULL || PQstatus(db->conn) != CONNECTION_OK)
		db_drop(db);
	if (!*in_time) {
		PQclear(*res);
		*res = NULL;
	}
	return false;
}

/*
 * sql prepared in a slot of db->stmts, after freeing that slot on the
 * server if another statement held it: the slot; or -1 with *res NULL
 * and *in_time true, to run it unprepared (no slots, or no memory to
 * remember it); or -1 when that failed (server_did()).
 */
static int
prepare(struct db *db, const char *sql, int nparams, PGresult **res,
    bool *in_time)
{
	char name[16], dealloc[32];
	int slot;

	*res = NULL;
	if ((slot = db_stmts_victim(&db->stmts)) == -1)
		return -1;
	db_stmts_name(slot, name, sizeof(name));
	if (db->stmts.slot[slot].sql != NULL) {
		snprintf(dealloc, sizeof(dealloc), "DEALLOCATE %s", name);
		if (!server_did(db, PQsendQuery(db->conn, dealloc), res,
		    in_time))
			return -1;
		db_stmts_forget(&db->stmts, slot);
	}
	if (db_stmts_set(&db->stmts, slot, sql) == -1)
		return -1;
	if (!server_did(db, PQsendPrepare(db->conn, name, sql, nparams, NULL),
	    res, in_time)) {
		db_stmts_forget(&db->stmts, slot);
		return -1;
	}
	/* Prepared just past the deadline: kept for the next read. */
	return *in_time ? slot : -1;
}

/*
 * Sends sql (prepared once per connection if prepared: db_stmt.h), its
 * rows to come as text (format 0) or binary (1); how that went is in
 * *sent, for read_finish().
 */
static void
read_send(struct db *db, const char *sql, int nparams,
    const char *const *params, int format, bool prepared,
    struct db_sent *sent)
{
	char name[16];

	sent->res = NULL;
	sent->slot = -1;
	sent->sent = false;
	sent->in_time = db->read_deadline == 0 ||
	    clock_ms() < db->read_deadline;
	if (sent->in_time && prepared &&
	    (sent->slot = db_stmts_find(&db->stmts, sql)) == -1)
		sent->slot = prepare(db, sql, nparams, &sent->res,
		    &sent->in_time);
	if (sent->slot != -1) {
		db_stmts_name(sent->slot, name, sizeof(name));
		sent->sent = PQsendQueryPrepared(db->conn, name, nparams,
		    params, NULL, NULL, format) == 1;
	} else if (sent->in_time && sent->res == NULL && db->conn != NULL)
		sent->sent = PQsendQueryParams(db->conn, sql, nparams, NULL,
		    params, NULL, NULL, format) == 1;
}

/*
 * The result of what read_send() sent, if it has status want; or NULL
 * with err filled.
 */
static PGresult *
read_finish(struct db *db, struct db_sent *sent, ExecStatusType want,
    struct api_error *err)
{
	PGresult *res = sent->res;
	bool in_time = sent->in_time;

	if (sent->sent)
		res = collect(db, &in_time);
	if (in_time && PQresultStatus(res) == want)
		return res;
	if (in_time)
		db_fail(db, res, "read", err);
	else {
		api_error_set(err, 503, "unavailable", "read: over "
		    "read_timeout (%lld ms)", db->read_timeout);
		metrics_db_error(METRICS_DB_TIMEOUT);
	}
	PQclear(res);
	/*
	 * A prepared statement whose result columns changed under it (a
	 * migration altered a table) fails until it is prepared again: on a
	 * new connection.
	 */
	if (sent->slot != -1 && db_sqlstate_is(db, "0A000"))
		db_drop(db);
	/* Gone, or over a timeout: worth a retry by the client. */
	if (db->conn == NULL || db_lost(db) ||
	    db_sqlstate_is(db, "57014")) {
		err->status = 503;
		err->class = "unavailable";
	}
	return NULL;
}

/*
 * A statement whose result has status want, or NULL with err filled;
 * prepared (once per connection: db_stmt.h) if prepared is true.
 */
static PGresult *
read_statement(struct db *db, const char *sql, int nparams,
    const char *const *params, ExecStatusType want, bool prepared,
    struct api_error *err)
{
	struct db_sent sent;

	read_send(db, sql, nparams, params, 0, prepared, &sent);
	return read_finish(db, &sent, want, err);
}

PGresult *
db_read_query(struct db *db, const char *sql, int nparams,
    const char *const *params, struct api_error *err)
{
	return read_statement(db, sql, nparams, params, PGRES_TUPLES_OK, true,
	    err);
}

void
db_read_end(struct db *db)
{
	PGresult *res;

	if (db->conn == NULL)
		return;
	res = PQexec(db->conn, "ROLLBACK");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		db_drop(db);
	PQclear(res);
}

int
db_cursor_open(struct db_cursor *c, struct db *db, const char *sql,
    int nparams, const char *const *params, int batch,
    struct api_error *err)
{
	struct strbuf decl = { 0 };
	struct db_sent sent;
	PGresult *res;

	memset(c, 0, sizeof(*c));
	c->db = db;
	c->size = batch;
	if (batch == 0) {
		read_send(db, sql, nparams, params, 1, true, &sent);
		c->batch = read_finish(db, &sent, PGRES_TUPLES_OK, err);
		c->row = -1;
		c->end = true;
		return c->batch == NULL ? -1 : 0;
	}
	sb_printf(&decl, "DECLARE bi_rows NO SCROLL CURSOR FOR %s", sql);
	snprintf(c->fetch, sizeof(c->fetch), "FETCH %d FROM bi_rows", batch);
	if (decl.failed) {
		sb_free(&decl);
		return api_error_oom(err);
	}
	res = read_statement(db, decl.data, nparams, params, PGRES_COMMAND_OK,
	    false, err);
	sb_free(&decl);
	PQclear(res);
	c->declared = res != NULL;
	return res == NULL ? -1 : 0;
}

/*
 * The next batch is asked for as soon as one arrives, so that Postgres
 * reads it while the caller works through this one; what has arrived of
 * it is taken in every CURSOR_TAKE rows, so that Postgres does not wait
 * for room in the socket.
 */
int
db_cursor_next(struct db_cursor *c, struct api_error *err)
{
	if (c->batch != NULL && ++c->row < PQntuples(c->batch)) {
		if (c->ahead && c->row % CURSOR_TAKE == 0)
			(void)PQconsumeInput(c->db->conn);
		return 1;
	}
	PQclear(c->batch);
	c->batch = NULL;
	if (c->end)
		return 0;
	if (!c->ahead)
		read_send(c->db, c->fetch, 0, NULL, 1, false, &c->sent);
	c->ahead = false;
	if ((c->batch = read_finish(c->db, &c->sent, PGRES_TUPLES_OK,
	    err)) == NULL)
		return -1;
	c->row = 0;
	if (PQntuples(c->batch) < c->size)
		c->end = true;
	else {
		read_send(c->db, c->fetch, 0, NULL, 1, false, &c->sent);
		c->ahead = true;
	}
	return PQntuples(c->batch) > 0 ? 1 : 0;
}

void
db_cursor_free(struct db_cursor *c)
{
	struct api_error err;

	PQclear(c->batch);
	c->batch = NULL;
	/* A batch asked for and not taken: read (and dropped) first. */
	if (c->ahead && c->db->conn != NULL)
		PQclear(read_finish(c->db, &c->sent, PGRES_TUPLES_OK, &err));
	c->ahead = false;
	/* In a failed transaction this fails too; the ROLLBACK ends both. */
	if (c->declared && c->db->conn != NULL)
		PQclear(PQexec(c->db->conn, "CLOSE bi_rows"));
	c->declared = false;
}
