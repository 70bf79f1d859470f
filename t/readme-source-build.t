#!/usr/bin/perl
# README.md's from-source build, `./configure --prefix=/usr --sysconfdir=/etc`
# then `make install`, followed by its "Running it" steps as they stand,
# exactly as t/debian-package.t runs them against the .deb: the same
# commands work for both.  All of it happens in a mount namespace of the
# test's own, with /usr, /etc, /var and /run behind overlays, so the
# machine (and tests running beside this one) never see the install.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Path qw(make_path);
use File::Temp qw(tempdir);
use Test::More;
use BenchTest;
use Deploy;

plan skip_all => 'needs root for a mount namespace' unless $> == 0;
plan skip_all => 'unshare is not installed' unless -x '/usr/bin/unshare';
plan skip_all => 'not a git checkout (the build copies git ls-files)'
    unless -e "$BenchTest::TOP/.git";

# Everything below runs in a new mount namespace.
if (!$ENV{BENCHINGEST_README_NS}) {
	$ENV{BENCHINGEST_README_NS} = 1;
	exec '/usr/bin/unshare', '--mount', '--propagation', 'private', $^X,
	    (map { "-I$_" } @INC), $0;
	die "unshare: $!";
}

my $top = $BenchTest::TOP;
my $dir = tempdir('readme-source.XXXXXX', TMPDIR => 1, CLEANUP => 1);
chmod 0755, $dir;
for my $fs (qw(usr etc var run)) {
	make_path("$dir/up/$fs", "$dir/work/$fs");
	system('mount', '-t', 'overlay', 'overlay', '-o',
	    "lowerdir=/$fs,upperdir=$dir/up/$fs,workdir=$dir/work/$fs", "/$fs") == 0
	    or plan skip_all => "cannot put an overlay on /$fs here";
}
ok(!-e '/usr/sbin/benchingest', 'no benchingest in /usr/sbin before the install')
    or BAIL_OUT('benchingest is installed on this machine: not testing over it');

# The README's build commands, from its from-source block.
my $readme = BenchTest::slurp("$top/README.md");
my ($build) = $readme =~ /^Or from source.*?\n\n((?: {4}.*\n)+)/m;
my @build = grep { !/^apt-get|^\s+lib/ } map { s/^ {4}//r } split /\n/, $build // '';
is_deeply([grep { /configure/ } @build],
    ['autoreconf -fi && ./configure --prefix=/usr --sysconfdir=/etc'],
    'the README builds with ./configure --prefix=/usr --sysconfdir=/etc');
mkdir "$dir/src";
system("cd $top && git ls-files -z --cached --others --exclude-standard | "
    . "tar --null -T - -cf - | tar -C $dir/src -xf -") == 0
    or BAIL_OUT('cannot copy the tree');
my $r = BenchTest::run_cmd(['bash', '-c', join("\n", 'set -e', "cd $dir/src",
    @build) . "\n"], timeout => 900);
is($r->{exit}, 0, "README: @build") or
    BAIL_OUT(substr("$r->{stdout}$r->{stderr}", -3000));
ok(-x '/usr/sbin/benchingest', 'make install put benchingest in /usr/sbin');
ok(-f '/etc/benchingest.conf', '... its configuration in /etc');
ok(-f '/usr/lib/systemd/system/benchingest.socket', '... the units in /usr/lib/systemd/system');

my $cluster = BenchTest::start_cluster();
my $deploy = Deploy->new(dir => $dir, unitdir => '/usr/lib/systemd/system',
    env => { PGHOST => $cluster->host, PGPORT => $cluster->port });
$deploy->exercise;

done_testing;
