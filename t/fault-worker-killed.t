#!/usr/bin/perl
# kill -9 of the worker in the middle of a large ingest: the client gets an
# error, the database holds none of that batch, the master starts a new
# worker, and the next ingest succeeds.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use POSIX qw(:sys_wait_h);
use Test::More;
use BenchTest;

my $t = BenchTest->new(workers => 1);
my $dbh = $t->dbh;
my $before = $t->row_counts;
my ($worker) = $t->wait_workers(1);
ok($worker, 'one worker');

# Hold the ingest inside its transaction: a SHARE lock blocks its COPY into
# query_measurements after it has already written the commit row.
my $locker = $t->new_dbh;
$locker->begin_work;
$locker->do('LOCK TABLE query_measurements IN SHARE MODE');

my $sha = BenchTest::random_sha();
my $body = BenchTest::big_envelope_json(20000, sha => $sha);
my $status_file = $t->dir . '/client.status';
my $client = fork // die "fork: $!";
if ($client == 0) {
	my $r = $t->ingest($body);
	BenchTest::spew($status_file, "$r->{status} $r->{content}");
	POSIX::_exit(0);
}

ok($t->wait_for(sub {
	$dbh->selectrow_array(q{SELECT count(*) FROM pg_stat_activity
	    WHERE datname = current_database() AND application_name = 'benchingest'
	    AND wait_event_type = 'Lock'}) > 0 }, 60),
    'the ingest is inside its transaction, waiting on the lock');

ok(kill('KILL', $worker), "kill -9 the worker $worker");
$locker->rollback;
$locker->disconnect;

ok($t->wait_for(sub { waitpid($client, WNOHANG) == $client }, 60), 'the client got an answer');
my ($status, $content) = split / /, BenchTest::slurp($status_file) // '', 2;
isnt($status, 200, "the client sees an error, not success (got $status)");

ok($t->wait_for(sub {
	!$dbh->selectrow_array(q{SELECT count(*) FROM pg_stat_activity
	    WHERE datname = current_database() AND application_name = 'benchingest'
	    AND state <> 'idle'}) }, 30),
    'the dead worker\'s transaction is gone');
is($dbh->selectrow_array('SELECT count(*) FROM commits WHERE commit_sha = ?', undef, $sha), 0,
    'no commit row of that batch');
is_deeply($t->row_counts, $before, 'no row of that batch: all or nothing');

my @now = $t->wait_workers(1);
ok(@now == 1 && $now[0] != $worker, "the master started a new worker ($now[0])");
like($t->log, qr/worker $worker killed by signal 9/, 'the master logged the death');

my $r = $t->ingest($body);
is($r->{status}, 200, 'the next ingest of the same batch succeeds');
is_deeply($r->{json}, { inserted => 20000, updated => 0 }, '... all of it new');

done_testing;
