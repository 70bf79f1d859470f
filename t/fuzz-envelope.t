#!/usr/bin/perl
# The fuzz target (parse + validate of POST /api/ingest bodies under
# libFuzzer, ASan and UBSan) survives its regression inputs, its seed corpus
# and a short fuzzing run: no crash, no sanitizer report, no leak.
# BENCHINGEST_FUZZ_SECONDS sets the length of the run (default 60);
# bench/fuzz runs it longer.
use strict;
use warnings;
use FindBin;
use File::Temp qw(tempdir);
use Test::More;

my $top = "$FindBin::Bin/..";
plan skip_all => 'clang is not installed (apt-get install clang libclang-rt-14-dev)'
    unless `which clang` =~ /\S/;

my $out = `make -C $top -s fuzz 2>&1`;
is($?, 0, 'make fuzz builds the target') or diag($out), BAIL_OUT('no fuzzer');
my $fuzzer = "$top/t/fuzz/fuzz_envelope";

my @inputs = (glob("$top/t/fuzz/regressions/*.json"), glob("$top/t/fuzz/regressions/*.bin"),
    glob("$top/t/fuzz/corpus/*"));
$out = `$fuzzer @inputs 2>&1`;
is($?, 0, scalar(@inputs) . ' regression and corpus inputs run clean') or diag($out);

my $seconds = $ENV{BENCHINGEST_FUZZ_SECONDS} // 60;
my $work = tempdir('fuzz.XXXXXX', TMPDIR => 1, CLEANUP => 1);
mkdir "$work/corpus";
system('cp', @inputs, "$work/corpus/") == 0 or BAIL_OUT('cp failed');
$out = `cd $work && $fuzzer -max_total_time=$seconds -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 corpus 2>&1`;
my $rc = $?;
my @artifacts = glob("$work/crash-* $work/leak-* $work/timeout-* $work/oom-*");
is($rc, 0, "$seconds s of fuzzing: the fuzzer exits 0");
is(scalar @artifacts, 0, 'no crashing input found')
    or diag("keep it as a regression in t/fuzz/regressions/: @artifacts\n", $out);
my ($runs) = $out =~ /stat::number_of_executed_units:\s*(\d+)/;
ok(($runs // 0) > 0, 'the fuzzer ran ' . ($runs // 0) . ' inputs');

done_testing;
