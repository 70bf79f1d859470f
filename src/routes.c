/*
 * The routing table: path, methods, handler; 404, 405, OPTIONS and the
 * trailing-slash redirects answered here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "ingest.h"
#include "payload.h"
#include "read.h"
#include "revalidate.h"
#include "routes.h"
#include "strbuf.h"

/*
 * A route is answered by its handler, or, when it has none, it is a read
 * route: read_answer() answers it from its struct read_route, and only
 * a read route's answer has a cache key (nginx caches nothing else).  A
 * route that allows OPTIONS has it answered here: 204 and its Allow.
 */
struct route {
	const char *path;	/* ending in '/': a prefix, a slug follows */
	const char *allow;	/* the Allow header of a 405 and OPTIONS */
	void (*handler)(struct http_request *, struct route_ctx *);
	struct read_route read;
};

static const struct route routes[] = {
	{ "/api/ingest", "POST", ingest_handle, { 0 } },
	{ "/api/revalidate", "POST", revalidate_handle, { 0 } },
	{ "/api/health", "GET, HEAD", health_handle, { 0 } },
	{ "/health", "GET, HEAD", health_handle, { 0 } },
	{ "/api/groups", "GET, HEAD, OPTIONS", NULL,
	  { "groups", READ_NO_SLUG, payload_groups } },
	{ "/api/chart/", "GET, HEAD, OPTIONS", NULL,
	  { "chart", READ_CHART_SLUG, payload_chart } },
	{ "/api/group/", "GET, HEAD, OPTIONS", NULL,
	  { "group", READ_GROUP_SLUG, payload_group } },
};

#define NROUTES	(sizeof(routes) / sizeof(routes[0]))

/* The route of path, the first n bytes of it: a slug is one segment. */
static const struct route *
route_of(const char *path, size_t n)
{
	const struct route *r;
	size_t len;

	for (r = routes; r < routes + NROUTES; r++) {
		len = strlen(r->path);
		if (r->path[len - 1] != '/') {
			if (n == len && strncmp(r->path, path, n) == 0)
				return r;
		} else if (n > len && strncmp(r->path, path, len) == 0 &&
		    memchr(path + len, '/', n - len) == NULL)
			return r;
	}
	return NULL;
}

/*
 * Is method one of the names in allow ("GET, HEAD")?  Whole names only: an
 * empty method, or one that spans a comma, is none of them.
 */
static bool
method_allowed(const char *allow, const char *method)
{
	size_t n = strlen(method), len;
	const char *p = allow;

	for (;;) {
		len = strcspn(p, ",");
		if (n > 0 && len == n && strncmp(p, method, n) == 0)
			return true;
		if (p[len] == '\0')
			return false;
		p += len + 1;
		p += strspn(p, " ");
	}
}

/*
 * A read route's path with one or more slashes after it: 308 to the path
 * as the client sent it (REQUEST_URI) with one slash fewer, the query
 * kept, as the reference read service's framework redirects.  False when
 * the path is no such thing (or REQUEST_URI does not end in that slash);
 * true when answered, with a 500 if memory ran out.
 */
static bool
redirect_trailing_slash(struct http_request *req)
{
	const char *uri = req->request_uri, *p;
	const struct route *r;
	struct api_error err;
	struct strbuf h = { 0 };
	size_t n = strlen(req->path), at;

	if (n == 0 || req->path[n - 1] != '/' || uri == NULL)
		return false;
	while (n > 0 && req->path[n - 1] == '/')
		n--;
	if ((r = route_of(req->path, n)) == NULL || r->handler != NULL)
		return false;
	at = strcspn(uri, "?");
	if (at == 0 || uri[at - 1] != '/')
		return false;
	for (p = uri; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	sb_printf(&h, "Location: %.*s%s\r\n", (int)(at - 1), uri, uri + at);
	if (h.failed) {
		api_error_clear(&err);
		api_error_oom(&err);
		http_reply_error(req, &err);
	} else
		http_reply(req, 308, HTTP_NO_STORE, h.data, NULL, 0);
	sb_free(&h);
	return true;
}

void
routes_dispatch(struct http_request *req, struct route_ctx *ctx)
{
	const struct route *r;
	struct api_error err;
	struct http_json j;
	struct jw *jw;
	char allow[128];

	api_error_clear(&err);
	if (req->path == NULL) {
		api_error_set(&err, 500, "internal", "out of memory for path");
		http_reply_error(req, &err);
		return;
	}
	r = route_of(req->path, strlen(req->path));
	/* Only a read route's answer has a key. */
	if (req->cache_key_probe && (r == NULL || r->handler != NULL)) {
		read_no_cache_key(req);
		return;
	}
	if (r == NULL) {
		if (redirect_trailing_slash(req))
			return;
		api_error_set(&err, 404, "not_found", NULL);
		http_reply_error(req, &err);
		return;
	}
	snprintf(allow, sizeof(allow), "Allow: %s\r\n", r->allow);
	if (!method_allowed(r->allow, req->method)) {
		req->summary.error_class = "method_not_allowed";
		jw = http_json_begin(&j);
		jw_object(jw);
		jw_key(jw, "error");
		jw_string(jw, "method_not_allowed");
		jw_object_end(jw);
		http_reply_json(req, 405, allow, &j);
	} else if (strcmp(req->method, "OPTIONS") == 0)
		http_reply(req, 204, HTTP_NO_STORE, allow, NULL, 0);
	else if (r->handler != NULL)
		r->handler(req, ctx);
	else
		read_answer(req, ctx, &r->read, req->path + strlen(r->path));
}
