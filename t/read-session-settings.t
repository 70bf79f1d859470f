#!/usr/bin/perl
# Reads take timestamps as the contract writes them (UTC, ISO) whatever
# the database's own TimeZone and DateStyle, on every connection a worker
# makes: its first, and the one after Postgres restarted.  Two charts
# start on days whose order as text in that DateStyle (DMY) is not their
# order in time, so a window taken from the wrong one's start loses the
# other's older commits.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use BenchTest qw(envelope with_sha);
use Test::More;

my $t = BenchTest->new(private_cluster => 1, workers => 1);
my $db = $t->dbname;
$t->dbh->do(qq{ALTER DATABASE "$db" SET TimeZone = 'America/New_York'});
$t->dbh->do(qq{ALTER DATABASE "$db" SET DateStyle = 'SQL, DMY'});

sub sha { sprintf '%040x', 0x5e550000 + $_[0] }

# Query 1 from 10 April on, query 2 from 2 May on.
my %day = (1 => '04-10', 2 => '04-20', 3 => '05-02', 4 => '05-03');
for my $i (1 .. 4) {
	my @r = map { { kind => 'query_measurement', commit_sha => sha($i),
	    dataset => 'tpch', scale_factor => '1', query_idx => $_,
	    storage => 'nvme', engine => 'e', format => 'parquet',
	    value_ns => 100 * $_ + $i, all_runtimes_ns => [1] } }
	    $i >= 3 ? (1, 2) : (1);
	my $env = with_sha(envelope(records => \@r), sha($i));
	$env->{commit}{timestamp} = "2026-$day{$i}T10:00:00Z";
	is($t->ingest($env)->{status}, 200, "commit $i");
}

sub check {
	my ($what) = @_;
	my ($group) = grep { $_->{slug} =~ /^qmg\./ }
	    @{ $t->request('GET', '/api/groups')->{json}{groups} };
	my $g = $t->request('GET', "/api/group/$group->{slug}?n=all");
	is($g->{status}, 200, "$what: the group");
	my ($q1, $q2) = @{ $g->{json}{charts} };
	is_deeply([map { $_->{timestamp} } @{ $q1->{commits} }],
	    [map { "2026-$day{$_} 10:00:00+00" } 1 .. 4],
	    "$what: query 1 has its four commits, in UTC");
	is_deeply($q1->{series}{'e:parquet'}, [101, 102, 103, 104],
	    "$what: ... and its values");
	is_deeply([map { $_->{timestamp} } @{ $q2->{commits} }],
	    [map { "2026-$day{$_} 10:00:00+00" } 3, 4],
	    "$what: query 2 its two");
	is($q1->{history}{total_commits}, 4, "$what: query 1's history");
	my $c = $t->request('GET', "/api/chart/$q1->{slug}?n=all");
	is_deeply([@{ $c->{json} }{qw(commits series history)}],
	    [@$q1{qw(commits series history)}], "$what: the chart as in its group");
}

check('first connection');
$t->cluster_stop('fast');
$t->cluster_start;
ok($t->wait_for(sub { $t->health->{status} == 200 }, 30), 'Postgres back');
is($t->revalidate->{status}, 200, 'cache revalidated');
check('after a reconnect');

done_testing;
