/* An API error: what the client is told, and nothing it should not see. */
#ifndef BENCHINGEST_ERROR_H
#define BENCHINGEST_ERROR_H

#include <stddef.h>

struct api_error {
	int status;		/* HTTP status code */
	const char *class;	/* the contract's "error" member */
	long record_index;	/* -1 unless class is "record" */
	long got;		/* schema version sent, for schema_version_too_new */
	int retry_after;	/* seconds for a Retry-After header; 0: none */
	char message[512];	/* safe to return; may be empty */
};

struct jw;

/*
 * Every class an answer's error can have, the label values of the
 * metrics (t/metrics.t checks that the sources set no other).
 */
#define API_ERROR_CLASS_COUNT	12
extern const char *const api_error_classes[API_ERROR_CLASS_COUNT];
/* Its index in api_error_classes, or -1. */
int	api_error_class_index(const char *class);

void	api_error_clear(struct api_error *);
void	api_error_set(struct api_error *, int status, const char *class,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A 500 internal, "out of memory"; returns -1. */
int	api_error_oom(struct api_error *);
/*
 * The error's JSON body, members in the order the contract shows them; an
 * internal error's message is for the log and is never written.
 */
int	api_error_write(struct jw *, const struct api_error *);

#endif
