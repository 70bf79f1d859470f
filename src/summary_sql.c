/*
 * The summaries' SQL: what the reference read service's lib/summary.ts
 * selects, one statement per group, ordered as the reference orders it
 * (the order of a geometric mean's sum) but bytewise (COLLATE "C",
 * whatever the database's collation: benchingest(8)), ties broken by
 * commit.
 *
 * Costs: a query group reads its series' rows of query_series (one index
 * range; the newest positive value of each is kept there by triggers),
 * and a read of every group reads every query group's from
 * query_summaries, a row per group, its series' rows in order in one text
 * kept by triggers (summary_sql_prefetch(), parsed here); compression times and sizes walk
 * commits newest first to the first one with a vortex/parquet pair
 * (compression_*_commit_idx), then read that timestamp's rows; random
 * access, per dataset, walks commits newest first to the first with a
 * positive row (random_access_times_positive_idx).
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "summary_sql.h"

/*
 * Per series (query_idx, engine, format) of the group with a positive
 * value, its newest positive value: stamped rows by commit_timestamp
 * (query_series keeps it: latest_value, ties to the greater commit_sha),
 * else unstamped rows by their commit's timestamp, ties to the greater
 * commit_sha, read from query_measurements for such a series alone
 * (query_measurements_unstamped_idx).  %1$s: the group's pins on
 * query_series (q), %2$s: the same on query_measurements (m).
 */
#define QUERY_SQL \
	"SELECT q.query_idx, q.engine || ':' || q.format, " \
	"COALESCE(q.latest_value::float8, (SELECT m.value_ns::float8 " \
	"FROM query_measurements m " \
	"LEFT JOIN commits c ON c.commit_sha = m.commit_sha " \
	"WHERE %2$s AND m.query_idx = q.query_idx AND m.engine = q.engine " \
	"AND m.format = q.format AND m.value_ns > 0 " \
	"AND m.commit_timestamp IS NULL " \
	"ORDER BY c.timestamp DESC NULLS LAST, m.commit_sha DESC LIMIT 1)) " \
	"FROM query_series q WHERE %1$s " \
	"AND (q.latest_id IS NOT NULL OR q.unstamped_positive > 0) " \
	"ORDER BY q.query_idx, q.engine COLLATE \"C\", q.format COLLATE \"C\""

/*
 * Every group of the datasets $1 with a summary's rows, in no order: its
 * key, its rows as query_summaries holds them (sql/007_query_summaries.sql:
 * in QUERY_SQL's order, a value "-" where latest_id is NULL) and, if it
 * has such rows, their values as QUERY_SQL takes them, in their order,
 * separated by spaces.  Values are the bigints as stored, read exactly.
 */
static const char query_all_sql[] =
	"SELECT s.dataset, s.dataset_variant, s.scale_factor, s.storage, "
	"s.series, CASE WHEN s.unstamped > 0 THEN (SELECT string_agg(("
	"SELECT m.value_ns FROM query_measurements m "
	"LEFT JOIN commits c ON c.commit_sha = m.commit_sha "
	"WHERE m.dataset = q.dataset AND m.dataset_variant IS NOT DISTINCT "
	"FROM q.dataset_variant AND m.scale_factor IS NOT DISTINCT FROM "
	"q.scale_factor AND m.storage = q.storage "
	"AND m.query_idx = q.query_idx AND m.engine = q.engine "
	"AND m.format = q.format AND m.value_ns > 0 "
	"AND m.commit_timestamp IS NULL "
	"ORDER BY c.timestamp DESC NULLS LAST, m.commit_sha DESC LIMIT 1)::text, "
	"' ' ORDER BY q.query_idx, q.engine COLLATE \"C\", "
	"q.format COLLATE \"C\") FROM query_series q "
	"WHERE (q.dataset COLLATE \"C\", q.dataset_variant IS NOT NULL, "
	"COALESCE(q.dataset_variant, '') COLLATE \"C\", "
	"q.scale_factor IS NOT NULL, COALESCE(q.scale_factor, '') COLLATE \"C\", "
	"q.storage COLLATE \"C\") = (s.dataset COLLATE \"C\", "
	"s.dataset_variant IS NOT NULL, "
	"COALESCE(s.dataset_variant, '') COLLATE \"C\", "
	"s.scale_factor IS NOT NULL, COALESCE(s.scale_factor, '') COLLATE \"C\", "
	"s.storage COLLATE \"C\") "
	"AND q.latest_id IS NULL AND q.unstamped_positive > 0) END "
	"FROM query_summaries s WHERE s.dataset = ANY ($1::text[])";

