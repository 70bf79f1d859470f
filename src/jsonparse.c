/* The strict JSON pull parser over a mutable buffer. */
#include <stdio.h>
#include <string.h>

#include "jsonparse.h"

static int
fail(struct jp *jp, const char *what)
{
	snprintf(jp->error, sizeof(jp->error), "%s at byte %zu", what,
	    jp_offset(jp));
	return -1;
}

static void
skip_space(struct jp *jp)
{
	while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\n' ||
	    *jp->p == '\r' || *jp->p == '\t'))
		jp->p++;
}

void
jp_init(struct jp *jp, char *buf, size_t len)
{
	jp->start = jp->p = buf;
	jp->end = buf + len;
	jp->lone_surrogates = false;
	jp->error[0] = '\0';
}

size_t
jp_offset(const struct jp *jp)
{
	return (size_t)(jp->p - jp->start);
}

enum jp_type
jp_peek(struct jp *jp)
{
	skip_space(jp);
	if (jp->p >= jp->end)
		return JP_INVALID;
	switch (*jp->p) {
	case '{':
		return JP_OBJECT;
	case '[':
		return JP_ARRAY;
	case '"':
		return JP_STRING;
	case 't':
		return JP_TRUE;
	case 'f':
		return JP_FALSE;
	case 'n':
		return JP_NULL;
	case '-':
	case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return JP_NUMBER;
	default:
		return JP_INVALID;
	}
}

const char *
jp_type_name(enum jp_type t)
{
	static const char *const names[] = {
		"an object", "an array", "a string", "a number", "true",
		"false", "null", "not a JSON value"
	};

	return names[t];
}

static int
expect(struct jp *jp, char c, const char *what)
{
	skip_space(jp);
	if (jp->p >= jp->end || *jp->p != c)
		return fail(jp, jp->p >= jp->end ? "unexpected end of input" :
		    what);
	jp->p++;
	return 0;
}

int
jp_object_begin(struct jp *jp)
{
	return expect(jp, '{', "expected '{'");
}

int
jp_array_begin(struct jp *jp)
{
	return expect(jp, '[', "expected '['");
}

/* Returns 1 when another element follows, 0 at the closing bracket. */
static int
next_element(struct jp *jp, size_t index, char close)
{
	skip_space(jp);
	if (jp->p >= jp->end)
		return fail(jp, "unexpected end of input");
	if (*jp->p == close) {
		jp->p++;
		return 0;
	}
	if (index > 0) {
		if (*jp->p != ',')
			return fail(jp, close == '}' ?
			    "expected ',' or '}'" : "expected ',' or ']'");
		jp->p++;
		skip_space(jp);
		if (jp->p < jp->end && *jp->p == close)
			return fail(jp, "trailing comma");
	}
	return 1;
}

int
jp_object_next(struct jp *jp, size_t index, struct jp_str *name)
{
	int rc;

	if ((rc = next_element(jp, index, '}')) != 1)
		return rc;
	if (jp_peek(jp) != JP_STRING)
		return fail(jp, "expected a member name");
	if (jp_string(jp, name) == -1)
		return -1;
	if (expect(jp, ':', "expected ':'") == -1)
		return -1;
	return 1;
}

int
jp_array_next(struct jp *jp, size_t index)
{
	return next_element(jp, index, ']');
}

