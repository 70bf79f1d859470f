/*
 * The ingest envelope (doc/ingest-api.md §2), parsed once, strictly, into
 * typed structs.  Everything after envelope_parse() trusts what it finds.
 */
#ifndef BENCHINGEST_ENVELOPE_H
#define BENCHINGEST_ENVELOPE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "jsonparse.h"
#include "records.h"

enum commit_field {
	COMMIT_SHA, COMMIT_TIMESTAMP, COMMIT_MESSAGE, COMMIT_AUTHOR_NAME,
	COMMIT_AUTHOR_EMAIL, COMMIT_COMMITTER_NAME, COMMIT_COMMITTER_EMAIL,
	COMMIT_TREE_SHA, COMMIT_URL, COMMIT_NFIELDS
};

/* The JSON member name of each commit field, in enum order. */
extern const char *const commit_members[COMMIT_NFIELDS];

/* Bounds on what one body may hold, beyond its size (benchingest.conf(5)). */
struct envelope_limits {
	size_t max_records;
	size_t max_string_bytes;
};

struct envelope {
	struct arena *arena;		/* owns records and their arrays */
	int64_t schema_version;
	struct jp_str benchmark_id;
	struct jp_str started_at;
	struct jp_str commit[COMMIT_NFIELDS];	/* NUL-terminated */
	struct record **records;	/* in array order */
	size_t nrecords;
	size_t records_cap;
	size_t kind_count[KIND_COUNT];	/* records of each kind */
};

/*
 * Check 3 of doc/ingest-api.md §4: body is modified (strings are decoded
 * in place) and must stay alive, with body[len] == '\0', as long as the
 * envelope.
 */
int	envelope_parse(struct envelope *, char *body, size_t len,
	    const struct envelope_limits *, struct api_error *);
/* Checks 4 and 5, then every record's measurement_id. */
int	envelope_validate(struct envelope *, struct api_error *);
void	envelope_free(struct envelope *);

#endif
