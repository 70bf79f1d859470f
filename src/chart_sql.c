/* The read side's SQL: discovery skip scans, the window, a chart's rows. */
#include <stdio.h>

#include "chart_sql.h"
#include "strbuf.h"

static const char *
dim_sql_type(enum dim_type t)
{
	switch (t) {
	case DIM_I32:
		return "integer";
	case DIM_F64:
		return "double precision";
	default:
		return "text";
	}
}

/*
 * "dataset = $1::text AND dataset_variant IS NULL AND ..." over the first n
 * dimensions: IS NULL rather than IS NOT DISTINCT FROM, which no index
 * serves.
 */
static void
key_conditions(struct strbuf *sql, const struct chart_key *key, size_t n,
    const char *alias, const char **params, int *nparams)
{
	const struct dim *d;
	size_t i;

	sb_str(sql, "true");
	for (i = 0; i < n; i++) {
		d = &key->kind->dims[i];
		sb_printf(sql, " AND %s%s", alias, d->column);
		if (key->values[i].null) {
			sb_str(sql, " IS NULL");
			continue;
		}
		params[(*nparams)++] = key->values[i].text;
		sb_printf(sql, " = $%d::%s", *nparams, dim_sql_type(d->type));
	}
}

/* "m.dataset, m.dataset_variant, ...": columns from..until of kind. */
static void
dim_list(struct strbuf *sql, const struct chart_kind *kind, size_t from,
    size_t until, const char *alias, const char *sep)
{
	size_t i;

	for (i = from; i < until; i++)
		sb_printf(sql, "%s%s%s", i > from ? sep : "", alias,
		    kind->dims[i].column);
}

/*
 * The keys' order: by dimension, null last, text bytewise whatever the
 * collation; over the walk's output columns l<from>.v .. l<until-1>.v, or
 * the series table's columns.
 */
static void
api_order(struct strbuf *sql, const struct chart_kind *kind, size_t from,
    size_t until, bool walked)
{
	const struct dim *d;
	size_t i;

	sb_str(sql, " ORDER BY ");
	for (i = from; i < until; i++) {
		d = &kind->dims[i];
		if (walked)
			sb_printf(sql, "%sl%zu.v", i > from ? ", " : "", i);
		else
			sb_printf(sql, "%sm.%s", i > from ? ", " : "",
			    d->column);
		sb_printf(sql, "%s NULLS LAST", d->type == DIM_STR ||
		    d->type == DIM_STR_OPT ? " COLLATE \"C\"" : "");
	}
}

/*
 * Level i of the walk: the distinct values of dimension i under the pins
 * (where) and the values of the levels before it (l<j>.v), one index
 * probe each, in the index's order, then NULL if any row has none.  A
 * nullable dimension pinned by an earlier level is compared with IS NOT
 * DISTINCT FROM, which no index serves: no kind without a series table
 * has one.
 */
static void
walk_level(struct strbuf *sql, const struct chart_kind *kind, size_t pinned,
    size_t i, const char *where)
{
	const char *table = kind->record->table, *col = kind->dims[i].column;
	struct strbuf w = { 0 }, order = { 0 };
	size_t j;

	sb_str(&w, where);
	for (j = pinned; j < i; j++)
		sb_printf(&w, " AND m.%s %s l%zu.v", kind->dims[j].column,
		    kind->dims[j].type == DIM_STR_OPT ?
		    "IS NOT DISTINCT FROM" : "=", j);
	dim_list(&order, kind, 0, i + 1, "m.", ", ");
	if (w.failed || order.failed)
		sql->failed = true;
	sb_printf(sql, "(WITH RECURSIVE s(v) AS ((SELECT m.%s FROM %s m "
	    "WHERE %s AND m.%s IS NOT NULL ORDER BY %s LIMIT 1) UNION ALL "
	    "SELECT (SELECT m.%s FROM %s m WHERE %s AND m.%s > s.v "
	    "ORDER BY %s LIMIT 1) FROM s WHERE s.v IS NOT NULL) "
	    "SELECT v FROM s WHERE v IS NOT NULL", col, table, w.data, col,
	    order.data, col, table, w.data, col, order.data);
	if (kind->dims[i].type == DIM_STR_OPT)
		sb_printf(sql, " UNION ALL SELECT NULL::text WHERE EXISTS "
		    "(SELECT 1 FROM %s m WHERE %s AND m.%s IS NULL)", table,
		    w.data, col);
	sb_printf(sql, ") l%zu(v)", i);
	sb_free(&w);
	sb_free(&order);
}

