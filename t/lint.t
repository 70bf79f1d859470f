#!/usr/bin/perl
# src/ is clean under cppcheck and clang-tidy (the checks are listed, with
# the reasons for those left out, in .clang-tidy): `make lint` prints nothing.
use strict;
use warnings;
use FindBin;
use Test::More;

my $top = "$FindBin::Bin/..";
for my $tool (qw(cppcheck clang-tidy)) {
	plan skip_all => "$tool is not installed" unless `which $tool` =~ /\S/;
}
my $out = `make -C $top -s lint 2>&1`;
is($?, 0, 'make lint passes');
is($out, '', 'and reports nothing') or diag($out);
done_testing;
