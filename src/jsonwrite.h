/*
 * A streaming JSON writer whose output is byte for byte what JavaScript's
 * JSON.stringify writes for the same values: no whitespace; numbers as
 * Number.prototype.toString writes them (shortest digits that read back,
 * 1e+21 and 1e-7 in exponent form, -0 as 0, no ".0"; NaN and infinities
 * as null); strings with only '"', '\\' and U+0000..U+001F escaped (\b \f
 * \n \r \t, else \u00xx), '/' and non-ASCII as they are.  Strings must be
 * valid UTF-8 (Postgres text is).
 *
 * Output goes through a fixed buffer to a sink, so an answer of any size
 * takes JW_BUFSIZE bytes here; the sink decides whether it is kept
 * (jw_sink_strbuf), compressed (gzsink.h) or sent.
 *
 * Every call returns 0 or -1.  The first failure (a sink's, or a document
 * that does not close) is filled into the api_error given to jw_init and
 * sticks: later calls do nothing and return -1, so a writer may check only
 * jw_finish().
 */
#ifndef BENCHINGEST_JSONWRITE_H
#define BENCHINGEST_JSONWRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define JW_BUFSIZE	8192
/* Room for any number's text and its NUL: "-1.2345678901234567e-308". */
#define JW_NUMBER_MAX	32

/* Takes len bytes; returns 0, or -1 with err filled. */
typedef int	(*jw_sink_fn)(void *arg, const char *buf, size_t len,
		    struct api_error *err);

struct jw {
	jw_sink_fn sink;
	void *arg;
	struct api_error *err;
	bool failed;
	bool comma;		/* the next value or key needs a ',' first */
	int depth;
	size_t len;
	char buf[JW_BUFSIZE];
};

void	jw_init(struct jw *, jw_sink_fn, void *arg, struct api_error *);
int	jw_object(struct jw *);
int	jw_object_end(struct jw *);
int	jw_array(struct jw *);
int	jw_array_end(struct jw *);
/* An object member's name; its value is the next call. */
int	jw_key(struct jw *, const char *);
int	jw_string(struct jw *, const char *);
int	jw_string_n(struct jw *, const char *, size_t);
int	jw_number(struct jw *, double);
/* An integer as a JS number: beyond 2^53 it is the rounded double. */
int	jw_int(struct jw *, long long);
int	jw_bool(struct jw *, bool);
int	jw_null(struct jw *);
/* Hands the rest to the sink; -1 if anything failed or is left open. */
int	jw_finish(struct jw *);

/* A sink that appends to the struct strbuf given as arg. */
int	jw_sink_strbuf(void *strbuf, const char *, size_t, struct api_error *);

/*
 * Number::toString(10) of ECMAScript: what String(v) gives in JavaScript,
 * "NaN", "Infinity" and "-Infinity" included.  Returns the length.
 */
size_t	jw_number_text(double, char buf[JW_NUMBER_MAX]);

#endif
