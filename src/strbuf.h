/*
 * A growing NUL-terminated string.  An allocation failure is remembered
 * rather than returned, so a builder checks once, at the end.
 */
#ifndef BENCHINGEST_STRBUF_H
#define BENCHINGEST_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *data;		/* NULL until something is added */
	size_t len;
	size_t cap;
	bool failed;
};

/* Room for `more` bytes and a NUL after len; false once failed. */
bool	sb_reserve(struct strbuf *, size_t more);
void	sb_add(struct strbuf *, const char *, size_t);
void	sb_str(struct strbuf *, const char *);
void	sb_printf(struct strbuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	sb_vprintf(struct strbuf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
/* Empty again, and no longer failed: ready for the next build. */
void	sb_reset(struct strbuf *);
void	sb_free(struct strbuf *);

#endif
