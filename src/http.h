/*
 * The FastCGI request as the handlers see it, and the one way an answer
 * is written: http_reply() (http_reply_as() for a body that is not JSON)
 * writes every status line and header; the small JSON answers (errors,
 * health, ingest counts, revalidate, 405) are built with the jw_ writer
 * through http_json_begin() and http_reply_json().
 */
#ifndef BENCHINGEST_HTTP_H
#define BENCHINGEST_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <fcgiapp.h>

#include "error.h"
#include "jsonwrite.h"
#include "strbuf.h"

/* What the request line in the log says about this request. */
struct request_summary {
	int status;
	int route;		/* its row of the routing table; -1: none */
	long long records;	/* -1 when the route has none */
	long long inserted;
	long long updated;
	char sha[64];
	const char *error_class;
	char internal[512];	/* why a 5xx happened; for the log only */
	bool quiet;		/* nginx's own subrequest: not logged */
};

struct http_request {
	FCGX_Request *fcgx;
	const char *method;
	const char *path;		/* NULL: out of memory */
	char *path_copy;		/* what path points to, when a copy */
	const char *query;		/* QUERY_STRING, "" when none */
	const char *request_uri;	/* REQUEST_URI as sent, or NULL */
	const char *if_none_match;
	const char *accept_encoding;	/* NULL when absent */
	const char *content_type;
	const char *authorization;
	long long content_length;	/* -1: absent */
	bool body_too_large;		/* nginx refused the body already */
	bool cache_key_probe;		/* nginx asks for the cache key */
	bool metrics_location;		/* through the snippet's /metrics */
	bool head;
	struct request_summary summary;
};

/* The request's parameters; http_request_free() releases them. */
void	http_request_init(struct http_request *, FCGX_Request *);
void	http_request_free(struct http_request *);
bool	http_content_type_is_json(const char *);
/*
 * Whether an Accept-Encoding header (NULL: absent) accepts gzip: "gzip"
 * or "x-gzip", else "*", listed with a q-value above 0 (RFC 9110 12.5.3).
 * A header that does not parse accepts nothing but identity.
 */
bool	http_accepts_gzip(const char *);
int	http_read_body(struct http_request *, long long limit, char **body,
	    size_t *len, struct api_error *);
/* How an answer may be cached: the one place Cache-Control is written. */
enum http_cache {
	HTTP_NO_STORE,		/* never stored: all but a read's answer */
	HTTP_NO_CACHE,		/* a read's: browsers revalidate (ETag) */
	HTTP_PROBE		/* nginx's cache key probe: none said */
};

/*
 * Status, Content-Type (JSON), Content-Length, Cache-Control, then the
 * extra headers (each ending in "\r\n"; NULL: none) and the body (len
 * bytes; none for HEAD).
 */
void	http_reply(struct http_request *, int status, enum http_cache,
	    const char *headers, const char *body, size_t len);
/* The same with another Content-Type (the metrics' text). */
void	http_reply_as(struct http_request *, int status,
	    const char *content_type, enum http_cache, const char *headers,
	    const char *body, size_t len);

/*
 * A small JSON answer, written into memory.  If writing it failed (out of
 * memory), http_reply_json() answers 500 {"error":"internal"} instead,
 * from a constant, and the log line says why.
 */
struct http_json {
	struct jw jw;
	struct strbuf body;
	struct api_error err;
};

struct jw	*http_json_begin(struct http_json *);
/* Sends it with Cache-Control: no-store and the headers given; frees it. */
void		 http_reply_json(struct http_request *, int status,
		    const char *headers, struct http_json *);
/* The error's answer: its status, its JSON body, Retry-After if it has one. */
void		 http_reply_error(struct http_request *, const struct api_error *);

#endif
