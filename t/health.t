# GET /api/health (and /health): status, versions, the latest commit
# timestamp and per-table row counts; 405 for other methods; 503 while the
# database is down and 200 again once it is back, without a restart.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;
use JSON::PP ();
use Time::Local qw(timegm);

# Seconds since the epoch of an RFC 3339 date-time, or undef if it is not one.
sub rfc3339 {
	my ($s) = @_;
	return undef unless defined $s && $s =~ /\A(\d{4})-(\d\d)-(\d\d)[Tt]
	    (\d\d):(\d\d):(\d\d)(\.\d+)?([Zz]|[+-]\d\d:\d\d)\z/x;
	my $t = timegm($6, $5, $4, $3, $2 - 1, $1) + ($7 // 0);
	if ($8 =~ /([+-])(\d\d):(\d\d)/) {
		$t -= ($1 eq '-' ? -1 : 1) * ($2 * 3600 + $3 * 60);
	}
	return $t;
}

my $t = BenchTest->new(private_cluster => 1);
my $master = $t->master_pid;
my @workers = $t->wait_workers(2);
my ($version) = BenchTest::run_cmd([BenchTest::bin(), '-V'])->{stdout} =~
    /(\d+\.\d+\S*)/;

# The body's row counts must equal count(*) of each table.
sub counts_match {
	my ($r, $name) = @_;
	subtest $name => sub {
		is_deeply([sort keys %{ $r->{json}{row_counts} || {} }],
		    [sort $t->tables], 'row_counts has every table');
		ok(JSON::PP::is_bool($r->{json}{row_counts_exact}),
		    'row_counts_exact is a boolean');
		ok($r->{json}{row_counts_exact}, '... true on small tables');
		is_deeply($r->{json}{row_counts}, $t->row_counts,
		    'each count equals SELECT count(*)');
	};
}

subtest 'an empty database' => sub {
	my $r = $t->health;
	is($r->{status}, 200, 'status 200');
	like($r->{headers}{'content-type'}, qr{^application/json}, 'JSON');
	is($r->{json}{status}, 'ok', 'status ok');
	is($r->{json}{schema_version}, 1, 'schema_version 1');
	ok(defined $version, "benchingest -V says version $version");
	is($r->{json}{version}, $version, 'version is the package version');
	ok(exists $r->{json}{latest_commit_timestamp} &&
	    !defined $r->{json}{latest_commit_timestamp},
	    'latest_commit_timestamp is null');
	counts_match($r, 'row counts of an empty database');
	is_deeply($r->{json}{row_counts}, { map { $_ => 0 } $t->tables },
	    'all zero');
};

subtest 'after ingests' => sub {
	my $r = $t->ingest(BenchTest::envelope());
	is($r->{status}, 200, 'the sample envelope is ingested');
	$r = $t->health;
	is($r->{status}, 200, 'health 200');
	my $ts = $r->{json}{latest_commit_timestamp};
	ok(defined rfc3339($ts), "latest_commit_timestamp $ts is RFC 3339");
	is(rfc3339($ts), rfc3339('2026-06-18T11:59:00Z'),
	    "... the envelope's commit timestamp 2026-06-18T11:59:00Z");
	counts_match($r, 'one row in each table');
	is_deeply($r->{json}{row_counts}, { map { $_ => 1 } $t->tables },
	    'one of each');

	my $older = BenchTest::with_sha(BenchTest::envelope(
	    'commit.timestamp' => '2026-06-01T00:00:00Z'), BenchTest::random_sha());
	is($t->ingest($older)->{status}, 200, 'an older commit is ingested');
	is(rfc3339($t->health->{json}{latest_commit_timestamp}),
	    rfc3339('2026-06-18T11:59:00Z'), 'the latest stays the newest');

	is($t->ingest(BenchTest::big_envelope_json(40,
	    timestamp => '2026-06-19T08:30:00+02:00'))->{status}, 200,
	    'a newer commit with a +02:00 offset and 40 records');
	$r = $t->health;
	$ts = $r->{json}{latest_commit_timestamp};
	ok(defined rfc3339($ts), "latest_commit_timestamp $ts is RFC 3339");
	is(rfc3339($ts), rfc3339('2026-06-19T06:30:00Z'),
	    '... the same instant as 2026-06-19T08:30:00+02:00');
	counts_match($r, 'counts after three envelopes');
	is($r->{json}{row_counts}{query_measurements}, 42,
	    '42 query measurements');
	is($r->{json}{row_counts}{commits}, 3, '3 commits');
};

subtest '/health is the same as /api/health' => sub {
	my $api = $t->health;
	my $alias = $t->request(GET => "/health");
	is($alias->{status}, 200, '/health: 200');
	is($alias->{content}, $api->{content}, 'the same body');
	is($alias->{headers}{"content-type"}, $api->{headers}{"content-type"},
	    'the same content type');
};

subtest 'other methods: 405 with Allow' => sub {
	for my $path ('/api/health', '/health') {
		for my $method (qw(POST PUT DELETE)) {
			my $r = $t->request($method, $path,
			    { 'Content-Type' => 'application/json' }, '{}');
			is($r->{status}, 405, "$method $path: 405");
			like($r->{headers}{allow} // '', qr/\bGET\b/,
			    '... Allow names GET');
			unlike($r->{headers}{allow} // '', qr/\b$method\b/,
			    "... and not $method");
		}
	}
};

subtest 'database down: 503, then 200 again without a restart' => sub {
	ok($t->cluster_stop, 'the database is stopped');
	for my $path ('/api/health', '/health') {
		for my $i (1 .. 3) {
			my $r = $t->request(GET => $path);
			is($r->{status}, 503, "$path: 503 ($i)");
			is_deeply($r->{json}, { status => 'unavailable' },
			    '... {"status":"unavailable"}');
		}
	}
	ok($t->cluster_start, 'the database is started again');
	my $r = $t->health;
	is($r->{status}, 200, 'the next health answers 200');
	is($r->{json}{status}, 'ok', '... status ok');
	is_deeply([map { $t->health->{status} } 1 .. 6], [(200) x 6],
	    'and so do the following ones');
	counts_match($t->health, 'the counts are right again');
	is($t->master_pid, $master, 'the same master');
	is_deeply([$t->worker_pids], \@workers, 'the same workers');
	is($t->ingest(BenchTest::with_sha(BenchTest::envelope(),
	    BenchTest::random_sha()))->{status}, 200, 'ingest works again too');
};

subtest 'a database that was never reachable: 503' => sub {
	my $port = BenchTest::free_port();
	my $d = BenchTest->new(
	    database => "host=127.0.0.1 port=$port dbname=none user=bench_ingest");
	my $r = $d->health;
	is($r->{status}, 503, 'status 503');
	is_deeply($r->{json}, { status => 'unavailable' },
	    '{"status":"unavailable"}');
	unlike($r->{content}, qr/\Q$port\E|refused|127\.0\.0\.1/,
	    'the body says nothing about the connection');
};

done_testing;
