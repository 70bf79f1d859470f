#!/usr/bin/perl
# The fuzz targets survive their regression inputs, their seed corpus and a
# short fuzzing run under libFuzzer, ASan and UBSan: no crash, no sanitizer
# report, no leak.  fuzz_envelope takes POST /api/ingest bodies through
# parse + validate (60 s); fuzz_slug takes read-API slugs through the
# decoder and the canonical re-encoding (20 s).  BENCHINGEST_FUZZ_SECONDS
# sets the envelope run's length; bench/fuzz runs longer.
use strict;
use warnings;
use FindBin;
use File::Temp qw(tempdir);
use Test::More;

my $top = "$FindBin::Bin/..";
plan skip_all => 'clang is not installed (apt-get install clang libclang-rt-14-dev)'
    unless `which clang` =~ /\S/;

my $out = `make -C $top -s fuzz 2>&1`;
is($?, 0, 'make fuzz builds the targets') or diag($out), BAIL_OUT('no fuzzer');

my $envelope_seconds = $ENV{BENCHINGEST_FUZZ_SECONDS} // 60;
my @targets = (
    [envelope => $envelope_seconds, 65536, glob("$top/t/fuzz/regressions/*.json"),
	glob("$top/t/fuzz/regressions/*.bin"), glob("$top/t/fuzz/corpus/*")],
    [slug => int($envelope_seconds / 3) || 1, 8192, glob("$top/t/fuzz/slug-corpus/*")],
);
for my $target (@targets) {
	my ($name, $seconds, $max_len, @inputs) = @$target;
	my $fuzzer = "$top/t/fuzz/fuzz_$name";
	$out = `$fuzzer @inputs 2>&1`;
	is($?, 0, "$name: " . scalar(@inputs) . ' regression and corpus inputs run clean')
	    or diag($out);

	my $work = tempdir('fuzz.XXXXXX', TMPDIR => 1, CLEANUP => 1);
	mkdir "$work/corpus";
	system('cp', @inputs, "$work/corpus/") == 0 or BAIL_OUT('cp failed');
	$out = `cd $work && $fuzzer -max_total_time=$seconds -max_len=$max_len -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 corpus 2>&1`;
	my $rc = $?;
	my @artifacts = glob("$work/crash-* $work/leak-* $work/timeout-* $work/oom-*");
	is($rc, 0, "$name: $seconds s of fuzzing, the fuzzer exits 0");
	is(scalar @artifacts, 0, "$name: no crashing input found")
	    or diag("keep it as a regression in t/fuzz/regressions/: @artifacts\n", $out);
	my ($runs) = $out =~ /stat::number_of_executed_units:\s*(\d+)/;
	ok(($runs // 0) > 0, "$name: the fuzzer ran " . ($runs // 0) . ' inputs');
}
done_testing;
