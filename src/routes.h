/*
 * Which handler answers a request: the routing table, with each route's
 * methods; the handlers live in a file each (ingest.c, revalidate.c,
 * health.c, metrics.c, read.c).
 */
#ifndef BENCHINGEST_ROUTES_H
#define BENCHINGEST_ROUTES_H

#include "config.h"
#include "http.h"

struct db;

struct route_ctx {
	const struct config *cfg;
	struct db *db;
};

void	routes_dispatch(struct http_request *, struct route_ctx *);
/* The rows of the table, and the path of row i, for the metrics' labels. */
size_t	routes_count(void);
const char *routes_path(size_t i);

#endif
