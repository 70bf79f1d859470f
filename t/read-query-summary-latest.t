#!/usr/bin/perl
# A query group's summary takes each series' newest positive value: by
# commit_timestamp (what query_series keeps) for a series with stamped
# rows, even after a re-run lowers its newest value to 0; by its commits'
# timestamps for a series whose rows have no commit_timestamp (a path-B
# writer's); a series of zeros only is left out.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use BenchTest qw(envelope with_sha);
use Test::More;

my $t = BenchTest->new;

sub sha { sprintf '%040x', 0x5a7e0000 + $_[0] }
sub qm {
	my ($i, $engine, $value) = @_;
	return { kind => 'query_measurement', commit_sha => sha($i),
	    dataset => 'tpch', scale_factor => '1', query_idx => 1,
	    storage => 'nvme', engine => $engine, format => 'parquet',
	    value_ns => $value, all_runtimes_ns => [1] };
}
sub commit {
	my ($i, @records) = @_;
	my $env = with_sha(envelope(records => \@records), sha($i));
	$env->{commit}{timestamp} = "2026-04-0${i}T10:00:00Z";
	is($t->ingest($env)->{status}, 200, "commit $i");
}
# a: 100, then 50 (the newest); b: zeros only; c: 70, then a re-run of
# commit 3 sets 0, so its newest positive is commit 2's.
commit(1, qm(1, 'a', 100), qm(1, 'b', 0), qm(1, 'c', 60));
commit(2, qm(2, 'a', 50), qm(2, 'c', 70));
commit(3, qm(3, 'c', 80));
commit(3, qm(3, 'c', 0));
# d: rows without commit_timestamp only, as a path-B writer may leave
# them; its newest is the one of the newest commit (3), whatever the ids.
my $dbh = $t->dbh;
my $id = 9_000_000;
for ([3, 30], [1, 10], [2, 20]) {
	$dbh->do(q{INSERT INTO query_measurements (measurement_id, commit_sha,
	    dataset, dataset_variant, scale_factor, query_idx, storage, engine,
	    format, value_ns, all_runtimes_ns) VALUES (?, ?, 'tpch', NULL, '1', 1,
	    'nvme', 'd', 'parquet', ?, '{1}')}, undef, $id--, sha($_->[0]), $_->[1]);
}
$t->revalidate;

my ($group) = grep { $_->{slug} =~ /^qmg\./ }
    @{ $t->request('GET', '/api/groups')->{json}{groups} };
ok($group && $group->{summary}, 'the group has a summary');
my %total = map { $_->{name} => $_->{totalRuntime} }
    @{ $group->{summary}{rankings} || [] };
is_deeply(\%total, { 'a:parquet' => 50, 'c:parquet' => 70, 'd:parquet' => 30 },
    'newest positive values: a 50, c 70 (its newest is 0), d 30 (unstamped, '
    . 'by its commits\' time); b (zeros) left out') or diag(explain($group->{summary}));
my $g = $t->request('GET', "/api/group/$group->{slug}")->{json};
is_deeply($g->{summary}, $group->{summary}, '/api/group has the same summary');

done_testing;
