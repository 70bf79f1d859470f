/* POST /api/ingest: the checks of doc/ingest-api.md §4, then its §5 write. */
#ifndef BENCHINGEST_INGEST_H
#define BENCHINGEST_INGEST_H

#include "routes.h"

void	ingest_handle(struct http_request *, struct route_ctx *);

#endif
