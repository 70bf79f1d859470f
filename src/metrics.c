/* The metrics: counters shared by master and children, GET /metrics. */
#include <sys/mman.h>

#include <stdatomic.h>
#include <time.h>

#include "clock.h"
#include "error.h"
#include "generation.h"
#include "metrics.h"
#include "readlimit.h"

/* The slot of a request no route has. */
#define NO_ROUTE	(METRICS_ROUTES - 1)
/* Statuses 100 to 599, by status - 100. */
#define STATUSES	500

/* A request's duration falls in the first bucket whose bound it is within. */
static const struct {
	long long us;
	const char *le;		/* the bound as Prometheus's le label */
} bounds[] = {
	{ 1000, "0.001" }, { 2500, "0.0025" }, { 5000, "0.005" },
	{ 10000, "0.01" }, { 25000, "0.025" }, { 50000, "0.05" },
	{ 100000, "0.1" }, { 250000, "0.25" }, { 500000, "0.5" },
	{ 1000000, "1" }, { 2500000, "2.5" }, { 5000000, "5" },
	{ 10000000, "10" }, { 30000000, "30" }, { 60000000, "60" },
	{ 300000000, "300" },
};
#define NBOUNDS	(sizeof(bounds) / sizeof(bounds[0]))

static const char *const db_errors[METRICS_DB_ERROR_COUNT] = {
	[METRICS_DB_CONNECT] = "connect",
	[METRICS_DB_CONNECTION_LOST] = "connection_lost",
	[METRICS_DB_DEADLOCK] = "deadlock",
	[METRICS_DB_SERIALIZATION] = "serialization_failure",
	[METRICS_DB_UNIQUE_VIOLATION] = "unique_violation",
	[METRICS_DB_TIMEOUT] = "timeout",
	[METRICS_DB_OTHER] = "other",
};
/* What is retried: db_write.c's retryable(), and a lost connection. */
static const enum metrics_db_error retried[] = {
	METRICS_DB_CONNECTION_LOST, METRICS_DB_DEADLOCK,
	METRICS_DB_SERIALIZATION, METRICS_DB_UNIQUE_VIOLATION,
};

static const char *const exits[METRICS_EXIT_COUNT] = {
	[METRICS_EXIT_STOPPED] = "stopped",
	[METRICS_EXIT_EXITED] = "exited",
	[METRICS_EXIT_FAILED] = "failed",
	[METRICS_EXIT_KILLED] = "killed",
};
static const char *const child_names[2] = { "worker", "listener" };

struct counters {
	atomic_ullong requests[METRICS_ROUTES][STATUSES];
	atomic_ullong errors[METRICS_ROUTES][API_ERROR_CLASS_COUNT];
	atomic_ullong buckets[METRICS_ROUTES][NBOUNDS + 1];	/* + over all */
	atomic_ullong duration_us[METRICS_ROUTES];
	atomic_ullong records, inserted, updated;
	atomic_ullong probes[2];		/* without a key, with one */
	atomic_ullong read_refused;
	atomic_ullong db_errors[METRICS_DB_ERROR_COUNT];
	atomic_ullong db_retries[METRICS_DB_ERROR_COUNT];
	atomic_ullong sessions, session_failures, notifications;
	atomic_ullong child_starts[2];		/* worker, listener */
	atomic_ullong child_exits[2][METRICS_EXIT_COUNT];
	time_t started;
};

/* Shared by processes: an atomic that took a lock would take a private one. */
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "the counters are lock-free");

static struct counters *m;

int
metrics_init(void)
{
	void *p;

	if (m != NULL)
		return 0;
	/* Anonymous memory is zero: every counter starts at 0. */
	p = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE, MAP_SHARED |
	    MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	m = p;
	m->started = time(NULL);
	return 0;
}