/*
 * The vortex-file-compressed/parquet pairs of one commit, dataset,
 * variant (and op) with both values positive, wide tables left out.
 */
#define PAIRS(table, value, op) \
	"FROM " table " v JOIN " table " p ON p.commit_sha = v.commit_sha " \
	"AND p.dataset = v.dataset " \
	"AND p.dataset_variant IS NOT DISTINCT FROM v.dataset_variant " op \
	"WHERE v.format = 'vortex-file-compressed' AND p.format = 'parquet' " \
	"AND v." value " > 0 AND p." value " > 0 " \
	"AND lower(v.dataset) NOT LIKE '%wide table%' "

#define CT_PAIRS \
	PAIRS("compression_times", "value_ns", "AND p.op = v.op ")
#define CS_PAIRS	PAIRS("compression_sizes", "value_bytes", "")

/* The newest commit timestamp with a pair of op (a literal). */
#define CT_LATEST(op) \
	"(SELECT c.timestamp FROM commits c WHERE EXISTS (SELECT 1 " \
	CT_PAIRS "AND v.commit_sha = c.commit_sha AND v.op = " op ") " \
	"ORDER BY c.timestamp DESC LIMIT 1)"

/*
 * (op, parquet/vortex time) at the newest timestamp with an encode pair,
 * else with a decode pair: decode ratios at the encode pairs' timestamp.
 */
static const char compression_sql[] =
	"SELECT v.op, p.value_ns::float8 / v.value_ns::float8 "
	CT_PAIRS "AND v.op IN ('encode', 'decode') AND v.commit_sha IN "
	"(SELECT commit_sha FROM commits WHERE timestamp = COALESCE("
	CT_LATEST("'encode'") ", " CT_LATEST("'decode'") ")) "
	"ORDER BY v.dataset COLLATE \"C\", "
	"v.dataset_variant COLLATE \"C\" NULLS FIRST, v.commit_sha";

/* vortex/parquet sizes at the newest timestamp with a pair. */
static const char compression_size_sql[] =
	"SELECT v.value_bytes::float8 / p.value_bytes::float8 " CS_PAIRS
	"AND v.commit_sha IN (SELECT commit_sha FROM commits WHERE "
	"timestamp = (SELECT c.timestamp FROM commits c WHERE EXISTS "
	"(SELECT 1 " CS_PAIRS "AND v.commit_sha = c.commit_sha) "
	"ORDER BY c.timestamp DESC LIMIT 1)) "
	"ORDER BY v.dataset COLLATE \"C\", "
	"v.dataset_variant COLLATE \"C\" NULLS FIRST, v.commit_sha";

/*
 * Per dataset of $1 (the group's charts, in order), its positive rows at
 * the newest timestamp it has any: (position in $1, format, time).
 */
static const char random_access_sql[] =
	"SELECT d.ord, r.format, r.value_ns::float8 "
	"FROM unnest($1::text[]) WITH ORDINALITY AS d(dataset, ord) "
	"CROSS JOIN LATERAL (SELECT c.timestamp FROM commits c WHERE EXISTS "
	"(SELECT 1 FROM random_access_times r WHERE r.commit_sha = "
	"c.commit_sha AND r.dataset = d.dataset AND r.value_ns > 0) "
	"ORDER BY c.timestamp DESC LIMIT 1) l "
	"JOIN commits c ON c.timestamp = l.timestamp "
	"JOIN random_access_times r ON r.commit_sha = c.commit_sha "
	"AND r.dataset = d.dataset AND r.value_ns > 0 "
	"ORDER BY d.ord";

