/* The request as the handlers see it, and every answer written once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"

static const char *
status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 308: return "Permanent Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 503: return "Service Unavailable";
	default:  return "Internal Server Error";
	}
}

static long long
parse_length(const char *s)
{
	long long v = 0;

	if (s == NULL || *s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > (1LL << 50))
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

void
http_request_init(struct http_request *req, FCGX_Request *fcgx)
{
	char **env = fcgx->envp;
	const char *path, *q;

	memset(req, 0, sizeof(*req));
	req->fcgx = fcgx;
	req->method = FCGX_GetParam("REQUEST_METHOD", env);
	if (req->method == NULL)
		req->method = "GET";
	req->head = strcmp(req->method, "HEAD") == 0;
	req->content_type = FCGX_GetParam("CONTENT_TYPE", env);
	req->authorization = FCGX_GetParam("HTTP_AUTHORIZATION", env);
	req->content_length = parse_length(FCGX_GetParam("CONTENT_LENGTH",
	    env));
	req->body_too_large = FCGX_GetParam("BENCHINGEST_BODY_TOO_LARGE",
	    env) != NULL;
	/* Like the marker above, only nginx's configuration can set this. */
	req->cache_key_probe = FCGX_GetParam("BENCHINGEST_CACHE_KEY",
	    env) != NULL;
	/* And this: only the snippet's access-controlled location sets it. */
	req->metrics_location = FCGX_GetParam("BENCHINGEST_METRICS",
	    env) != NULL;
	if ((req->query = FCGX_GetParam("QUERY_STRING", env)) == NULL)
		req->query = "";
	req->if_none_match = FCGX_GetParam("HTTP_IF_NONE_MATCH", env);
	req->accept_encoding = FCGX_GetParam("HTTP_ACCEPT_ENCODING", env);
	req->request_uri = FCGX_GetParam("REQUEST_URI", env);

	/*
	 * nginx's DOCUMENT_URI is the decoded path without the query, used
	 * as it is, whatever its length (nginx bounds it by its request line
	 * buffer).  The fallbacks may carry a query: the path is copied
	 * without it (NULL when out of memory).
	 */
	if ((path = FCGX_GetParam("DOCUMENT_URI", env)) == NULL &&
	    (path = FCGX_GetParam("REQUEST_URI", env)) == NULL &&
	    (path = FCGX_GetParam("SCRIPT_NAME", env)) == NULL)
		path = "/";
	if ((q = strchr(path, '?')) == NULL)
		req->path = path;
	else
		req->path = req->path_copy = strndup(path, (size_t)(q - path));
	req->summary.route = -1;
	req->summary.records = -1;
	req->summary.inserted = -1;
	req->summary.updated = -1;
}

void
http_request_free(struct http_request *req)
{
	free(req->path_copy);
	req->path_copy = NULL;
}

