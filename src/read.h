/*
 * The read routes: GET /api/groups, /api/chart/{slug}, /api/group/{slug},
 * and any other row of routes.c with a struct read_route.  Every read is
 * parsed once into a struct read_target; its answer is built from that
 * target alone in one read-only snapshot (payload.h), carries an ETag and
 * honours If-None-Match (read_reply.h); nginx caches it under a key it
 * asks the handler for: the generation of generation.h, the route's name,
 * the canonical slug and the canonical window, and "gzip" when the answer
 * is gzipped (Accept-Encoding), so nginx keeps each encoding compressed
 * once.
 */
#ifndef BENCHINGEST_READ_H
#define BENCHINGEST_READ_H

#include "charts.h"
#include "routes.h"

struct payload;
struct read_target;

/* What follows a read route's path. */
enum read_slug {
	READ_NO_SLUG,		/* nothing: no slug, no window */
	READ_CHART_SLUG,	/* a chart's slug, then ?n= */
	READ_GROUP_SLUG		/* a group's slug, then ?n= */
};

/* Builds a target's answer inside the read's snapshot. */
typedef int	(*read_build_fn)(struct db *, const struct read_target *,
		    struct payload *, struct api_error *);

/* Answers an error of the read (NULL: http_reply_error(), in JSON). */
typedef void	(*read_error_fn)(struct http_request *,
		    const struct api_error *);

/*
 * A read route, as a row of the routing table holds it (routes.c): the
 * name its answers are cached under, what its path holds, its builder,
 * how its errors are answered.
 */
struct read_route {
	const char *name;
	enum read_slug slug;
	read_build_fn build;
	read_error_fn reply_error;
};

/*
 * What a read request asks for, parsed once.  Its answer depends on this
 * and on the data, nothing else: not on other query parameters, not on
 * how the slug or n were spelled.
 */
struct read_target {
	const struct read_route *route;
	struct chart_key key;	/* of the slug, when the route has one */
	long long window;	/* window_parse(); 0: all */
	bool gzip;		/* the client accepts gzip: answer with it */
};

/*
 * Answers a read route, slug being what follows its path; or, for nginx's
 * probe (req->cache_key_probe), the key its answer is cached under,
 * computed from the same parse.  Takes one of the max_concurrent_reads
 * slots or answers 503 at once; builds under read_timeout.
 */
void	read_answer(struct http_request *, struct route_ctx *,
	    const struct read_route *, const char *slug);
/*
 * Answers a probe for a request no read route answers: no key, so nginx
 * neither looks up nor stores its answer.
 */
void	read_no_cache_key(struct http_request *);

#endif
