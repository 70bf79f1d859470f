#!/usr/bin/perl
# Cached reads and their invalidation, through nginx's cache as shipped:
# repeated reads never reach benchingest (so never Postgres); ETag and
# If-None-Match give 304; and within a second of a commit every host reads
# the new data: after an ingest, after a path-B write plus revalidate, on a
# second host sharing the database, while the listener hears nothing, and
# after the listener was killed.  (t/read-your-writes.t: on the host that
# took the write, the very next read.)
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use BenchTest qw(envelope with_sha wait_for);
use Test::More;
use Time::HiRes qw(time sleep);

my $a = BenchTest->new;

sub sha { sprintf '%040x', 0xcac4e000 + $_[0] }
sub commit_env {
	my ($i, $value) = @_;
	my $env = envelope(records => [{ kind => 'query_measurement',
	    commit_sha => sha($i), dataset => 'tpch', scale_factor => '1',
	    query_idx => 1, storage => 'nvme', engine => 'datafusion',
	    format => 'parquet', value_ns => $value, all_runtimes_ns => [1] }]);
	with_sha($env, sha($i));
	$env->{commit}{timestamp} = sprintf '2026-07-%02dT10:00:00Z', $i;
	return $env;
}
is($a->ingest(commit_env(1, 100))->{status}, 200, 'first commit');

my $groups = $a->request('GET', '/api/groups');
my $slug = $groups->{json}{groups}[0]{charts}[0]{slug};
my $path = "/api/chart/$slug";
ok($slug, 'a chart to read');

# Reads that reached benchingest are the lines it logged for the path.
sub backend_reads {
	my ($t, $mark) = @_;
	my $prefix = substr($path, 0, 100);
	return scalar(() = $t->log_since($mark) =~ /GET \Q$prefix\E/g);
}
sub last_value {
	my ($t) = @_;
	my $r = $t->request('GET', $path);
	return undef unless $r->{status} == 200;
	return $r->{json}{series}{'datafusion:parquet'}[-1];
}
# Polls a host until the chart's newest value is $want; returns the seconds
# it took, or undef after 3 s.
sub seen_within {
	my ($t, $want) = @_;
	my $start = time;
	while (time - $start < 3) {
		my $v = last_value($t);
		return time - $start if defined $v && $v == $want;
		sleep 0.02;
	}
	return undef;
}

# ---- cached
wait_for(sub { $a->listener_pid }, 10);
sleep 0.3;		# the listener's session is up
my $mark = $a->log_mark;
my @r = map { $a->request('GET', $path) } 1 .. 5;
is_deeply([map { $_->{status} } @r], [(200) x 5], 'five reads of one chart');
is(backend_reads($a, $mark), 1, 'only the first reached benchingest');
is(scalar(keys %{{ map { $_->{content} => 1 } @r }}), 1, 'all five the same');
ok($a->wait_cached('/api/groups'), '/api/groups is cached too');
$mark = $a->log_mark;
$a->request('GET', '/api/groups?fresh=1') for 1 .. 3;
is(scalar(() = $a->log_since($mark) =~ m{GET /api/groups }g), 0,
    '... and a query string is not part of its key');

# ---- ETag, If-None-Match
my $etag = $r[0]{headers}{etag};
like($etag, qr/^"[0-9a-f]{16}"$/, 'an ETag');
is($r[4]{headers}{etag}, $etag, 'the cached copy has the same ETag');
$mark = $a->log_mark;
my $nm = $a->request('GET', $path, { 'If-None-Match' => $etag });
is($nm->{status}, 304, 'If-None-Match with the ETag: 304');
is($nm->{content}, '', '... without a body');
is($a->request('GET', $path, { 'If-None-Match' => qq{"x", W/$etag} })->{status}, 304,
    'a weak ETag in a list matches too');
is($a->request('GET', $path, { 'If-None-Match' => '"0000000000000000"' })->{status}, 200,
    'another ETag: 200');
is(backend_reads($a, $mark), 0, 'none of that reached benchingest');

