/* The site's pages from answers of the read API's shape, summaries and series_meta included. */
#include <stdlib.h>

#include "../../src/payload.h"
#include "../../src/site_pages.h"
#include "../../src/slug.h"
#include "tap.h"

#define QMG	"qmg.eyJrIjoiUXVlcnlHcm91cCIsImRhdGFzZXQiOiJ0cGNoIiwiZGF0YXNldF92" \
		"YXJpYW50IjpudWxsLCJzY2FsZV9mYWN0b3IiOiIxIiwic3RvcmFnZSI6Im52bWUifQ"
#define QM	"qm.eyJrIjoiUXVlcnlNZWFzdXJlbWVudCIsImRhdGFzZXQiOiJ0cGNoIiwiZGF0YX" \
		"NldF92YXJpYW50IjpudWxsLCJzY2FsZV9mYWN0b3IiOiIxIiwic3RvcmFnZSI6Im52" \
		"bWUiLCJxdWVyeV9pZHgiOjF9"
#define CTG	"ctg.eyJrIjoiQ29tcHJlc3Npb25UaW1lR3JvdXAifQ"
#define CT	"ct.eyJrIjoiQ29tcHJlc3Npb25UaW1lIiwiZGF0YXNldCI6InRheGkiLCJkYXRh" \
		"c2V0X3ZhcmlhbnQiOm51bGx9"
#define CSG	"csg.eyJrIjoiQ29tcHJlc3Npb25TaXplR3JvdXAifQ"
#define CS	"cs.eyJrIjoiQ29tcHJlc3Npb25TaXplIiwiZGF0YXNldCI6InRheGkiLCJkYXRh" \
		"c2V0X3ZhcmlhbnQiOm51bGx9"
#define RAG	"rag.eyJrIjoiUmFuZG9tQWNjZXNzR3JvdXAifQ"
#define RAT	"rat.eyJrIjoiUmFuZG9tQWNjZXNzIiwiZGF0YXNldCI6InRheGkifQ"

/* Answers with ' for " (no string here holds a quote). */
#define HISTORY	"'history':{'total_commits':2,'start_index':0,'loaded_commits':2," \
		"'complete':true},'commits':[{'sha':'aaa','timestamp':'2025-01-01 " \
		"00:00:00+00','message':'m','url':'u'},{'sha':'bbb','timestamp':" \
		"'2025-01-02 00:00:00+00','message':'m','url':'u'}]"
#define Q1	"{'name':'Q1','slug':'" QM "','display_name':'tpch sf=1 Q1 [nvme]'," \
		"'unit_kind':'time_ns'," HISTORY ",'series':{'datafusion:parquet':" \
		"[1000,null],'duckdb:vortex':[null,1125000],'none':[null,null]}," \
		"'series_meta':{'datafusion:parquet':{'engine':'datafusion'," \
		"'format':'parquet'},'duckdb:vortex':{'engine':'duckdb','format':" \
		"'vortex'}}}"

static const char *groups_answer =
    "{'groups':["
    "{'name':'TPC-H (NVMe) (SF=1)','slug':'" QMG "','charts':[{'name':'Q1',"
    "'slug':'" QM "'}],'summary':{'type':'queryBenchmark','title':"
    "'Performance Summary','rankings':[{'name':'duckdb:vortex','score':1,"
    "'totalRuntime':1125000},{'name':'datafusion:parquet','score':1.125,"
    "'totalRuntime':2000000000}],'explanation':'Geomean of query time ratio "
    "to fastest (lower is better)'},'description':'TPC-H benchmark queries "
    "on local NVMe storage at SF=1 (~1GB of data)'},"
    "{'name':'Compression','slug':'" CTG "','charts':[{'name':'taxi','slug':'"
    CT "'}],'summary':{'type':'compression','title':'Compression Throughput "
    "vs Parquet','datasetCount':3,'explanation':'E1','compressRatio':2.5}},"
    "{'name':'Compression Size','slug':'" CSG "','charts':[{'name':'taxi',"
    "'slug':'" CS "'}],'summary':{'type':'compressionSize','title':"
    "'Compression Size Summary','minRatio':0.25,'meanRatio':0.5,'maxRatio':"
    "0.75,'datasetCount':2,'explanation':'E2'}},"
    "{'name':'Random Access','slug':'" RAG "','charts':[{'name':'taxi',"
    "'slug':'" RAT "'}],'summary':{'type':'randomAccess','title':'Random "
    "Access Performance','rankings':[{'name':'vortex','time':850000,"
    "'ratio':1}],'explanation':'E3'}}]}";

