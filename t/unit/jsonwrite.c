/*
 * The JSON writer writes what JSON.stringify writes: numbers as
 * String(number) (checked against Node on edge cases and 100,000 random
 * doubles), strings escaped as JSON.stringify escapes them (every control
 * character, quotes, backslashes, '/', multi-byte UTF-8; 20,000 random
 * strings), nesting with commas only between siblings.  Output reaches
 * the sink in pieces of at most JW_BUFSIZE bytes; a sink's failure and a
 * document left open are reported and stick.  The expected texts come from
 * jsonwrite-vectors.txt, which Node wrote once (see its top).
 */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/jsonwrite.h"
#include "../../src/strbuf.h"
#include "tap.h"
#include "testdata.h"

#define MANT	((UINT64_C(1) << 52) - 1)

static uint64_t
fnv(uint64_t h, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= UINT64_C(0x100000001B3);
	}
	h ^= 0xFF;
	return h * UINT64_C(0x100000001B3);
}

/* The number distributions of the vector file. */
static int
draw_number(const char *dist, uint64_t r, double *x)
{
	uint64_t m, e;

	if (strcmp(dist, "num-any") == 0)
		*x = from_bits((r >> 52 & 0x7FF) == 0x7FF ?
		    r ^ UINT64_C(1) << 62 : r);
	else if (strcmp(dist, "num-mid") == 0)
		*x = from_bits(r >> 63 << 63 | (983 + r % 121) << 52 |
		    (r >> 12 & MANT));
	else if (strcmp(dist, "num-int") == 0) {
		e = r % 64;
		m = r >> 8 & (UINT64_MAX >> 1);
		*x = (double)(e == 0 ? 1 : m >> (63 - e) | UINT64_C(1) << e);
	} else
		return -1;
	return 0;
}

/* A code point of the string distribution, controls often. */
static uint32_t
code_point(uint64_t r)
{
	static const uint32_t special[] = { 0x22, 0x5C, 0x2F, 0x7F };
	uint64_t v = r >> 3;
	uint32_t c;

	switch (r % 8) {
	case 0:
	case 1:
		return (uint32_t)(v % 0x20);
	case 2:
		return special[v % 4];
	case 3:
	case 4:
		return (uint32_t)(0x20 + v % 0x60);
	case 5:
		return (uint32_t)(0x80 + v % 0x780);
	case 6:
		c = (uint32_t)(0x800 + v % 0xF800);
		return c >= 0xD800 && c <= 0xDFFF ? c + 0x800 : c;
	default:
		return (uint32_t)(0x10000 + v % 0x100000);
	}
}

