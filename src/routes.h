/*
 * Which handler answers a request: the routing table, with each route's
 * methods; the handlers live in a file each (ingest.c, revalidate.c,
 * health.c, read.c).
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

#endif
