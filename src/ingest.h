/* POST /api/ingest: CONTRACT.md §3 in order, then the write (§4). */
#ifndef BENCHINGEST_INGEST_H
#define BENCHINGEST_INGEST_H

#include "routes.h"

void	ingest_handle(struct http_request *, struct route_ctx *);

#endif