/* "application/json", any case, optionally followed by parameters. */
bool
http_content_type_is_json(const char *ct)
{
	static const char json[] = "application/json";
	size_t n = sizeof(json) - 1;

	if (ct == NULL || strncasecmp(ct, json, n) != 0)
		return false;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

static const char *
skip_ows(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/*
 * A q-value (RFC 9110 12.4.2): "0", "1", "0." or "1." and up to three
 * digits, a "1." only zeros.  Sets *zero when it is 0; NULL when it does
 * not parse, else what follows it.
 */
static const char *
parse_qvalue(const char *s, bool *zero)
{
	bool one = *s == '1';
	int i;

	if (*s != '0' && *s != '1')
		return NULL;
	*zero = !one;
	if (*++s != '.')
		return s;
	for (i = 0, s++; i < 3 && *s >= '0' && *s <= '9'; i++, s++) {
		if (*s != '0') {
			if (one)
				return NULL;
			*zero = false;
		}
	}
	return s;
}

bool
http_accepts_gzip(const char *h)
{
	static const char tchar[] = "!#$%&'*+-.^_`|~";
	int gzip = -1, any = -1;	/* -1 not listed, 0 refused, 1 accepted */
	const char *name;
	size_t len;
	bool zero;

	if (h == NULL)
		return false;
	for (;;) {
		h = skip_ows(h);
		if (*h == ',') {	/* empty list elements are allowed */
			h++;
			continue;
		}
		if (*h == '\0')
			break;
		name = h;
		while ((*h >= 'a' && *h <= 'z') || (*h >= 'A' && *h <= 'Z') ||
		    (*h >= '0' && *h <= '9') || (*h != '\0' &&
		    strchr(tchar, *h) != NULL))
			h++;
		if ((len = (size_t)(h - name)) == 0)
			return false;
		zero = false;
		h = skip_ows(h);
		if (*h == ';') {
			h = skip_ows(h + 1);
			if ((*h != 'q' && *h != 'Q') || h[1] != '=')
				return false;
			if ((h = parse_qvalue(h + 2, &zero)) == NULL)
				return false;
			h = skip_ows(h);
		}
		if (*h != ',' && *h != '\0')
			return false;
		if ((len == 4 && strncasecmp(name, "gzip", 4) == 0) ||
		    (len == 6 && strncasecmp(name, "x-gzip", 6) == 0))
			gzip = !zero;
		else if (len == 1 && *name == '*')
			any = !zero;
	}
	return gzip == -1 ? any == 1 : gzip == 1;
}

/*
 * Reads the whole body into one buffer with a NUL after it, refusing early
 * when the declared length is over the limit so a large body is never held.
 */
int
http_read_body(struct http_request *req, long long limit, char **body,
    size_t *len, struct api_error *err)
{
	size_t cap, n = 0;
	char *buf, *p;
	int got;

	*body = NULL;
	*len = 0;
	if (req->body_too_large || req->content_length > limit) {
		api_error_set(err, 413, "payload_too_large", NULL);
		return -1;
	}
	cap = req->content_length >= 0 ? (size_t)req->content_length + 1 :
	    65536;
	if ((buf = malloc(cap)) == NULL) {
		api_error_set(err, 500, "internal", "out of memory for body");
		return -1;
	}
	for (;;) {
		if (n + 1 == cap) {
			if (req->content_length >= 0)
				break;
			if ((long long)cap > limit + 1) {
				free(buf);
				api_error_set(err, 413, "payload_too_large",
				    NULL);
				return -1;
			}
			if ((p = realloc(buf, cap * 2)) == NULL) {
				free(buf);
				api_error_set(err, 500, "internal",
				    "out of memory for body");
				return -1;
			}
			buf = p;
			cap *= 2;
		}
		got = FCGX_GetStr(buf + n, (int)(cap - 1 - n), req->fcgx->in);
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	if ((long long)n > limit) {
		free(buf);
		api_error_set(err, 413, "payload_too_large", NULL);
		return -1;
	}
	if (req->content_length >= 0 && (long long)n != req->content_length) {
		free(buf);
		api_error_set(err, 400, "malformed",
		    "(root): body shorter than its Content-Length");
		return -1;
	}
	buf[n] = '\0';
	*body = buf;
	*len = n;
	return 0;
}

static const char *
cache_control(enum http_cache cache)
{
	switch (cache) {
	case HTTP_NO_STORE:
		return "Cache-Control: no-store\r\n";
	case HTTP_NO_CACHE:
		return "Cache-Control: no-cache\r\n";
	case HTTP_PROBE:
		break;
	}
	return "";
}

void
http_reply(struct http_request *req, int status, enum http_cache cache,
    const char *headers, const char *body, size_t len)
{
	http_reply_as(req, status, "application/json; charset=utf-8", cache,
	    headers, body, len);
}

void
http_reply_as(struct http_request *req, int status, const char *content_type,
    enum http_cache cache, const char *headers, const char *body, size_t len)
{
	char head[256];
	int n;

	req->summary.status = status;
	/* libfcgi's own printf lacks %zu: format here, write raw. */
	n = snprintf(head, sizeof(head),
	    "Status: %d %s\r\n"
	    "Content-Type: %s\r\n"
	    "Content-Length: %zu\r\n%s", status, status_text(status),
	    content_type, len, cache_control(cache));
	if (n < 0 || n >= (int)sizeof(head))
		n = 0;
	FCGX_PutStr(head, n, req->fcgx->out);
	/* Of any length: a cache key holds a slug. */
	if (headers != NULL)
		FCGX_PutS(headers, req->fcgx->out);
	FCGX_PutS("\r\n", req->fcgx->out);
	if (!req->head && len > 0)
		FCGX_PutStr(body, (int)len, req->fcgx->out);
}

struct jw *
http_json_begin(struct http_json *j)
{
	memset(&j->body, 0, sizeof(j->body));
	api_error_clear(&j->err);
	jw_init(&j->jw, jw_sink_strbuf, &j->body, &j->err);
	return &j->jw;
}

void
http_reply_json(struct http_request *req, int status, const char *headers,
    struct http_json *j)
{
	static const char internal[] = "{\"error\":\"internal\"}";

	if (jw_finish(&j->jw) == 0)
		http_reply(req, status, HTTP_NO_STORE, headers, j->body.data,
		    j->body.len);
	else {
		req->summary.error_class = "internal";
		snprintf(req->summary.internal, sizeof(req->summary.internal),
		    "%s", j->err.message);
		http_reply(req, 500, HTTP_NO_STORE, NULL, internal,
		    sizeof(internal) - 1);
	}
	sb_free(&j->body);
}

void
http_reply_error(struct http_request *req, const struct api_error *err)
{
	struct http_json j;
	char retry[64] = "";

	req->summary.error_class = err->class;
	if (err->status >= 500)
		snprintf(req->summary.internal, sizeof(req->summary.internal),
		    "%s", err->message);
	if (err->retry_after > 0)
		snprintf(retry, sizeof(retry), "Retry-After: %d\r\n",
		    err->retry_after);
	api_error_write(http_json_begin(&j), err);
	http_reply_json(req, err->status, retry[0] ? retry : NULL, &j);
}