/*
 * The distinct values of dimensions pinned..depth-1 under the first
 * `pinned` values of key, in the read API's order.  From the kind's
 * series table, if it has one (a few rows per chart); else a walk, one
 * LATERAL level per dimension.
 */
PGresult *
chart_sql_keys(struct db *db, const struct chart_key *key, size_t pinned,
    size_t depth, struct api_error *err)
{
	const struct chart_kind *kind = key->kind;
	const char *params[CHART_MAX_DIMS];
	struct strbuf sql = { 0 }, where = { 0 };
	PGresult *res = NULL;
	int nparams = 0;
	size_t i;

	key_conditions(&where, key, pinned, "m.", params, &nparams);
	if (kind->series_table != NULL) {
		sb_str(&sql, "SELECT ");
		dim_list(&sql, kind, pinned, depth, "m.", ", ");
		sb_printf(&sql, " FROM %s m WHERE %s GROUP BY ",
		    kind->series_table, where.data);
		dim_list(&sql, kind, pinned, depth, "m.", ", ");
		api_order(&sql, kind, pinned, depth, false);
	} else {
		sb_str(&sql, "SELECT ");
		for (i = pinned; i < depth; i++)
			sb_printf(&sql, "%sl%zu.v", i > pinned ? ", " : "", i);
		sb_str(&sql, " FROM ");
		for (i = pinned; i < depth; i++) {
			if (i > pinned)
				sb_str(&sql, " CROSS JOIN LATERAL ");
			walk_level(&sql, kind, pinned, i, where.data);
		}
		api_order(&sql, kind, pinned, depth, true);
	}
	if (sql.failed || where.failed)
		api_error_oom(err);
	else
		res = db_read_query(db, sql.data, nparams, params, err);
	sb_free(&sql);
	sb_free(&where);
	return res;
}

/*
 * The name of a row's series: its series columns joined by ':'.  So that
 * no two series share a name, a joined value that holds ':' has its '\'
 * and ':' escaped with '\'; any other value is used as stored, which keeps
 * ordinary names exactly "engine:format".  A name of one column is the
 * value itself.
 */
static void
series_name_sql(struct strbuf *sql, const struct chart_kind *kind)
{
	const char *const *col;

	if (kind->series_columns[1] == NULL) {
		sb_printf(sql, "m.%s", kind->series_columns[0]);
		return;
	}
	for (col = kind->series_columns; *col != NULL; col++)
		sb_printf(sql, "%sCASE WHEN strpos(m.%s, ':') > 0 THEN "
		    "replace(replace(m.%s, E'\\\\', E'\\\\\\\\'), ':', "
		    "E'\\\\:') ELSE m.%s END", col == kind->series_columns ?
		    "" : " || ':' || ", *col, *col, *col);
}

/*
 * The earliest commit_timestamp of a chart whose index ends in its series
 * columns and commit_timestamp DESC: a skip scan over the series, then one
 * backward probe per series, rather than a pass over every row.  ORDER BY
 * names every index column up to the one sought, because only then does
 * the planner follow the index (IS NULL does not fix a column for it).
 */
