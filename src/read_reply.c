/* A read's answer on the wire: ETag, 304, cacheability, memory given back. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <malloc.h>

#include <xxhash.h>

#include "generation.h"
#include "read_reply.h"

/* After an answer this large, idle memory goes back to the system. */
#define READ_TRIM_BYTES	((size_t)1 << 20)

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

void
read_reply(struct http_request *req, struct payload *p)
{
	size_t len = p->len;
	char etag[24], headers[160];

	snprintf(etag, sizeof(etag), "\"%016" PRIx64 "\"",
	    (uint64_t)XXH64(p->text, len, 0));
	snprintf(headers, sizeof(headers), "ETag: %s\r\n%s", etag,
	    generation_listening() ? "" : "X-Accel-Expires: 0\r\n");
	if (req->if_none_match != NULL && etag_listed(req->if_none_match,
	    etag))
		http_reply(req, 304, HTTP_NO_CACHE, headers, NULL, 0);
	else if (p->content_type != NULL)
		http_reply_as(req, 200, p->content_type, HTTP_NO_CACHE, headers,
		    p->text, len);
	else
		http_reply(req, 200, HTTP_NO_CACHE, headers, p->text, len);
	payload_free(p);
	/* A big answer's many small blocks would stay with the worker. */
	if (len > READ_TRIM_BYTES)
		malloc_trim(0);
}
