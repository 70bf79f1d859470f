#!/usr/bin/perl
# A short run of bench/load (10 s of concurrent overlapping ingests and
# health reads against 4 workers): not one request fails, and no worker's
# RSS grows after warm-up.  bench/load runs the full minute.
use strict;
use warnings;
use FindBin;
use Test::More;

my $top = "$FindBin::Bin/..";
plan skip_all => 'wrk is not installed (apt-get install wrk)' unless `which wrk` =~ /\S/;
my $out = `$top/bench/load 10 4 2>&1`;
is($? >> 8, 0, 'bench/load 10 exits 0') or diag($out);
like($out, qr/^errors:\s+0 \(non-2xx 0, socket 0; benchingest logged 0 /m, 'zero errors');
like($out, qr/^RSS did not grow after warm-up$/m, 'worker RSS flat after warm-up');
my ($requests) = $out =~ /^requests:\s+(\d+)/m;
ok(($requests // 0) > 0, "it made requests ($requests)");
done_testing;
