/*
 * GET /api/health (and /health): 200 with the package version, the latest
 * commit timestamp and every table's row count (exact, or the planner's
 * estimate for a large table, and which), or 503 when the database does
 * not answer.  No token.
 */
#ifndef BENCHINGEST_HEALTH_H
#define BENCHINGEST_HEALTH_H

#include "routes.h"

void	health_handle(struct http_request *, struct route_ctx *);

#endif
