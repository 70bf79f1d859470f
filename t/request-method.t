#!/usr/bin/perl
# REQUEST_METHOD as a FastCGI client may send it, straight to a TCP
# socket where no nginx stands in between: an empty method, or one that
# is not a whole name of the route's Allow list, answers 405 with the
# Allow header at once, and the worker goes on serving.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;
use FastCGI;

my $addr = '127.0.0.1:' . BenchTest::free_port();
my $t = BenchTest->new(nginx => 0, listen => $addr, workers => 1);

sub ask {
	my ($method, $path) = @_;
	return FastCGI::request($addr, { REQUEST_METHOD => $method,
	    DOCUMENT_URI => $path, REQUEST_URI => $path, QUERY_STRING => '' },
	    '', 10);
}

my $r = ask('GET', '/api/health');
is($r && $r->{status}, 200, 'GET /api/health over FastCGI: 200');

for my $c (['', '/api/health', 'GET, HEAD'], ['', '/api/ingest', 'POST'],
    ['', '/api/groups', 'GET, HEAD, OPTIONS'], ['GET, HEAD', '/api/health', 'GET, HEAD'],
    ['GE', '/api/health', 'GET, HEAD'], ['EAD', '/api/health', 'GET, HEAD'],
    [' HEAD', '/api/health', 'GET, HEAD'], ['POS', '/api/ingest', 'POST']) {
	my ($method, $path, $allow) = @$c;
	$r = ask($method, $path);
	ok($r, "method \"$method\" on $path: answered") or next;
	is($r->{status}, 405, '... 405');
	is($r->{headers}{allow}, $allow, "... Allow: $allow");
	like($r->{body}, qr/"error":"method_not_allowed"/, '... method_not_allowed');
}

$r = ask('HEAD', '/api/health');
is($r && $r->{status}, 200, 'then HEAD /api/health: 200 from the same worker');
is(scalar(my @w = $t->worker_pids), 1, 'one worker, never replaced');

done_testing;
