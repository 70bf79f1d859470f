#!/usr/bin/perl
# The pidfile (-p FILE or pid_file): the master writes its pid once it
# listens, removes the file when it stops, and a second instance with the
# same file refuses to start, before it touches the first one's socket.
# A file left by a dead instance does not stop a start.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;

my $t = BenchTest->new(start => 0);
my $pidfile = $t->dir . '/benchingest.pid';
$t->set_config(pid_file => $pidfile);
$t->start;
my $master = $t->master_pid;
ok(BenchTest::wait_for(sub { -s $pidfile }, 10), 'pid_file is written');
is(BenchTest::slurp($pidfile), "$master\n", '... with the master\'s pid');

my $r = $t->run_benchingest('-f', $t->config_file, '-s', $t->socket_path,
    { timeout => 30 });
is($r->{exit}, 1, 'a second instance with the same pid_file: exit 1');
like($r->{stderr}, qr/\Q$pidfile\E: another benchingest \(pid $master\) is running/,
    '... naming the running one');
ok(-S $t->socket_path, 'the first one\'s socket is untouched');
is($t->health->{status}, 200, '... and it still serves');
is(BenchTest::slurp($pidfile), "$master\n", 'the pid_file is unchanged');

is($t->stop, 0, 'SIGTERM: exit 0');
ok(!-e $pidfile, 'the pid_file is removed at exit');

# A crashed instance leaves its file behind, unlocked.
BenchTest::spew($pidfile, "999999\n");
$t->set_config(pid_file => undef);
my $other = $t->dir . '/other.pid';
BenchTest::spew($other, "1\n");
# -p wins over pid_file.
$t->set_config(pid_file => $other);
my $sock = $t->dir . '/p.sock';
my $pid = $t->spawn([BenchTest::bin(), '-f', $t->config_file, '-p', $pidfile,
    '-s', $sock], out => $t->dir . '/p.log');
ok(BenchTest::wait_for(sub { (BenchTest::slurp($pidfile) // '') eq "$pid\n" }, 15),
    'a stale pid_file is taken over; -p wins over pid_file');
is(BenchTest::slurp($other), "1\n", '... which is left alone');
is($t->kill_spawned($pid), 0, 'SIGTERM: exit 0');
ok(!-e $pidfile, '... and the file is gone');

done_testing;
