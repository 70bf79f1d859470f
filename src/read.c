/* Read routes: parse once, then answer nginx's key probe or build and reply. */
#include <stdlib.h>
#include <string.h>

#include "db_read.h"
#include "generation.h"
#include "metrics.h"
#include "payload.h"
#include "read.h"
#include "read_reply.h"
#include "readlimit.h"
#include "slug.h"
#include "strbuf.h"
#include "window.h"

/*
 * The longest cache key header: a slug is at most 8 KiB, and nginx reads
 * the probe's headers into its fastcgi_buffer_size (16k in the snippet).
 */
#define READ_CACHE_KEY_MAX	12288

/*
 * The slug after a route's path, decoded into a chart or a group key.  A
 * slug that does not decode, or names the other kind of key, is answered
 * as the reference read service answers it: "invalid chart slug".
 */
static int
route_key(const struct read_route *route, const char *slug,
    struct chart_key *key, struct api_error *err)
{
	bool group = route->slug == READ_GROUP_SLUG;

	if (slug_decode(slug, key, err) == -1) {
		if (err->status != 400)
			return -1;
	} else if (key->group != group)
		chart_key_free(key);
	else
		return 0;
	api_error_set(err, 400, "bad_request", "invalid %s slug",
	    route->name);
	return -1;
}

void
read_no_cache_key(struct http_request *req)
{
	metrics_cache_key_probe(false);
	req->summary.quiet = true;
	http_reply(req, 204, HTTP_PROBE, NULL, NULL, 0);
}

/*
 * nginx's probe: the key its cache stores this request's answer under,
 * "<generation> <route>[ <canonical slug> <window>][ gzip]".  Computed from
 * the target the answer is computed from, it cannot disagree with the
 * answer: the gzip and the identity answer are two entries, each
 * compressed (or not) once, whatever the client spelled in its
 * Accept-Encoding.
 */
static void
reply_cache_key(struct http_request *req, const struct read_target *t)
{
	struct strbuf h = { 0 };
	char gen[GENERATION_TEXT_MAX], *slug = NULL;

	generation_text(gen, sizeof(gen));
	sb_printf(&h, "X-Benchingest-Cache-Key: %s %s", gen, t->route->name);
	if (t->route->slug != READ_NO_SLUG) {
		if ((slug = slug_encode(&t->key)) == NULL)
			h.failed = true;
		else if (t->window == 0)
			sb_printf(&h, " %s all", slug);
		else
			sb_printf(&h, " %s %lld", slug, t->window);
	}
	if (t->gzip)
		sb_str(&h, " gzip");
	sb_str(&h, "\r\n");
	/* Out of memory, or too long for nginx's buffer: no key, no cache. */
	if (h.failed || h.len > READ_CACHE_KEY_MAX)
		read_no_cache_key(req);
	else {
		metrics_cache_key_probe(true);
		req->summary.quiet = true;
		http_reply(req, 204, HTTP_PROBE, h.data, NULL, 0);
	}
	free(slug);
	sb_free(&h);
}

/* A read's error, in the route's own form (HTML for a page). */
static void
reply_error(struct http_request *req, const struct read_route *route,
    const struct api_error *err)
{
	if (route->reply_error != NULL)
		route->reply_error(req, err);
	else
		http_reply_error(req, err);
}

/*
 * Parses what the request asks for into *t.  Returns 0 when the caller is
 * to answer it from *t (then read_target_free() it), -1 when it has been
 * answered here: a bad slug, or nginx's probe for the cache key.  A slug
 * that does not decode has no key, so its 400 is neither looked up nor
 * stored.
 */
static int
read_target(struct http_request *req, const struct read_route *route,
    const char *slug, struct read_target *t)
{
	struct api_error err;

	memset(t, 0, sizeof(*t));
	t->route = route;
	api_error_clear(&err);
	if (route->slug != READ_NO_SLUG) {
		if (route_key(route, slug, &t->key, &err) == -1) {
			if (req->cache_key_probe)
				read_no_cache_key(req);
			else
				reply_error(req, route, &err);
			return -1;
		}
		t->window = window_parse(req->query);
	}
	t->gzip = http_accepts_gzip(req->accept_encoding);
	if (req->cache_key_probe) {
		reply_cache_key(req, t);
		chart_key_free(&t->key);
		return -1;
	}
	return 0;
}

static void
read_target_free(struct read_target *t)
{
	chart_key_free(&t->key);
}

/*
 * Every read: parse the request (which answers nginx's cache key probe),
 * take one of the max_concurrent_reads slots or answer 503 at once, build
 * the answer in one snapshot under read_timeout, reply, give the slot back.
 */
void
read_answer(struct http_request *req, struct route_ctx *ctx,
    const struct read_route *route, const char *slug)
{
	const struct config *cfg = ctx->cfg;
	struct payload p = { 0 };
	struct read_target t;
	struct api_error err;
	bool slot;
	int rc = -1;

	if (read_target(req, route, slug, &t) == -1)
		return;
	api_error_clear(&err);
	if (!(slot = readlimit_take(cfg->max_concurrent_reads))) {
		api_error_set(&err, 503, "unavailable", "%lld reads under way "
		    "(max_concurrent_reads)", cfg->max_concurrent_reads);
		err.retry_after = 1;
	} else if (db_read_begin(ctx->db, cfg->read_timeout, &err) == 0) {
		rc = route->build(ctx->db, &t, &p, &err);
		db_read_end(ctx->db);
	}
	read_target_free(&t);
	if (rc == 0)
		read_reply(req, &p, t.gzip);
	else
		reply_error(req, route, &err);
	if (slot)
		readlimit_release();
}