static const struct {
	const char *slug, *answer;
} group_answers[] = {
	{ QMG, "{'name':'TPC-H (NVMe) (SF=1)','charts':[" Q1 "]}" },
	{ CTG, "{'name':'Compression','charts':[{'name':'taxi','slug':'" CT "',"
	    "'display_name':'taxi','unit_kind':'time_ns'," HISTORY ",'series':"
	    "{'vortex:encode':[5000000,null]},'series_meta':{'vortex:encode':"
	    "{'format':'vortex'}}}]}" },
	{ CSG, "{'name':'Compression Size','charts':[{'name':'taxi','slug':'" CS
	    "','display_name':'taxi','unit_kind':'bytes'," HISTORY ",'series':"
	    "{'parquet':[null,1152]},'series_meta':{'parquet':{'format':"
	    "'parquet'}}}]}" },
	{ RAG, "{'name':'Random Access','charts':[{'name':'taxi','slug':'" RAT
	    "','display_name':'taxi','unit_kind':'time_ns'," HISTORY ",'series':"
	    "{'lance':[850000,null]},'series_meta':{'lance':{'format':'lance'}}"
	    "}]}" },
};

static bool empty, broken;

/* text, its ' made ", as a payload that owns it. */
static int
give(const char *text, struct payload *p)
{
	char *c;

	memset(p, 0, sizeof(*p));
	if ((p->text = strdup(text)) == NULL)
		return -1;
	for (c = p->text; *c != '\0'; c++)
		if (*c == '\'')
			*c = '"';
	p->len = strlen(p->text);
	return 0;
}

static int
groups(struct db *db, const struct read_target *t, struct payload *p,
    struct api_error *err)
{
	(void)db, (void)t, (void)err;
	return give(empty ? "{'groups':[]}" : broken ? "{'groups':[{]}" :
	    groups_answer, p);
}

static int
group(struct db *db, const struct read_target *t, struct payload *p,
    struct api_error *err)
{
	char *slug = slug_encode(&t->key);
	size_t i;
	int rc = -1;

	(void)db;
	for (i = 0; slug != NULL && i < sizeof(group_answers) /
	    sizeof(group_answers[0]); i++)
		if (strcmp(slug, group_answers[i].slug) == 0)
			rc = give(group_answers[i].answer, p);
	if (rc == -1)
		api_error_set(err, 404, "not_found", "no group %s", slug);
	free(slug);
	return rc;
}

static int
chart(struct db *db, const struct read_target *t, struct payload *p,
    struct api_error *err)
{
	(void)db, (void)t, (void)err;
	return give(Q1, p);
}

static const struct site_source written = { groups, group, chart };

static bool
has(const char *html, const char *part, const char *what)
{
	if (!ok(html != NULL && strstr(html, part) != NULL, "%s", what)) {
		diag("wanted: %s", part);
		return false;
	}
	return true;
}

