/* Records as COPY text, streamed into a table in chunks of bounded size. */
#include <stdio.h>

#include "db_copy.h"
#include "db_setup.h"

#define COPY_CHUNK	((size_t)256 * 1024)

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

int
db_copy_rows(struct db *db, const struct envelope *env, const struct kind *k,
    const struct db_row *rows, size_t n, bool direct, struct api_error *err)
{
	const struct jp_str *ts = &env->commit[COMMIT_TIMESTAMP];
	bool stamp = direct && k->stamps_commit_timestamp;
	PGresult *res;
	size_t i;
	int rc = -1;

	sb_reset(&db->sql);
	sb_printf(&db->sql, "COPY %s%s (", direct ? "" : "bi_stage_", k->table);
	db_kind_columns(&db->sql, k);
	sb_str(&db->sql, stamp ? ", commit_timestamp) FROM STDIN" :
	    ") FROM STDIN");
	if (db->sql.failed)
		return api_error_oom(err);
	res = PQexec(db->conn, db->sql.data);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		db_fail(db, res, "COPY", err);
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
		db_fail(db, NULL, "COPY data", err);
		PQputCopyEnd(db->conn, "benchingest could not send a row");
		goto drain;
	}
	if (PQputCopyEnd(db->conn, NULL) != 1) {
		db_fail(db, NULL, "COPY end", err);
		goto drain;
	}
	rc = 0;
drain:
	while ((res = PQgetResult(db->conn)) != NULL) {
		if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = db_fail(db, res, "COPY", err);
		PQclear(res);
	}
	return rc;
}
