#!/usr/bin/perl
# Under a steady load of ingests and health reads: SIGHUP (several times)
# fails no request; SIGTERM lets every request a worker has taken finish
# with its full answer, then the master exits 0 and no worker is left.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use POSIX qw(:sys_wait_h);
use Test::More;
use BenchTest;

my $t = BenchTest->new(workers => 3);
my $stop = $t->dir . '/stop-clients';

# Each client alternates ingests and health reads until told to stop.
sub clients {
	my ($tag, $n) = @_;
	my @kids;
	for my $c (1 .. $n) {
		my $pid = fork // die "fork: $!";
		if ($pid == 0) {
			my $out = '';
			for my $i (1 .. 3000) {
				last if -e $stop;
				my $r = $i % 2 ?
				    $t->ingest(BenchTest::with_sha(BenchTest::envelope(),
					BenchTest::random_sha())) :
				    $t->health;
				my $whole = $r->{json} && ($r->{json}{inserted} // $r->{json}{status}) ? 1 : 0;
				$out .= "$r->{status} $whole\n";
			}
			BenchTest::spew($t->dir . "/$tag$c", $out);
			POSIX::_exit(0);
		}
		push @kids, $pid;
	}
	return @kids;
}

sub results {
	my ($tag, $n) = @_;
	my %codes;
	for my $c (1 .. $n) {
		$codes{$_}++ for split /\n/, BenchTest::slurp($t->dir . "/$tag$c") // '';
	}
	return \%codes;
}

# --- reloads
my @kids = clients('reload', 3);
my @gen0 = $t->wait_workers(3);
for my $i (1 .. 3) {
	select undef, undef, undef, 0.4;
	my $mark = $t->log_mark;
	$t->signal('HUP');
	ok($t->wait_for(sub { $t->log_since($mark) =~ /configuration reloaded/ }, 20),
	    "SIGHUP $i: configuration reloaded");
}
select undef, undef, undef, 0.4;
BenchTest::spew($stop, '');
ok($t->wait_for(sub { !grep { waitpid($_, WNOHANG) == 0 } @kids }, 120), 'the clients finished');
my $codes = results('reload', 3);
is_deeply([keys %$codes], ['200 1'], 'every request across the reloads got a whole 200')
    or diag(explain $codes);
my @gen3 = $t->wait_workers(3);
ok(@gen3 == 3 && !grep({ my $p = $_; grep { $_ == $p } @gen0 } @gen3),
    'the workers were replaced');

# --- graceful stop under load
unlink $stop;
@kids = clients('stop', 3);
select undef, undef, undef, 0.8;
my @workers = $t->worker_pids;
my $rc = $t->stop(60);
is($rc, 0, 'SIGTERM under load: the master exits 0');
ok(!grep({ BenchTest::pid_alive($_) } @workers), 'no worker is left');
BenchTest::spew($stop, '');
ok($t->wait_for(sub { !grep { waitpid($_, WNOHANG) == 0 } @kids }, 120), 'the clients finished');
$codes = results('stop', 3);
my @partial = grep { !/^(200 1|502 0)$/ } keys %$codes;
is_deeply(\@partial, [], 'every answer is a whole 200, or nginx\'s 502 once nobody listens: none cut short')
    or diag(explain $codes);
ok(($codes->{'200 1'} // 0) > 0, 'requests were being served when the stop came');
unlike($t->log, qr/status=5\d\d/, 'benchingest itself answered no request with a 5xx');

done_testing;