static double
value_at(PGresult *res, int row, int col)
{
	return strtod(PQgetvalue(res, row, col), NULL);
}

/*
 * The summary of res's rows from `first`, n of them, laid out as
 * (query_idx, series name, value) from column `col` on.
 */
static int
query_rows_summary(PGresult *res, int first, int n, int col,
    struct summary *s, struct api_error *err)
{
	struct summary_row *rows = NULL;
	int i, rc;

	if (n > 0 && (rows = calloc((size_t)n, sizeof(*rows))) == NULL)
		return api_error_oom(err);
	for (i = 0; i < n; i++) {
		rows[i].query_idx = (int)strtol(PQgetvalue(res, first + i, col),
		    NULL, 10);
		rows[i].name = PQgetvalue(res, first + i, col + 1);
		rows[i].value = value_at(res, first + i, col + 2);
	}
	if ((rc = summary_query(s, rows, (size_t)n)) == -1)
		api_error_oom(err);
	free(rows);
	return rc;
}

static const struct prefetch_group *prefetch_find(
    const struct summary_prefetch *, const struct dim_value *);

/* group's summary from the rows of every group (summary_sql_prefetch()). */
static int
query_summary_of(const struct summary_prefetch *pre,
    const struct chart_key *group, struct summary *s, struct api_error *err)
{
	const struct prefetch_group *g;

	if (!summary_query_dataset(group->values[0].text) ||
	    (g = prefetch_find(pre, group->values)) == NULL)
		return 0;
	if (summary_query(s, pre->rows + g->first, g->n) == -1)
		return api_error_oom(err);
	return 0;
}

/*
 * The group's pins on the columns of alias a: dataset $1, storage $2,
 * then variant and scale factor, each IS NULL or the next $n (params,
 * *nparams: 2 on entry; the same for every alias).
 */
static void
group_pins(struct strbuf *pins, const struct dim_value *v, const char *a,
    const char **params, int *nparams)
{
	*nparams = 2;
	params[0] = v[0].text;
	params[1] = v[3].text;
	sb_printf(pins, "%1$s.dataset = $1 AND %1$s.storage = $2", a);
	if (v[1].null)
		sb_printf(pins, " AND %s.dataset_variant IS NULL", a);
	else {
		params[(*nparams)++] = v[1].text;
		sb_printf(pins, " AND %s.dataset_variant = $%d", a, *nparams);
	}
	if (v[2].null)
		sb_printf(pins, " AND %s.scale_factor IS NULL", a);
	else {
		params[(*nparams)++] = v[2].text;
		sb_printf(pins, " AND %s.scale_factor = $%d", a, *nparams);
	}
}

static int
query_summary(struct db *db, const struct chart_key *group,
    struct summary *s, struct api_error *err)
{
	const struct dim_value *v = group->values;
	const char *params[4];
	struct strbuf pins = { 0 }, mpins = { 0 }, sql = { 0 };
	PGresult *res = NULL;
	int nparams, rc = -1;

	if (!summary_query_dataset(v[0].text))
		return 0;
	group_pins(&pins, v, "q", params, &nparams);
	group_pins(&mpins, v, "m", params, &nparams);
	if (!pins.failed && !mpins.failed)
		sb_printf(&sql, QUERY_SQL, pins.data, mpins.data);
	if (pins.failed || mpins.failed || sql.failed) {
		api_error_oom(err);
		goto out;
	}
	if ((res = db_read_query(db, sql.data, nparams, params, err)) == NULL)
		goto out;
	rc = query_rows_summary(res, 0, PQntuples(res), 0, s, err);
out:
	PQclear(res);
	sb_free(&pins);
	sb_free(&mpins);
	sb_free(&sql);
	return rc;
}

static int
compression_summary(struct db *db, bool sizes, struct summary *s,
    struct api_error *err)
{
	PGresult *res;
	double *encode = NULL, *decode = NULL;
	size_t ne = 0, nd = 0;
	int i, n, rc = -1;

