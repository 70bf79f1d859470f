/* UTF-8 strings in JavaScript's order: UTF-16 code units. */
#include <stdint.h>
#include <string.h>

#include "jsstring.h"

/*
 * The code point at *p, advancing *p; -1 (and one byte) for a byte that
 * does not start a well-formed sequence.
 */
static int32_t
next_code_point(const unsigned char **p)
{
	const unsigned char *s = *p;
	int32_t cp;
	int n, i;

	if (s[0] < 0x80) {
		*p = s + 1;
		return s[0];
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 1;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 2;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 3;
		cp = s[0] & 0x07;
	} else {
		*p = s + 1;
		return -1;
	}
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*p = s + 1;
			return -1;
		}
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 3 && (cp < 0x10000 || cp > 0x10ffff))) {
		*p = s + 1;
		return -1;
	}
	*p = s + n + 1;
	return cp;
}

/*
 * Where a code point's first UTF-16 unit puts it: below U+D800 and beyond
 * U+FFFF (high surrogates D800..DBFF, in code point order among
 * themselves) as they are, U+E000..U+FFFF after all of those.
 */
static int64_t
utf16_rank(int32_t cp)
{
	if (cp >= 0x10000)
		return 0xd800 + (int64_t)(cp - 0x10000);
	if (cp >= 0xe000)
		return cp + 0x110000;
	return cp;
}

int
js_strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;
	const unsigned char *p0, *q0;
	int32_t x, y;
	int64_t rx, ry;

	while (*p != '\0' && *q != '\0') {
		p0 = p;
		q0 = q;
		x = next_code_point(&p);
		y = next_code_point(&q);
		if (x == -1 || y == -1) {
			/* Not UTF-8 here: bytes decide, from this one on. */
			return strcmp((const char *)p0, (const char *)q0);
		}
		if (x != y) {
			rx = utf16_rank(x);
			ry = utf16_rank(y);
			return rx < ry ? -1 : 1;
		}
	}
	return (*p != '\0') - (*q != '\0');
}
