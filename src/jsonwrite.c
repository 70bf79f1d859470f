/* The streaming JSON writer: JSON.stringify's bytes through a buffer. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonwrite.h"
#include "strbuf.h"

/* Below 2^53 every integer is a double, written with all its digits. */
#define EXACT_INT_LIMIT	9007199254740992.0

void
jw_init(struct jw *jw, jw_sink_fn sink, void *arg, struct api_error *err)
{
	jw->sink = sink;
	jw->arg = arg;
	jw->err = err;
	jw->failed = false;
	jw->comma = false;
	jw->depth = 0;
	jw->len = 0;
}

static void
flush(struct jw *jw)
{
	if (jw->failed || jw->len == 0)
		return;
	if (jw->sink(jw->arg, jw->buf, jw->len, jw->err) == -1)
		jw->failed = true;
	jw->len = 0;
}

static void
put(struct jw *jw, const char *p, size_t n)
{
	if (jw->failed)
		return;
	if (n > sizeof(jw->buf) - jw->len) {
		flush(jw);
		/* Too big to buffer: straight to the sink. */
		if (!jw->failed && n >= sizeof(jw->buf)) {
			if (jw->sink(jw->arg, p, n, jw->err) == -1)
				jw->failed = true;
			return;
		}
		if (jw->failed)
			return;
	}
	memcpy(jw->buf + jw->len, p, n);
	jw->len += n;
}

static int
done(const struct jw *jw)
{
	return jw->failed ? -1 : 0;
}

/* The ',' before a value or a key that follows another. */
static void
separate(struct jw *jw)
{
	if (jw->comma)
		put(jw, ",", 1);
}

static int
bracket_open(struct jw *jw, const char *bracket)
{
	separate(jw);
	put(jw, bracket, 1);
	jw->comma = false;
	jw->depth++;
	return done(jw);
}

static int
bracket_close(struct jw *jw, const char *bracket)
{
	if (--jw->depth < 0 && !jw->failed) {
		api_error_set(jw->err, 500, "internal", "JSON writer: a "
		    "bracket closed that was not open");
		jw->failed = true;
	}
	put(jw, bracket, 1);
	jw->comma = true;
	return done(jw);
}

int
jw_object(struct jw *jw)
{
	return bracket_open(jw, "{");
}

int
jw_object_end(struct jw *jw)
{
	return bracket_close(jw, "}");
}

int
jw_array(struct jw *jw)
{
	return bracket_open(jw, "[");
}

int
jw_array_end(struct jw *jw)
{
	return bracket_close(jw, "]");
}

/* The two-character escapes of JSON.stringify; other controls are \u00xx. */
static const char short_escape[] = {
	['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n', ['\f'] = 'f', ['\r'] = 'r',
	['"'] = '"', ['\\'] = '\\'
};

/* A JSON string as JSON.stringify writes one; runs of plain bytes at once. */
static void
put_string(struct jw *jw, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char esc[6] = { '\\', 'u', '0', '0', 0, 0 };
	size_t i, run = 0;
	unsigned char c;

	put(jw, "\"", 1);
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(jw, s + run, i - run);
		run = i + 1;
		if (c < sizeof(short_escape) && short_escape[c] != 0) {
			esc[1] = short_escape[c];
			put(jw, esc, 2);
			esc[1] = 'u';
		} else {
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			put(jw, esc, sizeof(esc));
		}
	}
	put(jw, s + run, n - run);
	put(jw, "\"", 1);
}

int
jw_key(struct jw *jw, const char *name)
{
	separate(jw);
	put_string(jw, name, strlen(name));
	put(jw, ":", 1);
	jw->comma = false;
	return done(jw);
}

static int
scalar(struct jw *jw, const char *text, size_t n)
{
	separate(jw);
	put(jw, text, n);
	jw->comma = true;
	return done(jw);
}

int
jw_string_n(struct jw *jw, const char *s, size_t n)
{
	separate(jw);
	put_string(jw, s, n);
	jw->comma = true;
	return done(jw);
}

int
jw_string(struct jw *jw, const char *s)
{
	return jw_string_n(jw, s, strlen(s));
}

int
jw_bool(struct jw *jw, bool b)
{
	return b ? scalar(jw, "true", 4) : scalar(jw, "false", 5);
}

int
jw_null(struct jw *jw)
{
	return scalar(jw, "null", 4);
}

