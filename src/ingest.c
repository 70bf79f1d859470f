/* POST /api/ingest: validation steps in order, then the write. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "db_write.h"
#include "envelope.h"
#include "generation.h"
#include "ingest.h"

/* The commit sha for the log line, with nothing a client could forge. */
static void
summary_sha(char *out, size_t size, const struct jp_str *sha)
{
	size_t i;

	for (i = 0; i + 1 < size && i < sha->len; i++) {
		char c = sha->ptr[i];

		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z'))
			out[i] = c;
		else
			out[i] = '?';
	}
	out[i] = '\0';
}

void
ingest_handle(struct http_request *req, struct route_ctx *ctx)
{
	const struct config *cfg = ctx->cfg;
	const struct envelope_limits limits = {
		(size_t)cfg->max_records, (size_t)cfg->max_string_bytes
	};
	struct envelope env;
	struct ingest_counts counts;
	struct api_error err;
	struct http_json j;
	struct jw *jw;
	char *body = NULL;
	size_t len;

	memset(&env, 0, sizeof(env));
	api_error_clear(&err);
	if (auth_require(req->authorization, cfg->ingest_token, &err) == -1)
		goto fail;
	if (!http_content_type_is_json(req->content_type)) {
		api_error_set(&err, 415, "unsupported_media_type", NULL);
		goto fail;
	}
	if (http_read_body(req, cfg->max_body_bytes, &body, &len, &err) == -1)
		goto fail;
	if (envelope_parse(&env, body, len, &limits, &err) == -1)
		goto fail;
	req->summary.records = (long long)env.nrecords;
	summary_sha(req->summary.sha, sizeof(req->summary.sha),
	    &env.commit[COMMIT_SHA]);
	if (envelope_validate(&env, &err) == -1)
		goto fail;
	if (db_ingest(ctx->db, &env, &counts, &err) == -1)
		goto fail;
	/* Committed: this host's next reads must see it (generation.h). */
	generation_advance();
	req->summary.inserted = counts.inserted;
	req->summary.updated = counts.updated;
	jw = http_json_begin(&j);
	jw_object(jw);
	jw_key(jw, "inserted");
	jw_int(jw, counts.inserted);
	jw_key(jw, "updated");
	jw_int(jw, counts.updated);
	jw_object_end(jw);
	http_reply_json(req, 200, NULL, &j);
	goto out;
fail:
	http_reply_error(req, &err);
out:
	envelope_free(&env);
	free(body);
}
