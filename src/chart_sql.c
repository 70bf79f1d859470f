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
 * serves.  On a series table (series), in the terms of its key index
 * (query_series_key_idx: text as "C", a nullable column as whether it is
 * null and its value or ''), which these equal: else it is read whole.
 */
static void
key_conditions(struct strbuf *sql, const struct chart_key *key, size_t n,
    const char *alias, bool series, const char **params, int *nparams)
{
	const struct dim *d;
	size_t i;

	sb_str(sql, "true");
	for (i = 0; i < n; i++) {
		d = &key->kind->dims[i];
		if (key->values[i].null) {
			sb_printf(sql, " AND %s%s IS NULL", alias, d->column);
			if (series)
				sb_printf(sql, " AND (COALESCE(%s%s, '') "
				    "COLLATE \"C\") = ''", alias, d->column);
			continue;
		}
		params[(*nparams)++] = key->values[i].text;
		if (series && d->type == DIM_STR_OPT)
			sb_printf(sql, " AND %s%s IS NOT NULL AND "
			    "(COALESCE(%s%s, '') COLLATE \"C\")", alias,
			    d->column, alias, d->column);
		else if (series && d->type == DIM_STR)
			sb_printf(sql, " AND (%s%s COLLATE \"C\")", alias,
			    d->column);
		else
			sb_printf(sql, " AND %s%s", alias, d->column);
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
 * The keys' order, the reference read service's (chart_key_cmp()): by
 * dimension, null first, text bytewise whatever the collation; over alias's columns, or (alias NULL) the walk's output
 * columns l<from>.v .. l<until-1>.v.  Nothing when from == until.
 */
static void
api_order(struct strbuf *sql, const struct chart_kind *kind, size_t from,
    size_t until, const char *alias)
{
	const struct dim *d;
	size_t i;

	if (from < until)
		sb_str(sql, " ORDER BY ");
	for (i = from; i < until; i++) {
		d = &kind->dims[i];
		if (alias == NULL)
			sb_printf(sql, "%sl%zu.v", i > from ? ", " : "", i);
		else
			sb_printf(sql, "%s%s%s", i > from ? ", " : "", alias,
			    d->column);
		sb_printf(sql, "%s NULLS FIRST", d->type == DIM_STR ||
		    d->type == DIM_STR_OPT ? " COLLATE \"C\"" : "");
	}
}

/*
 * " AND m.dim = <to>dim" for the dimensions from..until-1, the value
 * compared being to's column of the same name, or (to NULL) the walk's
 * l<j>.v; a nullable one with IS NOT DISTINCT FROM, which no index
 * serves (no kind pins one so today: they are among the pinned values).
 */
static void
pin_dims(struct strbuf *sql, const struct chart_kind *kind, size_t from,
    size_t until, const char *to)
{
	const struct dim *d;
	size_t j;

	for (j = from; j < until; j++) {
		d = &kind->dims[j];
		sb_printf(sql, " AND m.%s %s ", d->column,
		    d->type == DIM_STR_OPT ? "IS NOT DISTINCT FROM" : "=");
		if (to == NULL)
			sb_printf(sql, "l%zu.v", j);
		else
			sb_printf(sql, "%s%s", to, d->column);
	}
}

/*
 * Level i of the walk: the distinct values of dimension i under the pins
 * (where) and the values of the levels before it (l<j>.v), one index
 * probe each, in the index's order, then NULL if any row has none.
 */
static void
walk_level(struct strbuf *sql, const struct chart_kind *kind, size_t pinned,
    size_t i, const char *where)
{
	const char *table = kind->record->table, *col = kind->dims[i].column;
	struct strbuf w = { 0 }, order = { 0 };

	sb_str(&w, where);
	pin_dims(&w, kind, pinned, i, NULL);
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

	key_conditions(&where, key, pinned, "m.", kind->series_table != NULL,
	    params, &nparams);
	if (kind->series_table != NULL) {
		sb_str(&sql, "SELECT ");
		dim_list(&sql, kind, pinned, depth, "m.", ", ");
		sb_printf(&sql, " FROM %s m WHERE %s GROUP BY ",
		    kind->series_table, where.data);
		dim_list(&sql, kind, pinned, depth, "m.", ", ");
		api_order(&sql, kind, pinned, depth, "m.");
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
		api_order(&sql, kind, pinned, depth, NULL);
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
series_name_sql(struct strbuf *sql, const struct chart_kind *kind,
    const char *a)
{
	const char *const *col;

	if (kind->series_columns[1] == NULL) {
		sb_printf(sql, "%s%s", a, kind->series_columns[0]);
		return;
	}
	for (col = kind->series_columns; *col != NULL; col++)
		sb_printf(sql, "%sCASE WHEN strpos(%s%s, ':') > 0 THEN "
		    "replace(replace(%s%s, E'\\\\', E'\\\\\\\\'), ':', "
		    "E'\\\\:') ELSE %s%s END", col == kind->series_columns ?
		    "" : " || ':' || ", a, *col, a, *col, a, *col);
}

/* The commit time of a row of kind (m): its own stamp, or its commit's. */
static const char *
row_time(const struct chart_kind *kind)
{
	return chart_has_commit_timestamp(kind) ? "m.commit_timestamp" :
	    "c.timestamp";
}

/* What row_time() needs after "FROM table m". */
static const char *
row_time_join(const struct chart_kind *kind)
{
	return chart_has_commit_timestamp(kind) ? "" :
	    " JOIN commits c ON c.commit_sha = m.commit_sha";
}

PGresult *
chart_sql_earliest(struct db *db, const struct chart_key *key,
    size_t pinned, struct api_error *err)
{
	const struct chart_kind *kind = key->kind;
	const char *params[CHART_MAX_DIMS];
	struct strbuf sql = { 0 }, where = { 0 };
	PGresult *res = NULL;
	int nparams = 0;

	key_conditions(&where, key, pinned, "m.", kind->series_table != NULL,
	    params, &nparams);
	sb_str(&sql, "SELECT ");
	dim_list(&sql, kind, pinned, kind->ndims, "m.", ", ");
	if (kind->series_table != NULL)
		sb_printf(&sql, "%smin(m.first_timestamp) FROM %s m WHERE %s",
		    pinned < kind->ndims ? ", " : "", kind->series_table,
		    where.data);
	else
		sb_printf(&sql, "%smin(%s) FROM %s m%s WHERE %s",
		    pinned < kind->ndims ? ", " : "", row_time(kind),
		    kind->record->table, row_time_join(kind), where.data);
	if (pinned < kind->ndims) {
		sb_str(&sql, " GROUP BY ");
		dim_list(&sql, kind, pinned, kind->ndims, "m.", ", ");
		api_order(&sql, kind, pinned, kind->ndims, "m.");
	}
	if (sql.failed || where.failed)
		api_error_oom(err);
	else
		res = db_read_query(db, sql.data, nparams, params, err);
	sb_free(&sql);
	sb_free(&where);
	return res;
}

PGresult *
chart_sql_totals(struct db *db, const char *since, struct api_error *err)
{
	static const char sql[] = "SELECT (SELECT count(*) FROM commits "
	    "WHERE timestamp >= e) FROM unnest($1::timestamptz[]) "
	    "WITH ORDINALITY AS x(e, i) ORDER BY i";

	return db_read_query(db, sql, 1, &since, err);
}

/*
 * " AND m.dim = s.dim ..." for the dimensions from pinned on and the
 * series columns: the rows of series s; and (order) the whole index
 * prefix, so that the planner keeps to the index.
 */
static void
series_pins(struct strbuf *on, struct strbuf *order,
    const struct chart_kind *kind, size_t pinned)
{
	const char *const *sc;

	pin_dims(on, kind, pinned, kind->ndims, "s.");
	for (sc = kind->series_columns; *sc != NULL; sc++)
		sb_printf(on, " AND m.%s = s.%s", *sc, *sc);
	dim_list(order, kind, 0, kind->ndims, "m.", ", ");
	for (sc = kind->series_columns; *sc != NULL; sc++)
		sb_printf(order, ", m.%s", *sc);
}

/*
 * The values of one series (s) from $since on, as two arrays in one
 * LATERAL: those at a timestamp no two commits that matter share, with
 * their times, from the index alone (no commit sha: no heap fetch per
 * row), newest first; and, unless tied is 0, those at a timestamp of
 * $tied, or (if $all) without one, with their commits' shas: an index
 * probe per series and tied timestamp, which a window without ties does
 * without.
 */
static void
series_rows_sql(struct strbuf *sql, const struct chart_kind *kind,
    size_t pinned, const char *where, int since, int tied, int all)
{
	struct strbuf on = { 0 }, order = { 0 };

	series_pins(&on, &order, kind, pinned);
	if (on.failed || order.failed)
		sql->failed = true;
	sb_printf(sql, " CROSS JOIN LATERAL (SELECT array_agg(t.ts) AS ts, "
	    "array_agg(t.value) AS value FROM (SELECT m.commit_timestamp AS "
	    "ts, m.%s AS value FROM %s m WHERE %s%s AND m.commit_timestamp >= "
	    "$%d::timestamptz", kind->value_column, kind->record->table, where,
	    on.data, since);
	if (tied != 0)
		sb_printf(sql, " AND m.commit_timestamp <> ALL "
		    "($%d::timestamptz[])", tied);
	sb_printf(sql, " ORDER BY %s, m.commit_timestamp DESC) t) t",
	    order.data);
	if (tied != 0)
		sb_printf(sql, " CROSS JOIN LATERAL (SELECT "
		    "array_agg(m.commit_sha) AS sha, array_agg(m.%s) AS value "
		    "FROM %s m WHERE %s%s AND (m.commit_timestamp = ANY "
		    "($%d::timestamptz[]) OR ($%d::boolean AND "
		    "m.commit_timestamp IS NULL))) y", kind->value_column,
		    kind->record->table, where, on.data, tied, all);
	sb_free(&on);
	sb_free(&order);
}

int
chart_sql_values(struct db_cursor *c, struct db *db,
    const struct chart_key *key, size_t pinned, const char *since,
    const char *tied, bool all, int batch, struct api_error *err)
{
	const struct chart_kind *kind = key->kind;
	const char *params[CHART_MAX_DIMS + 3], *const *sc;
	struct strbuf sql = { 0 }, where = { 0 }, swhere = { 0 };
	const char *a = kind->series_table != NULL ? "s." : "m.";
	int nparams = 0, since_param, rc = -1;
	size_t i;

	key_conditions(&where, key, pinned, "m.", false, params, &nparams);
	/* The same pins with the same $n, on the series table. */
	nparams = 0;
	key_conditions(&swhere, key, pinned, "s.", true, params, &nparams);
	since_param = nparams + 1;
	params[nparams++] = since;
	params[nparams++] = tied != NULL ? tied : "{}";
	params[nparams++] = all ? "true" : "false";
	/* Binary rows: the dimensions as the text they are compared as. */
	sb_str(&sql, "SELECT ");
	for (i = pinned; i < kind->ndims; i++)
		sb_printf(&sql, "%s%s::text, ", a, kind->dims[i].column);
	if (kind->series_table != NULL) {
		/*
		 * Series by series, each one range of the kind's series
		 * index from the window's oldest commit on: never the rows
		 * of the charts before it.  A series' name is made once.
		 */
		if (tied == NULL && !all)
			nparams -= 2;	/* neither $tied nor $all */
		sb_printf(&sql, "s.bi_name, t.ts, t.value, %s",
		    nparams > since_param ? "y.sha, y.value" :
		    "NULL::text[], NULL::bigint[]");
		for (sc = kind->series_columns; *sc != NULL; sc++)
			sb_printf(&sql, ", s.%s", *sc);
		sb_str(&sql, " FROM (SELECT *, ");
		series_name_sql(&sql, kind, "s.");
		sb_printf(&sql, " AS bi_name FROM %s s WHERE %s",
		    kind->series_table, swhere.data);
		api_order(&sql, kind, pinned, kind->ndims, "s.");
		sb_str(&sql, ") s");
		series_rows_sql(&sql, kind, pinned, where.data, since_param,
		    nparams > since_param ? since_param + 1 : 0,
		    since_param + 2);
	} else {
		/* Every row has its sha: tied and all are not needed. */
		series_name_sql(&sql, kind, "m.");
		sb_printf(&sql, ", NULL::timestamptz[], NULL::bigint[], "
		    "array_agg(m.commit_sha), array_agg(m.%s)",
		    kind->value_column);
		for (sc = kind->series_columns; *sc != NULL; sc++)
			sb_printf(&sql, ", m.%s", *sc);
		sb_printf(&sql, " FROM %s m%s WHERE %s AND %s >= $%d::timestamptz "
		    "AND $%d::text IS NOT NULL AND $%d::boolean IS NOT NULL "
		    "GROUP BY ", kind->record->table, row_time_join(kind),
		    where.data, row_time(kind), since_param, since_param + 1,
		    since_param + 2);
		dim_list(&sql, kind, 0, kind->ndims, "m.", ", ");
		for (sc = kind->series_columns; *sc != NULL; sc++)
			sb_printf(&sql, ", m.%s", *sc);
	}
	api_order(&sql, kind, pinned, kind->ndims, a);
	if (sql.failed || where.failed || swhere.failed)
		api_error_oom(err);
	else
		rc = db_cursor_open(c, db, sql.data, nparams, params,
		    pinned < kind->ndims ? batch : 0, err);
	sb_free(&sql);
	sb_free(&where);
	sb_free(&swhere);
	return rc;
}

PGresult *
chart_sql_window(struct db *db, const char *since, long long window,
    struct api_error *err)
{
	static const char sql[] =
	    "SELECT (SELECT count(*) FROM commits WHERE timestamp >= $1), "
	    "w.commit_sha, to_char(w.timestamp AT TIME ZONE 'UTC', "
	    "'YYYY-MM-DD HH24:MI:SS\"+00\"'), COALESCE(w.message, ''), w.url, "
	    "w.timestamp, ((extract(epoch FROM w.timestamp) - 946684800) * "
	    "1000000)::bigint FROM (SELECT * FROM commits WHERE timestamp >= $1 "
	    "ORDER BY timestamp DESC, commit_sha DESC LIMIT $2) w";
	const char *params[2];
	char limit[32];

	snprintf(limit, sizeof(limit), "%lld", window + 1);
	params[0] = since;
	params[1] = window > 0 ? limit : NULL;
	return db_read_query(db, sql, 2, params, err);
}
