#!/usr/bin/perl
# GET /metrics through the shipped nginx snippet, with real workers and a
# real Postgres: Prometheus's text format (t/lib/Exposition.pm's strict
# reader, and promtool where it is installed), every family documented in
# benchingest(8); counters that move as requests are made (ingest, reads,
# a 4xx, a 5xx, database errors and retries, the listener, a worker
# killed, a reload), summed over the workers and kept when they die.  The
# page answers this host, another address only once an allow file names
# it, is never cached, and does not exist for a FastCGI client that is
# not the snippet's location.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use BenchTest qw(envelope with_sha wait_for random_sha);
use Exposition;
use FastCGI;
use HTTP::Tiny;
use JSON::PP;
use MIME::Base64 qw(encode_base64);
use Test::More;

my $top = "$FindBin::Bin/..";
my $addr = '127.0.0.1:' . BenchTest::free_port();
my $t = BenchTest->new(workers => 2, listen => $addr,
    config => { read_timeout => 1000 });
my $promtool = (grep { -x } map { "$_/promtool" } split /:/, $ENV{PATH})[0];

sub get_metrics {
	my (%o) = @_;
	my $http = HTTP::Tiny->new(timeout => 30, keep_alive => 0,
	    $o{from} ? (local_address => $o{from}) : ());
	return $http->request($o{method} // 'GET', $t->base_url . '/metrics');
}

# The page now, parsed; a test fails (and says why) if it is not valid.
sub scrape {
	my $r = get_metrics();
	is($r->{status}, 200, 'GET /metrics: 200') or return {};
	my $m = eval { Exposition::parse($r->{content}) };
	ok($m, '... valid text exposition') or diag($@);
	return $m // {};
}
sub v { my ($m, $name, %l) = @_; Exposition::value($m, $name, %l) // 0 }
sub delta { my ($a, $b, @k) = @_; v($b, @k) - v($a, @k) }

# ---- the page itself
my $r = get_metrics();
is($r->{status}, 200, 'GET /metrics from 127.0.0.1 through nginx: 200');
is($r->{headers}{'content-type'}, 'text/plain; version=0.0.4; charset=utf-8',
    '... in the text format, version 0.0.4');
is($r->{headers}{'cache-control'}, 'no-store', '... never to be stored');
my $page = eval { Exposition::parse($r->{content}) };
ok($page, '... that a strict reader parses') or diag($@);
SKIP: {
	skip 'promtool is not installed (package prometheus)', 1 unless $promtool;
	my $c = BenchTest::run_cmd([$promtool, 'check', 'metrics'],
	    stdin => $r->{content});
	is($c->{exit}, 0, '... and promtool check metrics passes')
	    or diag("$c->{stdout}$c->{stderr}");
}
$r = get_metrics(method => 'HEAD');
is($r->{status}, 200, 'HEAD /metrics: 200');
is($r->{content} // '', '', '... without a body');

# The error classes the sources answer with are the label values the
# metrics know (src/error.c); an unknown one would not be counted.
my ($classes) = BenchTest::slurp("$top/src/error.c") =~
    /api_error_classes\[\] = \{(.*?)\};/s;
my %known = map { $_ => 1 } ($classes // '') =~ /"(\w+)"/g;
my %used;
for my $f (glob "$top/src/*.c") {
	my $c = BenchTest::slurp($f);
	$used{$_} = 1 for $c =~ /api_error_set\([^;]*?, \d{3}, "(\w+)"/sg,
	    $c =~ /error_class = "(\w+)"/g;
}
cmp_ok(scalar keys %used, '>=', 10, 'found the error classes in src/');
is_deeply([grep { !$known{$_} } sort keys %used], [],
    '... each of them a label value of the metrics');

# ---- counters move as requests are made
wait_for(sub { $t->listener_pid }, 10);
ok(wait_for(sub { v(scrape(), 'benchingest_listener_up') == 1 }, 10),
    'the listener is up');
my $m0 = scrape();
cmp_ok(v($m0, 'benchingest_listener_last_ping_age_seconds'), '<', 5,
    '... its last answered ping is recent');
is(v($m0, 'benchingest_workers'), 2, 'benchingest_workers: 2');
is(v($m0, 'benchingest_child_starts_total', child => 'worker'), 2,
    '... 2 workers started');
is(v($m0, 'benchingest_child_starts_total', child => 'listener'), 1,
    '... and 1 listener');
is(v($m0, 'benchingest_read_slots_limit'), 1,
    'benchingest_read_slots_limit: max_concurrent_reads (half of 2 workers)');

my $m1 = scrape();
is(delta($m0, $m1, 'benchingest_http_requests_total', route => '/metrics',
    status => 200), 1, 'a scrape counts itself in the next one');

my $sha = random_sha();
my $env = with_sha(envelope(), $sha);
is($t->ingest($env)->{status}, 200, 'an ingest of 5 records');
my $m2 = scrape();
is(delta($m1, $m2, 'benchingest_http_requests_total', route => '/api/ingest',
    status => 200), 1, '... counted by route and status');
is(delta($m1, $m2, 'benchingest_http_request_duration_seconds_count',
    route => '/api/ingest'), 1, '... in its route\'s histogram');
cmp_ok(delta($m1, $m2, 'benchingest_http_request_duration_seconds_sum',
    route => '/api/ingest'), '>', 0, '... with its time');
is(delta($m1, $m2, 'benchingest_ingest_records_total'), 5, '... 5 records');
is(delta($m1, $m2, 'benchingest_ingest_records_inserted_total'), 5,
    '... 5 inserted');
is(delta($m1, $m2, 'benchingest_ingest_records_updated_total'), 0,
    '... none updated');
cmp_ok(delta($m1, $m2, 'benchingest_read_cache_generation_changes_total'),
    '>=', 1, '... the read cache generation changed');
ok(wait_for(sub { v(scrape(), 'benchingest_listener_notifications_total') >
    v($m1, 'benchingest_listener_notifications_total') }, 10),
    '... and the listener got its notification');

$m1 = scrape();
is($t->ingest($env)->{status}, 200, 'the same envelope again');
$m2 = scrape();
is(delta($m1, $m2, 'benchingest_ingest_records_inserted_total'), 0,
    '... none inserted');
is(delta($m1, $m2, 'benchingest_ingest_records_updated_total'), 5,
    '... 5 updated');

# A 4xx: no records counted, the error class is.
$m1 = scrape();
is($t->ingest($env, token => 'wrong')->{status}, 401, 'an ingest with a wrong token: 401');
is($t->request('GET', '/api/nothing')->{status}, 404, 'a path no route has: 404');
$m2 = scrape();
is(delta($m1, $m2, 'benchingest_http_requests_total', route => '/api/ingest',
    status => 401), 1, '... the 401 counted');
is(delta($m1, $m2, 'benchingest_http_request_errors_total',
    route => '/api/ingest', class => 'unauthorized'), 1, '... as unauthorized');
is(delta($m1, $m2, 'benchingest_ingest_records_total'), 0,
    '... its records are not');
is(delta($m1, $m2, 'benchingest_http_requests_total', route => 'none',
    status => 404), 1, '... the 404 under route "none"');
is(delta($m1, $m2, 'benchingest_http_request_errors_total', route => 'none',
    class => 'not_found'), 1, '... as not_found');

# Reads: every one asks for its cache key; one the cache answers never
# reaches a worker.
$m1 = scrape();
is($t->request('GET', '/api/groups')->{status}, 200, 'a read after the commit');
is($t->request('GET', '/api/groups')->{status}, 200, '... and another');
$m2 = scrape();
is(delta($m1, $m2, 'benchingest_read_cache_key_probes_total', result => 'key'), 2,
    '... nginx asked for their cache key twice');
my $reads = delta($m1, $m2, 'benchingest_http_requests_total',
    route => '/api/groups', status => 200);
ok($reads >= 1 && $reads <= 2, "... the first, at least, reached a worker ($reads)");
is(delta($m1, $m2, 'benchingest_read_cache_key_probes_total', result => 'no_key'), 0,
    '... no key refused');

# A 5xx: a read over read_timeout, behind a lock.
sub b64url { my $s = encode_base64($_[0], ''); $s =~ tr{+/}{-_}; $s =~ s/=+$//; $s }
my $vsg = '/api/group/vsg.' . b64url(encode_json({ k => 'VectorSearchGroup',
    dataset => 'metrics', layout => 'flat' }));
my $lock = $t->new_dbh;
$lock->begin_work;
$lock->do('LOCK TABLE vector_search_runs IN ACCESS EXCLUSIVE MODE');
$m1 = scrape();
is($t->request('GET', $vsg)->{status}, 503, 'a read stuck behind a lock: 503');
$lock->rollback;
$m2 = scrape();
is(delta($m1, $m2, 'benchingest_http_requests_total', route => '/api/group/',
    status => 503), 1, '... counted');
is(delta($m1, $m2, 'benchingest_http_request_errors_total',
    route => '/api/group/', class => 'unavailable'), 1, '... as unavailable');
is(delta($m1, $m2, 'benchingest_db_errors_total', kind => 'timeout'), 1,
    '... a database timeout');

# The workers' sessions killed: the next ingest reconnects and retries.
my $dbh = $t->dbh;
sub sessions {
	return $dbh->selectcol_arrayref(q{SELECT pid FROM pg_stat_activity
	    WHERE datname = current_database() AND application_name = ?},
	    undef, $_[0]);
}
ok(wait_for(sub { @{ sessions('benchingest') } == 2 }, 10),
    'each worker has its session');
$m1 = scrape();
$dbh->do('SELECT pg_terminate_backend(pid) FROM pg_stat_activity
    WHERE datname = current_database() AND application_name = ?', undef,
    'benchingest');
is($t->ingest(with_sha(envelope(), random_sha()))->{status}, 200,
    'an ingest after the sessions were terminated: 200');
$m2 = scrape();
is(delta($m1, $m2, 'benchingest_db_retries_total', reason => 'connection_lost'), 1,
    '... after one retry on a lost connection');
cmp_ok(delta($m1, $m2, 'benchingest_db_errors_total', kind => 'connection_lost'),
    '>=', 1, '... which is a database error');

# The listener's session killed: it starts another.
my $sessions = v($m2, 'benchingest_listener_sessions_total');
$dbh->do('SELECT pg_terminate_backend(pid) FROM pg_stat_activity
    WHERE datname = current_database() AND application_name = ?', undef,
    'benchingest listener');
ok(wait_for(sub { my $m = scrape();
    v($m, 'benchingest_listener_sessions_total') > $sessions &&
    v($m, 'benchingest_listener_up') == 1 }, 20),
    'the listener\'s session terminated: it starts another, counted');

# Counted in one place for every worker: the sum of their requests.
$m1 = scrape();
my $mark = $t->log_mark;
is($t->health->{status}, 200, "GET /api/health $_") for 1 .. 10;
$m2 = scrape();
is(delta($m1, $m2, 'benchingest_http_requests_total', route => '/api/health',
    status => 200), 10, 'ten health checks: +10, whichever worker answered');
my %pids = map { $_ => 1 } $t->log_since($mark) =~ /benchingest\[(\d+)\]: info: GET \/api\/health/g;
note('answered by workers ' . join(' ', sort keys %pids));

# A worker killed: counted, replaced, and nothing counted before is lost.
my ($victim) = $t->worker_pids;
$m1 = scrape();
ok(kill('KILL', $victim), "kill -9 worker $victim");
ok(wait_for(sub { my @w = $t->worker_pids; @w == 2 && !grep { $_ == $victim } @w }, 30),
    '... the master starts another');
$m2 = scrape();
is(delta($m1, $m2, 'benchingest_child_exits_total', child => 'worker',
    how => 'killed'), 1, '... its death counted as killed');
is(delta($m1, $m2, 'benchingest_child_starts_total', child => 'worker'), 1,
    '... and its replacement started');
is(v($m2, 'benchingest_workers'), 2, '... 2 workers');
for my $k (['/api/ingest', 200], ['/api/health', 200], ['/api/ingest', 401]) {
	is(v($m2, 'benchingest_http_requests_total', route => $k->[0],
	    status => $k->[1]), v($m1, 'benchingest_http_requests_total',
	    route => $k->[0], status => $k->[1]),
	    "... requests to $k->[0] with $k->[1] still counted");
}
is(v($m2, 'benchingest_ingest_records_total'),
    v($m1, 'benchingest_ingest_records_total'), '... records still counted');

# A reload replaces every child; the counts stay.
my @old = $t->worker_pids;
$m1 = scrape();
$t->signal('HUP');
ok(wait_for(sub { my @w = $t->worker_pids; @w == 2 &&
    !grep { my $p = $_; grep { $_ == $p } @old } @w }, 30),
    'SIGHUP: both workers replaced');
ok(wait_for(sub { delta($m1, scrape(), 'benchingest_child_exits_total',
    child => 'worker', how => 'stopped') == 2 }, 30),
    '... the old ones counted as stopped');
$m2 = scrape();
is(v($m2, 'benchingest_ingest_records_total'),
    v($m1, 'benchingest_ingest_records_total'), '... the counts kept');
is(delta($m1, $m2, 'benchingest_child_exits_total', child => 'worker',
    how => 'killed'), 0, '... no worker killed');

# Every family is in benchingest(8)'s METRICS, with its type and labels,
# and the page has every family the man page lists; on the page as it is
# after all the above, where every family has samples.
$page = scrape();
my ($section) = (BenchTest::slurp("$top/man/benchingest.8") // '') =~
    /^\.SH METRICS\n(.*?)^\.SH /ms;
my %doc;
while (($section // '') =~ /^\.TP\n\.B (benchingest_\w+)\n(.*?)(?=^\.(?:TP|SS|SH|PP)\b|\z)/msg) {
	my ($name, $entry) = ($1, $2);
	$entry = join ' ', map { s/^\.[BIR]{1,2} //r } split /\n/, $entry;
	$entry =~ s/\\f[BIRP]//g;
	$entry =~ s/"//g;
	my ($type, $labels) = $entry =~
	    /^(Counter|Gauge|Histogram)(?:, by (.*?)\s*[:.;])?/;
	$doc{$name} = { type => lc($type // '?'),
	    labels => [sort split /,\s*|\s+and\s+/, $labels // ''] };
}
cmp_ok(scalar keys %doc, '>=', 20, 'benchingest(8) METRICS lists the families');
my %labels;
for my $k (keys %{ $page->{series} || {} }) {
	my ($name, $l) = $k =~ /^(\w+?)(?:_bucket|_sum|_count)?(?:\{(.*)\})?$/;
	$name = $1 if $k =~ /^(\w+)_(?:bucket|sum|count)\b/ &&
	    ($page->{type}{$1} // '') eq 'histogram';
	$labels{$name}{$_} = 1 for grep { $_ ne 'le' } ($l // '') =~ /(\w+)="/g;
}
for my $name (sort keys %{ $page->{type} || {} }) {
	ok($doc{$name}, "benchingest(8) documents $name") or next;
	is($doc{$name}{type}, $page->{type}{$name}, "... as a $page->{type}{$name}");
	is_deeply($doc{$name}{labels}, [sort keys %{ $labels{$name} || {} }],
	    '... with its labels');
}
is_deeply([grep { !$page->{type}{$_} } sort keys %doc], [],
    'the page has every family benchingest(8) lists');

# ---- who may scrape
$r = get_metrics(from => '127.0.0.2');
is($r->{status}, 403, 'GET /metrics from 127.0.0.2: 403 from nginx');
my $h = HTTP::Tiny->new(local_address => '127.0.0.2', keep_alive => 0)
    ->get($t->base_url . '/api/health');
is($h->{status}, 200, '... which serves it the other routes');
mkdir $t->dir . '/snippets';
BenchTest::spew($t->dir . '/snippets/benchingest-metrics-allow-test.conf',
    "allow 127.0.0.2;\n");
ok(kill('HUP', $t->nginx_pid), 'an allow file for 127.0.0.2, nginx reloaded');
ok(wait_for(sub { get_metrics(from => '127.0.0.2')->{status} == 200 }, 20),
    '... 127.0.0.2 may scrape');
is(get_metrics(from => '127.0.0.3')->{status}, 403, '... 127.0.0.3 still not');

# Straight to a worker, without the snippet's marker: no such page.
my $q = { REQUEST_METHOD => 'GET', DOCUMENT_URI => '/metrics',
    REQUEST_URI => '/metrics', QUERY_STRING => '' };
$r = FastCGI::request($addr, $q, '', 10);
is($r && $r->{status}, 404, 'FastCGI GET /metrics without BENCHINGEST_METRICS: 404');
like($r && $r->{body}, qr/"error":"not_found"/, '... not_found');
$r = FastCGI::request($addr, { %$q, BENCHINGEST_METRICS => 1 }, '', 10);
is($r && $r->{status}, 200, '... with it: 200');

done_testing;
