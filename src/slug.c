#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonparse.h"
#include "slug.h"
#include "strbuf.h"

/*
 * Longer slugs are refused before any decoding.  nginx passes a request
 * line of at most 8 KiB (large_client_header_buffers); the longest slug
 * of a key within the record limits is some 6,300 bytes (t/unit/slug).
 */
#define SLUG_MAX_BYTES	8192
/* The most members a key has: "k" and five dimensions. */
#define MAX_MEMBERS	(1 + CHART_MAX_DIMS)

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* A JSON string as serde_json writes it: only what must be escaped is. */
static void
sb_json_string(struct strbuf *b, const char *s)
{
	char esc[8];

	sb_add(b, "\"", 1);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			sb_add(b, esc, 2);
		} else if (c == '\n')
			sb_add(b, "\\n", 2);
		else if (c == '\r')
			sb_add(b, "\\r", 2);
		else if (c == '\t')
			sb_add(b, "\\t", 2);
		else if (c == '\b')
			sb_add(b, "\\b", 2);
		else if (c == '\f')
			sb_add(b, "\\f", 2);
		else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			sb_add(b, esc, 6);
		} else
			sb_add(b, s, 1);
	}
	sb_add(b, "\"", 1);
}

int
slug_format_f64(double v, char *buf, size_t size)
{
	char sci[40], digits[20];
	const char *sign;
	int prec, exp10, ndigits, point, i;
	size_t n = 0;

	if (!isfinite(v) || size < 32)
		return -1;
	/* Shortest %e form that reads back exactly: d.ddde[+-]XX. */
	for (prec = 0; prec < 17; prec++) {
		snprintf(sci, sizeof(sci), "%.*e", prec, v);
		if (strtod(sci, NULL) == v)
			break;
	}
	sign = sci[0] == '-' ? "-" : "";
	for (i = *sign ? 1 : 0; sci[i] != 'e'; i++)
		if (sci[i] != '.')
			digits[n++] = sci[i];
	digits[n] = '\0';
	exp10 = (int)strtol(sci + i + 1, NULL, 10);
	/* Trailing zeros of the mantissa are not significant. */
	while (n > 1 && digits[n - 1] == '0')
		digits[--n] = '\0';
	ndigits = (int)n;
	point = exp10 + 1;	/* digits before the decimal point */
	if (v == 0)
		snprintf(buf, size, "%s0.0", sign);
	else if (point >= ndigits && point <= 16)
		snprintf(buf, size, "%s%s%.*d.0", sign, digits,
		    point - ndigits, 0);
	else if (point > 0 && point <= 16)
		snprintf(buf, size, "%s%.*s.%s", sign, point, digits,
		    digits + point);
	else if (point > -5 && point <= 0)
		snprintf(buf, size, "%s0.%.*d%s", sign, -point, 0, digits);
	else if (ndigits == 1)
		snprintf(buf, size, "%s%se%d", sign, digits, point - 1);
	else
		snprintf(buf, size, "%s%c.%se%d", sign, digits[0], digits + 1,
		    point - 1);
	return 0;
}

static void
sb_base64url(struct strbuf *b, const unsigned char *p, size_t n)
{
	char out[4];
	uint32_t v;
	size_t i, left;

	for (i = 0; i < n; i += 3) {
		left = n - i;
		v = (uint32_t)p[i] << 16;
		v |= left >= 2 ? (uint32_t)p[i + 1] << 8 : 0;
		v |= left >= 3 ? (uint32_t)p[i + 2] : 0;
		out[0] = b64url[(v >> 18) & 63];
		out[1] = b64url[(v >> 12) & 63];
		out[2] = b64url[(v >> 6) & 63];
		out[3] = b64url[v & 63];
		/* Unpadded: 1, 2 or 3 bytes take 2, 3 or 4 characters. */
		sb_add(b, out, left >= 3 ? 4 : left + 1);
	}
}

