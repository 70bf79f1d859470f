#!/usr/bin/perl
# The C unit tests leak nothing and touch no memory they should not:
# each runs under valgrind with --leak-check=full --error-exitcode.
use strict;
use warnings;
use FindBin;
use Test::More;

my $top = "$FindBin::Bin/..";
plan skip_all => 'valgrind is not installed' unless `which valgrind` =~ /\S/;

# Makefile.am's one list of unit tests.
my @units = split ' ', `make -s -C $top list-unit-tests`;
ok(@units >= 6, 'make list-unit-tests names the unit tests') or diag("@units");
for my $unit (@units) {
	my $bin = "$top/$unit";
	ok(-x $bin, "$unit is built") or next;
	my $log = `cd $top && valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 $bin 2>&1 >/dev/null`;
	is($? >> 8, 0, "$unit: no memory errors or leaks under valgrind") or diag($log);
}
done_testing;
