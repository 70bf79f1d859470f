/* Which handler answers a request, and the small handlers themselves. */
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