static int
hex4(const char *s, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static char *
put_utf8(char *w, unsigned cp)
{
	if (cp < 0x80) {
		*w++ = (char)cp;
	} else if (cp < 0x800) {
		*w++ = (char)(0xc0 | (cp >> 6));
		*w++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*w++ = (char)(0xe0 | (cp >> 12));
		*w++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*w++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*w++ = (char)(0xf0 | (cp >> 18));
		*w++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*w++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*w++ = (char)(0x80 | (cp & 0x3f));
	}
	return w;
}

/*
 * Length of the well-formed UTF-8 sequence at s (RFC 3629 table), or 0.
 * s[0] is known to be >= 0x80 and the buffer is NUL-terminated, so reading
 * continuation bytes stops at the terminator at worst.
 */
static size_t
utf8_sequence(const unsigned char *s)
{
	unsigned char c = s[0];

	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80;
		unsigned char hi = c == 0xed ? 0x9f : 0xbf;

		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ?
		    3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80;
		unsigned char hi = c == 0xf4 ? 0x8f : 0xbf;

		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 &&
		    (s[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

static int
unicode_escape(struct jp *jp, char **w)
{
	unsigned cp, lo;

	/* jp->p is on the 'u' */
	if (jp->end - jp->p < 5 || hex4(jp->p + 1, &cp) == -1)
		return fail(jp, "bad \\u escape");
	jp->p += 5;
	if (cp >= 0xdc00 && cp <= 0xdfff) {
		if (!jp->lone_surrogates)
			return fail(jp, "lone low surrogate in \\u escape");
		cp = 0xfffd;
	} else if (cp >= 0xd800 && cp <= 0xdbff) {
		if (jp->end - jp->p >= 6 && jp->p[0] == '\\' &&
		    jp->p[1] == 'u' && hex4(jp->p + 2, &lo) == 0 &&
		    lo >= 0xdc00 && lo <= 0xdfff) {
			jp->p += 6;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		} else if (!jp->lone_surrogates)
			return fail(jp, "lone high surrogate in \\u escape");
		else
			cp = 0xfffd;
	}
	*w = put_utf8(*w, cp);
	return 0;
}

int
jp_string(struct jp *jp, struct jp_str *out)
{
	char *start, *w;
	unsigned char c;
	size_t n;

	if (expect(jp, '"', "expected a string") == -1)
		return -1;
	start = w = jp->p;
	for (;;) {
		if (jp->p >= jp->end)
			return fail(jp, "unterminated string");
		c = (unsigned char)*jp->p;
		if (c == '"')
			break;
		if (c < 0x20)
			return fail(jp, "control character in string");
		if (c < 0x80 && c != '\\') {
			*w++ = *jp->p++;
			continue;
		}
		if (c >= 0x80) {
			if ((n = utf8_sequence((unsigned char *)jp->p)) == 0 ||
			    n > (size_t)(jp->end - jp->p))
				return fail(jp, "invalid UTF-8");
			memmove(w, jp->p, n);
			w += n;
			jp->p += n;
			continue;
		}
		if (++jp->p >= jp->end)
			return fail(jp, "unterminated string");
		switch (*jp->p) {
		case '"':  *w++ = '"';  break;
		case '\\': *w++ = '\\'; break;
		case '/':  *w++ = '/';  break;
		case 'b':  *w++ = '\b'; break;
		case 'f':  *w++ = '\f'; break;
		case 'n':  *w++ = '\n'; break;
		case 'r':  *w++ = '\r'; break;
		case 't':  *w++ = '\t'; break;
		case 'u':
			if (unicode_escape(jp, &w) == -1)
				return -1;
			continue;
		default:
			return fail(jp, "bad escape in string");
		}
		jp->p++;
	}
	jp->p++;		/* the closing quote, which *w may overwrite */
	*w = '\0';
	out->ptr = start;
	out->len = (size_t)(w - start);
	return 0;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int
jp_number(struct jp *jp, struct jp_num *out)
{
	const char *s;

	skip_space(jp);
	s = jp->p;
	out->integer = true;
	if (jp->p < jp->end && *jp->p == '-')
		jp->p++;
	if (jp->p >= jp->end || !is_digit(*jp->p))
		return fail(jp, "bad number");
	if (*jp->p == '0')
		jp->p++;
	else
		while (jp->p < jp->end && is_digit(*jp->p))
			jp->p++;
	if (jp->p < jp->end && *jp->p == '.') {
		out->integer = false;
		jp->p++;
		if (jp->p >= jp->end || !is_digit(*jp->p))
			return fail(jp, "bad number");
		while (jp->p < jp->end && is_digit(*jp->p))
			jp->p++;
	}
	if (jp->p < jp->end && (*jp->p == 'e' || *jp->p == 'E')) {
		out->integer = false;
		jp->p++;
		if (jp->p < jp->end && (*jp->p == '+' || *jp->p == '-'))
			jp->p++;
		if (jp->p >= jp->end || !is_digit(*jp->p))
			return fail(jp, "bad number");
		while (jp->p < jp->end && is_digit(*jp->p))
			jp->p++;
	}
	/* "01" or "1x": a number must end at a delimiter. */
	if (jp->p < jp->end && (is_digit(*jp->p) || *jp->p == '.' ||
	    (*jp->p >= 'a' && *jp->p <= 'z') ||
	    (*jp->p >= 'A' && *jp->p <= 'Z')))
		return fail(jp, "bad number");
	out->text = s;
	out->len = (size_t)(jp->p - s);
	return 0;
}

int
jp_literal(struct jp *jp, enum jp_type t)
{
	const char *word = t == JP_TRUE ? "true" :
	    t == JP_FALSE ? "false" : "null";
	size_t n = strlen(word);

	skip_space(jp);
	if ((size_t)(jp->end - jp->p) < n || memcmp(jp->p, word, n) != 0)
		return fail(jp, "invalid token");
	jp->p += n;
	if (jp->p < jp->end && ((*jp->p >= 'a' && *jp->p <= 'z') ||
	    (*jp->p >= 'A' && *jp->p <= 'Z') || is_digit(*jp->p)))
		return fail(jp, "invalid token");
	return 0;
}

/*
 * Without recursion, so that depth costs a bit rather than a stack frame:
 * open[] has a bit per level, set inside an object.
 */
int
jp_skip(struct jp *jp, int depth)
{
	unsigned char open[JP_SKIP_DEPTH_MAX / 8] = { 0 };
	struct jp_str s;
	struct jp_num n;
	enum jp_type t;
	int level = 0, rc, obj;

	for (;;) {
		/* A value is due. */
		switch ((t = jp_peek(jp))) {
		case JP_OBJECT:
		case JP_ARRAY:
			if (level >= depth || level >= JP_SKIP_DEPTH_MAX)
				return fail(jp, "nested too deeply");
			obj = t == JP_OBJECT;
			if (obj)
				open[level / 8] |= (unsigned char)(1 << level % 8);
			else
				open[level / 8] &= (unsigned char)~(1 << level % 8);
			level++;
			jp->p++;
			rc = obj ? jp_object_next(jp, 0, &s) : jp_array_next(jp, 0);
			if (rc == -1)
				return -1;
			if (rc == 1)
				continue;	/* its first member's value */
			level--;		/* empty */
			break;
		case JP_STRING:
			rc = jp_string(jp, &s);
			break;
		case JP_NUMBER:
			rc = jp_number(jp, &n);
			break;
		case JP_TRUE:
		case JP_FALSE:
		case JP_NULL:
			rc = jp_literal(jp, t);
			break;
		default:
			rc = jp_literal(jp, JP_NULL);	/* fails: not a value */
		}
		if (rc == -1)
			return -1;
		/* A value is done: close what ends here. */
		for (;;) {
			if (level == 0)
				return 0;
			obj = open[(level - 1) / 8] & 1 << (level - 1) % 8;
			rc = obj ? jp_object_next(jp, 1, &s) :
			    jp_array_next(jp, 1);
			if (rc == -1)
				return -1;
			if (rc == 1)
				break;		/* another member's value */
			level--;
		}
	}
}

int
jp_end(struct jp *jp)
{
	skip_space(jp);
	if (jp->p != jp->end)
		return fail(jp, "trailing characters after the document");
	return 0;
}

bool
jp_str_eq(const struct jp_str *s, const char *name)
{
	return strlen(name) == s->len && memcmp(name, s->ptr, s->len) == 0;
}