static void
earliest_by_series_sql(struct strbuf *sql, const struct chart_kind *kind,
    const char *where)
{
	const char *const *sc = kind->series_columns;
	struct strbuf cols = { 0 }, prev = { 0 }, order = { 0 }, back = { 0 };
	size_t i;

	for (i = 0; i < kind->ndims; i++) {
		sb_printf(&order, "m.%s, ", kind->dims[i].column);
		sb_printf(&back, "m.%s DESC, ", kind->dims[i].column);
	}
	for (i = 0; sc[i] != NULL; i++) {
		sb_printf(&cols, "%sm.%s", i ? ", " : "", sc[i]);
		sb_printf(&prev, "%ss.%s", i ? ", " : "", sc[i]);
		sb_printf(&order, "%sm.%s", i ? ", " : "", sc[i]);
		sb_printf(&back, "m.%s DESC, ", sc[i]);
	}
	if (cols.failed || prev.failed || order.failed || back.failed)
		sql->failed = true;
	else
		sb_printf(sql, "WITH RECURSIVE s AS ((SELECT %s FROM %s m "
		    "WHERE %s ORDER BY %s LIMIT 1) UNION ALL SELECT n.* FROM s "
		    "CROSS JOIN LATERAL (SELECT %s FROM %s m WHERE %s AND "
		    "(%s) > (%s) ORDER BY %s LIMIT 1) n) "
		    "SELECT min(x.t) FROM s CROSS JOIN LATERAL "
		    "(SELECT m.commit_timestamp AS t FROM %s m WHERE %s AND "
		    "(%s) = (%s) AND m.commit_timestamp IS NOT NULL "
		    "ORDER BY %sm.commit_timestamp LIMIT 1) x",
		    cols.data, kind->record->table, where, order.data,
		    cols.data, kind->record->table, where, cols.data, prev.data,
		    order.data, kind->record->table, where, cols.data, prev.data,
		    back.data);
	sb_free(&cols);
	sb_free(&prev);
	sb_free(&order);
	sb_free(&back);
}

/*
 * A query over one chart's rows by their commit's timestamp: the earliest
 * (values false), or from `since` on its series, commit sha and value.
 * Kinds that carry the timestamp are read alone, others joined to commits.
 */
static PGresult *
chart_query(struct db *db, const struct chart_key *key, bool values,
    const char *since, struct api_error *err)
{
	const struct chart_kind *kind = key->kind;
	const char *params[CHART_MAX_DIMS + 1];
	struct strbuf sql = { 0 }, where = { 0 };
	PGresult *res = NULL;
	int nparams = 0;

	key_conditions(&where, key, kind->ndims, "m.", params, &nparams);
	if (where.failed) {
		api_error_oom(err);
		goto out;
	}
	if (values) {
		sb_str(&sql, "SELECT ");
		series_name_sql(&sql, kind);
		sb_printf(&sql, ", m.commit_sha, m.%s FROM %s m%s WHERE %s",
		    kind->value_column, kind->record->table,
		    chart_has_commit_timestamp(kind) ? "" :
		    " JOIN commits c ON c.commit_sha = m.commit_sha",
		    where.data);
		params[nparams++] = since;
		sb_printf(&sql, " AND %s >= $%d::timestamptz",
		    chart_has_commit_timestamp(kind) ? "m.commit_timestamp" :
		    "c.timestamp", nparams);
	} else if (chart_has_commit_timestamp(kind))
		earliest_by_series_sql(&sql, kind, where.data);
	else
		sb_printf(&sql, "SELECT min(c.timestamp) FROM %s m JOIN commits "
		    "c ON c.commit_sha = m.commit_sha WHERE %s", kind->record->table,
		    where.data);
	if (sql.failed)
		api_error_oom(err);
	else
		res = db_read_query(db, sql.data, nparams, params, err);
out:
	sb_free(&sql);
	sb_free(&where);
	return res;
}

PGresult *
chart_sql_window(struct db *db, const char *since, long long window,
    struct api_error *err)
{
	static const char sql[] =
	    "SELECT (SELECT count(*) FROM commits WHERE timestamp >= $1), "
	    "w.commit_sha, w.timestamp::text, "
	    "rtrim(split_part(w.message, E'\\n', 1), E'\\r'), w.url, "
	    "w.timestamp FROM (SELECT * FROM commits WHERE timestamp >= $1 "
	    "ORDER BY timestamp DESC, commit_sha DESC LIMIT $2) w";
	const char *params[2];
	char limit[32];

	snprintf(limit, sizeof(limit), "%lld", window);
	params[0] = since;
	params[1] = window > 0 ? limit : NULL;
	return db_read_query(db, sql, 2, params, err);
}

PGresult *
chart_sql_earliest(struct db *db, const struct chart_key *key,
    struct api_error *err)
{
	return chart_query(db, key, false, NULL, err);
}

PGresult *
chart_sql_values(struct db *db, const struct chart_key *key,
    const char *since, struct api_error *err)
{
	return chart_query(db, key, true, since, err);
}
