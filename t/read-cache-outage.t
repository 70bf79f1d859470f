#!/usr/bin/perl
# The read cache while Postgres is away: the listener has lost its session,
# so nothing cached is served (it might be stale by the time the database is
# back) and reads answer 503 unavailable; once Postgres is back, the
# listener reconnects by itself, reads answer 200 and are cached again.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use BenchTest qw(wait_for);
use Test::More;
use Time::HiRes qw(sleep);

my $t = BenchTest->new(private_cluster => 1);
is($t->ingest(BenchTest::envelope())->{status}, 200, 'a commit');
wait_for(sub { $t->listener_pid }, 10);
sleep 0.3;
my $path = '/api/groups';
my $cached = sub {
	my $mark = $t->log_mark;
	my @s = map { $t->request('GET', $path)->{status} } 1 .. 3;
	return (\@s, scalar(() = $t->log_since($mark) =~ m{GET /api/groups }g));
};
ok($t->wait_cached($path), 'the listener has heard the commit');
my ($s, $hits) = $cached->();
is_deeply($s, [200, 200, 200], 'reads before the outage');
is($hits, 0, '... served from the cache');

$t->cluster_stop('fast');
ok(wait_for(sub { $t->log =~ /listener: lost the database/ }, 10),
    'the listener notices the database is gone');
($s, $hits) = $cached->();
is_deeply($s, [503, 503, 503], 'reads during the outage: 503, no cached copy');
is($hits, 3, '... each one reached benchingest');
is($t->request('GET', $path)->{json}{error}, 'unavailable', '... {"error":"unavailable"}');

$t->cluster_start;
ok(wait_for(sub { $t->request('GET', $path)->{status} == 200 }, 30),
    'Postgres back: reads answer 200 without a restart');
ok(wait_for(sub { (($cached->())[1]) == 0 }, 15), '... and are cached again');
done_testing;
