#!/usr/bin/perl
# The Debian package, end to end: built from this tree with
# dpkg-buildpackage (no network), lintian clean, installed with apt on this
# machine; then the README's "Running it" steps as they stand (the
# database, the peer-authenticated login, the tokens, the check as the
# service user), the packaged units run as systemd would run them (the
# socket unit's socket passed to the service unit's ExecStart, as its
# User=), HTTPS smoke tests through nginx with the installed snippets and
# example site, the README's spawn-fcgi line too; then remove and purge,
# and nothing of it is left but the system user.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp qw(tempdir);
use Test::More;
use Time::HiRes qw(time);
use BenchTest;
use Deploy;

plan skip_all => 'needs root to install a package' unless $> == 0;
for my $tool (qw(dpkg-buildpackage dh lintian apt-get)) {
	plan skip_all => "$tool is not installed" unless `which $tool` =~ /\S/;
}
plan skip_all => 'a benchingest package is installed already; not touching it'
    if `dpkg-query -W -f='\${Status}' benchingest 2>/dev/null` =~ /installed/;
plan skip_all => 'not a git checkout (the package is built from git ls-files)'
    unless -d "$BenchTest::TOP/.git" || -f "$BenchTest::TOP/.git";

my $top = $BenchTest::TOP;
my $dir = tempdir('debian-package.XXXXXX', TMPDIR => 1, CLEANUP => 1);
chmod 0755, $dir;
my ($installed, $policy, $deploy);

# Whatever happens, leave the machine as it was: stop what we started,
# purge the package.
sub restore {
	$deploy->cleanup if $deploy;
	system('apt-get purge -y -qq -o DPkg::Lock::Timeout=300 benchingest >/dev/null 2>&1')
	    if $installed && !$installed->{purged};
	unlink $policy if $policy;
	undef $policy;
}
END { restore() }

# The packages' services must not start (as script/test does): a
# policy-rc.d that says no, unless one is there already.
sub no_services {
	return if -e '/usr/sbin/policy-rc.d';
	$policy = '/usr/sbin/policy-rc.d';
	BenchTest::spew($policy, "#!/bin/sh\nexit 101\n", 0755);
}

# ---- build
my $t0 = time;
mkdir "$dir/src";
system("cd $top && git ls-files -z --cached --others --exclude-standard | "
    . "tar --null -T - -cf - | tar -C $dir/src -xf -") == 0
    or BAIL_OUT('cannot copy the tree');
my $r = BenchTest::run_cmd(['sh', '-c', "cd $dir/src && dpkg-buildpackage -us -uc -b"],
    timeout => 900);
is($r->{exit}, 0, 'dpkg-buildpackage -us -uc -b builds the package')
    or BAIL_OUT("build failed:\n" . substr("$r->{stdout}$r->{stderr}", -3000));
