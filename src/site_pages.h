/*
 * The benchmarks site's pages as read routes (rows of routes.c): GET / and
 * GET /chart/{slug} in HTML, by site/README.md's contract.  They are
 * rendered from the read API's own JSON answers (/api/groups, and
 * /api/group/{slug} or /api/chart/{slug} with the default window), built
 * in the same read snapshot by the builders of payload.h and read back
 * with jsonparse.h, so they depend on the answers' documented shape
 * only.  Cached, revalidated and limited as every read route is.
 */
#ifndef BENCHINGEST_SITE_PAGES_H
#define BENCHINGEST_SITE_PAGES_H

#include "http.h"
#include "read.h"

/* The landing page: every group, its charts and their latest values. */
int	site_landing(struct db *, const struct read_target *,
	    struct payload *, struct api_error *);
/* One chart's page; 404 where /api/chart/{slug} has no chart. */
int	site_chart(struct db *, const struct read_target *,
	    struct payload *, struct api_error *);
/*
 * The same from other answers of the read API's shape (t/unit/site_pages
 * gives written ones): the builders of /api/groups, /api/group/{slug}
 * and /api/chart/{slug}, called with db.
 */
struct site_source {
	read_build_fn groups, group, chart;
};
int	site_landing_from(const struct site_source *, struct db *,
	    struct payload *, struct api_error *);
int	site_chart_from(const struct site_source *, struct db *,
	    const struct chart_key *, struct payload *, struct api_error *);
/*
 * A page's error in HTML: a 4xx (a slug that does not decode, a chart
 * without data) is the 404 page, a 503 keeps its Retry-After.
 */
void	site_reply_error(struct http_request *, const struct api_error *);

#endif
