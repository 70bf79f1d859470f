/* The window n of a read's query string, read as the reference reads it. */
#include <stdbool.h>
#include <string.h>

#include "window.h"

#define U32_MAX		4294967295LL
#define REPLACEMENT	0xfffd

/* One form-urlencoded component, decoded as it is read. */
struct form {
	const char *p, *end;
};

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The next byte: '+' is a space, %XX its byte, a stray '%' itself; -1 at the end. */
static int
form_byte(struct form *f)
{
	int hi, lo;

	if (f->p == f->end)
		return -1;
	if (*f->p == '+') {
		f->p++;
		return ' ';
	}
	if (*f->p == '%' && f->end - f->p >= 3 &&
	    (hi = hex_value(f->p[1])) >= 0 && (lo = hex_value(f->p[2])) >= 0) {
		f->p += 3;
		return hi << 4 | lo;
	}
	return (unsigned char)*f->p++;
}

/*
 * The next character of the decoded bytes read as UTF-8; a byte that does
 * not start a well-formed sequence is U+FFFD.  -1 at the end.
 */
static long
form_char(struct form *f)
{
	struct form save;
	long cp, min;
	int b, n, i;

	if ((b = form_byte(f)) < 0x80)
		return b;
	if (b >= 0xc2 && b <= 0xdf) {
		n = 1;
		cp = b & 0x1f;
		min = 0x80;
	} else if (b >= 0xe0 && b <= 0xef) {
		n = 2;
		cp = b & 0x0f;
		min = 0x800;
	} else if (b >= 0xf0 && b <= 0xf4) {
		n = 3;
		cp = b & 0x07;
		min = 0x10000;
	} else
		return REPLACEMENT;
	for (i = 0; i < n; i++) {
		save = *f;
		if ((b = form_byte(f)) < 0 || (b & 0xc0) != 0x80) {
			*f = save;
			return REPLACEMENT;
		}
		cp = cp << 6 | (b & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return REPLACEMENT;
	return cp;
}

/* WhiteSpace and LineTerminator of ECMAScript: what trim() removes. */
static bool
js_space(long c)
{
	return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0xa0 ||
	    c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 ||
	    c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000 ||
	    c == 0xfeff;
}

/* Is the decoded component exactly the text s? */
static bool
form_is(struct form f, const char *s)
{
	int b;

	while ((b = form_byte(&f)) != -1)
		if (*s == '\0' || b != (unsigned char)*s++)
			return false;
	return *s == '\0';
}

#define VALUE_ALL	(-3)
#define VALUE_TOO_BIG	(-2)
#define VALUE_OTHER	(-1)

/*
 * A value, trimmed: '+' and digits are their number, "all" (any case)
 * VALUE_ALL, a number over U32_MAX VALUE_TOO_BIG, anything else
 * VALUE_OTHER.
 */
static long long
window_value(struct form f)
{
	static const char all[] = "all";
	long long n = 0;
	bool plus = false, trailing = false, is_all = true;
	size_t len = 0, digits = 0;
	long c;

	while ((c = form_char(&f)) != -1) {
		if (js_space(c)) {
			if (len > 0)
				trailing = true;
			continue;
		}
		if (trailing)
			return VALUE_OTHER;	/* a blank inside */
		if (len >= sizeof(all) - 1 || (c | 0x20) != all[len])
			is_all = false;
		if (c == '+' && len == 0)
			plus = true;
		else if (c >= '0' && c <= '9') {
			digits++;
			if (n >= 0 && n <= U32_MAX)
				n = n * 10 + (c - '0');
		} else
			n = -1;		/* stays -1: not digits */
		if (n < 0 && !is_all)
			return VALUE_OTHER;
		len++;
	}
	if (is_all && len == sizeof(all) - 1)
		return VALUE_ALL;
	if (n < 0 || digits == 0 || digits + plus != len)
		return VALUE_OTHER;
	return n > U32_MAX ? VALUE_TOO_BIG : n;
}

long long
window_parse(const char *query)
{
	const char *p, *end, *eq;
	struct form name, value;
	long long n;

	for (p = query; p != NULL && *p != '\0'; p = *end ? end + 1 : end) {
		end = p + strcspn(p, "&");
		if (end == p)
			continue;
		eq = memchr(p, '=', (size_t)(end - p));
		name.p = p;
		name.end = eq != NULL ? eq : end;
		if (!form_is(name, "n"))
			continue;
		value.p = eq != NULL ? eq + 1 : end;
		value.end = end;
		if ((n = window_value(value)) == VALUE_ALL)
			return 0;
		if (n < 0)
			return WINDOW_DEFAULT;
		return n < 1 ? 1 : n > WINDOW_MAX ? WINDOW_MAX : n;
	}
	return WINDOW_DEFAULT;
}
