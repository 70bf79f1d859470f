#!/usr/bin/perl
# The master never stops answering: whatever keeps it from starting a child
# (its table full, fork() failing) it backs off in ppoll(), logging once per
# back-off, and keeps reaping, reloading and stopping; and a child that will
# not stop (here: stopped with SIGSTOP) holds up neither a stop nor a
# reload for longer than shutdown_timeout, after which it gets SIGKILL.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;

# These masters answer no request: a database that refuses at once will do.
my $dead = 'host=127.0.0.1 port=' . BenchTest::free_port() .
    ' dbname=none user=nobody';

sub in_list {
	my ($pid, @list) = @_;
	return scalar grep { $_ == $pid } @list;
}

# Lines of the log that say a child could not be started.
sub backoff_lines {
	my ($log) = @_;
	return scalar(() = $log =~ /cannot start children: .*retrying in/g);
}

subtest 'workers = 256, then SIGHUP: two full cohorts fit' => sub {
	my $t = BenchTest->new(workers => 256, nginx => 0, database => $dead,
	    config => { log_level => 'error' });
	my @old = $t->wait_workers(256, 120);
	is(scalar @old, 256, '256 workers');
	my $mark = $t->log_mark;
	ok($t->signal('HUP'), 'SIGHUP');
	my @new;
	ok(BenchTest::wait_for(sub {
		@new = $t->worker_pids;
		@new == 256 && !grep { in_list($_, @old) } @new;
	}, 120), '256 new workers, none of the old ones');
	ok(!(grep { BenchTest::pid_alive($_) } @old), 'the old ones are gone');
	is(backoff_lines($t->log_since($mark)), 0,
	    'no start of a child had to wait');
	is($t->stop(120), 0, 'the master still answers: SIGTERM, exit 0');
};

SKIP: {
	skip 'needs root to run the master as an unused uid', 1 unless $> == 0;

	# RLIMIT_NPROC counts the processes of a real uid, and root is exempt:
	# run the master as a uid nothing else on the host uses.  Only the soft
	# limit is lowered, so that a process of the same uid may raise it
	# again (no CAP_SYS_RESOURCE needed).
	my %used = map { (stat "/proc/$_")[4] => 1 } grep { /^\d+$/ }
	    do { opendir my $d, '/proc'; readdir $d };
	my ($uid) = grep { !$used{$_} && !defined getpwuid($_) } 61000 .. 61999;
	my @as_uid = ('/usr/bin/setpriv', "--reuid=$uid", "--regid=$uid",
	    '--clear-groups');

	subtest "fork() fails (RLIMIT_NPROC 3 for uid $uid)" => sub {
		# Room for the master, the listener and one worker of three.
		my $t = BenchTest->new(workers => 3, nginx => 0, database => $dead,
		    listen => '127.0.0.1:' . BenchTest::free_port(), user => undef,
		    ingest_token => undef, revalidate_token => undef,
		    wrap => [@as_uid, '/usr/bin/prlimit', '--nproc=3:']);
		my $master = $t->master_pid;
		ok(BenchTest::wait_for(sub { backoff_lines($t->log) >= 1 }, 30),
		    'the failed fork is logged');
		like($t->log, qr/cannot start children: fork: Resource temporarily unavailable/,
		    '... with the reason');
		sleep 2;
		my $lines = backoff_lines($t->log);
		cmp_ok($lines, '<=', 6,
		    "$lines lines in 2 s: one per back-off, which grows");
		is(scalar(my @w = $t->worker_pids), 1, 'one worker runs meanwhile');

		# The back-off waits in ppoll(): reaping goes on.
		my $mark = $t->log_mark;
		my ($victim) = $t->worker_pids;
		kill 'KILL', $victim;
		ok(BenchTest::wait_for(sub {
			$t->log_since($mark) =~ /worker $victim killed by signal 9/;
		}, 30), 'a worker killed meanwhile is reaped');

		# Room again: the next attempt starts what is missing.
		is(system(@as_uid, '/usr/bin/prlimit', "--pid=$master",
		    '--nproc=64:'), 0,
		    'RLIMIT_NPROC raised on the running master');
		is(scalar(@w = $t->wait_workers(3, 30)), 3, 'three workers');
		like($t->log_since($mark), qr/all children started again/,
		    'the recovery is logged');
		is($t->stop(30), 0, 'SIGTERM: exit 0');
	};

	subtest 'SIGTERM while backing off' => sub {
		# LeakSanitizer needs a thread at exit, which the limit forbids.
		my $asan = join ':', grep { defined } $ENV{ASAN_OPTIONS},
		    'detect_leaks=0';
		my $t = BenchTest->new(workers => 3, nginx => 0, database => $dead,
		    listen => '127.0.0.1:' . BenchTest::free_port(), user => undef,
		    ingest_token => undef, revalidate_token => undef,
		    env => { ASAN_OPTIONS => $asan },
		    wrap => [@as_uid, '/usr/bin/prlimit', '--nproc=3:']);
		ok(BenchTest::wait_for(sub { backoff_lines($t->log) >= 1 }, 30),
		    'backing off');
		my $mark = $t->log_mark;
		ok($t->signal('HUP'), 'SIGHUP');
		ok(BenchTest::wait_for(sub {
			$t->log_since($mark) =~ /configuration reloaded/;
		}, 30), 'the reload happens');
		ok($t->signal('TERM'), 'SIGTERM');
		is($t->wait_master_exit(30), 0, 'the master exits 0');
	};
}

subtest 'a child that will not stop is killed after shutdown_timeout' => sub {
	my $t = BenchTest->new(workers => 2, nginx => 0, database => $dead,
	    config => { shutdown_timeout => 2 }, start => 0);
	ok($t->start(no_bail => 1), 'starts with shutdown_timeout = 2')
	    or return diag($t->{start_error});

	# On reload: the old worker is stopped, the new ones serve.
	my @old = $t->wait_workers(2);
	ok(kill('STOP', $old[0]), "SIGSTOP to worker $old[0]");
	my $mark = $t->log_mark;
	$t->signal('HUP');
	ok(BenchTest::wait_for(sub { !BenchTest::pid_alive($old[0]) }, 30),
	    'on SIGHUP, the stopped old worker is gone');
	like($t->log_since($mark),
	    qr/worker $old[0] did not stop within shutdown_timeout \(2 s\): killing it/,
	    '... killed, and the log says why');
	like($t->log_since($mark), qr/worker $old[0] killed by signal 9/,
	    '... and reaped');
	my @new = $t->wait_workers(2);
	is(scalar @new, 2, 'two new workers');

	# On stop: the master exits all the same.
	ok(kill('STOP', $new[1]), "SIGSTOP to worker $new[1]");
	$mark = $t->log_mark;
	$t->signal('TERM');
	is($t->wait_master_exit(30), 0, 'on SIGTERM the master exits 0');
	like($t->log_since($mark), qr/worker $new[1] did not stop within/,
	    '... after killing the stopped worker');
	ok(!BenchTest::pid_alive($new[1]), 'which is gone');
	my $conf = $t->config_file;
	is_deeply([BenchTest::pids_matching(qr/\Q$conf\E/)], [],
	    'no process is left');
};

done_testing;
