/* The SQL a new session runs first, generated from the record-kind table. */
#include "db_setup.h"
#include "envelope.h"

void
db_kind_columns(struct strbuf *b, const struct kind *k)
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
 * statement timeout, the reads' settings, a staging table per kind, and
 * prepared statements.
 * Staging tables are temporary (no WAL) and emptied at every commit.
 */
int
db_setup_sql(struct strbuf *b, long long timeout)
{
	const struct kind *k;
	size_t i, f;

	sb_reset(b);
	sb_printf(b, "SET statement_timeout = %lld;\n", timeout);
	/*
	 * For the reads, once per connection rather than in every read's
	 * transaction (a round trip each): timestamps as the contract shows
	 * them, 2026-06-18 11:59:00+00 (writes take them with their offset,
	 * and read none as text); no JIT, since the recursive walks' row
	 * estimates are huge, so their cost passes jit_above_cost, and
	 * compiling them takes seconds for a read that runs in milliseconds;
	 * no Memoize: the reads' nested loops never probe the same series
	 * twice, so it only costs.
	 */
	sb_str(b, "SET TimeZone = 'UTC';\nSET DateStyle = 'ISO, YMD';\n"
	    "SET jit = off;\nSET enable_memoize = off;\n");
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
		db_kind_columns(b, k);
		sb_str(b, k->stamps_commit_timestamp ?
		    ", commit_timestamp) SELECT " : ") SELECT ");
		db_kind_columns(b, k);
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
