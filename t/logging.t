# The request log: exactly one line per request with an RFC 3339 UTC
# timestamp, method, path, status, records, inserted, updated, ms, sha and
# error; nothing a client or the database sends can split it or forge a
# field (fields are escaped, the reason quoted); long paths are kept whole;
# tokens, the Authorization header and bodies never appear; a 500 tells the
# client only "internal" while the log line has the reason.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;

my $t = BenchTest->new(config => { statement_timeout => 1500 });
my $sample_sha = BenchTest::envelope()->{commit}{sha};
my $wrong = 'WRONGTOKEN-' . BenchTest::random_sha();
my $marker = 'BODYMARKER-' . BenchTest::random_sha();

my $line_re = qr{^(?<time>\S+)\ benchingest\[(?<pid>\d+)\]:\ (?<level>\w+):\ (?<method>\S+)
    \ (?<path>\S+)\ status=(?<status>\d{3})\ records=(?<records>\S+)
    \ inserted=(?<inserted>\S+)\ updated=(?<updated>\S+)
    \ ms=(?<ms>\d+(?:\.\d+)?)\ sha=(?<sha>\S+)\ error=(?<error>\S+)
    (?:\ reason="(?<reason>(?:[^"\\\n]|\\.)*)")?$}x;

# Runs $code (one request) and returns its response and the request lines
# logged since, waiting for the first one.
sub logged {
	my ($code) = @_;
	my $mark = $t->log_mark;
	my $r = $code->();
	my @lines;
	BenchTest::wait_for(sub {
		@lines = grep { / status=\d/ } split /\n/, $t->log_since($mark);
		scalar @lines;
	}, 30);
	return ($r, @lines);
}

# The fields of the single line, checked against %want.
sub one_line {
	my ($name, $code, %want) = @_;
	my ($r, @lines) = logged($code);
	subtest $name => sub {
		is($r->{status}, $want{status}, "answers $want{status}")
		    or diag $r->{content};
		is(scalar @lines, 1, 'exactly one log line') or diag explain \@lines;
		my $line = $lines[0] // '';
		ok($line =~ $line_re, 'the line has every field') or diag $line;
		my %f = %+;
		for my $k (sort keys %want) {
			is($f{$k}, $want{$k}, "$k=$want{$k}");
		}
		my $level = $want{status} >= 500 ? 'error' : 'info';
		is($f{level}, $level, "logged at level $level");
	};
	return ($r, $lines[0]);
}

my $good = BenchTest::envelope('commit.message' => "Fix it\n$marker");

one_line('GET /api/health', sub { $t->health },
    method => 'GET', path => '/api/health', status => 200, records => '-',
    inserted => '-', updated => '-', sha => '-', error => '-');

one_line('an ingest that inserts', sub { $t->ingest($good) },
    method => 'POST', path => '/api/ingest', status => 200, records => 5,
    inserted => 5, updated => 0, sha => $sample_sha, error => '-');

one_line('an ingest that updates', sub { $t->ingest($good) },
    method => 'POST', path => '/api/ingest', status => 200, records => 5,
    inserted => 0, updated => 5, sha => $sample_sha, error => '-');

one_line('an ingest with a wrong token',
    sub { $t->ingest($good, token => $wrong) },
    method => 'POST', path => '/api/ingest', status => 401, records => '-',
    inserted => '-', updated => '-', error => 'unauthorized');

one_line('an ingest with a lower-case scheme',
    sub { $t->ingest($good, authorization => 'bearer ' . $t->ingest_token) },
    method => 'POST', path => '/api/ingest', status => 401,
    error => 'unauthorized');

one_line('a malformed ingest', sub { $t->ingest(qq({"run_meta":{}, "x":"$marker"})) },
    method => 'POST', path => '/api/ingest', status => 400, records => '-',
    inserted => '-', updated => '-', error => 'malformed');

{
	my $bad = BenchTest::envelope('commit.message' => $marker);
	$bad->{records}[3]{commit_sha} = BenchTest::random_sha();
	one_line('an ingest with a bad record', sub { $t->ingest($bad) },
	    method => 'POST', path => '/api/ingest', status => 400, records => 5,
	    inserted => '-', updated => '-', error => 'record');
}

one_line('the wrong content type',
    sub { $t->ingest($good, content_type => 'text/plain') },
    method => 'POST', path => '/api/ingest', status => 415,
    error => 'unsupported_media_type');

one_line('GET /api/ingest', sub { $t->request(GET => '/api/ingest') },
    method => 'GET', path => '/api/ingest', status => 405);

one_line('an unknown path', sub { $t->request(GET => '/api/nothing-here') },
    method => 'GET', path => '/api/nothing-here', status => 404,
    error => 'not_found');

one_line('a revalidate', sub { $t->revalidate },
    method => 'POST', path => '/api/revalidate', status => 200, error => '-');

one_line('a revalidate with a wrong token',
    sub { $t->revalidate(token => $wrong) },
    method => 'POST', path => '/api/revalidate', status => 401,
    error => 'unauthorized');

