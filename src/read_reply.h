/*
 * A read's 200, or its 304: Cache-Control: no-cache, so that browsers
 * revalidate with the ETag (a hash of the body) and get 304 when it still
 * matches; nginx ignores the header and caches under the generation,
 * unless no listener is running, when nothing may be cached
 * (X-Accel-Expires: 0).  After a large answer the worker gives its idle
 * memory back to the system.
 */
#ifndef BENCHINGEST_READ_REPLY_H
#define BENCHINGEST_READ_REPLY_H

#include <stdbool.h>

#include "http.h"
#include "payload.h"

/*
 * Sends the payload, gzipped when gzip (Content-Encoding: gzip, and an
 * ETag of its own), and frees it.  Every answer says Vary:
 * Accept-Encoding.
 */
void	read_reply(struct http_request *, struct payload *, bool gzip);

#endif