# ---- ingest invalidates
is($a->ingest(commit_env(2, 200))->{status}, 200, 'a new commit through /api/ingest');
my $secs = seen_within($a, 200);
ok(defined $secs && $secs < 1, 'the next reads show it within a second')
    or diag('took ' . ($secs // 'over 3') . ' s');
my $fresh = $a->request('GET', $path);
isnt($fresh->{headers}{etag}, $etag, 'with a new ETag');
is($a->request('GET', $path, { 'If-None-Match' => $etag })->{status}, 200,
    'the old ETag no longer gives 304');

# ---- path B: a direct write is not seen until revalidate
my $dbh = $a->dbh;
sub direct_write {
	my ($i, $value) = @_;
	$dbh->do(q{INSERT INTO commits (commit_sha, timestamp, tree_sha, url)
	    VALUES (?, ?, 'tree', 'https://example.com')}, undef, sha($i),
	    sprintf('2026-07-%02d 10:00:00+00', $i));
	$dbh->do(q{INSERT INTO query_measurements (measurement_id, commit_sha,
	    dataset, scale_factor, query_idx, storage, engine, format, value_ns,
	    all_runtimes_ns, commit_timestamp) VALUES (?, ?, 'tpch', '1', 1,
	    'nvme', 'datafusion', 'parquet', ?, '{1}', ?)}, undef, 900000 + $i,
	    sha($i), $value, sprintf('2026-07-%02d 10:00:00+00', $i));
}
ok($a->wait_cached($path), 'reads are cached again (the listener heard the commit too)');
direct_write(3, 300);
sleep 0.5;
is(last_value($a), 200, 'a path-B write without revalidate: the cache still answers');
my $rv = $a->revalidate;
is($rv->{status}, 200, 'POST /api/revalidate');
$secs = seen_within($a, 300);
ok(defined $secs && $secs < 1, 'after revalidate the next reads show the path-B rows')
    or diag('took ' . ($secs // 'over 3') . ' s');

# ---- a second host on the same database
my $b = BenchTest->new(database => $a->ingest_conninfo);
wait_for(sub { $b->listener_pid }, 10);
sleep 0.3;
is(last_value($b), 300, 'a second host reads the same data');
$mark = $b->log_mark;
is(last_value($b), 300, '... and caches it');
is(backend_reads($b, $mark), 0, '... without asking its workers again');
is($a->ingest(commit_env(4, 400))->{status}, 200, 'a commit through the first host');
$secs = seen_within($b, 400);
ok(defined $secs && $secs < 1, 'the second host shows it within a second')
    or diag('took ' . ($secs // 'over 3') . ' s');
direct_write(5, 500);
is($b->revalidate->{status}, 200, 'revalidate on the second host');
$secs = seen_within($a, 500);
ok(defined $secs && $secs < 1, '... flushes the first host too')
    or diag('took ' . ($secs // 'over 3') . ' s');

# ---- a listener that hears nothing (a session dead without a word, a hung
# process) cannot keep old answers served: the cache is used only while its
# session keeps answering pings.  (A commit through the host itself is seen
# at once whatever the listener does: the commit comes from the other one.)
my $stuck = $a->listener_pid;
last_value($a);
kill 'STOP', $stuck;
is($b->ingest(commit_env(6, 600))->{status}, 200,
    'a commit through the other host while the listener hears nothing');
$secs = seen_within($a, 600);
ok(defined $secs && $secs < 1, '... is seen within a second all the same')
    or diag('took ' . ($secs // 'over 3') . ' s');
$mark = $a->log_mark;
last_value($a) for 1 .. 3;
is(backend_reads($a, $mark), 3, '... and reads go to the database meanwhile');
kill 'CONT', $stuck;
ok(wait_for(sub {
	my $m = $a->log_mark;
	last_value($a);
	backend_reads($a, $m) == 0;
}, 10), 'once it answers again, reads are cached again');

# ---- the listener is a managed child
my $old = $a->listener_pid;
kill 'KILL', $old;
ok(wait_for(sub { my $p = $a->listener_pid; $p && $p != $old }, 10),
    'a killed listener is replaced by the master');
like($a->log, qr/listener \Q$old\E killed by signal 9/, '... and its death logged');
sleep 0.3;
last_value($a);
is($a->ingest(commit_env(7, 700))->{status}, 200, 'a commit after that');
$secs = seen_within($a, 700);
ok(defined $secs && $secs < 1, 'is seen within a second: the new listener works')
    or diag('took ' . ($secs // 'over 3') . ' s');
$a->signal('HUP');
ok(wait_for(sub { my $p = $a->listener_pid; $p && $p != $old }, 10),
    'after a reload there is a listener');
sleep 0.5;
is($a->ingest(commit_env(8, 800))->{status}, 200, 'a commit after a reload');
$secs = seen_within($a, 800);
ok(defined $secs && $secs < 1, 'is seen within a second')
    or diag('took ' . ($secs // 'over 3') . ' s');

done_testing;
