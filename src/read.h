/*
 * The read API: GET /api/groups, /api/chart/{slug}, /api/group/{slug}.
 * Every response is built in one read-only snapshot, carries an ETag and
 * honours If-None-Match; nginx caches it under a key it asks the handler
 * for: the generation of generation.h, the route, the canonical slug and
 * the canonical window.
 */
#ifndef BENCHINGEST_READ_H
#define BENCHINGEST_READ_H

#include "routes.h"

#define READ_WINDOW_DEFAULT	100
#define READ_WINDOW_MAX		1000

void	read_groups(struct http_request *, struct route_ctx *);
void	read_chart(struct http_request *, struct route_ctx *);
void	read_group(struct http_request *, struct route_ctx *);
/*
 * The read handlers also answer nginx's probe for a request's cache key
 * (req->cache_key_probe), from the same parse their answer comes from.
 * This answers a probe for a request no read route answers: no key, so
 * nginx neither looks up nor stores its answer.
 */
void	read_no_cache_key(struct http_request *);

/* The n of a query string: 0 for all, else 1..READ_WINDOW_MAX. */
long long	read_window(const char *query);

#endif