/* The decimal digits of an integer, '-' first when negative. */
static size_t
int_text(long long v, char *buf)
{
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;
	char rev[24];
	size_t n = 0, i = 0;

	do {
		rev[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		buf[i++] = '-';
	while (n > 0)
		buf[i++] = rev[--n];
	buf[i] = '\0';
	return i;
}

/* Whether m * 10^q reads back as a. */
static bool
reads_back(unsigned long long m, int q, double a)
{
	char t[48];

	snprintf(t, sizeof(t), "%llue%d", m, q);
	return strtod(t, NULL) == a;
}

/*
 * A p-digit decimal m * 10^q that reads back as a > 0, the closest to a if
 * there are two: printf's correctly rounded p digits are the closest; when
 * they do not read back, the one other candidate is their neighbour on the
 * far side of a (the rounding interval is lopsided at powers of two).
 */
static bool
digits_that_read_back(double a, int prec, unsigned long long *m, int *q)
{
	char s[48], *p;
	unsigned long long d = 0, other;

	snprintf(s, sizeof(s), "%.*e", prec - 1, a);
	for (p = s; *p != 'e'; p++)
		if (*p != '.')
			d = d * 10 + (unsigned long long)(*p - '0');
	*q = (int)strtol(p + 1, NULL, 10) - (prec - 1);
	*m = d;
	if (reads_back(d, *q, a))
		return true;
	other = strtod(s, NULL) < a ? d + 1 : d - 1;
	if (other > 0 && reads_back(other, *q, a)) {
		*m = other;
		return true;
	}
	return false;
}

/*
 * The shortest decimal m * 10^q that reads back as a > 0, as ECMAScript
 * asks.  If p digits can, p + 1 can.  Computed values mostly need 16 or 17
 * digits, so those are tried first; shorter ones are searched for below
 * 15 by halves.
 */
static void
shortest(double a, unsigned long long *m, int *q)
{
	unsigned long long dm;
	int lo = 1, hi = 15, mid, dq;

	if (!digits_that_read_back(a, 15, m, q)) {
		if (!digits_that_read_back(a, 16, m, q))
			digits_that_read_back(a, 17, m, q);
		hi = lo;
	}
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (digits_that_read_back(a, mid, &dm, &dq)) {
			hi = mid;
			*m = dm;
			*q = dq;
		} else
			lo = mid + 1;
	}
	while (*m % 10 == 0) {
		*m /= 10;
		(*q)++;
	}
}

size_t
jw_number_text(double v, char buf[JW_NUMBER_MAX])
{
	unsigned long long m;
	char digits[24];
	size_t i = 0, k;
	int q, n, e;

	if (isnan(v))
		return (size_t)snprintf(buf, JW_NUMBER_MAX, "NaN");
	if (isinf(v))
		return (size_t)snprintf(buf, JW_NUMBER_MAX, "%sInfinity",
		    v < 0 ? "-" : "");
	if (v > -EXACT_INT_LIMIT && v < EXACT_INT_LIMIT &&
	    v == (double)(long long)v)
		return int_text((long long)v, buf);	/* -0 too: "0" */
	if (v < 0)
		buf[i++] = '-';
	shortest(v < 0 ? -v : v, &m, &q);
	k = (size_t)snprintf(digits, sizeof(digits), "%llu", m);
	n = (int)k + q;		/* where the decimal point goes */
	if ((int)k <= n && n <= 21) {
		memcpy(buf + i, digits, k);
		i += k;
		memset(buf + i, '0', (size_t)n - k);
		i += (size_t)n - k;
	} else if (0 < n && n <= 21) {
		memcpy(buf + i, digits, (size_t)n);
		i += (size_t)n;
		buf[i++] = '.';
		memcpy(buf + i, digits + n, k - (size_t)n);
		i += k - (size_t)n;
	} else if (-6 < n && n <= 0) {
		buf[i++] = '0';
		buf[i++] = '.';
		memset(buf + i, '0', (size_t)-n);
		i += (size_t)-n;
		memcpy(buf + i, digits, k);
		i += k;
	} else {
		e = n - 1;
		buf[i++] = digits[0];
		if (k > 1) {
			buf[i++] = '.';
			memcpy(buf + i, digits + 1, k - 1);
			i += k - 1;
		}
		i += (size_t)snprintf(buf + i, JW_NUMBER_MAX - i, "e%c%d",
		    e < 0 ? '-' : '+', e < 0 ? -e : e);
	}
	buf[i] = '\0';
	return i;
}

int
jw_number(struct jw *jw, double v)
{
	char text[JW_NUMBER_MAX];

	if (!isfinite(v))
		return jw_null(jw);
	return scalar(jw, text, jw_number_text(v, text));
}

int
jw_int(struct jw *jw, long long v)
{
	char text[JW_NUMBER_MAX];

	if (v <= -(long long)EXACT_INT_LIMIT || v >= (long long)EXACT_INT_LIMIT)
		return jw_number(jw, (double)v);
	return scalar(jw, text, int_text(v, text));
}

int
jw_finish(struct jw *jw)
{
	if (jw->depth != 0 && !jw->failed) {
		api_error_set(jw->err, 500, "internal", "JSON writer: a "
		    "document left open");
		jw->failed = true;
	}
	flush(jw);
	return done(jw);
}

int
jw_sink_strbuf(void *strbuf, const char *p, size_t n, struct api_error *err)
{
	struct strbuf *b = strbuf;

	sb_add(b, p, n);
	if (b->failed)
		return api_error_oom(err);
	return 0;
}
