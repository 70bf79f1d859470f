/*
 * A JSON writer's sink that gzips (zlib deflate, gzip wrapper) and keeps
 * the compressed bytes: an answer's Content-Length must be known before
 * its headers, and compressed JSON is a small fraction of the JSON, so the
 * JSON itself is never held whole.  The output is deterministic (no file
 * name, no time stamp), so one answer compresses to one byte string.
 */
#ifndef BENCHINGEST_GZSINK_H
#define BENCHINGEST_GZSINK_H

#include <stdbool.h>
#include <stddef.h>

#include <zlib.h>

#include "error.h"
#include "strbuf.h"

struct gzsink {
	z_stream z;
	bool ready;		/* z is initialised and must be ended */
	struct strbuf out;	/* the gzip bytes so far; all of them after
				   gzsink_finish() */
};

/* level: zlib's 1..9, or Z_DEFAULT_COMPRESSION. */
int	gzsink_init(struct gzsink *, int level, struct api_error *);
/* A jw_sink_fn: arg is the struct gzsink. */
int	gzsink_write(void *gzsink, const char *, size_t, struct api_error *);
int	gzsink_finish(struct gzsink *, struct api_error *);
/* Frees the stream and the bytes; safe after a failed init. */
void	gzsink_free(struct gzsink *);

#endif