static size_t
utf8(uint32_t c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | c >> 12);
		out[1] = (char)(0x80 | (c >> 6 & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | c >> 18);
	out[1] = (char)(0x80 | (c >> 12 & 0x3F));
	out[2] = (char)(0x80 | (c >> 6 & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* Hex ("-" for nothing) into bytes; the length, or -1. */
static long
unhex(const char *h, char *out)
{
	size_t i, n = strlen(h);
	unsigned b;

	if (strcmp(h, "-") == 0)
		return 0;
	for (i = 0; i + 1 < n; i += 2) {
		if (sscanf(h + i, "%2x", &b) != 1)
			return -1;
		out[i / 2] = (char)b;
	}
	return (long)(n / 2);
}

/* One value through a writer into a string; NULL when the writer fails. */
static char *
json_of_string(const char *s, size_t n, size_t *len)
{
	struct strbuf b = { 0 };
	struct api_error err;
	struct jw jw;

	jw_init(&jw, jw_sink_strbuf, &b, &err);
	if (jw_string_n(&jw, s, n) == -1 || jw_finish(&jw) == -1) {
		sb_free(&b);
		return NULL;
	}
	*len = b.len;
	return b.data;
}

static void
vectors(void)
{
	char *line = NULL, *in = NULL, *want = NULL, *got;
	char text[JW_NUMBER_MAX], dist[32], a[64], s[256];
	long nums = 0, badnums = 0, strs = 0, badstrs = 0, blocks = 0;
	long badblocks = 0, ninputs = 0, count, i, j, inlen, wantlen, len;
	size_t cap = 0, glen, n;
	uint64_t bits, seed, st, want_hash, h;
	double x;
	FILE *fp;

	fp = open_test_file("jsonwrite-vectors.txt");
	if (!ok(fp != NULL, "the vector file opens"))
		return;
	while (getline(&line, &cap, fp) != -1) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#')
			continue;
		if (sscanf(line, "num %" SCNx64 " %63s", &bits, a) == 2) {
			nums++;
			jw_number_text(from_bits(bits), text);
			if (strcmp(text, a) != 0 && badnums++ < 10)
				diag("%016" PRIx64 ": %s, Node %s", bits, text,
				    a);
			continue;
		}
		if (strncmp(line, "str ", 4) == 0) {
			strs++;
			free(in);
			free(want);
			in = malloc(strlen(line));
			want = malloc(strlen(line));
			n = strcspn(line + 4, " ");
			line[4 + n] = '\0';
			inlen = unhex(line + 4, in);
			wantlen = unhex(line + 5 + n, want);
			got = inlen < 0 || wantlen < 0 ? NULL :
			    json_of_string(in, (size_t)inlen, &glen);
			if ((got == NULL || glen != (size_t)wantlen ||
			    memcmp(got, want, glen) != 0) && badstrs++ < 10)
				diag("string %.60s differs", line + 4);
			free(got);
			continue;
		}
		if (sscanf(line, "block %31s %" SCNu64 " %ld %" SCNx64, dist,
		    &seed, &count, &want_hash) != 4) {
			ok(0, "a line of the vector file is understood: %.60s",
			    line);
			continue;
		}
		st = seed;
		h = UINT64_C(0xCBF29CE484222325);
		for (i = 0; i < count; i++) {
			if (strcmp(dist, "str") == 0) {
				len = (long)(splitmix(&st) % 41);
				for (n = 0, j = 0; j < len; j++)
					n += utf8(code_point(splitmix(&st)),
					    s + n);
				got = json_of_string(s, n, &glen);
				h = fnv(h, got != NULL ? got : "", got != NULL ?
				    glen : 0);
				free(got);
			} else if (draw_number(dist, splitmix(&st), &x) == 0)
				h = fnv(h, text, jw_number_text(x, text));
		}
		blocks++;
		ninputs += count;
		if (h != want_hash && badblocks++ < 10)
			diag("block %s %" PRIu64 " differs from Node", dist,
			    seed);
	}
	free(line);
	free(in);
	free(want);
	fclose(fp);
	ok(nums > 3000 && badnums == 0,
	    "numbers are String(number) on %ld edge cases (%ld differ)", nums,
	    badnums);
	ok(strs > 140 && badstrs == 0, "strings are JSON.stringify(string) "
	    "on %ld edge cases, each control character included (%ld differ)",
	    strs, badstrs);
	ok(ninputs >= 100000 && badblocks == 0, "and on %ld random numbers "
	    "and strings in %ld blocks (%ld differ)", ninputs, blocks,
	    badblocks);
}

/* A sink that counts calls and the largest piece, and can fail. */
struct counting {
	struct strbuf out;
	long calls;
	size_t largest;
	long fail_at;		/* fail on this call (1-based); 0: never */
};

static int
counting_sink(void *arg, const char *p, size_t n, struct api_error *err)
{
	struct counting *c = arg;

	if (++c->calls == c->fail_at) {
		api_error_set(err, 503, "unavailable", "the sink failed");
		return -1;
	}
	if (n > c->largest)
		c->largest = n;
	sb_add(&c->out, p, n);
	return 0;
}

static void
documents(void)
{
	struct counting c;
	struct strbuf b = { 0 };
	struct api_error err;
	struct jw jw;
	long i;
	int rc;

	api_error_clear(&err);
	jw_init(&jw, jw_sink_strbuf, &b, &err);
	jw_object(&jw);
	jw_key(&jw, "a");
	jw_array(&jw);
	jw_int(&jw, 1);
	jw_object(&jw);
	jw_key(&jw, "b");
	jw_null(&jw);
	jw_object_end(&jw);
	jw_array(&jw);
	jw_array_end(&jw);
	jw_object(&jw);
	jw_object_end(&jw);
	jw_number(&jw, NAN);
	jw_number(&jw, -INFINITY);
	jw_number(&jw, -0.0);
	jw_array_end(&jw);
	jw_key(&jw, "k\"\n");
	jw_string(&jw, "d");
	jw_key(&jw, "t");
	jw_bool(&jw, true);
	jw_key(&jw, "f");
	jw_bool(&jw, false);
	jw_key(&jw, "big");
	jw_int(&jw, 1234567890123456789LL);
	jw_key(&jw, "edges");
	jw_array(&jw);
	jw_int(&jw, 9007199254740993LL);
	jw_int(&jw, -9007199254740993LL);
	jw_int(&jw, LLONG_MIN);
	jw_int(&jw, -42);
	jw_number(&jw, 1e21);
	jw_number(&jw, 1e-7);
	jw_number(&jw, 0.000001);
	jw_array_end(&jw);
	jw_object_end(&jw);
	rc = jw_finish(&jw);
	ok(rc == 0 && b.data != NULL && strcmp(b.data, "{\"a\":[1,{\"b\":null},"
	    "[],{},null,null,0],\"k\\\"\\n\":\"d\",\"t\":true,\"f\":false,"
	    "\"big\":1234567890123456800,\"edges\":[9007199254740992,"
	    "-9007199254740992,-9223372036854776000,-42,1e+21,1e-7,"
	    "0.000001]}") == 0,
	    "nesting: commas between siblings only, keys escaped, NaN and "
	    "infinities null, integers past 2^53 rounded as JS rounds them");
	if (b.data != NULL)
		diag("%s", b.data);
	sb_free(&b);

	memset(&c, 0, sizeof(c));
	jw_init(&jw, counting_sink, &c, &err);
	jw_array(&jw);
	for (i = 0; i < 200000; i++)
		jw_int(&jw, i * 1000003LL);
	jw_array_end(&jw);
	rc = jw_finish(&jw);
	ok(rc == 0 && c.out.len > 2000000 && c.calls > 240 &&
	    c.largest <= JW_BUFSIZE, "a %zu-byte document reaches the sink in "
	    "%ld pieces of at most %d bytes", c.out.len, c.calls, JW_BUFSIZE);
	sb_free(&c.out);

	memset(&c, 0, sizeof(c));
	c.fail_at = 2;
	api_error_clear(&err);
	jw_init(&jw, counting_sink, &c, &err);
	jw_array(&jw);
	for (i = 0; i < 10000 && jw_string(&jw, "0123456789") == 0; i++)
		;
	ok(i < 10000 && jw_null(&jw) == -1 && jw_finish(&jw) == -1 &&
	    err.status == 503 && c.calls == 2,
	    "a sink's failure stops the writer (after %ld strings), is "
	    "reported as the sink set it, and the sink is not called again",
	    i);
	sb_free(&c.out);

	api_error_clear(&err);
	jw_init(&jw, jw_sink_strbuf, &b, &err);
	jw_object(&jw);
	jw_key(&jw, "open");
	jw_array(&jw);
	ok(jw_finish(&jw) == -1 && err.status == 500,
	    "a document left open fails at jw_finish");
	sb_free(&b);
	api_error_clear(&err);
	jw_init(&jw, jw_sink_strbuf, &b, &err);
	ok(jw_array_end(&jw) == -1 && jw_finish(&jw) == -1 &&
	    err.status == 500, "closing what was not opened fails");
	sb_free(&b);
}

int
main(void)
{
	vectors();
	documents();
	return done_testing();
}
