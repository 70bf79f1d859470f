# The prefork master: it keeps `workers` children running, replaces one that
# dies, reloads on SIGHUP without failing a request (and keeps serving when
# the new config is broken), and on SIGTERM lets in-flight requests finish
# before it exits 0 with no child left behind.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;
use JSON::PP ();
use POSIX qw(_exit);

my $json = JSON::PP->new->utf8->canonical;
my $t = BenchTest->new(workers => 3);
my $master = $t->master_pid;
my $conf = $t->config_file;

sub in_list {
	my ($pid, @list) = @_;
	return scalar grep { $_ == $pid } @list;
}

# $n requests, alternately health and an ingest; the statuses.
sub requests {
	my ($n) = @_;
	return map { $_ % 2 ? $t->health->{status} :
	    $t->ingest(BenchTest::envelope())->{status} } 1 .. $n;
}

my @first = $t->wait_workers(3);
is(scalar @first, 3, 'workers = 3: three worker processes');
is_deeply([requests(6)], [(200) x 6], 'and they serve requests');

subtest 'kill -9 of a worker: the master starts a new one' => sub {
	my $victim = $first[0];
	ok(kill('KILL', $victim), "SIGKILL to worker $victim");
	my @now;
	ok(BenchTest::wait_for(sub {
		@now = $t->worker_pids;
		@now == 3 && !in_list($victim, @now);
	}, 30), 'three workers again, without the dead one');
	my @fresh = grep { !in_list($_, @first) } @now;
	is(scalar @fresh, 1, 'exactly one new worker pid');
	ok(!BenchTest::pid_alive($victim), 'the killed worker is gone');
	is($t->master_pid, $master, 'the master is the same process');
	is_deeply([requests(8)], [(200) x 8], 'requests keep succeeding');
	like($t->log, qr/^\S+ benchingest\[$master\]: \w+: .*\b$victim\b/m,
	    "the master logged the death of $victim");
};

subtest 'SIGTERM to a worker: it exits and is replaced' => sub {
	my @before = $t->wait_workers(3);
	my $victim = $before[-1];
	kill 'TERM', $victim;
	my @now;
	ok(BenchTest::wait_for(sub {
		@now = $t->worker_pids;
		@now == 3 && !in_list($victim, @now);
	}, 30), 'three workers again, without the stopped one');
	is_deeply([requests(4)], [(200) x 4], 'requests keep succeeding');
};

subtest 'SIGHUP with workers 3 -> 2: new workers, no failed request' => sub {
	my @old = $t->wait_workers(3);
	my $progress = $t->dir . '/loop.progress';
	my $stop = $t->dir . '/loop.stop';

	# A client hammering the service across the reload, one request at a
	# time, reporting "requests failures" after each.
	my $pid = fork // die "fork: $!";
	if ($pid == 0) {
		my ($n, $bad, @why) = (0, 0);
		until (-e $stop) {
			my $r = $n % 2 ? $t->health :
			    $t->ingest(BenchTest::envelope());
			$n++;
			if ($r->{status} != 200) {
				$bad++;
				push @why, "$r->{status} $r->{content}" if @why < 5;
			}
			BenchTest::spew("$progress.tmp", join "\n", "$n $bad", @why);
			rename "$progress.tmp", $progress;
		}
		_exit(0);
	}
	my $done = sub {
		my ($n) = split ' ', BenchTest::slurp($progress) // '0';
		return $n // 0;
	};
	ok(BenchTest::wait_for(sub { $done->() >= 10 }, 60),
	    'the client loop is running');

	my $mark = $t->log_mark;
	$t->set_config(workers => 2);
	ok($t->signal('HUP'), 'SIGHUP to the master');
	my @new;
	ok(BenchTest::wait_for(sub {
		@new = $t->worker_pids;
		@new == 2 && !grep { in_list($_, @old) } @new;
	}, 60), 'two workers, none of the old ones');
	my $at = $done->();
	ok(BenchTest::wait_for(sub { $done->() >= $at + 10 }, 60),
	    'the loop went on after the reload');
	BenchTest::spew($stop, '');
	waitpid $pid, 0;

	my ($counts, @why) = split /\n/, BenchTest::slurp($progress);
	my ($n, $bad) = split ' ', $counts;
	cmp_ok($n, '>=', 20, "$n requests were made across the reload");
	is($bad, 0, 'none of them failed') or diag join "\n", @why;
	is($t->master_pid, $master, 'the master is the same process');
	like($t->log_since($mark), qr/reload/i, 'the reload is logged');
	is(scalar(my @w = $t->wait_workers(2)), 2, 'still two workers');
};

