/*
 * The read API: GET /api/groups, /api/chart/{slug}, /api/group/{slug}.
 * Every response is built in one read-only snapshot, carries an ETag and
 * honours If-None-Match; nginx caches it under the generation of
 * generation.h.
 */
#ifndef BENCHINGEST_READ_H
#define BENCHINGEST_READ_H

#include "routes.h"

#define READ_WINDOW_DEFAULT	100
#define READ_WINDOW_MAX		1000

void	read_groups(struct http_request *, struct route_ctx *);
void	read_chart(struct http_request *, struct route_ctx *);
void	read_group(struct http_request *, struct route_ctx *);
/* nginx's subrequest for the generation to put in its cache key. */
void	read_generation(struct http_request *, struct route_ctx *);

/* The n of a query string: 0 for all, else 1..READ_WINDOW_MAX. */
long long	read_window(const char *query);

#endif
