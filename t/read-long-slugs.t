#!/usr/bin/perl
# Every slug /api/groups lists can be read, however long its key strings
# are within their limit (256 bytes each): the path reaches the slug
# decoder whole, not cut at some buffer's size.  Here through nginx a chart
# and its group whose slugs are some 1,200 bytes (plain letters) and some
# 6,300 bytes (control characters, which JSON writes six bytes each: the
# longest a query chart's slug can be).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use BenchTest qw(envelope with_sha);
use Test::More;

my $t = BenchTest->new;

my @cases = (
	['plain letters', 'd' x 256, 'v' x 256, 's' x 256],
	['control characters', "\x01" x 256, "\x02" x 256, "\x1f" x 256],
);
# Both charts are written before anything is read, so that no cached
# answer from before the second one is in the way.
my $day = 10;
for my $c (@cases) {
	my ($what, $dataset, $variant, $sf) = @$c;
	my $sha = BenchTest::random_sha();
	my $env = with_sha(envelope(records => [{ kind => 'query_measurement',
	    commit_sha => $sha, dataset => $dataset, dataset_variant => $variant,
	    scale_factor => $sf, query_idx => -2147483648, storage => 'nvme',
	    engine => 'e', format => 'f', value_ns => 42,
	    all_runtimes_ns => [42] }]), $sha);
	$env->{commit}{timestamp} = sprintf '2026-06-%02dT10:00:00Z', $day++;
	my $r = $t->ingest($env);
	is($r->{status}, 200, "$what: a chart with three 256-byte key strings")
	    or diag($r->{content});
}

my $groups = $t->request('GET', '/api/groups')->{json}{groups} || [];
for my $c (@cases) {
	my ($what, $dataset) = @$c;
	my ($g) = grep { index($_->{name}, $dataset) >= 0 } @$groups;
	ok($g, "$what: /api/groups lists its group") or next;
	my $slug = $g->{charts}[0]{slug};
	cmp_ok(length $slug, '>', 1023, "$what: the chart slug is " .
	    length($slug) . ' bytes');
	my $r = $t->request('GET', "/api/chart/$slug?n=all");
	is($r->{status}, 200, '... GET /api/chart/SLUG answers 200')
	    or diag(substr $r->{content}, 0, 300);
	my $series = $r->{json} ? $r->{json}{series} : {};
	is_deeply([keys %$series], ['e:f'], '... with its one series');
	is_deeply([grep { defined } @{ $series->{'e:f'} || [] }], [42],
	    '... holding its value');
	$r = $t->request('GET', "/api/group/$g->{slug}");
	is($r->{status}, 200, "... and its group's slug, " . length($g->{slug}) .
	    ' bytes, answers 200') or diag(substr $r->{content}, 0, 300);
	is($r->{json} && $r->{json}{charts}[0]{slug}, $slug,
	    '... listing the same chart slug');
}

done_testing;
