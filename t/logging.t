# The request log: exactly one line per request with method, path, status,
# records, inserted, updated, ms, sha and error; nothing a client sends can
# split it; tokens, the Authorization header and bodies never appear; a 500
# tells the client only "internal" while the log line has the reason.
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

my $line_re = qr{^benchingest\[(?<pid>\d+)\]:\ (?<level>\w+):\ (?<method>\S+)
    \ (?<path>\S+)\ status=(?<status>\d{3})\ records=(?<records>\S+)
    \ inserted=(?<inserted>\S+)\ updated=(?<updated>\S+)
    \ ms=(?<ms>\d+(?:\.\d+)?)\ sha=(?<sha>\S+)\ error=(?<error>\S+)
    (?:\ reason="(?<reason>[^"\n]*)")?$}x;

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
