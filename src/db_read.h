/*
 * A read: one read-only snapshot, queries inside it, then db_read_end().
 * A query's result is the caller's to PQclear().  A read that is still at
 * it timeout_ms after db_read_begin() (0: no limit) has its query cancelled
 * and gets a 503, however many statements it took to get there.
 */
#ifndef BENCHINGEST_DB_READ_H
#define BENCHINGEST_DB_READ_H

#include "db.h"

int		 db_read_begin(struct db *, long long timeout_ms,
		    struct api_error *);
PGresult	*db_read_query(struct db *, const char *sql, int nparams,
		    const char *const *params, struct api_error *);
void		 db_read_end(struct db *);

#endif
