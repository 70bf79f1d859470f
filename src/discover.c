/* Which groups and charts have rows: a skip-scan walk down their keys. */
#include <stdlib.h>
#include <string.h>

#include "chart_sql.h"
#include "discover.h"
#include "slug.h"

static int
keylist_add(struct keylist *l, const struct chart_key *key)
{
	struct chart_key *p;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 16;
		if ((p = realloc(l->keys, cap * sizeof(*p))) == NULL)
			return -1;
		l->keys = p;
		l->cap = cap;
	}
	if (chart_key_copy(&l->keys[l->n], key) == -1)
		return -1;
	l->n++;
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

/* Every key under key's first `depth` values, down to `until` values. */
static int
walk(struct db *db, struct chart_key *key, size_t depth, size_t until,
    struct keylist *out, struct api_error *err)
{
	const struct dim *dim;
	PGresult *res;
	int i, rc = 0;

	if (depth == until)
		return keylist_add(out, key) == -1 ? api_error_oom(err) : 0;
	if ((res = chart_sql_distinct(db, key, depth, err)) == NULL)
		return -1;
	dim = &key->kind->dims[depth];
	for (i = 0; i < PQntuples(res) && rc == 0; i++) {
		rc = dim_value_set(&key->values[depth], dim,
		    PQgetvalue(res, i, 0), PQgetisnull(res, i, 0));
		if (rc == -1)
			rc = api_error_oom(err);
		else if (rc == 1)
			rc = 0;		/* skipped */
		else
			rc = walk(db, key, depth + 1, until, out, err);
		free(key->values[depth].text);
		key->values[depth].text = NULL;
	}
	PQclear(res);
	return rc;
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
	if (l->n > from + 1)
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
	rc = walk(db, &key, group->kind->ngroup_dims, group->kind->ndims,
	    charts, err);
	chart_key_free(&key);
	sort_from(charts, from);
	return rc;
}

int
discover_groups(struct db *db, const struct chart_kind *kind,
    struct keylist *out, struct api_error *err)
{
	struct chart_key key;
	size_t from = out->n;
	int rc;

	memset(&key, 0, sizeof(key));
	key.kind = kind;
	key.group = true;
	rc = walk(db, &key, 0, kind->ngroup_dims, out, err);
	sort_from(out, from);
	return rc;
}