char *
slug_encode(const struct chart_key *key)
{
	const struct chart_kind *kind = key->kind;
	struct strbuf json = { 0 }, slug = { 0 };
	size_t i;

	sb_str(&json, "{\"k\":");
	sb_json_string(&json, key->group ? kind->group_k : kind->chart_k);
	for (i = 0; i < chart_key_ndims(key); i++) {
		sb_str(&json, ",");
		sb_json_string(&json, kind->dims[i].column);
		sb_str(&json, ":");
		if (key->values[i].null)
			sb_str(&json, "null");
		else if (kind->dims[i].type == DIM_STR ||
		    kind->dims[i].type == DIM_STR_OPT)
			sb_json_string(&json, key->values[i].text);
		else
			sb_str(&json, key->values[i].text);
	}
	sb_str(&json, "}");
	sb_str(&slug, key->group ? kind->group_prefix : kind->chart_prefix);
	sb_str(&slug, ".");
	if (!json.failed)
		sb_base64url(&slug, (const unsigned char *)json.data, json.len);
	free(json.data);
	if (json.failed || slug.failed) {
		free(slug.data);
		return NULL;
	}
	return slug.data;
}

static int
b64_value(char c)
{
	const char *p = c != '\0' ? strchr(b64url, c) : NULL;

	return p != NULL ? (int)(p - b64url) : -1;
}

