#!/usr/bin/perl
# Two benchingest masters behind one nginx upstream, one of them killed
# (master and workers, kill -9) in the middle of several hundred ingests:
# no client sees a failure, because nginx retries on the other backend
# (fastcgi_next_upstream ... non_idempotent in the snippet), which is safe
# since an ingest is an idempotent upsert and a killed worker commits
# nothing.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use POSIX qw(:sys_wait_h);
use Test::More;
use BenchTest;

# Backend B: its own master and socket, writing to A's database.
my $a = BenchTest->new(start => 0);
my $b = BenchTest->new(nginx => 0, workers => 2, database => $a->ingest_conninfo,
    ingest_token => $a->ingest_token);
$a->{opt}{upstreams} = ['unix:' . $b->socket_path];
$a->start;
my $dbh = $a->dbh;

my $clients = 4;
my $per_client = 100;
my @kids;
for my $c (1 .. $clients) {
	my $pid = fork // die "fork: $!";
	if ($pid == 0) {
		my $out = '';
		for my $i (1 .. $per_client) {
			my $e = BenchTest::with_sha(BenchTest::envelope(), BenchTest::random_sha());
			my $r = $a->ingest($e);
			$out .= "$e->{commit}{sha} $r->{status}\n";
			BenchTest::spew($a->dir . "/progress$c", $i) if $i % 10 == 0;
		}
		BenchTest::spew($a->dir . "/client$c", $out);
		POSIX::_exit(0);
	}
	push @kids, $pid;
}

# Kill B once the run is well under way.
ok($a->wait_for(sub {
	my $n = 0;
	$n += BenchTest::slurp($a->dir . "/progress$_") // 0 for 1 .. $clients;
	$n >= $clients * $per_client / 4 }, 120), 'a quarter of the ingests are done');
my $bmaster = $b->master_pid;
my @bworkers = $b->worker_pids;
ok(kill('KILL', -$bmaster), 'kill -9 backend B (master and workers)');
kill 'KILL', @bworkers;
ok($a->wait_for(sub { !grep { waitpid($_, WNOHANG) == 0 } @kids }, 300), 'the clients finished');

my (%codes, @acked);
for my $c (1 .. $clients) {
	for (split /\n/, BenchTest::slurp($a->dir . "/client$c") // '') {
		my ($sha, $code) = split;
		$codes{$code}++;
		push @acked, $sha if $code == 200;
	}
}
is_deeply(\%codes, { 200 => $clients * $per_client },
    "all $clients x $per_client ingests answered 200: no client-visible failure");
is($dbh->selectrow_array('SELECT count(*) FROM commits'), $clients * $per_client,
    'every commit is stored');
is($dbh->selectrow_array('SELECT count(*) FROM query_measurements'), $clients * $per_client,
    'and every record (one query_measurement per envelope)');
like(BenchTest::slurp($a->dir . '/nginx-error.log') // '', qr/upstream/,
    'nginx saw backend B fail and moved on');
ok(BenchTest::pid_alive($a->master_pid), 'backend A is still up');

done_testing;
