/* The site pages' text: escaping, values as format.js writes them, the frame. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonwrite.h"
#include "site_html.h"

void
html_text(struct strbuf *sb, const char *s, size_t len)
{
	size_t i, from = 0;
	const char *e;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		default: continue;
		}
		sb_add(sb, s + from, i - from);
		sb_str(sb, e);
		from = i + 1;
	}
	sb_add(sb, s + from, len - from);
}

void
html_str(struct strbuf *sb, const char *s)
{
	html_text(sb, s, strlen(s));
}

/*
 * Printed with 30 more digits than kept, the first digit dropped decides:
 * a double at or above 10^-3 differs from a tie by at least 10^-21 unless
 * it is one, so the 30 digits never hide which side of the tie it is on.
 */
void
html_fixed(struct strbuf *sb, double x, int digits)
{
	char buf[400], *dot, *p;
	size_t keep;

	if (!(fabs(x) < 1e21)) {
		keep = jw_number_text(x, buf);
		sb_add(sb, buf, keep);
		return;
	}
	if (x < 0) {
		sb_str(sb, "-");
		x = -x;
	}
	snprintf(buf, sizeof(buf), "%.*f", digits + 30, x);
	dot = strchr(buf, '.');
	keep = (size_t)(dot - buf) + (digits > 0 ? (size_t)digits + 1 : 0);
	if (dot[digits + 1] >= '5') {
		/* Carry from the last kept digit, over the point. */
		for (p = buf + keep - 1; p >= buf; p--) {
			if (*p == '.')
				continue;
			if (*p != '9') {
				(*p)++;
				break;
			}
			*p = '0';
		}
		if (p < buf)
			sb_str(sb, "1");
	}
	sb_add(sb, buf, keep);
}

struct step {
	double div;
	const char *name;
};

static const struct step time_steps[] = {
	{ 1e9, "s" }, { 1e6, "ms" }, { 1e3, "\xc2\xb5s" }, { 1, "ns" }, { 0, NULL }
};
static const struct step byte_steps[] = {
	{ 1099511627776.0, "TiB" }, { 1073741824.0, "GiB" },
	{ 1048576.0, "MiB" }, { 1024.0, "KiB" }, { 1, "B" }, { 0, NULL }
};

static const struct step *
steps_of(const char *unit)
{
	if (strcmp(unit, "time_ns") == 0)
		return time_steps;
	if (strcmp(unit, "bytes") == 0)
		return byte_steps;
	return NULL;
}

void
html_value(struct strbuf *sb, const char *text, size_t len, const char *unit)
{
	char num[64];

	if (steps_of(unit) == NULL || len >= sizeof(num)) {
		html_text(sb, text, len);
		return;
	}
	memcpy(num, text, len);
	num[len] = '\0';
	html_number(sb, strtod(num, NULL), unit);
}

void
html_number(struct strbuf *sb, double v, const char *unit)
{
	const struct step *s = steps_of(unit);
	char buf[JW_NUMBER_MAX];
	double x;

	if (s == NULL) {
		sb_add(sb, buf, jw_number_text(v, buf));
		return;
	}
	while (s[1].name != NULL && !(fabs(v) >= s->div))
		s++;
	if (s->div == 1)
		html_fixed(sb, v, 0);
	else {
		x = v / s->div;
		html_fixed(sb, x, fabs(x) < 10 ? 2 : fabs(x) < 100 ? 1 : 0);
	}
	sb_str(sb, " ");
	sb_str(sb, s->name);
}

void
html_ratio(struct strbuf *sb, double r)
{
	html_fixed(sb, r, 2);
	sb_str(sb, "\xc3\x97");
}

/*
 * static/404.html up to its stylesheet, the title aside: the 404 page
 * nginx sends and every page benchingest renders start alike
 * (t/site-pages.t compares benchingest's 404 page with the file).
 */
static const char head_start[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
    "'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, "
    "initial-scale=1\">\n"
    "<meta name=\"color-scheme\" content=\"light dark\">\n"
    "<title>";
static const char head_end[] =
    "</title>\n"
    "<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">\n"
    "<link rel=\"stylesheet\" href=\"/static/site.css\">\n";

/* The landing page and a chart's: the pages the scripts enhance. */
static bool
has_scripts(const char *page)
{
	return strcmp(page, "landing") == 0 || strcmp(page, "chart") == 0;
}

void
html_page_begin(struct strbuf *sb, const char *title, const char *page,
    bool preload)
{
	sb_str(sb, head_start);
	html_str(sb, title);
	sb_str(sb, head_end);
	if (preload)
		sb_str(sb, "<link rel=\"preload\" "
		    "href=\"/static/vendor/chart.min.js\" as=\"script\">\n");
	if (has_scripts(page))
		sb_str(sb, "<script type=\"module\" "
		    "src=\"/static/site.js\"></script>\n");
	sb_printf(sb, "</head>\n<body data-page=\"%s\">\n"
	    "<header class=\"site-header\">\n"
	    "<a class=\"site-title\" href=\"/\">" SITE_TITLE "</a>\n", page);
}

void
html_page_end(struct strbuf *sb, const char *page)
{
	if (has_scripts(page))
		sb_str(sb, "<footer class=\"site-footer\">Benchmark results "
		    "from <a href=\"/api/groups\">the read API</a>, served by "
		    "benchingest.</footer>\n");
	sb_str(sb, "</body>\n</html>\n");
}

void
html_not_found(struct strbuf *sb)
{
	html_page_begin(sb, "Not found \xc2\xb7 " SITE_TITLE, "not-found",
	    false);
	sb_str(sb, "</header>\n<main>\n<h1>Not found</h1>\n"
	    "<p>There is no chart or page at this address: the link may be "
	    "mistyped, or\nthe benchmark it pointed to is no longer "
	    "reported.</p>\n<p><a href=\"/\">All benchmarks</a></p>\n"
	    "</main>\n");
	html_page_end(sb, "not-found");
}
