/* The metrics page: what each recorded event does to the text. */
#include <stdlib.h>
#include <string.h>

#include "../../src/metrics.h"
#include "tap.h"

/* The page as it is now; the caller frees it. */
static char *
page(void)
{
	struct strbuf sb = { 0 };

	if (metrics_render(&sb, 3) == -1 || sb.failed) {
		sb_free(&sb);
		return NULL;
	}
	return sb.data;
}

/* Whether the page has this line, whole. */
static int
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while (p != NULL && (p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
		p++;
	}
	return 0;
}

static void
check(const char *text, const char *line)
{
	if (!ok(text != NULL && has_line(text, line), "%s", line) &&
	    text != NULL)
		diag("not in the page");
}

static struct request_summary
summary(int route, int status, const char *class)
{
	struct request_summary s;

	memset(&s, 0, sizeof(s));
	s.route = route;
	s.status = status;
	s.error_class = class;
	s.records = s.inserted = s.updated = -1;
	return s;
}

/* The row of a path in the routing table. */
static int
route_of(const char *path)
{
	size_t i;

	for (i = 0; i < routes_count(); i++)
		if (strcmp(routes_path(i), path) == 0)
			return (int)i;
	return -1;
}

int
main(void)
{
	struct request_summary s;
	struct strbuf sb = { 0 };
	int ingest = route_of("/api/ingest"), groups = route_of("/api/groups");
	char *text;

	ok(metrics_render(&sb, 3) == -1, "nothing to render before "
	    "metrics_init()");
	s = summary(ingest, 200, NULL);
	metrics_request(&s, 1);		/* not counted: nowhere to count */
	ok(metrics_init() == 0, "metrics_init() maps the counters");
	ok(ingest >= 0 && groups >= 0, "the routing table has /api/ingest "
	    "and /api/groups");

	text = page();
	check(text, "# TYPE benchingest_http_requests_total counter");
	ok(text != NULL && strstr(text, "benchingest_http_requests_total{") ==
	    NULL, "no request yet: no sample of benchingest_http_requests_total");
	check(text, "benchingest_http_request_duration_seconds_count"
	    "{route=\"/api/ingest\"} 0");
	check(text, "benchingest_listener_last_ping_age_seconds NaN");
	check(text, "benchingest_read_slots_limit 3");
	free(text);

	/* A committed envelope of 5 records, 2 of them updates, in 3 ms. */
	s = summary(ingest, 200, NULL);
	s.records = 5;
	s.inserted = 3;
	s.updated = 2;
	metrics_request(&s, 3000);
	/* A refused one: its records were never stored. */
	s = summary(ingest, 401, "unauthorized");
	s.records = 7;
	metrics_request(&s, 400);
	/* Reads, one on the bound of 0.001 s, one over the largest bound. */
	s = summary(groups, 200, NULL);
	metrics_request(&s, 1000);
	metrics_request(&s, 301000000);
	s = summary(-1, 404, "not_found");
	metrics_request(&s, 10);
	text = page();
	check(text, "benchingest_http_requests_total"
	    "{route=\"/api/ingest\",status=\"200\"} 1");
	check(text, "benchingest_http_requests_total"
	    "{route=\"/api/ingest\",status=\"401\"} 1");
	check(text, "benchingest_http_requests_total"
	    "{route=\"/api/groups\",status=\"200\"} 2");
	check(text, "benchingest_http_requests_total"
	    "{route=\"none\",status=\"404\"} 1");
	check(text, "benchingest_http_request_errors_total"
	    "{route=\"/api/ingest\",class=\"unauthorized\"} 1");
	check(text, "benchingest_http_request_errors_total"
	    "{route=\"none\",class=\"not_found\"} 1");
	check(text, "benchingest_ingest_records_total 5");
	check(text, "benchingest_ingest_records_inserted_total 3");
	check(text, "benchingest_ingest_records_updated_total 2");
	/* Buckets are cumulative; le is inclusive. */
	check(text, "benchingest_http_request_duration_seconds_bucket"
	    "{route=\"/api/ingest\",le=\"0.001\"} 1");
	check(text, "benchingest_http_request_duration_seconds_bucket"
	    "{route=\"/api/ingest\",le=\"0.0025\"} 1");
	check(text, "benchingest_http_request_duration_seconds_bucket"
	    "{route=\"/api/ingest\",le=\"0.005\"} 2");
	check(text, "benchingest_http_request_duration_seconds_bucket"
	    "{route=\"/api/ingest\",le=\"+Inf\"} 2");
	check(text, "benchingest_http_request_duration_seconds_sum"
	    "{route=\"/api/ingest\"} 0.003400");
	check(text, "benchingest_http_request_duration_seconds_count"
	    "{route=\"/api/ingest\"} 2");
	check(text, "benchingest_http_request_duration_seconds_bucket"
	    "{route=\"/api/groups\",le=\"0.001\"} 1");
	check(text, "benchingest_http_request_duration_seconds_bucket"
	    "{route=\"/api/groups\",le=\"300\"} 1");
	check(text, "benchingest_http_request_duration_seconds_bucket"
	    "{route=\"/api/groups\",le=\"+Inf\"} 2");
	check(text, "benchingest_http_request_duration_seconds_sum"
	    "{route=\"/api/groups\"} 301.001000");
	free(text);

	metrics_cache_key_probe(true);
	metrics_cache_key_probe(true);
	metrics_cache_key_probe(false);
	metrics_read_refused();
	metrics_db_error(METRICS_DB_DEADLOCK);
	metrics_db_error(METRICS_DB_CONNECTION_LOST);
	metrics_db_retry(METRICS_DB_DEADLOCK);
	metrics_listener_session(true);
	metrics_listener_session(false);
	metrics_listener_notified(4);
	metrics_child_started(false);
	metrics_child_started(false);
	metrics_child_started(false);
	metrics_child_started(true);
	metrics_child_exited(false, METRICS_EXIT_KILLED);
	text = page();
	check(text, "benchingest_read_cache_key_probes_total{result=\"key\"} 2");
	check(text, "benchingest_read_cache_key_probes_total"
	    "{result=\"no_key\"} 1");
	check(text, "benchingest_read_slots_refused_total 1");
	check(text, "benchingest_db_errors_total{kind=\"deadlock\"} 1");
	check(text, "benchingest_db_errors_total{kind=\"connection_lost\"} 1");
	check(text, "benchingest_db_errors_total{kind=\"timeout\"} 0");
	check(text, "benchingest_db_retries_total{reason=\"deadlock\"} 1");
	check(text, "benchingest_db_retries_total"
	    "{reason=\"serialization_failure\"} 0");
	check(text, "benchingest_listener_sessions_total 1");
	check(text, "benchingest_listener_connect_failures_total 1");
	check(text, "benchingest_listener_notifications_total 4");
	check(text, "benchingest_child_starts_total{child=\"worker\"} 3");
	check(text, "benchingest_child_starts_total{child=\"listener\"} 1");
	check(text, "benchingest_child_exits_total"
	    "{child=\"worker\",how=\"killed\"} 1");
	check(text, "benchingest_workers 2");
	check(text, "benchingest_build_info{version=\"" PACKAGE_VERSION
	    "\"} 1");
	free(text);
	return done_testing();
}
