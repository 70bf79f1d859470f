#!/usr/bin/perl
# A query summary names a series engine:format as stored, so engine "a"
# with format "b:c" and engine "a:b" with format "c" are one name there.
# At one query the summary keeps the value of the one later in (engine,
# format) byte order, as the reference's Map keeps its last set; at
# another query the earlier one alone has a value and counts.  /api/groups
# (every group's rows in one statement, ordered by the worker) and
# /api/group (the group's rows in order from Postgres) agree.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use BenchTest qw(envelope with_sha);
use Test::More;

my $t = BenchTest->new;

sub qm {
	my ($q, $engine, $format, $value) = @_;
	return { kind => 'query_measurement', commit_sha => 'x',
	    dataset => 'tpch', scale_factor => '1', query_idx => $q,
	    storage => 'nvme', engine => $engine, format => $format,
	    value_ns => $value, all_runtimes_ns => [1] };
}
my $env = with_sha(envelope(records => [qm(1, 'a:b', 'c', 300),
    qm(1, 'a', 'b:c', 100), qm(2, 'a', 'b:c', 40), qm(1, 'z', 'parquet', 200),
    qm(2, 'z', 'parquet', 50)]), sprintf('%040x', 0x5a3e));
is($t->ingest($env)->{status}, 200, 'one commit of both series and a third');

my ($group) = grep { $_->{slug} =~ /^qmg\./ }
    @{ $t->request('GET', '/api/groups')->{json}{groups} };
my %total = map { $_->{name} => $_->{totalRuntime} }
    @{ ($group // {})->{summary}{rankings} || [] };
is_deeply(\%total, { 'a:b:c' => 340, 'z:parquet' => 250 },
    'a:b:c is engine a:b at query 1 (300, the later), engine a at query 2 (40)')
    or diag(explain($group));
my $g = $t->request('GET', "/api/group/$group->{slug}")->{json};
is_deeply($g->{summary}, $group->{summary}, '/api/group has the same summary');

done_testing;
