/*
 * The text of the site's pages (site/README.md, "The HTML contract"):
 * escaping, values written exactly as the site's scripts write them
 * (format.js), and the frame every page shares with the static 404 page.
 */
#ifndef BENCHINGEST_SITE_HTML_H
#define BENCHINGEST_SITE_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

#define SITE_HTML_TYPE	"text/html; charset=utf-8"
#define SITE_TITLE	"Vortex benchmarks"

/* len bytes of text or of an attribute value, & < > " ' as entities. */
void	html_text(struct strbuf *, const char *, size_t len);
void	html_str(struct strbuf *, const char *);

/*
 * x.toFixed(digits) of JavaScript: the nearest decimal, a tie rounded
 * away from zero (C's printf rounds a tie to even); ToString(x) from 1e21.
 */
void	html_fixed(struct strbuf *, double x, int digits);
/*
 * A value of a chart's unit_kind as formatValue() writes it: time_ns in
 * ns, µs, ms or s, bytes in B to TiB, three significant digits; any other
 * unit the number as the API wrote it (text, len bytes).
 */
void	html_value(struct strbuf *, const char *text, size_t len,
	    const char *unit);
/* The same for a number. */
void	html_number(struct strbuf *, double, const char *unit);
/* A ratio of a summary: 1.23×. */
void	html_ratio(struct strbuf *, double);

/*
 * A page up to its <header>'s title: the head of static/404.html with
 * this title (escaped), the preload of Chart.js when asked for, and
 * site.js on the pages it enhances (page "landing" and "chart"; others
 * are "not-found" and "error").
 */
void	html_page_begin(struct strbuf *, const char *title, const char *page,
	    bool preload);
/* The end of a page: the footer of those with scripts, </html>. */
void	html_page_end(struct strbuf *, const char *page);
/* The 404 page, as static/404.html has it. */
void	html_not_found(struct strbuf *);

#endif
