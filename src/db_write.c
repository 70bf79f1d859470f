/* The write path: an envelope in one transaction, retried when worth it. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "db_copy.h"
#include "db_write.h"
#include "log.h"

#define MAX_ATTEMPTS	5
/* Batches this large first try a plain COPY into the table. */
#define DIRECT_MIN_ROWS		1000

static int
row_cmp(const void *a, const void *b)
{
	const struct db_row *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/*
 * The records of one kind in measurement_id order, one per id: the last
 * one wins, as if they had been upserted one by one.  The fixed order also
 * makes concurrent writers take row locks in the same order.
 */
static struct db_row *
unique_rows(const struct envelope *env, const struct kind *k, size_t *n)
{
	struct db_row *s;
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
	qsort(s, m, sizeof(*s), row_cmp);
	for (i = 0; i < m; i++)
		if (i + 1 == m || s[i + 1].id != s[i].id)
			s[out++] = s[i];
	*n = out;
	return s;
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
	struct db_row *rows;
	PGresult *res;
	char name[64];
	size_t n;
	int rc = -1;

	if ((rows = unique_rows(env, k, &n)) == NULL)
		return api_error_oom(err);
	if (n >= DIRECT_MIN_ROWS) {
		if (db_exec(db, "SAVEPOINT bi_direct", err) == -1)
			goto out;
		if (db_copy_rows(db, env, k, rows, n, true, err) == 0) {
			rc = db_exec(db, "RELEASE SAVEPOINT bi_direct", err);
			*inserted += (long long)n;
			goto out;
		}
		if (!db_sqlstate_is(db, "23505") || db_exec(db,
		    "ROLLBACK TO SAVEPOINT bi_direct", err) == -1)
			goto out;
	}
	if (db_copy_rows(db, env, k, rows, n, false, err) == -1)
		goto out;
	snprintf(name, sizeof(name), "bi_merge_%s", k->table);
	res = PQexecPrepared(db->conn, name, k->stamps_commit_timestamp ? 1 : 0,
	    params, NULL, NULL, 0);
	if ((rc = db_check(db, res, PGRES_TUPLES_OK, k->table, err)) == 0)
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
	if (db_exec(db, "BEGIN", err) == -1)
		return -1;
	res = PQexecPrepared(db->conn, "bi_commit", COMMIT_NFIELDS, params,
	    NULL, NULL, 0);
	rc = db_check(db, res, PGRES_COMMAND_OK, "commit upsert", err);
	PQclear(res);
	for (k = record_kinds; rc == 0 && k < record_kinds + KIND_COUNT; k++)
		if (env->kind_count[k - record_kinds] > 0)
			rc = write_kind(db, env, k, &counts->inserted, err);
	if (rc == 0) {
		/* Delivered to listeners only if this transaction commits. */
		res = PQexecPrepared(db->conn, "bi_notify", 0, NULL, NULL,
		    NULL, 0);
		rc = db_check(db, res, PGRES_TUPLES_OK, "NOTIFY", err);
		PQclear(res);
	}
	if (rc == 0)
		rc = db_exec(db, "COMMIT", err);
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
	return db_sqlstate_is(db, "40P01") || db_sqlstate_is(db, "40001") ||
	    db_sqlstate_is(db, "23505");
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
		if (db_lost(db)) {
			/* The server went away; the write is idempotent. */
			db_drop(db);
			if (reconnected) {
				api_error_set(err, 503, "unavailable",
				    "connection lost twice");
				return -1;
			}
			reconnected = true;
			metrics_db_retry(METRICS_DB_CONNECTION_LOST);
			log_msg(LOG_WARN, "database connection lost, "
			    "reconnecting");
			continue;
		}
		if (!retryable(db) || attempt == MAX_ATTEMPTS)
			return -1;
		metrics_db_retry(db_error_kind(db));
		log_msg(LOG_INFO, "retrying ingest after %s (attempt %d)",
		    err->message, attempt);
		backoff(attempt);
	}
}

int
db_notify(struct db *db, const char *payload, struct api_error *err)
{
	PGresult *res;

	if ((res = db_run(db, "SELECT pg_notify('bench_data', $1)", 1, &payload,
	    err)) == NULL)
		return -1;
	PQclear(res);
	return 0;
}
