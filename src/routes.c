#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

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
reply_json(struct http_request *req, int status, struct json_object *o)
{
	http_reply(req, status, "Cache-Control: no-store\r\n",
	    json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static void
health(struct http_request *req, struct route_ctx *ctx)
{
	struct json_object *o, *counts;
	struct health h;
	struct api_error err;
	size_t i;

	api_error_clear(&err);
	if (db_health(ctx->db, &h, &err) == -1) {
		snprintf(req->summary.internal, sizeof(req->summary.internal),
		    "%s", err.message);
		req->summary.error_class = "unavailable";
		o = json_object_new_object();
		json_object_object_add(o, "status",
		    json_object_new_string("unavailable"));
		reply_json(req, 503, o);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "status", json_object_new_string("ok"));
	json_object_object_add(o, "schema_version", json_object_new_int(1));
	json_object_object_add(o, "version",
	    json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(o, "latest_commit_timestamp", h.has_latest ?
	    json_object_new_string(h.latest) : NULL);
	counts = json_object_new_object();
	json_object_object_add(counts, "commits",
	    json_object_new_int64(h.counts[0]));
	for (i = 0; i < KIND_COUNT; i++)
		json_object_object_add(counts, record_kinds[i].table,
		    json_object_new_int64(h.counts[i + 1]));
	json_object_object_add(o, "row_counts", counts);
	json_object_object_add(o, "row_counts_exact",
	    json_object_new_boolean(h.exact));
	reply_json(req, 200, o);
}

static void
revalidate(struct http_request *req, struct route_ctx *ctx)
{
	struct api_error err;

	api_error_clear(&err);
	if (auth_require(req->authorization, ctx->cfg->revalidate_token,
	    &err) == -1 || db_notify(ctx->db, "revalidate", &err) == -1) {
		http_reply_error(req, &err);
		return;
	}
	/* Notified: this host's next reads must recompute (generation.h). */
	generation_advance();
	http_reply(req, 200, "Cache-Control: no-store\r\n",
	    "{\"revalidated\":true}");
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
	char headers[128];
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
			snprintf(headers, sizeof(headers),
			    "Allow: %s\r\nCache-Control: no-store\r\n",
			    routes[i].allow);
			req->summary.error_class = "method_not_allowed";
			http_reply(req, 405, headers,
			    "{\"error\":\"method_not_allowed\"}");
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
