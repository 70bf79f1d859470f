/*
 * The JSON answers of the read routes (doc/read-api.md), built inside the
 * read's snapshot from the discovery walk (discover.h) and the chart
 * queries (chart_sql.h), written with the jw_ writer (jsonwrite.h), so
 * their bytes are what JSON.stringify writes.  An answer is held as its
 * text alone, one chart's query results at a time beside it; json-c, which
 * built a tree of every answer first, is no longer linked at all.
 *
 * A builder that fails (the database, or memory: the writer's first
 * failure sticks and is seen at the end) throws away what it wrote, so no
 * answer is ever sent, or cached, with a member missing.
 */
#ifndef BENCHINGEST_PAYLOAD_H
#define BENCHINGEST_PAYLOAD_H

#include <stddef.h>

#include "read.h"

/* A built answer: text, len bytes, until payload_free(). */
struct payload {
	char *text;		/* len bytes (and a NUL), malloc'd */
	size_t len;
};

/* {"groups": [{"name", "slug", "charts": [{"name", "slug"}, ...]}, ...]} */
int	payload_groups(struct db *, const struct read_target *,
	    struct payload *, struct api_error *);
/* One chart: display_name, unit_kind, history, commits, series; 404. */
int	payload_chart(struct db *, const struct read_target *,
	    struct payload *, struct api_error *);
/* A group's name and every chart of it, as payload_chart(); 404. */
int	payload_group(struct db *, const struct read_target *,
	    struct payload *, struct api_error *);
void	payload_free(struct payload *);

#endif
