/*
 * The JSON answers of the read routes (doc/read-api.md), built inside the
 * read's snapshot from the discovery walk (discover.h) and the chart
 * queries (chart_sql.h).  They are built with json-c as a tree and then
 * written out whole.
 *
 * json-c reports a failed allocation only as a NULL object or an add that
 * returns -1; every one is checked here, and any makes the builder fail
 * with a 500, so that no answer is ever sent (or cached) with a member
 * silently missing or turned null.
 */
#ifndef BENCHINGEST_PAYLOAD_H
#define BENCHINGEST_PAYLOAD_H

#include <stddef.h>

#include "read.h"
#include "strbuf.h"

/*
 * A built answer: text, len bytes, until payload_free().  A JSON answer's
 * text is root's; a page's (site_pages.h) is owned, of its content_type.
 */
struct payload {
	struct json_object *root;
	const char *text;
	size_t len;
	const char *content_type;	/* NULL: JSON */
	struct strbuf owned;
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