	if ((res = db_read_query(db, sizes ? compression_size_sql :
	    compression_sql, 0, NULL, err)) == NULL)
		return -1;
	n = PQntuples(res);
	if (n > 0 && ((encode = calloc((size_t)n, sizeof(double))) == NULL ||
	    (decode = calloc((size_t)n, sizeof(double))) == NULL)) {
		api_error_oom(err);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (sizes)
			encode[ne++] = value_at(res, i, 0);
		else if (strcmp(PQgetvalue(res, i, 0), "encode") == 0)
			encode[ne++] = value_at(res, i, 1);
		else
			decode[nd++] = value_at(res, i, 1);
	if (sizes)
		summary_compression_size(s, encode, ne);
	else
		summary_compression(s, encode, ne, decode, nd);
	rc = 0;
out:
	free(encode);
	free(decode);
	PQclear(res);
	return rc;
}

/* text as an element of a Postgres array literal: "b\"c". */
static void
sb_pg_element(struct strbuf *sb, const char *text)
{
	const char *p;

	sb_str(sb, "\"");
	for (p = text; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			sb_add(sb, "\\", 1);
		sb_add(sb, p, 1);
	}
	sb_str(sb, "\"");
}

/* A Postgres array literal of the charts' datasets: {"a","b\"c"}. */
static void
datasets_array(struct strbuf *sb, const struct chart_key *charts, size_t n)
{
	size_t i;

	sb_str(sb, "{");
	for (i = 0; i < n; i++) {
		if (i > 0)
			sb_str(sb, ",");
		sb_pg_element(sb, charts[i].values[0].text);
	}
	sb_str(sb, "}");
}

/* The first chart, in order, with positive rows: its newest ones. */
static int
random_access_summary(struct db *db, const struct chart_key *charts,
    size_t ncharts, struct summary *s, struct api_error *err)
{
	struct strbuf array = { 0 };
	struct summary_row *rows = NULL;
	PGresult *res = NULL;
	const char *param;
	int i, n, first = 0, rc = -1;

	datasets_array(&array, charts, ncharts);
	if (array.failed) {
		api_error_oom(err);
		goto out;
	}
	param = array.data;
	if ((res = db_read_query(db, random_access_sql, 1, &param, err)) ==
	    NULL)
		goto out;
	n = PQntuples(res);
	if (n > 0 && (rows = calloc((size_t)n, sizeof(*rows))) == NULL) {
		api_error_oom(err);
		goto out;
	}
	for (i = 0; i < n && strcmp(PQgetvalue(res, i, 0),
	    PQgetvalue(res, 0, 0)) == 0; i++) {
		rows[first].name = PQgetvalue(res, i, 1);
		rows[first].value = value_at(res, i, 2);
		first++;
	}
	if ((rc = summary_random_access(s, rows, (size_t)first)) == -1)
		api_error_oom(err);
out:
	free(rows);
	PQclear(res);
	sb_free(&array);
	return rc;
}

int
summary_sql_group(struct db *db, const struct chart_key *group,
    const struct chart_key *charts, size_t ncharts,
    const struct summary_prefetch *pre, struct summary *s,
    struct api_error *err)
{
	memset(s, 0, sizeof(*s));
	switch (group->kind->summary) {
	case SUMMARY_NONE:
		return 0;
	case SUMMARY_QUERY:
		if (pre != NULL)
			return query_summary_of(pre, group, s, err);
		return query_summary(db, group, s, err);
	case SUMMARY_COMPRESSION:
		return compression_summary(db, false, s, err);
	case SUMMARY_COMPRESSION_SIZE:
		return compression_summary(db, true, s, err);
	case SUMMARY_RANDOM_ACCESS:
		return random_access_summary(db, charts, ncharts, s, err);
	}
	return 0;
}

/* FNV-1a over a group's key: each value's null flag and text. */
static uint32_t
key_hash(const struct dim_value *v)
{
	const unsigned char *p;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < QUERY_GROUP_DIMS; i++) {
		h = (h ^ (v[i].null ? 1u : 2u)) * 16777619u;
		if (!v[i].null)
			for (p = (const unsigned char *)v[i].text; *p != '\0';
			    p++)
				h = (h ^ *p) * 16777619u;
	}
	return h;
}