subtest 'nothing a client sends splits a line' => sub {
	my ($r, @lines) = logged(sub {
		$t->request(GET => '/api/a%0Ainjected%0D%22b%20c?x=%0Ay')
	});
	is($r->{status}, 404, 'an encoded newline in the path: 404');
	is(scalar @lines, 1, 'one log line');
	like($lines[0] // '', $line_re, '... with every field');
	unlike($t->log, qr/^injected/m, 'no line starts with the injected text');

	my $odd = "odd sha\nwith \"quotes\"";
	my $env = BenchTest::with_sha(BenchTest::envelope(), $odd);
	($r, @lines) = logged(sub { $t->ingest($env) });
	is($r->{status}, 200, 'a commit sha with a newline is ingested');
	is(scalar @lines, 1, 'one log line');
	like($lines[0] // '', $line_re, '... with every field');
	unlike($t->log, qr/^with "quotes"/m, 'the sha did not start a line');
	like($lines[0] // '', qr/ sha=odd\?sha\?with\?\?quotes\? error=-$/,
	    '... its space, newline and quotes replaced');
};

subtest 'every line starts with an RFC 3339 UTC time with a fraction' => sub {
	my ($r, @lines) = logged(sub { $t->health });
	my ($time) = ($lines[0] // '') =~ /^(\S+) /;
	like($time // '', qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/,
	    'YYYY-MM-DDTHH:MM:SS.ffffffZ');
	my ($y, $mo, $d, $h, $mi, $s) = ($time // '') =~
	    /^(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+\.\d+)Z$/;
	my @now = gmtime;
	is(sprintf('%04d-%02d-%02d', $y // 0, $mo // 0, $d // 0),
	    sprintf('%04d-%02d-%02d', $now[5] + 1900, $now[4] + 1, $now[3]),
	    'today, in UTC');
	cmp_ok(abs(($h // 0) * 3600 + ($mi // 0) * 60 + ($s // 0) -
	    ($now[2] * 3600 + $now[1] * 60 + $now[0])) % 86400, '<', 60,
	    'and now, give or take a minute');
	my @all = grep { length } split /\n/, $t->log;
	is(scalar(grep { !/^\d{4}-\d\d-\d\dT[\d:]{8}\.\d{6}Z benchingest\[\d+\]: (?:error|warn|info|debug): / } @all),
	    0, 'so does every other line, start-up lines included');
};

subtest 'a path is escaped, never cut short, and cannot forge a field' => sub {
	my $long = '/api/chart/qm.' . ('A' x 900);
	my ($r, @lines) = logged(sub { $t->request(GET => $long) });
	is($r->{status}, 400, 'a 900-character slug: 400');
	ok(($lines[0] // '') =~ $line_re, 'one line with every field');
	my %f = %+;
	is($f{path}, $long, 'the whole path is logged, not its first 127 bytes');

	($r, @lines) = logged(sub {
		$t->request(GET => '/api/x%20status=200%20error=-%22%5C%C3%A9')
	});
	is($r->{status}, 404, 'a path with spaces, a quote, a backslash, UTF-8');
	is(scalar @lines, 1, 'one line');
	ok(($lines[0] // '') =~ $line_re, '... with every field');
	%f = %+;
	is($f{path}, '/api/x\x20status=200\x20error=-\"\\\\\xc3\xa9',
	    '... the path escaped: \x20 for a space, \" and \\, \xHH beyond ASCII');
	is($f{status}, 404, '... and the real status is the one read');
	is(() = ($lines[0] // '') =~ / status=/g, 1, 'one status= field only');
};

subtest 'a 500 says "internal"; the log says why' => sub {
	my $before = $t->row_counts;
	my $locker = $t->new_dbh;
	$locker->begin_work;
	$locker->do('LOCK TABLE query_measurements IN SHARE MODE');
	my ($r, $line) = one_line('an ingest past statement_timeout',
	    sub { $t->ingest(BenchTest::with_sha(BenchTest::envelope(),
		BenchTest::random_sha())) },
	    method => 'POST', path => '/api/ingest', status => 500,
	    records => 5, error => 'internal');
	$locker->rollback;
	$locker->disconnect;
	is_deeply($r->{json}, { error => 'internal' },
	    'the body is exactly {"error":"internal"}');
	unlike($r->{content},
	    qr/statement|timeout|cancel|query_measurements|postgres|57014/i,
	    'no internals in the body');
	like($line // '', qr/reason="[^"]*statement timeout[^"]*"/,
	    'the log line has the reason');
	is_deeply($t->row_counts, $before, 'nothing was written');
};

subtest 'a reason from the database is quoted and escaped' => sub {
	# A trigger whose error message holds what could end the quoted
	# field or the line: a quote, a backslash, control bytes.
	my $dbh = $t->dbh;
	$dbh->do(<<'SQL');
CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION E'no "way" \\ here\x01\tend'; END $$
SQL
	$dbh->do('CREATE TRIGGER refuse BEFORE INSERT ON commits ' .
	    'FOR EACH ROW EXECUTE FUNCTION refuse()');
	my ($r, @lines) = logged(sub {
		$t->ingest(BenchTest::with_sha(BenchTest::envelope(),
		    BenchTest::random_sha()))
	});
	$dbh->do('DROP TRIGGER refuse ON commits');
	$dbh->do('DROP FUNCTION refuse()');
	is($r->{status}, 500, 'the ingest answers 500');
	is(scalar @lines, 1, 'one log line');
	ok(($lines[0] // '') =~ $line_re, '... with every field');
	my %f = %+;
	is($f{reason} // '', 'commit upsert: ERROR:  no \\"way\\" \\\\ here\\x01\\x09end [P0001]',
	    'the reason: \" for quotes, \\\\ for a backslash, \xHH for controls');
};

subtest 'secrets never reach the log' => sub {
	my $log = $t->log;
	my $itok = $t->ingest_token;
	my $rtok = $t->revalidate_token;
	unlike($log, qr/\Q$itok\E/, 'not the ingest token');
	unlike($log, qr/\Q$rtok\E/, 'not the revalidate token');
	unlike($log, qr/\Q$wrong\E|WRONGTOKEN/, 'not a wrong token either');
	unlike($log, qr/Bearer|bearer/, 'no Authorization header value');
	unlike($log, qr/\Q$marker\E|BODYMARKER/, 'no request body');
	like($log, qr/status=401/, 'though the rejected requests are there');
};

done_testing;
