#!/usr/bin/perl
# Postgres goes away, idle and under load: requests meanwhile get 503
# unavailable at once (not a hang, not a crash, never a 500); when it is
# back, requests succeed without restarting benchingest, and every write
# that was acknowledged with 200 is in the database.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use POSIX qw(:sys_wait_h);
use Test::More;
use BenchTest;

my $t = BenchTest->new(private_cluster => 1, workers => 2);
my @workers = $t->wait_workers(2);
my $master = $t->master_pid;

sub small_envelope { BenchTest::with_sha(BenchTest::envelope(), BenchTest::random_sha()) }

# --- idle
is($t->ingest(small_envelope())->{status}, 200, 'ingest works before');
$t->cluster_stop('fast');
my $r = $t->ingest(small_envelope());
is($r->{status}, 503, 'Postgres stopped: ingest answers 503');
is_deeply($r->{json}, { error => 'unavailable' }, '... {"error":"unavailable"}');
$r = $t->health;
is($r->{status}, 503, 'health answers 503');
is_deeply($r->{json}, { status => 'unavailable' }, '... {"status":"unavailable"}');
ok(BenchTest::pid_alive($master), 'the master is alive');
is_deeply([sort { $a <=> $b } $t->worker_pids], [sort { $a <=> $b } @workers],
    'the same workers are alive: nothing crashed');

$t->cluster_start;
ok($t->wait_for(sub { $t->health->{status} == 200 }, 30), 'Postgres back: health is 200');
$r = $t->ingest(small_envelope());
is($r->{status}, 200, '... and ingest is 200, benchingest never restarted');

# --- under load: clients ingest distinct commits while Postgres restarts
# Clients go on until told to stop (after Postgres is back), at most 1500
# requests each.
my $clients = 3;
my $stop = $t->dir . '/stop-clients';
my @kids;
for my $c (1 .. $clients) {
	my $pid = fork // die "fork: $!";
	if ($pid == 0) {
		my $out = '';
		for my $i (1 .. 1500) {
			last if -e $stop;
			my $e = small_envelope();
			my $res = $t->ingest($e);
			$out .= "$e->{commit}{sha} $res->{status} " .
			    ($res->{json} ? $res->{json}{error} // 'ok' : 'none') . "\n";
			select undef, undef, undef, 0.02;
		}
		BenchTest::spew($t->dir . "/client$c", $out);
		POSIX::_exit(0);
	}
	push @kids, $pid;
}
select undef, undef, undef, 0.5;
$t->cluster_stop('fast');
select undef, undef, undef, 1.0;
$t->cluster_start;
$t->wait_for(sub { $t->health->{status} == 200 }, 30);
select undef, undef, undef, 1.0;
BenchTest::spew($stop, '');
ok($t->wait_for(sub { !grep { waitpid($_, WNOHANG) == 0 } @kids }, 120), 'the clients finished');

my (%status, @acked, @last);
for my $c (1 .. $clients) {
	my @lines = split /\n/, BenchTest::slurp($t->dir . "/client$c") // '';
	ok(@lines > 0, "client $c made requests (" . scalar(@lines) . ')');
	for (@lines) {
		my ($sha, $code, $class) = split;
		$status{"$code $class"}++;
		push @acked, $sha if $code == 200;
	}
	push @last, (split ' ', $lines[-1])[1];
}
my @bad = grep { !/^(200 ok|503 unavailable)$/ } keys %status;
is_deeply(\@bad, [], 'every answer is 200 or 503 unavailable: no 500, no 502, no hang')
    or diag(explain \%status);
ok(($status{'503 unavailable'} // 0) > 0, 'some requests met the outage')
    or diag(explain \%status);
is_deeply(\@last, [(200) x $clients], 'after the restart every client succeeds again');
my $dbh = $t->dbh;
my $found = $dbh->selectrow_array('SELECT count(*) FROM commits WHERE commit_sha = ANY(?)',
    undef, \@acked);
is($found, scalar @acked, 'every acknowledged commit (' . scalar(@acked) . ') is stored');
ok(BenchTest::pid_alive($master), 'the master never restarted');

done_testing;
