/*
 * COPY of one kind's records into Postgres: each record as a line of COPY
 * text (escaped, NULLs as \N, arrays as {...}), streamed through a buffer
 * of bounded size however large a record or a batch is.
 */
#ifndef BENCHINGEST_DB_COPY_H
#define BENCHINGEST_DB_COPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "envelope.h"

/* A record of an envelope, by its position there, with its key. */
struct db_row {
	int64_t id;
	size_t pos;
};

/*
 * Streams rows, in the order given, into a COPY: into the kind's table
 * itself when direct, else into its staging table.  The direct form also
 * carries commit_timestamp, which the merge statement otherwise stamps.
 */
int	db_copy_rows(struct db *, const struct envelope *, const struct kind *,
	    const struct db_row *rows, size_t n, bool direct,
	    struct api_error *);

#endif
