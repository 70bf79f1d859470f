/*
 * What every new session runs first, generated from the record-kind table
 * (records.h): the statement timeout, a staging table per kind, and the
 * prepared statements of the write path (db_write.c): bi_commit, bi_notify
 * and one bi_merge_<table> per kind.
 */
#ifndef BENCHINGEST_DB_SETUP_H
#define BENCHINGEST_DB_SETUP_H

#include "records.h"
#include "strbuf.h"

/* Into b (emptied first): 0, or -1 when out of memory. */
int	db_setup_sql(struct strbuf *b, long long statement_timeout_ms);
/* "measurement_id, <field>, ...": a kind's columns, in table order. */
void	db_kind_columns(struct strbuf *b, const struct kind *);

#endif
