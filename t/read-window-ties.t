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
# commit has a value of its own in two series of one chart.
my %ts = (1 => '01', 2 => '02', 3 => '02', 4 => '04', 5 => '04', 6 => '06');
my %value;
for my $i (1 .. 6) {
	my @r = map { { kind => 'query_measurement', commit_sha => sha($i),
	    dataset => 'tpch', scale_factor => '1', query_idx => 1,
	    storage => 'nvme', engine => $_, format => 'parquet',
	    value_ns => ($value{$_}{sha($i)} = ($_ eq 'a' ? 100 : 200) + $i),
	    all_runtimes_ns => [1] } } qw(a b);
	my $env = with_sha(envelope(records => \@r), sha($i));
	$env->{commit}{timestamp} = "2026-05-$ts{$i}T10:00:00Z";
	is($t->ingest($env)->{status}, 200, "commit $i");
}
my $groups = $t->request('GET', '/api/groups')->{json}{groups};
my ($group) = grep { $_->{slug} =~ /^qmg\./ } @$groups;
my $chart = $group->{charts}[0]{slug};

# Every value of every series sits at the commit it was measured at.
sub check {
	my ($answer, $n, $what) = @_;
	my @shas = map { $_->{sha} } @{ $answer->{commits} };
	is(scalar @shas, $n, "$what: $n commits");
	for my $s (qw(a b)) {
		my $got = $answer->{series}{"$s:parquet"};
		is_deeply($got, [map { $value{$s}{$_} } @shas],
		    "$what: series $s, each value at its own commit");
	}
}
for my $n (1 .. 6, 'all') {
	my $want = $n eq 'all' ? 6 : $n;
	my $c = $t->request('GET', "/api/chart/$chart?n=$n");
	is($c->{status}, 200, "chart n=$n");
	check($c->{json}, $want, "chart n=$n");
	my $g = $t->request('GET', "/api/group/$group->{slug}?n=$n");
	is($g->{status}, 200, "group n=$n");
	check($g->{json}{charts}[0], $want, "group n=$n");
}

done_testing;
