/* POST /api/revalidate: after a direct write, every host's reads recompute. */
#include <stdbool.h>

#include "auth.h"
#include "db_write.h"
#include "generation.h"
#include "revalidate.h"

void
revalidate_handle(struct http_request *req, struct route_ctx *ctx)
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