static bool
key_equal(const struct dim_value *a, const struct dim_value *b)
{
	size_t i;

	for (i = 0; i < QUERY_GROUP_DIMS; i++)
		if (a[i].null != b[i].null || (!a[i].null &&
		    strcmp(a[i].text, b[i].text) != 0))
			return false;
	return true;
}

/* Row r's group key, pointing into res. */
static void
row_key(PGresult *res, int r, struct dim_value *v)
{
	size_t i;

	for (i = 0; i < QUERY_GROUP_DIMS; i++) {
		v[i].null = PQgetisnull(res, r, (int)i);
		v[i].text = v[i].null ? NULL : PQgetvalue(res, r, (int)i);
	}
}

/*
 * The slot of key's group in pre's table: its entry, or the empty slot
 * where it would go.
 */
static size_t
prefetch_slot(const struct summary_prefetch *pre, const struct dim_value *key)
{
	struct dim_value other[QUERY_GROUP_DIMS];
	size_t i = key_hash(key) & (pre->nslots - 1);

	while (pre->slots[i] != 0) {
		row_key(pre->res, pre->groups[pre->slots[i] - 1].key_row,
		    other);
		if (key_equal(key, other))
			break;
		i = (i + 1) & (pre->nslots - 1);
	}
	return i;
}

static const struct prefetch_group *
prefetch_find(const struct summary_prefetch *pre, const struct dim_value *key)
{
	size_t i;

	if (pre->nslots == 0)
		return NULL;
	i = prefetch_slot(pre, key);
	return pre->slots[i] == 0 ? NULL : &pre->groups[pre->slots[i] - 1];
}

/*
 * An integer of query_summaries' text at *p (before end), optionally
 * negative, then a space or, if last, the end: *p moved past both.
 */