my ($deb) = glob "$dir/benchingest_*_*.deb";
ok($deb, 'benchingest_VERSION_ARCH.deb');
like("$r->{stdout}$r->{stderr}", qr/^# PASS: +[1-9]\d*$/m, 'the build ran make check (the unit tests)');
diag(sprintf 'package built in %.0f s', time - $t0);

# ---- lintian
my ($changes) = glob "$dir/benchingest_*_*.changes";
$r = BenchTest::run_cmd(['lintian', '--fail-on', 'error,warning', $changes],
    timeout => 300);
is($r->{exit}, 0, 'lintian: no errors, no warnings (each override has a reason)')
    or diag("$r->{stdout}$r->{stderr}");
unlike($r->{stdout}, qr/^[EW]: /m, '... none printed');

# ---- contents
my $list = `dpkg-deb -c $deb`;
for my $path (qw(./usr/sbin/benchingest ./usr/sbin/benchingest-migrate
    ./usr/share/man/man8/benchingest.8.gz ./usr/share/man/man5/benchingest.conf.5.gz
    ./usr/share/man/man8/benchingest-migrate.8.gz ./etc/benchingest.conf
    ./lib/systemd/system/benchingest.service ./lib/systemd/system/benchingest.socket
    ./usr/lib/tmpfiles.d/benchingest.conf ./usr/lib/sysusers.d/benchingest.conf
    ./usr/share/benchingest/nginx/benchingest.conf
    ./usr/share/benchingest/nginx/benchingest-cache.conf
    ./usr/share/benchingest/nginx/benchingest-server.conf.example
    ./usr/share/benchingest/nginx/benchingest-site.conf
    ./usr/share/benchingest/site/static/site.js
    ./usr/share/benchingest/site/static/site.js.gz
    ./usr/share/benchingest/site/static/vendor/chart.min.js
    ./usr/share/benchingest/site/static/vendor/chart.js-LICENSE.txt
    ./usr/share/benchingest/sql/001_tables.sql ./etc/logrotate.d/benchingest
    ./usr/share/doc/benchingest/README.Debian.gz
    ./usr/share/doc/benchingest/examples/prometheus-scrape.yml
    ./usr/share/doc/benchingest/examples/benchingest-alerts.yml)) {
	like($list, qr/ \Q$path\E$/m, "ships $path");
}
my $conffiles = `dpkg-deb -I $deb conffiles`;
like($conffiles, qr{^/etc/benchingest\.conf$}m, '/etc/benchingest.conf is a conffile');
unlike(`dpkg-deb --fsys-tarfile $deb | tar -xOf - ./etc/benchingest.conf`,
    qr/^\s*[a-z_]*token\s*=/m, '... with no token in it');

# ---- install
no_services();
$r = BenchTest::run_cmd(['apt-get', 'install', '-y', '-q', '-o',
    'DPkg::Lock::Timeout=300', $deb], timeout => 600);
is($r->{exit}, 0, 'apt-get install ./benchingest_*.deb') or diag("$r->{stdout}$r->{stderr}");
$installed = { purged => 0 };
my @pw = getpwnam('benchingest');
ok(@pw, 'the system user benchingest exists');
cmp_ok($pw[2] // 0, '<', 1000, '... with a system uid');
is($pw[7], '/nonexistent', '... and no home');
for my $t (qw(ingest revalidate)) {
	my @st = stat "/etc/benchingest/$t.token";
	is(sprintf('%o', ($st[2] // 0) & 07777), '640', "$t.token is 0640");
	is($st[5], $pw[3], '... group benchingest');
	like(BenchTest::slurp("/etc/benchingest/$t.token") // '', qr/^[0-9a-f]{64}\n\z/,
	    '... a generated 256-bit token');
}
my @cache = stat '/var/cache/benchingest';
ok(@cache, 'the nginx cache directory /var/cache/benchingest exists');
my @run = stat '/run/benchingest';
is($run[4], $pw[2], '/run/benchingest belongs to benchingest');
is($run[5], scalar getgrnam('www-data'), '... group www-data');

# README.Debian repeats README.md's commands: they must not drift apart.
my %readme = map { map { $_ => 1 } @$_ } Deploy::readme_blocks();
my @debian = grep { /^(?:runuser|ident=|hba=|echo|sed|benchingest )/ }
    map { s/^\s+//r } grep { /^ {7}\S/ }
    split /\n/, BenchTest::slurp("$top/debian/README.Debian");
cmp_ok(scalar @debian, '>=', 8, 'README.Debian has the database and login commands');
for my $line (@debian) {
	ok($readme{$line}, "README.md runs it too: $line");
}

# ---- the README, as it stands
my $cluster = BenchTest::start_cluster();
$deploy = Deploy->new(dir => $dir, unitdir => '/lib/systemd/system',
    env => { PGHOST => $cluster->host, PGPORT => $cluster->port });
$deploy->exercise;

# ---- remove, purge
$r = BenchTest::run_cmd(['apt-get', 'remove', '-y', '-q', '-o',
    'DPkg::Lock::Timeout=300', 'benchingest'], timeout => 300);
is($r->{exit}, 0, 'apt-get remove benchingest') or diag("$r->{stdout}$r->{stderr}");
ok(!-e '/usr/sbin/benchingest', 'the program is gone');
ok(-e '/etc/benchingest.conf', 'the configuration stays until purge');
$r = BenchTest::run_cmd(['apt-get', 'purge', '-y', '-q', '-o',
    'DPkg::Lock::Timeout=300', 'benchingest'], timeout => 300);
is($r->{exit}, 0, 'apt-get purge benchingest') or diag("$r->{stdout}$r->{stderr}");
$installed->{purged} = 1;
for my $path (qw(/etc/benchingest.conf /etc/benchingest /etc/logrotate.d/benchingest
    /var/cache/benchingest /var/log/benchingest /run/benchingest /usr/share/benchingest
    /usr/share/doc/benchingest /lib/systemd/system/benchingest.socket)) {
	ok(!-e $path, "purge removed $path");
}
my @left = grep { !m{^/(?:proc|sys|tmp)/} }
    split /\n/, `find /etc /usr /lib /var /run -name '*benchingest*' 2>/dev/null`;
is_deeply(\@left, [], 'no file named benchingest is left') or diag explain \@left;
ok(scalar getpwnam('benchingest'), 'the system user stays (Debian policy; README.Debian says so)');
is(`dpkg-query -W -f='\${Status}' benchingest 2>/dev/null`, '',
    'dpkg no longer knows the package') or 1;
diag(sprintf 'whole test: %.0f s', time - $t0);

done_testing;
