/* The routing table: path, methods, handler; 404 and 405 answered here. */
#include <stdio.h>
#include <string.h>

#include "health.h"
#include "ingest.h"
#include "read.h"
#include "revalidate.h"
#include "routes.h"

struct route {
	const char *path;	/* ending in '/': a prefix, a slug follows */
	const char *allow;	/* the Allow header of a 405 */
	void (*handler)(struct http_request *, struct route_ctx *);
	bool cached;		/* the handler answers nginx's cache key probe */
};

static const struct route routes[] = {
	{ "/api/ingest", "POST", ingest_handle, false },
	{ "/api/revalidate", "POST", revalidate_handle, false },
	{ "/api/health", "GET, HEAD", health_handle, false },
	{ "/health", "GET, HEAD", health_handle, false },
	{ "/api/groups", "GET, HEAD", read_groups, true },
	{ "/api/chart/", "GET, HEAD", read_chart, true },
	{ "/api/group/", "GET, HEAD", read_group, true },
};

static bool
route_matches(const struct route *r, const char *path)
{
	size_t n = strlen(r->path);

	if (r->path[n - 1] == '/')
		return strncmp(r->path, path, n) == 0 && path[n] != '\0';
	return strcmp(r->path, path) == 0;
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

void
routes_dispatch(struct http_request *req, struct route_ctx *ctx)
{
	struct api_error err;
	struct http_json j;
	struct jw *jw;
	char allow[128];
	size_t i;

	api_error_clear(&err);
	if (req->path == NULL) {
		api_error_set(&err, 500, "internal", "out of memory for path");
		http_reply_error(req, &err);
		return;
	}
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (!route_matches(&routes[i], req->path))
			continue;
		/* Only a cached route's own handler knows its key. */
		if (req->cache_key_probe && !routes[i].cached)
			break;
		if (!method_allowed(routes[i].allow, req->method)) {
			snprintf(allow, sizeof(allow), "Allow: %s\r\n",
			    routes[i].allow);
			req->summary.error_class = "method_not_allowed";
			jw = http_json_begin(&j);
			jw_object(jw);
			jw_key(jw, "error");
			jw_string(jw, "method_not_allowed");
			jw_object_end(jw);
			http_reply_json(req, 405, allow, &j);
			return;
		}
		routes[i].handler(req, ctx);
		return;
	}
	if (req->cache_key_probe) {
		read_no_cache_key(req);
		return;
	}
	api_error_set(&err, 404, "not_found", NULL);
	http_reply_error(req, &err);
}
