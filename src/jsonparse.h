/*
 * A strict JSON pull parser over a mutable, NUL-terminated buffer.
 *
 * The caller walks the document in the shape it expects, so unknown and
 * duplicate members are caught by the caller against its own field list and
 * nesting never goes deeper than the caller descends.  Strings are decoded in
 * place (a decoded string is never longer than its JSON form) and
 * NUL-terminated, so they can point into the request body.  UTF-8 is
 * validated strictly: no overlong forms, no surrogates, nothing above
 * U+10FFFF, no lone surrogate escapes.
 */
#ifndef BENCHINGEST_JSONPARSE_H
#define BENCHINGEST_JSONPARSE_H

#include <stdbool.h>
#include <stddef.h>

enum jp_type {
	JP_OBJECT,
	JP_ARRAY,
	JP_STRING,
	JP_NUMBER,
	JP_TRUE,
	JP_FALSE,
	JP_NULL,
	JP_INVALID
};

/* Deeper than any envelope can be (envelope, records, record, array). */
#define JP_MAX_DEPTH	4
/* The deepest jp_skip() goes, whatever depth it is given. */
#define JP_SKIP_DEPTH_MAX	16384

struct jp_str {
	const char *ptr;
	size_t len;
};

struct jp_num {
	const char *text;	/* points into the buffer; not terminated */
	size_t len;
	bool integer;		/* no fraction and no exponent */
};

struct jp {
	char *start;
	char *p;
	char *end;
	/*
	 * Take a lone surrogate escape ("\ud800") as U+FFFD rather than an
	 * error: JavaScript's JSON.parse keeps it, and its UTF-8 encoders
	 * write U+FFFD for it.  Off after jp_init().
	 */
	bool lone_surrogates;
	char error[128];	/* the lexical error, when a call fails */
};

void		jp_init(struct jp *, char *buf, size_t len);
enum jp_type	jp_peek(struct jp *);
size_t		jp_offset(const struct jp *);

int	jp_object_begin(struct jp *);
int	jp_object_next(struct jp *, size_t index, struct jp_str *);
int	jp_array_begin(struct jp *);
int	jp_array_next(struct jp *, size_t index);
int	jp_string(struct jp *, struct jp_str *);
int	jp_number(struct jp *, struct jp_num *);
int	jp_literal(struct jp *, enum jp_type);
/* Validates and skips one value nested at most depth levels deep. */
int	jp_skip(struct jp *, int depth);
int	jp_end(struct jp *);

const char	*jp_type_name(enum jp_type);
/* Whether s holds exactly the bytes of the NUL-terminated name. */
bool		 jp_str_eq(const struct jp_str *s, const char *name);

#endif
