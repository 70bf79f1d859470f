/*
 * The window of a chart or group read: how many of the newest commits its
 * answer covers, from the query string's n.
 */
#ifndef BENCHINGEST_WINDOW_H
#define BENCHINGEST_WINDOW_H

#define WINDOW_DEFAULT	100
#define WINDOW_MAX	1000

/*
 * The first n of a query string: 0 for "all" (any case), else 1 to
 * WINDOW_MAX (clamped); WINDOW_DEFAULT when n is missing or not digits.
 */
long long	window_parse(const char *query);

#endif
