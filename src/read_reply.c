/* A read's answer on the wire: gzip, ETag, 304, cacheability, memory given back. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <malloc.h>

#include <xxhash.h>

#include "generation.h"
#include "gzsink.h"
#include "read_reply.h"

/* After an answer this large, idle memory goes back to the system. */
#define READ_TRIM_BYTES		((size_t)1 << 20)
/* Over this much JSON, gzip at level 1 (see gzip_payload()). */
#define READ_GZIP_FAST_BYTES	((size_t)256 << 10)

static bool
etag_listed(const char *header, const char *etag)
{
	size_t n = strlen(etag);
	const char *p = header;

	while (p != NULL && *p != '\0') {
		p += strspn(p, " \t,");
		if (*p == '*')
			return true;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (strncmp(p, etag, n) == 0 && (p[n] == '\0' || p[n] == ',' ||
		    p[n] == ' ' || p[n] == '\t'))
			return true;
		p = strchr(p, ',');
	}
	return false;
}

/*
 * The gzip answer of a read, compressed once here (nginx caches it): the
 * JSON is freed as soon as it is compressed.  Large answers get zlib's
 * fastest level, which costs a fraction of the default's time for a few
 * percent more bytes; small ones the default.
 */
static int
gzip_payload(struct payload *p, struct gzsink *gz, struct api_error *err)
{
	int level = p->len > READ_GZIP_FAST_BYTES ? 1 : Z_DEFAULT_COMPRESSION;
	int rc;

	rc = gzsink_init(gz, level, err) == -1 ||
	    gzsink_write(gz, p->text, p->len, err) == -1 ||
	    gzsink_finish(gz, err) == -1 ? -1 : 0;
	payload_free(p);
	return rc;
}

void
read_reply(struct http_request *req, struct payload *p, bool gzip)
{
	struct gzsink gz;
	struct api_error err;
	const char *body = p->text, *type = p->content_type;
	size_t len = p->len, trim = p->len;
	char etag[40], headers[256];

	memset(&gz, 0, sizeof(gz));
	/* The gzip variant has an ETag of its own (RFC 9110 8.8.3). */
	snprintf(etag, sizeof(etag), "\"%016" PRIx64 "%s\"",
	    (uint64_t)XXH64(p->text, len, 0), gzip ? "-gzip" : "");
	snprintf(headers, sizeof(headers), "ETag: %s\r\n"
	    "Vary: Accept-Encoding\r\n%s", etag,
	    generation_listening() ? "" : "X-Accel-Expires: 0\r\n");
	if (req->if_none_match != NULL && etag_listed(req->if_none_match,
	    etag)) {
		payload_free(p);
		http_reply(req, 304, HTTP_NO_CACHE, headers, NULL, 0);
		return;
	}
	if (gzip) {
		api_error_clear(&err);
		if (gzip_payload(p, &gz, &err) == -1) {
			gzsink_free(&gz);
			http_reply_error(req, &err);
			return;
		}
		body = gz.out.data;
		len = gz.out.len;
		strncat(headers, "Content-Encoding: gzip\r\n",
		    sizeof(headers) - strlen(headers) - 1);
	}
	if (type != NULL)
		http_reply_as(req, 200, type, HTTP_NO_CACHE, headers, body, len);
	else
		http_reply(req, 200, HTTP_NO_CACHE, headers, body, len);
	if (gzip)
		gzsink_free(&gz);
	else
		payload_free(p);
	/* A big answer's many small blocks would stay with the worker. */
	if (trim > READ_TRIM_BYTES)
		malloc_trim(0);
}
