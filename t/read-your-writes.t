#!/usr/bin/perl
# Read-your-writes through one host's nginx: once POST /api/ingest or POST
# /api/revalidate has answered 200, the very next read reflects the write,
# even when the read before it was cached.  1,000 rounds of: ingest a new
# commit, read /api/groups (it must show the commit, and is then cached);
# empty the tables that hold the rows as a path-B writer would (TRUNCATE,
# committed), revalidate, read /api/groups at once (it must show no
# groups).  Not one stale answer.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use BenchTest qw(envelope with_sha wait_for);
use HTTP::Tiny;
use JSON::PP;
use Test::More;
use Time::HiRes qw(sleep);

my $rounds = $ENV{READ_YOUR_WRITES_ROUNDS} // 1000;
my $t = BenchTest->new;
wait_for(sub { $t->listener_pid }, 10);
sleep 0.3;		# the listener's session is up: answers are cached

my $http = HTTP::Tiny->new(keep_alive => 1, timeout => 30);
my $base = $t->base_url;
my %auth = (ingest => 'Bearer ' . $t->ingest_token,
    revalidate => 'Bearer ' . $t->revalidate_token);
my $dbh = $t->dbh;

sub post {
	my ($route, $body) = @_;
	return $http->request('POST', "$base/api/$route", { headers => {
	    Authorization => $auth{$route},
	    'Content-Type' => 'application/json' }, content => $body })->{status};
}
# The names of the groups /api/groups lists; undef if it did not answer 200.
sub group_names {
	my $r = $http->get("$base/api/groups");
	return undef unless $r->{status} == 200;
	return [map { $_->{name} } @{ decode_json($r->{content})->{groups} }];
}

my (%stale, %failed);
for my $i (1 .. $rounds) {
	my $sha = sprintf '%040x', 0x7e5d0000 + $i;
	my $env = envelope(records => [{ kind => 'query_measurement',
	    commit_sha => $sha, dataset => "ryw$i", scale_factor => '1',
	    query_idx => 1, storage => 'nvme', engine => 'e', format => 'f',
	    value_ns => $i, all_runtimes_ns => [$i] }]);
	with_sha($env, $sha);
	$failed{ingest}++, next unless post('ingest', encode_json($env)) == 200;
	my $names = group_names();
	if (!$names) { $failed{read}++ }
	elsif (!grep { /^ryw$i / } @$names) { $stale{ingest}++ }

	$dbh->do("TRUNCATE commits, query_measurements");
	$failed{revalidate}++, next unless post('revalidate', '') == 200;
	$names = group_names();
	if (!$names) { $failed{read}++ }
	elsif (@$names) { $stale{revalidate}++ }
}
is($failed{$_} // 0, 0, "every $_ answered 200") for qw(ingest revalidate read);
is($stale{ingest} // 0, 0,
    "$rounds reads right after an ingest's 200: none missed the commit");
is($stale{revalidate} // 0, 0,
    "$rounds reads right after a revalidate's 200: none showed truncated rows");

done_testing;