/* Counts only: no other memory is ordered by them. */
static void
add(atomic_ullong *c, unsigned long long n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static unsigned long long
get(atomic_ullong *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

void
metrics_request(const struct request_summary *s, long long us)
{
	int route, status, class;
	size_t b;

	if (m == NULL)
		return;
	route = s->route >= 0 && s->route < NO_ROUTE ? s->route : NO_ROUTE;
	/* Every answer has one of the statuses http_reply() was given. */
	status = s->status >= 100 && s->status < 100 + STATUSES ? s->status :
	    500;
	add(&m->requests[route][status - 100], 1);
	for (b = 0; b < NBOUNDS && us > bounds[b].us; b++)
		;
	add(&m->buckets[route][b], 1);
	add(&m->duration_us[route], us > 0 ? (unsigned long long)us : 0);
	if (s->error_class != NULL &&
	    (class = api_error_class_index(s->error_class)) >= 0)
		add(&m->errors[route][class], 1);
	/* Counts exist only for an envelope that was committed. */
	if (s->inserted >= 0) {
		add(&m->records, (unsigned long long)s->records);
		add(&m->inserted, (unsigned long long)s->inserted);
		add(&m->updated, (unsigned long long)s->updated);
	}
}

void
metrics_cache_key_probe(bool key)
{
	if (m != NULL)
		add(&m->probes[key], 1);
}

void
metrics_read_refused(void)
{
	if (m != NULL)
		add(&m->read_refused, 1);
}

void
metrics_db_error(enum metrics_db_error e)
{
	if (m != NULL)
		add(&m->db_errors[e], 1);
}

void
metrics_db_retry(enum metrics_db_error e)
{
	if (m != NULL)
		add(&m->db_retries[e], 1);
}

void
metrics_listener_session(bool started)
{
	if (m != NULL)
		add(started ? &m->sessions : &m->session_failures, 1);
}

void
metrics_listener_notified(int n)
{
	if (m != NULL && n > 0)
		add(&m->notifications, (unsigned long long)n);
}

void
metrics_child_started(bool listener)
{
	if (m != NULL)
		add(&m->child_starts[listener], 1);
}

void
metrics_child_exited(bool listener, enum metrics_exit how)
{
	if (m != NULL)
		add(&m->child_exits[listener][how], 1);
}

static void
family(struct strbuf *sb, const char *name, const char *type,
    const char *help)
{
	sb_printf(sb, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A metric without labels: its HELP, its TYPE and its one sample. */
static void
single(struct strbuf *sb, const char *name, const char *type,
    const char *help, unsigned long long v)
{
	family(sb, name, type, help);
	sb_printf(sb, "%s %llu\n", name, v);
}

static const char *
route_label(size_t r)
{
	return r == NO_ROUTE ? "none" : routes_path(r);
}

/* The routes' slots in use: the table's rows, then the one for none. */
static size_t
next_route(size_t r)
{
	return r + 1 == routes_count() ? NO_ROUTE : r + 1;
}

static void
render_requests(struct strbuf *sb)
{
	static const char name[] = "benchingest_http_requests_total";
	static const char errs[] = "benchingest_http_request_errors_total";
	static const char dur[] = "benchingest_http_request_duration_seconds";
	unsigned long long n, total;
	size_t r, i;

	family(sb, name, "counter", "Requests answered, by route (a path of "
	    "the routing table, or none) and HTTP status.");
	for (r = 0; r <= NO_ROUTE; r = next_route(r))
		for (i = 0; i < STATUSES; i++)
			if ((n = get(&m->requests[r][i])) > 0)
				sb_printf(sb, "%s{route=\"%s\",status=\"%zu\"} "
				    "%llu\n", name, route_label(r), i + 100, n);
	family(sb, errs, "counter", "Requests answered with an error, by "
	    "route and error class.");
	for (r = 0; r <= NO_ROUTE; r = next_route(r))
		for (i = 0; i < API_ERROR_CLASS_COUNT; i++)
			if ((n = get(&m->errors[r][i])) > 0)
				sb_printf(sb, "%s{route=\"%s\",class=\"%s\"} "
				    "%llu\n", errs, route_label(r),
				    api_error_classes[i], n);
	family(sb, dur, "histogram", "Time from a request's parameters to "
	    "its answer written, by route.");
	for (r = 0; r <= NO_ROUTE; r = next_route(r)) {
		total = 0;
		for (i = 0; i <= NBOUNDS; i++) {
			total += get(&m->buckets[r][i]);
			sb_printf(sb, "%s_bucket{route=\"%s\",le=\"%s\"} %llu\n",
			    dur, route_label(r), i < NBOUNDS ? bounds[i].le :
			    "+Inf", total);
		}
		sb_printf(sb, "%s_sum{route=\"%s\"} %.6f\n", dur,
		    route_label(r), (double)get(&m->duration_us[r]) / 1e6);
		sb_printf(sb, "%s_count{route=\"%s\"} %llu\n", dur,
		    route_label(r), total);
	}
}

static void
render_database(struct strbuf *sb)
{
	static const char errs[] = "benchingest_db_errors_total";
	static const char retries[] = "benchingest_db_retries_total";
	size_t i;

	single(sb, "benchingest_ingest_records_total", "counter",
	    "Records in the envelopes committed.",
	    get(&m->records));
	single(sb, "benchingest_ingest_records_inserted_total", "counter",
	    "Records of committed envelopes that were new rows.",
	    get(&m->inserted));
	single(sb, "benchingest_ingest_records_updated_total", "counter",
	    "Records of committed envelopes that replaced a row.",
	    get(&m->updated));
	family(sb, errs, "counter", "Failures of the workers' database "
	    "sessions, by kind.");
	for (i = 0; i < METRICS_DB_ERROR_COUNT; i++)
		sb_printf(sb, "%s{kind=\"%s\"} %llu\n", errs, db_errors[i],
		    get(&m->db_errors[i]));
	family(sb, retries, "counter", "Transactions and statements run "
	    "again, by the failure before.");
	for (i = 0; i < sizeof(retried) / sizeof(retried[0]); i++)
		sb_printf(sb, "%s{reason=\"%s\"} %llu\n", retries,
		    db_errors[retried[i]], get(&m->db_retries[retried[i]]));
}

static void
render_reads(struct strbuf *sb, long long read_slots_limit)
{
	static const char probes[] = "benchingest_read_cache_key_probes_total";
	long long confirmed = generation_confirmed_ms();

	family(sb, probes, "counter", "nginx's questions for a request's "
	    "cache key, by whether it got one (only reads do).");
	sb_printf(sb, "%s{result=\"key\"} %llu\n%s{result=\"no_key\"} %llu\n",
	    probes, get(&m->probes[true]), probes, get(&m->probes[false]));
	single(sb, "benchingest_read_cache_enabled", "gauge", "1 while nginx "
	    "may answer reads from its cache: the listener is up and its "
	    "last ping was answered in time.", generation_cacheable());
	single(sb, "benchingest_read_cache_generation_changes_total",
	    "counter", "Changes of the read cache generation: commits, "
	    "revalidates, listener sessions starting and ending.",
	    generation_changes());
	single(sb, "benchingest_read_slots_limit", "gauge",
	    "max_concurrent_reads.", (unsigned long long)read_slots_limit);
	single(sb, "benchingest_read_slots_in_use", "gauge",
	    "Reads under way.", (unsigned long long)readlimit_in_use());
	single(sb, "benchingest_read_slots_refused_total", "counter",
	    "Reads answered 503 because max_concurrent_reads were under way.",
	    get(&m->read_refused));
	single(sb, "benchingest_listener_up", "gauge", "1 while the listener "
	    "has a session that LISTENs on bench_data.",
	    generation_listening());
	family(sb, "benchingest_listener_last_ping_age_seconds", "gauge",
	    "Since the listener sent its last answered ping (NaN: none yet).");
	if (confirmed == 0)
		sb_str(sb, "benchingest_listener_last_ping_age_seconds NaN\n");
	else
		sb_printf(sb, "benchingest_listener_last_ping_age_seconds "
		    "%.3f\n", (double)(clock_ms() - confirmed) / 1000);
	single(sb, "benchingest_listener_sessions_total", "counter",
	    "Listener sessions started.", get(&m->sessions));
	single(sb, "benchingest_listener_connect_failures_total", "counter",
	    "Listener attempts to connect and LISTEN that failed.",
	    get(&m->session_failures));
	single(sb, "benchingest_listener_notifications_total", "counter",
	    "Notifications on bench_data received.", get(&m->notifications));
}

static void
render_processes(struct strbuf *sb)
{
	static const char starts[] = "benchingest_child_starts_total";
	static const char ends[] = "benchingest_child_exits_total";
	unsigned long long up, gone;
	size_t c, i;

	family(sb, starts, "counter", "Children the master started, by kind.");
	for (c = 0; c < 2; c++)
		sb_printf(sb, "%s{child=\"%s\"} %llu\n", starts,
		    child_names[c], get(&m->child_starts[c]));
	family(sb, ends, "counter", "Children that ended, by kind and how: "
	    "stopped (asked to), exited (on its own, status 0), failed (on "
	    "its own, another status), killed (by a signal not the "
	    "master's).");
	gone = 0;
	for (c = 0; c < 2; c++)
		for (i = 0; i < METRICS_EXIT_COUNT; i++) {
			sb_printf(sb, "%s{child=\"%s\",how=\"%s\"} %llu\n",
			    ends, child_names[c], exits[i],
			    get(&m->child_exits[c][i]));
			if (c == 0)
				gone += get(&m->child_exits[c][i]);
		}
	up = get(&m->child_starts[0]);
	single(sb, "benchingest_workers", "gauge", "Worker processes "
	    "running (during a reload, the old ones too).",
	    up > gone ? up - gone : 0);
	family(sb, "benchingest_start_time_seconds", "gauge",
	    "When the master started, in seconds since the epoch.");
	sb_printf(sb, "benchingest_start_time_seconds %lld\n",
	    (long long)m->started);
	family(sb, "benchingest_build_info", "gauge", "The version running.");
	sb_printf(sb, "benchingest_build_info{version=\"%s\"} 1\n",
	    PACKAGE_VERSION);
}

int
metrics_render(struct strbuf *sb, long long read_slots_limit)
{
	if (m == NULL)
		return -1;
	render_requests(sb);
	render_database(sb);
	render_reads(sb, read_slots_limit);
	render_processes(sb);
	return 0;
}

void
metrics_handle(struct http_request *req, struct route_ctx *ctx)
{
	struct api_error err;
	struct strbuf sb = { 0 };

	api_error_clear(&err);
	/* Outside the snippet's access rules it is not there at all. */
	if (!req->metrics_location)
		api_error_set(&err, 404, "not_found", NULL);
	else if (metrics_render(&sb, ctx->cfg->max_concurrent_reads) == -1)
		api_error_set(&err, 500, "internal", "the metrics are not "
		    "mapped");
	else if (sb.failed)
		api_error_oom(&err);
	if (err.status != 0)
		http_reply_error(req, &err);
	else
		http_reply_as(req, 200, "text/plain; version=0.0.4; "
		    "charset=utf-8", HTTP_NO_STORE, NULL, sb.data, sb.len);
	sb_free(&sb);
}
