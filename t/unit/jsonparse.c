/*
 * The strict JSON layer on its own: string decoding, UTF-8 validation,
 * number grammar, literals, nesting limits and trailing bytes; and the one
 * leniency a caller may ask for, JSON.parse's lone surrogates.
 */
#include <stdlib.h>
#include <string.h>

#include "../../src/jsonparse.h"
#include "tap.h"

static bool lone_surrogates;

/* Decodes one JSON string; returns its bytes or NULL on error. */
static char *
decode(const char *json, size_t *len)
{
	static char buf[256];
	struct jp jp;
	struct jp_str s;

	snprintf(buf, sizeof(buf), "%s", json);
	jp_init(&jp, buf, strlen(buf));
	jp.lone_surrogates = lone_surrogates;
	if (jp_string(&jp, &s) == -1 || jp_end(&jp) == -1)
		return NULL;
	*len = s.len;
	return (char *)s.ptr;
}

static void
string_is(const char *json, const char *want, size_t wantlen)
{
	size_t len = 0;
	char *got = decode(json, &len);

	ok(got != NULL && len == wantlen && memcmp(got, want, len) == 0,
	    "%s decodes", json);
}

static void
string_bad(const char *name, const char *json)
{
	size_t len;

	ok(decode(json, &len) == NULL, "%s is refused", name);
}

