/*
 * The write path: an envelope into the tables in one transaction (the
 * commit row, then each kind's records, then NOTIFY bench_data), retried
 * after a deadlock or a lost connection; and the NOTIFY of a revalidate.
 */
#ifndef BENCHINGEST_DB_WRITE_H
#define BENCHINGEST_DB_WRITE_H

#include "db.h"
#include "envelope.h"

struct ingest_counts {
	long long inserted;
	long long updated;
};

int	db_ingest(struct db *, const struct envelope *, struct ingest_counts *,
	    struct api_error *);
/* NOTIFY bench_data with payload, in autocommit. */
int	db_notify(struct db *, const char *payload, struct api_error *);

#endif
