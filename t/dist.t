#!/usr/bin/perl
# The release tarball: `make distcheck` (build, make check, install and
# uninstall from the tarball, out of tree) passes, and the tarball holds
# every file README.md and HACKING.md name (an .in template counts for the
# file made from it), every test, the harness, the fuzz corpora, the
# LICENSE, NEWS and the Debian packaging.  Built in a copy of the tree.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp qw(tempdir);
use Test::More;
use BenchTest;

my $top = $BenchTest::TOP;
plan skip_all => 'not a git checkout (the copy is made of git ls-files)'
    unless -e "$top/.git";
my $dir = tempdir('dist.XXXXXX', TMPDIR => 1, CLEANUP => 1);
system("cd $top && git ls-files -z --cached --others --exclude-standard | "
    . "tar --null -T - -cf - | tar -C $dir -xf -") == 0
    or BAIL_OUT('cannot copy the tree');
my $r = BenchTest::run_cmd(['sh', '-c', "cd $dir && autoreconf -fi && "
    . './configure -q && make -s -j2 distcheck'], timeout => 900);
is($r->{exit}, 0, 'make distcheck passes') or
    diag(substr("$r->{stdout}$r->{stderr}", -3000));
my ($tarball) = glob "$dir/benchingest-*.tar.gz";
ok($tarball, 'it made benchingest-VERSION.tar.gz') or BAIL_OUT('no tarball');
my %in = map { s{^benchingest-[^/]+/}{}r => 1 } split /\n/, `tar -tzf $tarball`;

# Paths the README, HACKING and SECURITY name, in backquotes, that the
# tree has and git keeps.
my %named;
for my $doc (qw(README.md HACKING.md SECURITY.md)) {
	my $text = BenchTest::slurp("$top/$doc");
	for my $p ($text =~ /`([A-Za-z.][\w.\/-]*)`/g) {
		$p =~ s{/$}{};
		$p =~ s{^\./}{};
		next if $p =~ m{^(?:/|\.\.)} || !-e "$top/$p" && !-e "$top/$p.in";
		# What the build makes (a program, a unit test binary).
		next if system("cd $top && git check-ignore -q '$p'") == 0;
		$named{$p} = $doc;
	}
}
cmp_ok(scalar keys %named, '>=', 20, 'the documents name files of the tree');
for my $p (sort keys %named) {
	ok($in{$p} || $in{"$p.in"} || $in{"$p/"},
	    "the tarball has $p ($named{$p} names it)");
}
my @tests = map { s{^\Q$top\E/}{}r } glob "$top/t/*.t";
for my $p (qw(LICENSE NEWS README.md HACKING.md SECURITY.md .ci/run
    script/test script/server t/lib/BenchTest.pm t/lib/Deploy.pm
    t/lib/socket-activate t/unit/tap.h debian/control debian/rules
    debian/README.Debian debian/changelog), @tests,
    (map { s{^\Q$top\E/}{}r } glob("$top/t/unit/*.c"), glob("$top/t/fuzz/corpus/*"),
    glob("$top/bench/*"), glob("$top/debian/*"), glob("$top/debian/source/*"))) {
	next if -d "$top/$p";
	ok($in{$p}, "the tarball has $p");
}
done_testing;
