/* Which groups and charts have rows: one statement per question. */
#include <stdlib.h>
#include <string.h>

#include "chart_sql.h"
#include "discover.h"
#include "slug.h"
#include "strbuf.h"

/* Room for one more key; -1: out of memory. */
static int
keylist_grow(struct keylist *l)
{
	struct chart_key *p;
	size_t cap;

	if (l->n < l->cap)
		return 0;
	cap = l->cap ? l->cap * 2 : 16;
	if ((p = realloc(l->keys, cap * sizeof(*p))) == NULL)
		return -1;
	l->keys = p;
	l->cap = cap;
	return 0;
}

int
keylist_add(struct keylist *l, const struct chart_key *key)
{
	if (keylist_grow(l) == -1 || chart_key_copy(&l->keys[l->n], key) == -1)
		return -1;
	l->n++;
	return 0;
}

int
keylist_take(struct keylist *l, struct chart_key *key)
{
	if (keylist_grow(l) == -1)
		return -1;
	l->keys[l->n++] = *key;
	memset(key->values, 0, sizeof(key->values));
	return 0;
}

void
keylist_free(struct keylist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		chart_key_free(&l->keys[i]);
	free(l->keys);
	memset(l, 0, sizeof(*l));
}

/* A value as the slug and the SQL carry it. */
static int
dim_value_set(struct dim_value *v, const struct dim *dim, const char *text,
    bool null)
{
	char canonical[64];

	v->null = null;
	v->text = NULL;
	if (null)
		return 0;
	if (dim->type == DIM_F64) {
		if (slug_format_f64(strtod(text, NULL), canonical,
		    sizeof(canonical)) == -1)
			return 1;	/* NaN or infinite: no JSON for it */
		text = canonical;
	}
	return (v->text = strdup(text)) == NULL ? -1 : 0;
}

/*
 * res's rows, the values of the dimensions pinned..depth-1, as keys with
 * key's first `pinned` values, added to out in order; res cleared.
 */
static int
add_rows(PGresult *res, struct chart_key *key, size_t pinned, size_t depth,
    struct keylist *out, struct api_error *err)
{
	size_t d;
	int i, rc = 0, skip;

	for (i = 0; i < PQntuples(res) && rc == 0; i++) {
		skip = 0;
		for (d = pinned; d < depth && rc == 0; d++) {
			rc = dim_value_set(&key->values[d], &key->kind->dims[d],
			    PQgetvalue(res, i, (int)(d - pinned)),
			    PQgetisnull(res, i, (int)(d - pinned)));
			if (rc == 1) {		/* NaN or infinite: skipped */
				skip = 1;
				rc = 0;
			}
		}
		/* Unpinned, the key is the row's alone: moved, not copied. */
		if (rc == -1 || (!skip && (pinned == 0 ? keylist_take(out, key) :
		    keylist_add(out, key)) == -1))
			rc = api_error_oom(err);
		for (d = pinned; d < depth; d++) {
			free(key->values[d].text);
			key->values[d].text = NULL;
			key->values[d].null = false;
		}
	}
	PQclear(res);
	return rc;
}

/*
 * Every key with key's first `pinned` values and values of the dimensions
 * up to `depth` that have rows, added to out in order: one statement.
 */
static int
keys(struct db *db, struct chart_key *key, size_t pinned, size_t depth,
    struct keylist *out, struct api_error *err)
{
	PGresult *res;

	if (pinned == depth)	/* a kind whose groups have no dimension */
		return keylist_add(out, key) == -1 ? api_error_oom(err) : 0;
	if ((res = chart_sql_keys(db, key, pinned, depth, err)) == NULL)
		return -1;
	return add_rows(res, key, pinned, depth, out, err);
}

/*
 * Every chart of kind from its chart table (charts.h), in the order of
 * the table's index: a scan of the index alone.
 */
static PGresult *
chart_table_keys(struct db *db, const struct chart_kind *kind,
    struct api_error *err)
{
	struct strbuf sql = { 0 };
	const char *col;
	PGresult *res = NULL;
	size_t i;

	sb_str(&sql, "SELECT ");
	for (i = 0; i < kind->ndims; i++)
		sb_printf(&sql, "%s%s", i ? ", " : "", kind->dims[i].column);
	sb_printf(&sql, " FROM %s ORDER BY ", kind->chart_table);
	for (i = 0; i < kind->ndims; i++) {
		col = kind->dims[i].column;
		if (i > 0)
			sb_str(&sql, ", ");
		if (kind->dims[i].type == DIM_STR)
			sb_printf(&sql, "%s COLLATE \"C\"", col);
		else if (kind->dims[i].type == DIM_STR_OPT)
			sb_printf(&sql, "(%1$s IS NOT NULL), "
			    "COALESCE(%1$s, '') COLLATE \"C\"", col);
		else
			sb_str(&sql, col);
	}
	if (sql.failed)
		api_error_oom(err);
	else
		res = db_read_query(db, sql.data, 0, NULL, err);
	sb_free(&sql);
	return res;
}

static int
cmp_key(const void *a, const void *b)
{
	return chart_key_cmp(a, b);
}

/*
 * The keys added since `from` in the reference's order (chart_key_cmp()):
 * bytewise and nulls first, whatever the database's collation and the
 * index's order.
 */
static void
sort_from(struct keylist *l, size_t from)
{
	size_t i;

	for (i = from + 1; i < l->n; i++)
		if (chart_key_cmp(&l->keys[i - 1], &l->keys[i]) > 0)
			break;
	if (i < l->n)		/* not already in order */
		qsort(l->keys + from, l->n - from, sizeof(*l->keys), cmp_key);
}

int
discover_charts(struct db *db, const struct chart_key *group,
    struct keylist *charts, struct api_error *err)
{
	struct chart_key key;
	size_t from = charts->n;
	int rc;

	if (chart_key_copy(&key, group) == -1)
		return api_error_oom(err);
	key.group = false;
	rc = keys(db, &key, group->kind->ngroup_dims, group->kind->ndims,
	    charts, err);
	chart_key_free(&key);
	sort_from(charts, from);
	return rc;
}

int
discover_kind(struct db *db, const struct chart_kind *kind,
    struct keylist *out, struct api_error *err)
{
	struct chart_key key;
	PGresult *res;
	size_t from = out->n;
	int rc;

	memset(&key, 0, sizeof(key));
	key.kind = kind;
	if (kind->chart_table == NULL)
		rc = keys(db, &key, 0, kind->ndims, out, err);
	else if ((res = chart_table_keys(db, kind, err)) == NULL)
		rc = -1;
	else
		rc = add_rows(res, &key, 0, kind->ndims, out, err);
	sort_from(out, from);
	return rc;
}

bool
discover_same_group(const struct chart_key *a, const struct chart_key *b)
{
	const struct dim_value *x, *y;
	size_t i;

	for (i = 0; i < a->kind->ngroup_dims; i++) {
		x = &a->values[i];
		y = &b->values[i];
		if (x->null != y->null || (!x->null && strcmp(x->text,
		    y->text) != 0))
			return false;
	}
	return true;
}

int
discover_group_of(const struct chart_key *chart, struct chart_key *group)
{
	size_t i;

	if (chart_key_copy(group, chart) == -1)
		return -1;
	group->group = true;
	for (i = chart->kind->ngroup_dims; i < chart->kind->ndims; i++) {
		free(group->values[i].text);
		group->values[i].text = NULL;
		group->values[i].null = false;
	}
	return 0;
}
