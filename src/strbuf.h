/*
 * A growing NUL-terminated string.  An allocation failure is remembered
 * rather than returned, so a builder checks once, at the end.
 */
#ifndef BENCHINGEST_STRBUF_H
#define BENCHINGEST_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *data;		/* NULL until something is added */
	size_t len;
	size_t cap;
	bool failed;
};

void	sb_add(struct strbuf *, const char *, size_t);
void	sb_str(struct strbuf *, const char *);
void	sb_printf(struct strbuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	sb_reset(struct strbuf *);
void	sb_free(struct strbuf *);

#endif
