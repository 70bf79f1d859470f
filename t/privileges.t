#!/usr/bin/perl
# Started as root, benchingest refuses to run without an unprivileged user
# for its workers; with one, every worker runs as that user and only the
# master, which handles no request, keeps root.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;

plan skip_all => 'needs root to test dropping it' unless $> == 0;

my $nobody = getpwnam('nobody');
my $t = BenchTest->new(user => undef, start => 0);
my $conf = $t->config_file;
my $sock = $t->dir . '/refused.sock';

my $r = $t->run_benchingest('-f', $conf, '-s', $sock, { timeout => 20 });
is($r->{exit}, 1, 'as root without "user": exits 1');
like($r->{stderr}, qr/refusing to run as root: set "user"/, '... and says what to set');
ok(!-e $sock, '... before listening');

$t->set_config(user => 'root');
$r = $t->run_benchingest('-f', $conf, '-s', $sock, { timeout => 20 });
is($r->{exit}, 1, '"user = root" is refused');
like($r->{stderr}, qr/is root: name an unprivileged account/, '... with the reason');

$t->set_config(user => 'no-such-user-here');
$r = $t->run_benchingest('-f', $conf, '-s', $sock, { timeout => 20 });
is($r->{exit}, 1, 'an unknown user is refused');
like($r->{stderr}, qr/no-such-user-here/, '... and named');

$t->set_config(user => 'nobody');
$t->start;
is($t->health->{status}, 200, 'with "user = nobody" it serves');

sub uid_of {
	my ($pid) = @_;
	open my $fh, '<', "/proc/$pid/status" or return;
	while (<$fh>) { return [split ' ', $1] if /^Uid:\s+(.*)$/ }
	return;
}
my @workers = $t->worker_pids;
ok(@workers >= 1, 'workers are running');
for my $pid (@workers) {
	is_deeply(uid_of($pid), [($nobody) x 4], "worker $pid runs as nobody (real, effective, saved, fs)");
}
is(uid_of($t->master_pid)->[1], 0, 'the master keeps root to re-read root-owned files');

# A reload with a root-only token file still works: the master reads it.
my $mark = $t->log_mark;
$t->signal('HUP');
ok($t->wait_for(sub { $t->log_since($mark) =~ /configuration reloaded/ }, 20),
    'SIGHUP re-reads the root-owned (0600) token files');
$t->wait_workers(2);
my $ok = $t->ingest(BenchTest::envelope());
is($ok->{status}, 200, 'new workers, still unprivileged, ingest');
for my $pid ($t->worker_pids) {
	is(uid_of($pid)->[1], $nobody, "reloaded worker $pid runs as nobody");
}

# A reload that would make workers root is refused; the old config stays.
$mark = $t->log_mark;
$t->set_config(user => 'root');
$t->signal('HUP');
ok($t->wait_for(sub { $t->log_since($mark) =~ /reload failed.*is root/ }, 20),
    'a reload to "user = root" is refused and logged');
is($t->health->{status}, 200, '... and the running workers keep serving');

done_testing;
