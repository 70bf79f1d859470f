/*
 * UTF-8 strings in JavaScript's order: UTF-16 code units.  Byte order is
 * code point order, and so UTF-16 order, but for one case: a character
 * beyond U+FFFF (lead byte F0..F4) is a surrogate pair, D800..DBFF first,
 * and sorts before U+E000..U+FFFF (lead byte EE or EF).  Where two strings
 * first differ in a lead byte, those two classes swap; anywhere else (the
 * same lead before, so characters of one length) bytes decide.
 */
#include <stdbool.h>

#include "jsstring.h"

static bool
beyond_bmp(unsigned char lead)
{
	return lead >= 0xf0 && lead <= 0xf4;
}

static bool
above_surrogates(unsigned char lead)
{
	return lead == 0xee || lead == 0xef;
}

int
js_strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p != '\0' && *p == *q) {
		p++;
		q++;
	}
	if (*p == *q)
		return 0;
	if (beyond_bmp(*p) && above_surrogates(*q))
		return -1;
	if (above_surrogates(*p) && beyond_bmp(*q))
		return 1;
	return *p < *q ? -1 : 1;
}
