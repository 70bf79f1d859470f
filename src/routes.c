/* The routing table: path, methods, handler; 404 and 405 answered here. */
#include <stdio.h>
#include <string.h>

#include "health.h"
#include "ingest.h"
#include "metrics.h"
#include "payload.h"
#include "read.h"
#include "revalidate.h"
#include "routes.h"
#include "site_pages.h"

/*
 * A route is answered by its handler, or, when it has none, it is a read
 * route: read_answer() answers it from its struct read_route, and only
 * a read route's answer has a cache key (nginx caches nothing else).
 */
struct route {
	const char *path;	/* a prefix when a slug follows (read.slug) */
	const char *allow;	/* the Allow header of a 405 */
	void (*handler)(struct http_request *, struct route_ctx *);
	struct read_route read;
};

static const struct route routes[] = {
	{ "/api/ingest", "POST", ingest_handle, { 0 } },
	{ "/api/revalidate", "POST", revalidate_handle, { 0 } },
	{ "/api/health", "GET, HEAD", health_handle, { 0 } },
	{ "/health", "GET, HEAD", health_handle, { 0 } },
	{ "/metrics", "GET, HEAD", metrics_handle, { 0 } },
	{ "/api/groups", "GET, HEAD", NULL,
	  { "groups", READ_NO_SLUG, payload_groups, NULL } },
	{ "/api/chart/", "GET, HEAD", NULL,
	  { "chart", READ_CHART_SLUG, payload_chart, NULL } },
	{ "/api/group/", "GET, HEAD", NULL,
	  { "group", READ_GROUP_SLUG, payload_group, NULL } },
	/* The benchmarks site's pages, in HTML (site_pages.h). */
	{ "/", "GET, HEAD", NULL,
	  { "landing", READ_NO_SLUG, site_landing, site_reply_error } },
	{ "/chart/", "GET, HEAD", NULL,
	  { "chart-page", READ_CHART_SLUG, site_chart, site_reply_error } },
};
#define NROUTES	(sizeof(routes) / sizeof(routes[0]))
/* The metrics count by row, and the last of theirs is for no row. */
_Static_assert(NROUTES < METRICS_ROUTES, "the metrics have a row per route");

size_t
routes_count(void)
{
	return NROUTES;
}

const char *
routes_path(size_t i)
{
	return routes[i].path;
}

static bool
route_matches(const struct route *r, const char *path)
{
	size_t n = strlen(r->path);

	if (r->read.slug != READ_NO_SLUG)
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
	for (i = 0; i < NROUTES; i++) {
		if (!route_matches(&routes[i], req->path))
			continue;
		req->summary.route = (int)i;
		/* Only a read route's answer has a key. */
		if (req->cache_key_probe && routes[i].handler != NULL)
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
		if (routes[i].handler != NULL)
			routes[i].handler(req, ctx);
		else
			read_answer(req, ctx, &routes[i].read,
			    req->path + strlen(routes[i].path));
		return;
	}
	if (req->cache_key_probe) {
		read_no_cache_key(req);
		return;
	}
	api_error_set(&err, 404, "not_found", NULL);
	http_reply_error(req, &err);
}