subtest 'SIGHUP with a broken config: the old workers keep serving' => sub {
	my @before = $t->wait_workers(2);
	my $mark = $t->log_mark;
	$t->set_config(workers => 'many');
	my @lines = split /\n/, BenchTest::slurp($conf);
	my ($lineno) = grep { $lines[$_ - 1] =~ /^workers/ } 1 .. @lines;
	ok($t->signal('HUP'), 'SIGHUP to the master');
	my $log;
	ok(BenchTest::wait_for(sub {
		($log = $t->log_since($mark)) =~ /\Q$conf\E:$lineno:/;
	}, 30), "the error is logged as $conf:$lineno");
	like($log, qr/\Q$conf\E:$lineno:.*workers/, '... naming the key');
	is_deeply([$t->worker_pids], \@before, 'the same workers run');
	is_deeply([requests(6)], [(200) x 6], 'and answer');

	# The running config still says 2: a lost worker is replaced by one.
	kill 'KILL', $before[0];
	my @now;
	ok(BenchTest::wait_for(sub {
		@now = $t->worker_pids;
		@now == 2 && !in_list($before[0], @now);
	}, 30), 'a killed worker is still replaced, to 2 workers');
	$t->set_config(workers => 2);
};

subtest 'SIGTERM: the master exits 0 and no worker remains' => sub {
	my @workers = $t->wait_workers(2);
	is($t->stop, 0, 'exit status 0');
	ok(!BenchTest::pid_alive($master), 'the master is gone');
	ok(!(grep { BenchTest::pid_alive($_) } @workers), 'every worker is gone');
	is_deeply([BenchTest::pids_matching(qr/\Q$conf\E/)], [],
	    'no process runs with this config');
};

subtest 'SIGTERM during a large ingest: the request still completes' => sub {
	my $u = BenchTest->new(workers => 2,
	    config => { statement_timeout => 0 });
	my $sha = BenchTest::random_sha();
	my $body = BenchTest::big_envelope_json(50000, sha => $sha);
	my $out = $u->dir . '/inflight.json';

	# Hold the ingest inside its transaction until we let it go.
	my $locker = $u->new_dbh;
	$locker->begin_work;
	$locker->do('LOCK TABLE query_measurements IN SHARE MODE');

	my $pid = fork // die "fork: $!";
	if ($pid == 0) {
		my $r = $u->ingest($body);
		BenchTest::spew("$out.tmp", $json->encode(
		    { status => $r->{status}, content => $r->{content} }));
		rename "$out.tmp", $out;
		_exit(0);
	}
	my $dbh = $u->dbh;
	ok(BenchTest::wait_for(sub {
		$dbh->selectrow_array(q{SELECT count(*) FROM pg_stat_activity
		    WHERE datname = current_database()
		      AND usename = 'bench_ingest' AND wait_event_type = 'Lock'});
	}, 120), 'the ingest is in flight, writing');

	my $um = $u->master_pid;
	ok($u->signal('TERM'), 'SIGTERM to the master');
	ok(BenchTest::wait_for(sub { $u->worker_pids == 1 }, 30),
	    'the idle worker exits');
	ok(BenchTest::pid_alive($um), 'the master waits for the busy one');
	ok(!-e $out, 'the request has not been answered yet');

	$locker->commit;
	$locker->disconnect;
	waitpid $pid, 0;
	my $res = $json->decode(BenchTest::slurp($out) // '{}');
	is($res->{status}, 200, 'the in-flight ingest answers 200')
	    or diag $res->{content};
	is_deeply(eval { $json->decode($res->{content}) },
	    { inserted => 50000, updated => 0 }, '... all 50000 inserted');
	is($u->wait_master_exit(60), 0, 'then the master exits 0');
	is($dbh->selectrow_array(q{SELECT count(*) FROM query_measurements
	    WHERE commit_sha = ?}, undef, $sha), 50000, 'the rows are there');
	is($dbh->selectrow_array(q{SELECT count(*) FROM commits
	    WHERE commit_sha = ?}, undef, $sha), 1, 'and the commit');
	my $uconf = $u->config_file;
	is_deeply([BenchTest::pids_matching(qr/\Q$uconf\E/)], [],
	    'no process is left');

	$u->start;
	ok($u->signal('INT'), 'started again, SIGINT to the master');
	is($u->wait_master_exit(60), 0, 'SIGINT: exit 0 too');
};

done_testing;