static int
parse_int(const char **p, const char *end, bool last, long long *out)
{
	const char *s = *p;
	bool neg = false;
	long long v = 0;

	if (s < end && *s == '-') {
		neg = true;
		s++;
	}
	if (s == end || *s < '0' || *s > '9')
		return -1;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (v > (LLONG_MAX - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (s < end && *s == ' ')
		s++;
	else if (!(last && s == end))
		return -1;
	*p = s;
	*out = neg ? -v : v;
	return 0;
}

/*
 * Row r's entries (sql/007_query_summaries.sql) appended to pre->rows
 * (room for them: *cap) from pre->rows[*n], their names at *names, a
 * "-" value taken from the row's next unstamped one.  -1: out of memory
 * (*oom) or not as 007 writes them.
 */
static int
parse_group(struct summary_prefetch *pre, int r, size_t *n, size_t *cap,
    char **names, bool *oom)
{
	const char *p, *end, *u, *uend;
	struct summary_row *rows;
	long long idx, elen, flen, value;

	p = PQgetvalue(pre->res, r, QUERY_GROUP_DIMS);
	end = p + PQgetlength(pre->res, r, QUERY_GROUP_DIMS);
	u = PQgetvalue(pre->res, r, QUERY_GROUP_DIMS + 1);
	uend = u + PQgetlength(pre->res, r, QUERY_GROUP_DIMS + 1);
	while (p < end) {
		if (*n == *cap) {
			*cap = *cap * 2 + 64;
			if ((rows = realloc(pre->rows, *cap * sizeof(*rows))) ==
			    NULL) {
				*oom = true;
				return -1;
			}
			pre->rows = rows;
		}
		if (parse_int(&p, end, false, &idx) == -1 ||
		    idx < INT_MIN || idx > INT_MAX ||
		    parse_int(&p, end, false, &elen) == -1 ||
		    parse_int(&p, end, false, &flen) == -1 ||
		    elen < 0 || flen < 0)
			return -1;
		if (end - p >= 2 && p[0] == '-' && p[1] == ' ') {
			p += 2;
			if (parse_int(&u, uend, true, &value) == -1)
				return -1;
		} else if (parse_int(&p, end, false, &value) == -1)
			return -1;
		if (elen > end - p || flen > end - p - elen)
			return -1;
		pre->rows[*n].query_idx = (int)idx;
		pre->rows[*n].value = (double)value;
		pre->rows[*n].name = *names;
		memcpy(*names, p, (size_t)elen);
		(*names)[elen] = ':';
		memcpy(*names + elen + 1, p + elen, (size_t)flen);
		(*names)[elen + 1 + flen] = '\0';
		*names += elen + flen + 2;
		p += elen + flen;
		(*n)++;
		if (p < end && *p++ != ' ')
			return -1;
	}
	return u == uend ? 0 : -1;
}

/*
 * pre->res's rows, one per group: a hash table of the groups, and their
 * entries parsed into rows, each group's a run (in order already).
 */
static int
prefetch_index(struct summary_prefetch *pre, struct api_error *err)
{
	struct dim_value key[QUERY_GROUP_DIMS];
	struct prefetch_group *g;
	size_t n, slot, nrows = 0, cap = 0, len = 1;
	char *names;
	bool oom = false;
	int r;

	n = (size_t)PQntuples(pre->res);
	for (pre->nslots = 16; pre->nslots < 2 * n; pre->nslots *= 2)
		;
	if ((pre->slots = calloc(pre->nslots, sizeof(*pre->slots))) == NULL)
		return api_error_oom(err);
	if (n == 0)
		return 0;
	/* Each entry's name is shorter than the entry (and len > 0). */
	for (r = 0; r < (int)n; r++)
		len += (size_t)PQgetlength(pre->res, r, QUERY_GROUP_DIMS) + 1;
	if ((pre->groups = calloc(n, sizeof(*pre->groups))) == NULL ||
	    (pre->names = malloc(len)) == NULL)
		return api_error_oom(err);
	names = pre->names;
	for (r = 0; r < (int)n; r++) {
		row_key(pre->res, r, key);
		slot = prefetch_slot(pre, key);
		g = &pre->groups[pre->ngroups];
		g->key_row = r;
		g->first = nrows;
		/* A second row of one group is as malformed as a bad text. */
		if (pre->slots[slot] != 0 ||
		    parse_group(pre, r, &nrows, &cap, &names, &oom) == -1) {
			if (oom)
				return api_error_oom(err);
			api_error_set(err, 500, "internal",
			    "query_summaries: a row not as 007 writes it");
			return -1;
		}
		g->n = nrows - g->first;
		pre->slots[slot] = ++pre->ngroups;
	}
	return 0;
}

int
summary_sql_prefetch(struct db *db, struct summary_prefetch *pre,
    struct api_error *err)
{
	struct strbuf datasets = { 0 };
	const char *const *d;
	const char *param;

	memset(pre, 0, sizeof(*pre));
	sb_str(&datasets, "{");
	for (d = summary_query_datasets; *d != NULL; d++) {
		if (d != summary_query_datasets)
			sb_str(&datasets, ",");
		sb_pg_element(&datasets, *d);
	}
	sb_str(&datasets, "}");
	if (datasets.failed) {
		sb_free(&datasets);
		return api_error_oom(err);
	}
	param = datasets.data;
	pre->res = db_read_query(db, query_all_sql, 1, &param, err);
	sb_free(&datasets);
	if (pre->res == NULL)
		return -1;
	if (prefetch_index(pre, err) == -1) {
		summary_prefetch_free(pre);
		return -1;
	}
	return 0;
}

void
summary_prefetch_free(struct summary_prefetch *pre)
{
	PQclear(pre->res);
	free(pre->slots);
	free(pre->groups);
	free(pre->rows);
	free(pre->names);
	memset(pre, 0, sizeof(*pre));
}
