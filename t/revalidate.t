# POST /api/revalidate: fails closed without a token, accepts exactly
# "Bearer <token>", and tells listeners on the bench_data channel, as a
# committed ingest does and a failed one does not.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;
use JSON::PP ();

subtest 'no revalidate token configured: 503 not_configured' => sub {
	my $unset = BenchTest->new(revalidate_token => undef);
	unlike(BenchTest::slurp($unset->config_file), qr/revalidate_token_file/,
	    'no revalidate_token_file line');
	for my $tok ('anything', undef) {
		my $r = $unset->revalidate(token => $tok);
		is($r->{status}, 503, 'unset, ' . ($tok ? 'a token' : 'no header') .
		    ': 503');
		is_deeply($r->{json}, { error => 'not_configured' },
		    '... {"error":"not_configured"}');
	}
	is($unset->revalidate(token => $unset->ingest_token)->{status}, 503,
	    'the ingest token does not stand in for it');

	my $empty = BenchTest->new(revalidate_token => '');
	is(BenchTest::slurp($empty->revalidate_token_file), "\n",
	    'an empty token file');
	my $r = $empty->revalidate(authorization => 'Bearer ');
	is($r->{status}, 503, 'empty token, "Bearer ": 503');
	is_deeply($r->{json}, { error => 'not_configured' },
	    '... {"error":"not_configured"}');
};

my $t = BenchTest->new;
my $tok = $t->revalidate_token;

subtest 'a bad Authorization header: 401 unauthorized' => sub {
	my @bad = (
	    [undef, 'no header'],
	    ['Bearer wrong-' . BenchTest::random_sha(), 'a wrong token'],
	    ["bearer $tok", 'lower-case bearer'],
	    ["BEARER $tok", 'upper-case BEARER'],
	    ["Bearer  $tok", 'two spaces'],
	    ["Bearer\t$tok", 'a tab'],
	    ["Bearer${tok}", 'no space'],
	    ["Bearer $tok$tok", 'the token twice'],
	    ['Bearer ' . substr($tok, 0, -1), 'the token less its last byte'],
	    ["Bearer ${tok}x", 'the token and one byte more'],
	    ['Bearer ' . $t->ingest_token, 'the ingest token'],
	    ["Basic $tok", 'another scheme'],
	    ['Bearer', 'Bearer alone'],
	    ["$tok", 'the bare token'],
	);
	for my $case (@bad) {
		my ($auth, $name) = @$case;
		my $r = $t->revalidate(authorization => $auth);
		is($r->{status}, 401, "$name: 401");
		is_deeply($r->{json}, { error => 'unauthorized' },
		    '... {"error":"unauthorized"}');
		is($r->{headers}{'cache-control'}, 'no-store',
		    '... Cache-Control: no-store');
	}
};

subtest 'the right token: 200 revalidated' => sub {
	my $r = $t->revalidate;
	is($r->{status}, 200, 'status 200');
	like($r->{headers}{'content-type'} // '', qr{^application/json},
	    'JSON');
	is($r->{headers}{'cache-control'}, 'no-store', 'Cache-Control: no-store');
	is_deeply($r->{json}, { revalidated => JSON::PP::true },
	    '{"revalidated":true}');
	ok(JSON::PP::is_bool($r->{json}{revalidated}), 'a JSON boolean');
};

subtest 'other methods: 405 with Allow: POST' => sub {
	for my $method (qw(GET PUT DELETE)) {
		my $r = $t->request($method, '/api/revalidate',
		    { Authorization => "Bearer $tok" });
		is($r->{status}, 405, "$method: 405");
		is($r->{headers}{allow}, 'POST', '... Allow: POST');
	}
};

subtest 'listeners on bench_data are notified' => sub {
	my $listener = $t->new_dbh;
	$listener->do('LISTEN bench_data');

	# Notifications that arrive within $timeout, waiting for at least one.
	my $collect = sub {
		my @got;
		BenchTest::wait_for(sub {
			while (my $n = $listener->pg_notifies) { push @got, $n }
			return scalar @got;
		}, 30);
		# Anything sent before the first one has been read by now;
		# one more round trip catches stragglers of the same batch.
		$listener->do('SELECT 1');
		while (my $n = $listener->pg_notifies) { push @got, $n }
		return @got;
	};

	is($t->revalidate->{status}, 200, 'revalidate');
	my @n = $collect->();
	is(scalar @n, 1, 'one notification');
	is($n[0][0], 'bench_data', '... on bench_data');
	is($n[0][2], 'revalidate', '... with the payload "revalidate"');

	my $sha = BenchTest::random_sha();
	is($t->ingest(BenchTest::with_sha(BenchTest::envelope(), $sha))->{status},
	    200, 'a committed ingest');
	@n = $collect->();
	is(scalar @n, 1, 'one notification');
	is($n[0][0], 'bench_data', '... on bench_data');
	is($n[0][2], 'ingest',
	    '... with the constant payload "ingest": nothing of the request');

	# A failed ingest, then a revalidate as a marker: had the ingest
	# notified, that would have arrived before the marker's.
	my $bad = BenchTest::with_sha(BenchTest::envelope(),
	    BenchTest::random_sha());
	$bad->{records}[2]{commit_sha} = BenchTest::random_sha();
	my $before = $t->row_counts;
	my $r = $t->ingest($bad);
	is($r->{status}, 400, 'an ingest with a bad record: 400');
	is($r->{json}{error}, 'record', '... a record error');
	$r = $t->ingest('{"run_meta":');
	is($r->{status}, 400, 'a malformed ingest: 400');
	$r = $t->ingest(BenchTest::envelope(), token => 'wrong');
	is($r->{status}, 401, 'an unauthorized ingest: 401');
	is($t->revalidate->{status}, 200, 'then a revalidate');
	@n = $collect->();
	is(scalar @n, 1, 'exactly one notification: the revalidate');
	is_deeply($t->row_counts, $before, 'the failed ingests wrote nothing');

	is($t->revalidate(token => 'nope')->{status}, 401,
	    'an unauthorized revalidate');
	is($t->revalidate->{status}, 200, 'then a good one');
	@n = $collect->();
	is(scalar @n, 1, 'exactly one notification again');
	$listener->disconnect;
};

done_testing;
