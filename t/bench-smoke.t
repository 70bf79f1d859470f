#!/usr/bin/perl
# The benchmark scripts still run against the tree as it is (they are not
# tests, so nothing else would notice when a change breaks them): a small
# bench/ingest (with and without query_series, and the start of the
# realistic history), bench/read, bench/load --flood, bench/cross-host and
# bench/site each finish and report what they measured.  The figures
# themselves are not asserted: bench/ measures them.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Browser;
use Test::More;

my $top = "$FindBin::Bin/..";
plan skip_all => 'needs root for a private cluster' if $> != 0;

my $out = `$top/bench/ingest 2000 1 10 2>&1`;
is($? >> 8, 0, 'bench/ingest 2000 1 10 exits 0') or diag($out);
like($out, qr/^2000 records, body [\d.]+ MiB, 1 runs/m, 'it ingested the 2000 records');
for my $what ('ingest through nginx', 're-ingest \(updates\)', 'plain COPY') {
	my ($rate) = $out =~ /^$what:\s+(\d+) records\/s$/m;
	ok(($rate // 0) > 0, "it reports $what records/s") or diag($out);
}
like($out, qr/^ratio ingest\/COPY:\s+\d+\.\d\d /m, 'and their ratio');
like($out, qr/^peak worker RSS:\s+[1-9][\d.]* MiB/m, 'and the workers\' peak RSS');
for my $what ('ingest', 're-ingest', 'plain COPY') {
	like($out, qr/^  $what\s+[1-9]\d* \/\s+[1-9]\d*  \d+\.\d\d$/m,
	    "with and without query_series: $what");
}
like($out, qr/^realistic history: 10 envelopes, [1-9]\d* with query rows/m,
    'the first 10 envelopes of the realistic history');
like($out, qr/^per envelope with query rows: with query_series [\d.]+ ms, without [\d.]+ ms/m,
    '... each timed with and without query_series');

$out = `$top/bench/read -d generated -c 100 -n 1 -s 2 2>&1`;
is($? >> 8, 0, 'bench/read -d generated -c 100 -n 1 -s 2 exits 0') or diag($out);
like($out, qr/^\d+ groups, \d+ charts; the group: 22 charts$/m,
    'it found the 22-chart group');
like($out, qr/^group22 n=all\s+[\d.]+\s+[\d.]+$/m, 'it reports cold and cached latency');
like($out, qr/^group22 n=all\s+\d+\s+\d+\s+0\.\d+$/m, '... bytes identity and gzip');
like($out, qr/identity [\d.]+ MiB \([\d.]+x the JSON\), gzip [\d.]+ MiB/m,
    '... and worker memory against the JSON size');

SKIP: {
	skip 'wrk is not installed (apt-get install wrk)', 4 unless `which wrk` =~ /\S/;
	$out = `$top/bench/load --flood 2 1 50 2>&1`;
	is($? >> 8, 0, 'bench/load --flood 2 1 50 exits 0') or diag($out);
	like($out, qr/^medians of 1 runs of 2 s: ingest p99 alone [\d.]+ ms, with the flood [\d.]+ ms/m,
	    'it reports ingest latency with and without the flood');
	like($out, qr/^ingest errors: 0$/m, '... no ingest failed');
	like($out, qr/^worker peak RSS: [\d.]+ MiB/m, '... and the workers\' peak RSS');
}

$out = `$top/bench/cross-host 5 1 2>&1`;
is($? >> 8, 0, 'bench/cross-host 5 1 exits 0') or diag($out);
like($out, qr/^median p99 over 1 runs: [\d.]+ ms/m, 'it reports the delay between hosts');

SKIP: {
	skip 'chromium is not installed (apt-get install chromium)', 4
	    unless Browser::available();
	$out = `$top/bench/site 1 2>&1`;
	is($? >> 8, 0, 'bench/site 1 exits 0') or diag($out);
	like($out, qr/^landing, one group open +empty +\d+ +\d+ +\d+ +\d+ /m,
	    'it reports the first chart painted, bytes and requests');
	like($out, qr/^targets: first chart painted \d+ ms/m, 'and the targets');
	like($out, qr/^landing page uncached: \d+ ms; .* ratio [\d.]+$/m,
	    'and what the landing page costs uncached');
}
done_testing;
