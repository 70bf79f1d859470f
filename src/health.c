/* GET /api/health: does the database answer, latest commit, row counts. */
#include <stdio.h>

#include "db_health.h"
#include "health.h"

void
health_handle(struct http_request *req, struct route_ctx *ctx)
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
