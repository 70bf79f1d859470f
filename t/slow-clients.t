#!/usr/bin/perl
# Slow and abandoned clients never tie up a worker: nginx buffers the whole
# body before FastCGI sees the request.  With a single worker, a body sent a
# byte at a time, and another dropped mid-body, other requests are served
# all along, and the worker only ever sees complete requests.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use IO::Socket::INET;
use JSON::PP;
use Test::More;
use BenchTest;

my $t = BenchTest->new(workers => 1);
my ($worker) = $t->wait_workers(1);

sub open_post {
	my ($body) = @_;
	my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $t->nginx_port,
	    Proto => 'tcp', Timeout => 10) or die "connect: $!";
	$s->autoflush(1);
	print $s "POST /api/ingest HTTP/1.1\r\nHost: localhost\r\n",
	    'Authorization: Bearer ', $t->ingest_token, "\r\n",
	    "Content-Type: application/json\r\nContent-Length: ", length($body),
	    "\r\nConnection: close\r\n\r\n";
	return $s;
}

my $slow_env = BenchTest::with_sha(BenchTest::envelope(), BenchTest::random_sha());
my $slow_body = JSON::PP->new->canonical->encode($slow_env);
my $slow = open_post($slow_body);
my $dropped = open_post($slow_body);
print $dropped substr($slow_body, 0, 100);

# The slow client sends all but the last of 21 pieces of its body, one every
# 0.2 s; between pieces the single worker answers other clients.
my $pieces = 20;
my $size = int(length($slow_body) / ($pieces + 1)) + 1;
my ($served, $failed) = (0, 0);
for my $i (0 .. $pieces - 1) {
	print $slow substr($slow_body, $i * $size, $size);
	if ($i == 5) {
		close $dropped;		# gone mid-body, never to return
	}
	my $r = $i % 2 ? $t->health :
	    $t->ingest(BenchTest::with_sha(BenchTest::envelope(), BenchTest::random_sha()));
	$r->{status} == 200 ? $served++ : $failed++;
	select undef, undef, undef, 0.2;
}
is($failed, 0, 'while a body trickles in, other requests never fail');
is($served, $pieces, "$served requests served by the one worker meanwhile");
my @posts = $t->log =~ /POST \/api\/ingest status=(\d+)/g;
is(scalar @posts, $pieces / 2, 'the worker has seen only the complete ingests so far');
unlike($t->log, qr/sha=\Q$slow_env->{commit}{sha}\E/, 'not the slow one yet');

# Complete: the slow request reaches the worker whole, once.
print $slow substr($slow_body, $pieces * $size);
my $response = eval {
	local $SIG{ALRM} = sub { die "no answer within 30 s\n" };
	alarm 30;
	local $/;
	my $all = <$slow>;	# Connection: close, so this ends
	alarm 0;
	$all;
} // '';
like($response, qr{^HTTP/1\.1 200 }, 'the slow ingest, once complete, is answered 200');
like($response, qr/\{"inserted":5,"updated":0\}/, '... with its counts');
my @slow_lines = $t->log =~ /(sha=\Q$slow_env->{commit}{sha}\E)/g;
is(scalar @slow_lines, 1, 'the worker saw it exactly once');
is(scalar(() = $t->log =~ /POST \/api\/ingest status=/g), $pieces / 2 + 1,
    'the dropped request never reached the worker');
is(($t->wait_workers(1))[0], $worker, 'the same worker did all of it');

done_testing;
