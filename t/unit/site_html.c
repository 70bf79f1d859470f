/* The site pages' text: escaping, values as format.js writes them, the 404 page. */
#include <stdlib.h>

#include "../../src/site_html.h"
#include "tap.h"
#include "testdata.h"

static struct strbuf sb;

static const char *
value(const char *text, const char *unit)
{
	sb_reset(&sb);
	html_value(&sb, text, strlen(text), unit);
	return sb.data;
}

static const char *
fixed(double x, int digits)
{
	sb_reset(&sb);
	html_fixed(&sb, x, digits);
	return sb.data;
}

static void
is(const char *got, const char *want, const char *what)
{
	if (!ok(got != NULL && strcmp(got, want) == 0, "%s: %s", what, want))
		diag("got %s", got != NULL ? got : "(null)");
}

/* A value as the API writes it, its unit_kind, what the page shows. */
static const struct {
	const char *text, *unit, *want, *what;
} values[] = {
	{ "0", "time_ns", "0 ns", "0 ns" },
	{ "999", "time_ns", "999 ns", "999 ns" },
	{ "1000", "time_ns", "1.00 \xc2\xb5s", "1000 ns" },
	{ "12345", "time_ns", "12.3 \xc2\xb5s", "12345 ns" },
	{ "999499", "time_ns", "999 \xc2\xb5s", "999499 ns" },
	{ "1125000", "time_ns", "1.13 ms", "1125000 ns (a tie)" },
	{ "61845576", "time_ns", "61.8 ms", "61845576 ns" },
	{ "3200000000", "time_ns", "3.20 s", "3.2e9 ns" },
	{ "5000000000000", "time_ns", "5000 s", "5e12 ns" },
	{ "512", "bytes", "512 B", "512 B" },
	{ "1152", "bytes", "1.13 KiB", "1152 B (a tie)" },
	{ "10485760", "bytes", "10.0 MiB", "10 MiB" },
	{ "3298534883328", "bytes", "3.00 TiB", "3 TiB" },
	{ "1234567890123456800", "time_ns", "1234567890 s", "beyond 2^53" },
	{ "1.5", "ratio", "1.5", "another unit: as written" },
};

int
main(void)
{
	char file[8192];
	size_t i, n;
	FILE *fp;

	/* x.toFixed(d): a tie goes away from zero, where printf goes to even. */
	is(fixed(1.125, 2), "1.13", "1.125 to 2 digits (a tie)");
	is(fixed(0.125, 2), "0.13", "0.125 (a tie)");
	is(fixed(2.5, 0), "3", "2.5 to none (a tie)");
	is(fixed(-2.5, 0), "-3", "-2.5 to none");
	is(fixed(1.005, 2), "1.00", "1.005, just below its tie");
	is(fixed(9.999, 2), "10.00", "9.999 carries over the point");
	is(fixed(999.5, 0), "1000", "999.5 carries to a new digit");
	is(fixed(-0.001, 2), "-0.00", "-0.001 keeps its sign");
	is(fixed(12.345, 1), "12.3", "12.345 (below 12.35)");
	is(fixed(1e21, 2), "1e+21", "1e21: ToString");

	/* formatValue() of format.js. */
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		is(value(values[i].text, values[i].unit), values[i].want,
		    values[i].what);
	sb_reset(&sb);
	html_ratio(&sb, 1);
	is(sb.data, "1.00\xc3\x97", "a ratio");

	sb_reset(&sb);
	html_str(&sb, "<a href=\"x\">'&'</a>");
	is(sb.data, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
	    "& < > \" ' escaped");

	/* benchingest's 404 page is the one nginx serves. */
	sb_reset(&sb);
	html_not_found(&sb);
	if ((fp = open_test_file("../../site/static/404.html")) == NULL) {
		ok(0, "site/static/404.html is readable");
		return done_testing();
	}
	n = fread(file, 1, sizeof(file) - 1, fp);
	fclose(fp);
	file[n] = '\0';
	ok(sb.data != NULL && strcmp(sb.data, file) == 0,
	    "the 404 page is site/static/404.html, byte for byte");
	sb_free(&sb);
	return done_testing();
}
