#!/usr/bin/perl
# A signal sent to the master right after it started children is never
# lost: a freshly forked child keeps SIGTERM blocked until its own handler
# is installed, so a stop or a reload that lands while it is still dropping
# privileges still reaches it.  100 rounds of SIGHUP followed at once by
# another SIGHUP: every time the old cohorts go and exactly `workers` new
# workers and one listener remain.  100 rounds of SIGHUP followed at once
# by SIGTERM: every time the master exits 0 with no child left.  Neither
# ever needs the shutdown deadline's SIGKILL.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use Time::HiRes qw(sleep);
use BenchTest;

my $ROUNDS = 100;
my $WORKERS = 4;
# No request is made: a database that refuses at once keeps rounds quick.
my $dead = 'host=127.0.0.1 port=' . BenchTest::free_port() .
    ' dbname=none user=nobody';
# Far longer than any round may take, so that a lost SIGTERM shows as a
# child that stays, not as one the deadline killed.
my %config = (shutdown_timeout => 600, log_level => 'warn');

# Between the two signals: none, or up to 3 ms, so that the second one
# lands anywhere in the first one's spawning.
sub pause { my ($i) = @_; sleep(($i % 4) * rand(0.001)) }

sub in_list {
	my ($pid, @list) = @_;
	return scalar grep { $_ == $pid } @list;
}

subtest "$ROUNDS rounds of SIGHUP, then SIGHUP at once" => sub {
	my $t = BenchTest->new(workers => $WORKERS, nginx => 0,
	    database => $dead, config => \%config);
	my @before = $t->wait_workers($WORKERS);
	is(scalar @before, $WORKERS, "$WORKERS workers to start with");
	my $conf = $t->config_file;
	my ($bad, @now, @all) = (0);
	for my $i (1 .. $ROUNDS) {
		$t->signal('HUP');
		pause($i);
		$t->signal('HUP');
		# Children are forked, not executed: they share the master's
		# command line.  Workers and one listener, nothing else.
		my $settled = BenchTest::wait_for(sub {
			@now = $t->worker_pids;
			@all = BenchTest::pids_matching(qr/\Q$conf\E/);
			@now == $WORKERS && @all == $WORKERS + 2 &&
			    !grep { in_list($_, @before) } @now;
		}, 30);
		if (!$settled) {
			diag("round $i: workers @now, before @before, all @all");
			last if ++$bad == 3;
		}
		@before = @now;
	}
	is($bad, 0, "every round ends with $WORKERS new workers, no old one");
	unlike($t->log, qr/shutdown_timeout/, 'no child had to be killed');
	is($t->stop(60), 0, 'then SIGTERM: exit 0');
};

subtest "$ROUNDS rounds of start, SIGHUP, then SIGTERM at once" => sub {
	my $t = BenchTest->new(workers => $WORKERS, nginx => 0,
	    database => $dead, config => \%config, start => 0);
	my $conf = $t->config_file;
	my ($bad, $done) = (0, 0);
	for my $i (1 .. $ROUNDS) {
		$t->start;
		my $master = $t->master_pid;
		$t->wait_workers($WORKERS);
		$t->signal('HUP');
		pause($i);
		$t->signal('TERM');
		my $rc = $t->wait_master_exit(30);
		my @left = BenchTest::pids_matching(qr/\Q$conf\E/);
		if (!defined $rc || $rc != 0 || @left) {
			diag("round $i: master $master exit " . ($rc // 'none') .
			    ", left: @left");
			$t->stop(5) if !defined $rc;
			kill 'KILL', @left;
			last if ++$bad == 3;
		}
		$done++;
	}
	is($bad, 0, "every round: the master exits 0, no child left ($done rounds)");
	unlike($t->log, qr/shutdown_timeout/, 'no child had to be killed');
};

done_testing;