int
main(void)
{
	struct payload p;
	struct api_error err;
	struct chart_key key;
	const char *html;

	api_error_clear(&err);
	ok(site_landing_from(&written, NULL, &p, &err) == 0, "the landing page");
	html = p.text;
	ok(p.content_type != NULL && strcmp(p.content_type,
	    "text/html; charset=utf-8") == 0, "... in HTML");
	has(html, "<form id=\"filters\" class=\"filters\" hidden>\n"
	    "<fieldset data-dim=\"engine\"><legend>Engine</legend>\n"
	    "<label><input type=\"checkbox\" value=\"datafusion\" checked> "
	    "datafusion</label>\n"
	    "<label><input type=\"checkbox\" value=\"duckdb\" checked> "
	    "duckdb</label>\n</fieldset>\n"
	    "<fieldset data-dim=\"format\"><legend>Format</legend>\n"
	    "<label><input type=\"checkbox\" value=\"lance\" checked> "
	    "lance</label>\n"
	    "<label><input type=\"checkbox\" value=\"parquet\" checked> "
	    "parquet</label>\n"
	    "<label><input type=\"checkbox\" value=\"vortex\" checked> "
	    "vortex</label>\n</fieldset>\n</form>\n</header>",
	    "the filter: every engine and format of series_meta, sorted, once");
	has(html, "<li><a href=\"#group-" QMG "\">TPC-H (NVMe) (SF=1)</a></li>\n"
	    "<li><a href=\"#group-" CTG "\">Compression</a></li>\n",
	    "the navigation, in the answer's order");
	has(html, "<section class=\"group\" id=\"group-" QMG "\" data-group=\""
	    QMG "\">\n<details class=\"group-toggle\"><summary><h2 "
	    "class=\"group-name\">TPC-H (NVMe) (SF=1)</h2> <span "
	    "class=\"group-count\">1 chart</span></summary></details>\n"
	    "<p class=\"group-description\">TPC-H benchmark queries on local "
	    "NVMe storage at SF=1 (~1GB of data)</p>\n"
	    "<section class=\"summary-card\" data-type=\"queryBenchmark\">\n"
	    "<h3>Performance Summary</h3>\n<table>\n<thead><tr><th>#</th>"
	    "<th>Series</th><th>Score</th><th>Total runtime</th></tr></thead>\n"
	    "<tbody>\n<tr><td>1</td><th scope=\"row\">duckdb:vortex</th>"
	    "<td>1.00\xc3\x97</td><td>1.13 ms</td></tr>\n<tr><td>2</td>"
	    "<th scope=\"row\">datafusion:parquet</th><td>1.13\xc3\x97</td>"
	    "<td>2.00 s</td></tr>\n</tbody>\n</table>\n<p class=\"explanation\">"
	    "Geomean of query time ratio to fastest (lower is better)</p>\n"
	    "</section>\n<ol class=\"charts\">\n",
	    "a query group: its description and its summary card");
	has(html, "<li class=\"chart\" id=\"chart-" QM "\" data-chart=\"" QM
	    "\" data-unit=\"time_ns\">\n<h3 class=\"chart-name\"><a href=\""
	    "/chart/" QM "\">Q1</a></h3>\n<dl class=\"latest\">\n"
	    "<div><dt>datafusion:parquet</dt><dd data-value=\"1000\" "
	    "data-commit=\"aaa\">1.00 \xc2\xb5s</dd></div>\n"
	    "<div><dt>duckdb:vortex</dt><dd data-value=\"1125000\" "
	    "data-commit=\"bbb\">1.13 ms</dd></div>\n</dl>\n</li>\n",
	    "a chart: each series' newest value and its commit, none for a "
	    "series without one");
	has(html, "<tbody>\n<tr><th scope=\"row\">Compression throughput</th>"
	    "<td>2.50\xc3\x97</td></tr>\n<tr><th scope=\"row\">Datasets</th>"
	    "<td>3</td></tr>\n</tbody>",
	    "a compression summary: throughput, no decompression, datasets");
	has(html, "<tr><th scope=\"row\">Smallest size ratio</th><td>0.25"
	    "\xc3\x97</td></tr>\n<tr><th scope=\"row\">Mean size ratio</th>"
	    "<td>0.50\xc3\x97</td></tr>\n<tr><th scope=\"row\">Largest size "
	    "ratio</th><td>0.75\xc3\x97</td></tr>\n<tr><th scope=\"row\">"
	    "Datasets</th><td>2</td></tr>",
	    "a compression size summary");
	has(html, "<dd data-value=\"1152\" data-commit=\"bbb\">1.13 KiB</dd>",
	    "bytes in KiB");
	has(html, "<thead><tr><th>#</th><th>Format</th><th>Time</th>"
	    "<th>Ratio</th></tr></thead>\n<tbody>\n<tr><td>1</td><th "
	    "scope=\"row\">vortex</th><td>850 \xc2\xb5s</td><td>1.00\xc3\x97"
	    "</td></tr>", "a random access summary");
	payload_free(&p);

	api_error_clear(&err);
	ok(slug_decode(QM, &key, &err) == 0, "a chart's key");
	ok(site_chart_from(&written, NULL, &key, &p, &err) == 0,
	    "its page");
	has(p.text, "<title>tpch sf=1 Q1 [nvme] \xc2\xb7 Vortex benchmarks"
	    "</title>\n", "... titled with its display name");
	has(p.text, "<main>\n<p class=\"breadcrumb\"><a href=\"/?open=" QMG
	    "#group-" QMG "\">TPC-H (NVMe) (SF=1)</a></p>\n<article "
	    "class=\"chart chart-full\" id=\"chart-" QM "\" data-chart=\"" QM
	    "\" data-unit=\"time_ns\">\n<h1 class=\"chart-name\">tpch sf=1 Q1 "
	    "[nvme]</h1>\n<dl class=\"latest\">\n",
	    "... with the way back to its group, its name and latest values");
	payload_free(&p);
	chart_key_free(&key);

	empty = true;
	ok(site_landing_from(&written, NULL, &p, &err) == 0, "no group at all");
	has(p.text, "</header>\n<main id=\"groups\"><p class=\"empty\">No data "
	    "ingested yet.</p></main>\n", "... says so, without a filter");
	payload_free(&p);
	empty = false;

	broken = true;
	api_error_clear(&err);
	ok(site_landing_from(&written, NULL, &p, &err) == -1 &&
	    err.status == 500, "an answer that does not read: 500");
	return done_testing();
}
