/* The FastCGI request as the handlers see it, and JSON replies. */
#ifndef BENCHINGEST_HTTP_H
#define BENCHINGEST_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <fcgiapp.h>

#include "error.h"

/* What the request line in the log says about this request. */
struct request_summary {
	int status;
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
	const char *if_none_match;
	const char *content_type;
	const char *authorization;
	long long content_length;	/* -1: absent */
	bool body_too_large;		/* nginx refused the body already */
	bool cache_key_probe;		/* nginx asks for the cache key */
	bool head;
	struct request_summary summary;
};

/* The request's parameters; http_request_free() releases them. */
void	http_request_init(struct http_request *, FCGX_Request *);
void	http_request_free(struct http_request *);
bool	http_content_type_is_json(const char *);
int	http_read_body(struct http_request *, long long limit, char **body,
	    size_t *len, struct api_error *);
void	http_reply(struct http_request *, int status,
	    const char *extra_headers, const char *body);
void	http_reply_error(struct http_request *, const struct api_error *);

#endif
