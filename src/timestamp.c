/*
 * RFC 3339 date-times, exactly as far as PostgreSQL 15's timestamptz
 * accepts them, so that a commit timestamp that passes here never fails in
 * the database.
 */
#include <stdlib.h>
#include <string.h>

#include "timestamp.h"

/*
 * Postgres copies the fields of a date-time (date, "T", time, zone), each
 * with a NUL, into a buffer of MAXDATELEN + MAXDATEFIELDS = 153 bytes; a
 * blank between date and time is not copied.
 */
#define PG_DATE_BUFFER	153
_Static_assert(TIMESTAMP_MAX_BYTES + 2 == PG_DATE_BUFFER,
    "the longest timestamp has a blank and three fields");
/* Postgres allows a zone offset below 16 hours (TZDISP_LIMIT). */
#define PG_MAX_OFFSET_HOUR	15

static bool
digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static int
days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/*
 * Postgres rounds the fraction to microseconds, rint(strtod(".ddd") * 1e6),
 * and refuses a time of day past 24:00:00: so 23:59:60 takes no fraction
 * that rounds above zero (above half a microsecond, rint rounding half to
 * even).
 */
static bool
fraction_rounds_up(const char *dot, size_t n)
{
	char buf[PG_DATE_BUFFER];

	memcpy(buf, dot, n);
	buf[n] = '\0';
	return strtod(buf, NULL) * 1000000.0 > 0.5;
}

/*
 * YYYY-MM-DD(T|t| )HH:MM:SS[.fraction](Z|z|+HH:MM|-HH:MM), RFC 3339 §5.6,
 * with what Postgres adds: a year from 0001, an offset below 16:00, a
 * length within its buffer.  A leap second (:60) is allowed as the RFC and
 * Postgres allow it.
 */
bool
timestamp_valid(const char *s, size_t len)
{
	int year, month, day, hour, min, sec, oh, om;
	size_t i, dot = 0;

	if (len < 20 || len + (s[10] == ' ' ? 2 : 4) > PG_DATE_BUFFER)
		return false;
	if (!digits(s, 4, &year) || s[4] != '-' ||
	    !digits(s + 5, 2, &month) || s[7] != '-' ||
	    !digits(s + 8, 2, &day) ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    !digits(s + 11, 2, &hour) || s[13] != ':' ||
	    !digits(s + 14, 2, &min) || s[16] != ':' ||
	    !digits(s + 17, 2, &sec))
		return false;
	if (year < 1 || month < 1 || month > 12 || day < 1 ||
	    day > days_in_month(year, month) || hour > 23 || min > 59 ||
	    sec > 60)
		return false;
	i = 19;
	if (s[i] == '.') {
		dot = i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == dot + 1)
			return false;
	}
	if (hour == 23 && min == 59 && sec == 60 && dot != 0 &&
	    fraction_rounds_up(s + dot, i - dot))
		return false;
	if (i < len && (s[i] == 'Z' || s[i] == 'z'))
		return i + 1 == len;
	if (i < len && (s[i] == '+' || s[i] == '-')) {
		if (len - i != 6 || !digits(s + i + 1, 2, &oh) ||
		    s[i + 3] != ':' || !digits(s + i + 4, 2, &om))
			return false;
		return oh <= PG_MAX_OFFSET_HOUR && om <= 59;
	}
	return false;
}