/* Unpadded base64url into a NUL-terminated buffer; NULL if not that. */
static char *
base64url_decode(const char *s, size_t n, size_t *outlen)
{
	unsigned char *out;
	uint32_t v = 0;
	size_t i, len = 0;
	int d, bits = 0;

	if (n % 4 == 1 || (out = malloc(n * 3 / 4 + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if ((d = b64_value(s[i])) == -1) {
			free(out);
			return NULL;
		}
		v = (v << 6) | (uint32_t)d;
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[len++] = (unsigned char)(v >> bits);
			v &= (1U << bits) - 1;
		}
	}
	/* Leftover bits must be zero, or two slugs would mean one key. */
	if (v != 0) {
		free(out);
		return NULL;
	}
	out[len] = '\0';
	*outlen = len;
	return (char *)out;
}

struct member {
	struct jp_str name;
	enum jp_type type;
	struct jp_str string;
	struct jp_num number;
};

static int
bad(struct api_error *err, const char *why)
{
	api_error_set(err, 400, "bad_request", "bad slug: %s", why);
	return -1;
}

/* One JSON object of at most MAX_MEMBERS string, number or null members. */
static int
parse_members(char *json, size_t len, struct member *m, size_t *count,
    struct api_error *err)
{
	struct jp jp;
	size_t i, j;
	int rc;

	jp_init(&jp, json, len);
	if (jp_object_begin(&jp) == -1)
		return bad(err, "not a JSON object");
	for (i = 0; (rc = jp_object_next(&jp, i, &m[i < MAX_MEMBERS ? i :
	    0].name)) == 1; i++) {
		if (i == MAX_MEMBERS)
			return bad(err, "too many members");
		for (j = 0; j < i; j++)
			if (m[j].name.len == m[i].name.len &&
			    memcmp(m[j].name.ptr, m[i].name.ptr,
			    m[i].name.len) == 0)
				return bad(err, "duplicate member");
		switch ((m[i].type = jp_peek(&jp))) {
		case JP_STRING:
			rc = jp_string(&jp, &m[i].string);
			break;
		case JP_NUMBER:
			rc = jp_number(&jp, &m[i].number);
			break;
		case JP_NULL:
			rc = jp_literal(&jp, JP_NULL);
			break;
		default:
			return bad(err, "a member is not a string, number "
			    "or null");
		}
		if (rc == -1)
			return bad(err, jp.error);
	}
	if (rc == -1 || jp_end(&jp) == -1)
		return bad(err, jp.error);
	*count = i;
	return 0;
}

static const struct member *
find_member(const struct member *m, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (m[i].name.len == strlen(name) &&
		    memcmp(m[i].name.ptr, name, m[i].name.len) == 0)
			return &m[i];
	return NULL;
}

static int
is_name(const struct jp_str *s, const char *name)
{
	return s->len == strlen(name) && memcmp(s->ptr, name, s->len) == 0;
}

/* One dimension's member, checked against its type, into canonical text. */
static int
dim_from_member(const struct dim *dim, const struct member *m,
    struct dim_value *out, struct api_error *err)
{
	char num[64], *end;
	long long i;
	double d;

	if (m == NULL)
		return bad(err, "a key member is missing");
	if (m->type == JP_NULL) {
		if (dim->type != DIM_STR_OPT)
			return bad(err, "a required key member is null");
		out->null = true;
		return 0;
	}
	if (dim->type == DIM_STR || dim->type == DIM_STR_OPT) {
		if (m->type != JP_STRING)
			return bad(err, "a key member is not a string");
		/* Postgres text cannot hold U+0000: no row has it. */
		if (memchr(m->string.ptr, '\0', m->string.len) != NULL)
			return bad(err, "a key member contains U+0000");
		out->text = strndup(m->string.ptr, m->string.len);
	} else {
		if (m->type != JP_NUMBER || m->number.len >= sizeof(num))
			return bad(err, "a key member is not a number");
		memcpy(num, m->number.text, m->number.len);
		num[m->number.len] = '\0';
		errno = 0;
		if (dim->type == DIM_I32) {
			i = strtoll(num, &end, 10);
			if (!m->number.integer || errno != 0 ||
			    i < INT32_MIN || i > INT32_MAX)
				return bad(err, "a key member is not a "
				    "32-bit integer");
			snprintf(num, sizeof(num), "%lld", i);
		} else {
			d = strtod(num, &end);
			if (slug_format_f64(d, num, sizeof(num)) == -1)
				return bad(err, "a key member is not a "
				    "finite number");
		}
		out->text = strdup(num);
	}
	if (out->text == NULL) {
		api_error_set(err, 500, "internal", "out of memory");
		return -1;
	}
	return 0;
}

int
slug_decode(const char *slug, struct chart_key *key, struct api_error *err)
{
	struct member m[MAX_MEMBERS];
	const struct member *k;
	const char *dot;
	char *json = NULL;
	size_t i, n, len;
	int rc = -1;

	memset(key, 0, sizeof(*key));
	if (strlen(slug) > SLUG_MAX_BYTES)
		return bad(err, "too long");
	if ((dot = strchr(slug, '.')) == NULL)
		return bad(err, "no '.' after the prefix");
	if ((json = base64url_decode(dot + 1, strlen(dot + 1), &len)) == NULL)
		return bad(err, "not unpadded base64url");
	if (parse_members(json, len, m, &n, err) == -1)
		goto out;
	if ((k = find_member(m, n, "k")) == NULL || k->type != JP_STRING) {
		bad(err, "no string member \"k\"");
		goto out;
	}
	for (i = 0; i < CHART_KIND_COUNT && key->kind == NULL; i++) {
		if (is_name(&k->string, chart_kinds[i].chart_k))
			key->kind = &chart_kinds[i];
		else if (is_name(&k->string, chart_kinds[i].group_k)) {
			key->kind = &chart_kinds[i];
			key->group = true;
		}
	}
	if (key->kind == NULL) {
		bad(err, "unknown \"k\"");
		goto out;
	}
	if (n != 1 + chart_key_ndims(key)) {
		bad(err, "members other than the key's");
		goto out;
	}
	for (i = 0; i < chart_key_ndims(key); i++)
		if (dim_from_member(&key->kind->dims[i], find_member(m, n,
		    key->kind->dims[i].column), &key->values[i], err) == -1)
			goto out;
	rc = 0;
out:
	free(json);
	if (rc == -1)
		chart_key_free(key);
	return rc;
}
