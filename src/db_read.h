/*
 * A read: one read-only snapshot, queries inside it, then db_read_end().
 * A query's result is the caller's to PQclear().  A read that is still at
 * it timeout_ms after db_read_begin() (0: no limit) has its query cancelled
 * and gets a 503, however many statements it took to get there.
 */
#ifndef BENCHINGEST_DB_READ_H
#define BENCHINGEST_DB_READ_H

#include <stdbool.h>

#include "db.h"

int		 db_read_begin(struct db *, long long timeout_ms,
		    struct api_error *);
PGresult	*db_read_query(struct db *, const char *sql, int nparams,
		    const char *const *params, struct api_error *);
void		 db_read_end(struct db *);

/* How sending a statement went, for collecting its result (db_read.c). */
struct db_sent {
	PGresult *res;		/* the prepare's refusal */
	int slot;		/* of the statement prepared, or -1 */
	bool sent;
	bool in_time;
};

/*
 * A statement's rows a batch at a time, in binary format, through a
 * cursor in the read's transaction, so that a large result is never held
 * whole (two batches at most: the next is fetched while this one is
 * read).  One open at a time (a read may build several answers, as the
 * site's pages do), and no other statement of the read while it is:
 * db_cursor_free() closes it.  The current row is (batch, row) after
 * db_cursor_next() returned 1.
 */
struct db_cursor {
	struct db *db;
	PGresult *batch;
	int row;
	int size;		/* rows a batch; 0: one batch of all */
	char fetch[48];		/* the FETCH of a batch */
	bool end;		/* the last batch has been fetched */
	bool declared;		/* bi_rows is open: db_cursor_free() closes it */
	bool ahead;		/* the next batch is asked for ... */
	struct db_sent sent;	/* ... and how that went */
};

/*
 * Declares the cursor over sql, to be read `batch` rows at a time; or,
 * with batch 0, runs sql at once, prepared (as db_read_query()), and
 * hands its one result over row by row (a round trip less, for a result
 * known to be small).  0, or -1 with err filled.
 */
int		 db_cursor_open(struct db_cursor *, struct db *,
		    const char *sql, int nparams, const char *const *params,
		    int batch, struct api_error *);
/* The next row: 1, 0 when there is none, -1 with err filled. */
int		 db_cursor_next(struct db_cursor *, struct api_error *);
/* Frees the batch it holds and closes the cursor. */
void		 db_cursor_free(struct db_cursor *);

#endif
