#!/usr/bin/perl
# Values find their commit by time where no other commit of the window
# shares it, and by sha where one does: two commits with one timestamp
# (both in the window, or one of them cut from it at its oldest end) each
# keep their own values, in a chart and in its group, for every window.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use BenchTest qw(envelope with_sha);
use Test::More;

my $t = BenchTest->new;

sub sha { sprintf '%040x', 0x7fe50000 + $_[0] }
# Commits 1..6; 2 and 3 share a timestamp, and so do 4 and 5.  Every
# commit has a value of its own in two series of each of two charts: query
# 1's rows stored oldest commit first, query 2's newest first, so that
# whichever of two rows at one time a read meets last, a value taken for
# the wrong commit shows.
my %ts = (1 => '01', 2 => '02', 3 => '02', 4 => '04', 5 => '04', 6 => '06');
my %value;
for my $pass ([1, 1 .. 6], [2, reverse 1 .. 6]) {
	my ($q, @commits) = @$pass;
	for my $i (@commits) {
		my @r = map { { kind => 'query_measurement',
		    commit_sha => sha($i), dataset => 'tpch',
		    scale_factor => '1', query_idx => $q, storage => 'nvme',
		    engine => $_, format => 'parquet',
		    value_ns => ($value{$q}{$_}{sha($i)} =
			$q * 1000 + ($_ eq 'a' ? 100 : 200) + $i),
		    all_runtimes_ns => [1] } } qw(a b);
		my $env = with_sha(envelope(records => \@r), sha($i));
		$env->{commit}{timestamp} = "2026-05-$ts{$i}T10:00:00Z";
		is($t->ingest($env)->{status}, 200, "query $q, commit $i");
	}
}
my $groups = $t->request('GET', '/api/groups')->{json}{groups};
my ($group) = grep { $_->{slug} =~ /^qmg\./ } @$groups;

# Every value of every series sits at the commit it was measured at.
sub check {
	my ($answer, $q, $n, $what) = @_;
	my @shas = map { $_->{sha} } @{ $answer->{commits} };
	is(scalar @shas, $n, "$what: $n commits");
	for my $s (qw(a b)) {
		my $got = $answer->{series}{"$s:parquet"};
		is_deeply($got, [map { $value{$q}{$s}{$_} } @shas],
		    "$what: series $s, each value at its own commit");
	}
}
is(scalar @{ $group->{charts} }, 2, 'two charts');
for my $n (1 .. 6, 'all') {
	my $want = $n eq 'all' ? 6 : $n;
	my $g = $t->request('GET', "/api/group/$group->{slug}?n=$n");
	is($g->{status}, 200, "group n=$n");
	for my $q (1, 2) {
		my $chart = $group->{charts}[$q - 1]{slug};
		my $c = $t->request('GET', "/api/chart/$chart?n=$n");
		is($c->{status}, 200, "query $q chart n=$n");
		check($c->{json}, $q, $want, "query $q chart n=$n");
		check($g->{json}{charts}[$q - 1], $q, $want,
		    "query $q in its group n=$n");
	}
}

done_testing;
