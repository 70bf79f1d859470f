/*
 * The window of a chart or group read: how many of the newest commits its
 * answer covers, from the query string's n, read exactly as the reference
 * read service reads it (URLSearchParams, String.prototype.trim, its
 * regular expressions and Number()).
 */
#ifndef BENCHINGEST_WINDOW_H
#define BENCHINGEST_WINDOW_H

#define WINDOW_DEFAULT	100
#define WINDOW_MAX	1000

/*
 * The first parameter named n (names and values form-decoded: '+' is a
 * space, %XX a byte) of a query string: 0 for "all" in any case, else 1 to
 * WINDOW_MAX.  Blanks around the value are trimmed (JavaScript's white
 * space, Unicode's included).  A value that is not "all" nor an optional
 * '+' and ASCII digits, or whose number is over 4294967295, or no n at all,
 * is WINDOW_DEFAULT; other numbers are clamped to 1..WINDOW_MAX.
 */
long long	window_parse(const char *query);

#endif
