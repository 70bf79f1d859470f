/* The database's part of GET /api/health: latest commit, row counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_health.h"

/* Below this a table is counted exactly; above, the planner's estimate. */
#define EXACT_COUNT_BYTES	(8LL * 1024 * 1024)

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
	if ((res = db_run(db, db->sql.data, 0, NULL, err)) == NULL)
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
	if ((res = db_run(db, db->sql.data, 0, NULL, err)) == NULL)
		return -1;
	if ((h->has_latest = !PQgetisnull(res, 0, 0)))
		snprintf(h->latest, sizeof(h->latest), "%s",
		    PQgetvalue(res, 0, 0));
	for (i = 0; i < n; i++)
		h->counts[i] = strtoll(PQgetvalue(res, 0, (int)i + 1), NULL, 10);
	PQclear(res);
	return 0;
oom:
	api_error_oom(err);
	return -1;
}
