/* The window n of a read's query string. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "window.h"

long long
window_parse(const char *query)
{
	const char *p = query, *v, *end;
	long long n = 0;
	size_t len, i;

	for (; p != NULL && *p != '\0'; p = *end ? end + 1 : end) {
		end = p + strcspn(p, "&");
		if (strncmp(p, "n=", 2) != 0)
			continue;
		v = p + 2;
		len = (size_t)(end - v);
		if (len == 3 && strncasecmp(v, "all", 3) == 0)
			return 0;
		i = v[0] == '-' ? 1 : 0;
		if (len == i)
			return WINDOW_DEFAULT;
		for (; i < len; i++) {
			if (!isdigit((unsigned char)v[i]))
				return WINDOW_DEFAULT;
			if (n < WINDOW_MAX)
				n = n * 10 + (v[i] - '0');
		}
		if (v[0] == '-' || n < 1)
			return 1;
		return n > WINDOW_MAX ? WINDOW_MAX : n;
	}
	return WINDOW_DEFAULT;
}
