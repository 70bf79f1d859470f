#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "db_health.h"
#include "db_write.h"
#include "generation.h"
#include "ingest.h"
#include "read.h"
#include "routes.h"

struct route {
	const char *path;	/* ending in '/': a prefix, a slug follows */
	const char *allow;	/* the Allow header of a 405 */
	void (*handler)(struct http_request *, struct route_ctx *);
	bool cached;		/* the handler answers nginx's cache key probe */
};

static void	health(struct http_request *, struct route_ctx *);
static void	revalidate(struct http_request *, struct route_ctx *);

static const struct route routes[] = {
	{ "/api/ingest", "POST", ingest_handle, false },
	{ "/api/revalidate", "POST", revalidate, false },
	{ "/api/health", "GET, HEAD", health, false },
	{ "/health", "GET, HEAD", health, false },
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

static void
health(struct http_request *req, struct route_ctx *ctx)
{
	struct health h;
	struct api_error err;
	struct http_json j;
	struct jw *jw = http_json_begin(&j);
	size_t i;

	api_error_clear(&err);
	jw_object(jw);
	jw_key(jw, "status");
	if (db_health(ctx->db, &h, &err) == -1) {
		snprintf(req->summary.internal, sizeof(req->summary.internal),
		    "%s", err.message);
		req->summary.error_class = "unavailable";
		jw_string(jw, "unavailable");
		jw_object_end(jw);
		http_reply_json(req, 503, NULL, &j);
		return;
	}
	jw_string(jw, "ok");
	jw_key(jw, "schema_version");
	jw_int(jw, 1);
	jw_key(jw, "version");
	jw_string(jw, PACKAGE_VERSION);
	jw_key(jw, "latest_commit_timestamp");
	if (h.has_latest)
		jw_string(jw, h.latest);
	else
		jw_null(jw);
	jw_key(jw, "row_counts");
	jw_object(jw);
	jw_key(jw, "commits");
	jw_int(jw, h.counts[0]);
	for (i = 0; i < KIND_COUNT; i++) {
		jw_key(jw, record_kinds[i].table);
		jw_int(jw, h.counts[i + 1]);
	}
	jw_object_end(jw);
	jw_key(jw, "row_counts_exact");
	jw_bool(jw, h.exact);
	jw_object_end(jw);
	http_reply_json(req, 200, NULL, &j);
}

static void
revalidate(struct http_request *req, struct route_ctx *ctx)
{
	struct api_error err;
	struct http_json j;
	struct jw *jw;

	api_error_clear(&err);
	if (auth_require(req->authorization, ctx->cfg->revalidate_token,
	    &err) == -1 || db_notify(ctx->db, "revalidate", &err) == -1) {
		http_reply_error(req, &err);
		return;
	}
	/* Notified: this host's next reads must recompute (generation.h). */
	generation_advance();
	jw = http_json_begin(&j);
	jw_object(jw);
	jw_key(jw, "revalidated");
	jw_bool(jw, true);
	jw_object_end(jw);
	http_reply_json(req, 200, NULL, &j);
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
