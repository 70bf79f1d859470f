/*
 * POST /api/revalidate, with the revalidate token: NOTIFY bench_data, so
 * that every host sharing the database stops answering reads from what it
 * cached before (generation.h), as after an ingest.
 */
#ifndef BENCHINGEST_REVALIDATE_H
#define BENCHINGEST_REVALIDATE_H

#include "routes.h"

void	revalidate_handle(struct http_request *, struct route_ctx *);

#endif
