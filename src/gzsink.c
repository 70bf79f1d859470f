/* A JSON writer sink that gzips and keeps the compressed bytes. */
#include <limits.h>
#include <string.h>

#include "gzsink.h"

/* Room made for deflate's output before each call. */
#define GZ_ROOM	16384

static int
zlib_failed(struct api_error *err, int rc, const char *what)
{
	if (rc == Z_MEM_ERROR)
		api_error_oom(err);
	else
		api_error_set(err, 500, "internal", "zlib: %s failed (%d)",
		    what, rc);
	return -1;
}

int
gzsink_init(struct gzsink *g, int level, struct api_error *err)
{
	int rc;

	memset(g, 0, sizeof(*g));
	/* windowBits 15 + 16: a 32 KiB window, gzip header and trailer. */
	rc = deflateInit2(&g->z, level, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY);
	if (rc != Z_OK)
		return zlib_failed(err, rc, "deflateInit2");
	g->ready = true;
	return 0;
}

/* Runs deflate over what is in z.next_in until it needs more (or ends). */
static int
run(struct gzsink *g, int flush, struct api_error *err)
{
	int rc;

	do {
		if (!sb_reserve(&g->out, GZ_ROOM))
			return api_error_oom(err);
		g->z.next_out = (Bytef *)g->out.data + g->out.len;
		g->z.avail_out = (uInt)(g->out.cap - g->out.len - 1);
		rc = deflate(&g->z, flush);
		g->out.len = g->out.cap - 1 - g->z.avail_out;
		g->out.data[g->out.len] = '\0';
		if (rc == Z_STREAM_ERROR)
			return zlib_failed(err, rc, "deflate");
	} while (g->z.avail_out == 0 || (flush == Z_FINISH &&
	    rc != Z_STREAM_END));
	return 0;
}

int
gzsink_write(void *arg, const char *p, size_t n, struct api_error *err)
{
	struct gzsink *g = arg;
	size_t piece;

	if (!g->ready)
		return zlib_failed(err, Z_STREAM_ERROR, "write");
	while (n > 0) {
		piece = n > UINT_MAX ? UINT_MAX : n;
		/* zlib reads next_in only; its type lacks the const. */
		g->z.next_in = (Bytef *)p;
		g->z.avail_in = (uInt)piece;
		if (run(g, Z_NO_FLUSH, err) == -1)
			return -1;
		p += piece;
		n -= piece;
	}
	return 0;
}

int
gzsink_finish(struct gzsink *g, struct api_error *err)
{
	if (!g->ready)
		return zlib_failed(err, Z_STREAM_ERROR, "finish");
	g->z.next_in = NULL;
	g->z.avail_in = 0;
	return run(g, Z_FINISH, err);
}

void
gzsink_free(struct gzsink *g)
{
	if (g->ready)
		deflateEnd(&g->z);
	g->ready = false;
	sb_free(&g->out);
}
