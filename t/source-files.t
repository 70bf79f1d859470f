#!/usr/bin/perl
# The layout HACKING.md promises for src/: every file opens with a comment
# that says what it is for, every one is in Makefile.am's source list (so
# the library, the unit tests and the fuzzers build what the tree holds),
# and HACKING.md's table of the tree names every one.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;

my $top = "$FindBin::Bin/..";
my $makefile = BenchTest::slurp("$top/Makefile.am");
my $hacking = BenchTest::slurp("$top/HACKING.md");
my @files = map { s{^\Q$top\E/}{}r } sort glob("$top/src/*.[ch]");
cmp_ok(scalar @files, '>=', 40, 'src/ has its files');
for my $f (@files) {
	my $text = BenchTest::slurp("$top/$f");
	like($text, qr{\A/\*[ \n]}, "$f opens with a comment");
	like($makefile, qr{(?:^|\s)\Q$f\E(?:\s|$)}m, "... and Makefile.am lists it");
	(my $stem = $f) =~ s/\.[ch]$//;
	ok($hacking =~ /`\Q$f\E`|`\Q$stem\E\.\[ch\]`/, '... and HACKING.md names it');
}
done_testing;