static void
strings(void)
{
	string_is("\"plain\"", "plain", 5);
	string_is("\"\"", "", 0);
	string_is("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t", 8);
	string_is("\"\\u00e9\"", "\xc3\xa9", 2);
	string_is("\"\\u20AC\"", "\xe2\x82\xac", 3);
	string_is("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 4);
	string_is("\"\\u0000\"", "\0", 1);
	string_is("\"\xf4\x8f\xbf\xbf\"", "\xf4\x8f\xbf\xbf", 4);
	string_is("\"\xed\x9f\xbf\"", "\xed\x9f\xbf", 3);
	string_bad("unterminated", "\"abc");
	string_bad("raw newline", "\"a\nb\"");
	string_bad("raw tab", "\"a\tb\"");
	string_bad("unknown escape", "\"\\q\"");
	string_bad("short \\u", "\"\\u12\"");
	string_bad("non-hex \\u", "\"\\u12g4\"");
	string_bad("lone high surrogate", "\"\\ud83d\"");
	string_bad("high surrogate then text", "\"\\ud83dx\"");
	string_bad("lone low surrogate", "\"\\ude00\"");
	string_bad("two high surrogates", "\"\\ud83d\\ud83d\"");
	string_bad("continuation byte alone", "\"\x80\"");
	string_bad("overlong two-byte", "\"\xc1\xbf\"");
	string_bad("overlong three-byte", "\"\xe0\x9f\xbf\"");
	string_bad("encoded surrogate", "\"\xed\xa0\x80\"");
	string_bad("above U+10FFFF", "\"\xf4\x90\x80\x80\"");
	string_bad("0xF5 lead byte", "\"\xf5\x80\x80\x80\"");
	string_bad("0xFF byte", "\"\xff\"");
	string_bad("truncated sequence", "\"\xe2\x82\"");

	/* As JSON.parse and then a UTF-8 encoder take them. */
	lone_surrogates = true;
	string_is("\"\\ud83d\"", "\xef\xbf\xbd", 3);
	string_is("\"\\ud83dx\"", "\xef\xbf\xbdx", 4);
	string_is("\"\\ude00\"", "\xef\xbf\xbd", 3);
	string_is("\"\\ud83d\\ud83d\\ude00\"", "\xef\xbf\xbd\xf0\x9f\x98\x80", 7);
	string_is("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 4);
	string_bad("encoded surrogate, even so", "\"\xed\xa0\x80\"");
	lone_surrogates = false;
}

static int
number(const char *text, bool *integer)
{
	char buf[64];
	struct jp jp;
	struct jp_num n;

	snprintf(buf, sizeof(buf), "%s", text);
	jp_init(&jp, buf, strlen(buf));
	if (jp_number(&jp, &n) == -1 || jp_end(&jp) == -1)
		return -1;
	*integer = n.integer;
	return 0;
}

static void
numbers(void)
{
	static const char *const ints[] = { "0", "-0", "7", "-12", "1234567890" };
	static const char *const reals[] = { "0.5", "-1.25", "1e3", "1E+3",
	    "2e-7", "0.0" };
	static const char *const bad[] = { "01", "-", "+1", ".5", "1.", "1e",
	    "1e+", "0x10", "1.2.3", "--1", "1x" };
	bool integer;
	size_t i;

	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		ok(number(ints[i], &integer) == 0 && integer,
		    "%s is an integer literal", ints[i]);
	for (i = 0; i < sizeof(reals) / sizeof(reals[0]); i++)
		ok(number(reals[i], &integer) == 0 && !integer,
		    "%s is a number but not an integer literal", reals[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(number(bad[i], &integer) == -1, "%s is not a number", bad[i]);
}

static int
skip(const char *text, int depth)
{
	char buf[256];
	struct jp jp;

	snprintf(buf, sizeof(buf), "%s", text);
	jp_init(&jp, buf, strlen(buf));
	return jp_skip(&jp, depth) == 0 && jp_end(&jp) == 0 ? 0 : -1;
}

static void
values(void)
{
	ok(skip("true", 1) == 0 && skip("false", 1) == 0 &&
	    skip("null", 1) == 0, "literals");
	ok(skip("nul", 1) == -1 && skip("truex", 1) == -1 &&
	    skip("True", 1) == -1, "misspelt literals are refused");
	ok(skip("NaN", 1) == -1 && skip("Infinity", 1) == -1 &&
	    skip("-Infinity", 1) == -1 && skip("undefined", 1) == -1,
	    "non-standard tokens are refused");
	ok(skip(" {\"a\": [1, {\"b\": null}], \"c\": \"d\"} ", 4) == 0,
	    "a nested document");
	ok(skip("[[[[1]]]]", 4) == 0, "four levels within a depth of 4");
	ok(skip("[[[[[1]]]]]", 4) == -1, "five levels beyond a depth of 4");
	ok(skip("{\"a\":1,}", 4) == -1, "trailing comma in an object");
	ok(skip("[1,]", 4) == -1, "trailing comma in an array");
	ok(skip("[,1]", 4) == -1, "leading comma");
	ok(skip("{\"a\" 1}", 4) == -1, "missing colon");
	ok(skip("{a:1}", 4) == -1, "unquoted member name");
	ok(skip("{} x", 4) == -1, "trailing bytes");
	ok(skip("\xef\xbb\xbf{}", 4) == -1, "a byte order mark");
	ok(skip("", 4) == -1, "empty input");
	ok(skip("[}", 4) == -1 && skip("{\"a\":1]", 4) == -1 &&
	    skip("[[1]}", 4) == -1, "a bracket closed by the other kind");
	ok(skip("[[],{},[{}],{\"a\":[]}]", 4) == 0, "empty containers");
}

/* Nesting costs no stack: 10,000 levels within a depth of 16,384. */
static void
deep(void)
{
	size_t levels = 10000, i;
	char *buf = malloc(7 * levels + 16), *p = buf;
	struct jp jp;

	for (i = 0; i < levels; i++) {
		if (i % 2 == 0) {
			memcpy(p, "{\"k\":", 5);
			p += 5;
		} else
			*p++ = '[';
	}
	*p++ = '1';
	for (i = levels; i-- > 0;)
		*p++ = i % 2 == 0 ? '}' : ']';
	jp_init(&jp, buf, (size_t)(p - buf));
	ok(jp_skip(&jp, JP_SKIP_DEPTH_MAX) == 0 && jp_end(&jp) == 0,
	    "10,000 levels of objects and arrays are skipped");
	jp_init(&jp, buf, (size_t)(p - buf));
	ok(jp_skip(&jp, 9999) == -1, "and refused within a depth of 9,999");
	p[-1] = '}';
	jp_init(&jp, buf, (size_t)(p - buf));
	ok(jp_skip(&jp, JP_SKIP_DEPTH_MAX) == -1,
	    "and refused when the outermost bracket does not match");
	free(buf);
}

int
main(void)
{
	strings();
	numbers();
	values();
	deep();
	return done_testing();
}
