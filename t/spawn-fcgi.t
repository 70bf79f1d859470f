# The three ways benchingest gets its FastCGI socket: inherited on fd 0 from
# spawn-fcgi, its own Unix or TCP socket with -s, and neither (a clear error).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;

subtest 'under spawn-fcgi -n: the socket comes in on fd 0' => sub {
	my $t = BenchTest->new(spawn_fcgi => 1);
	my $master = $t->master_pid;
	like(readlink("/proc/$master/exe") // '', qr{/benchingest$},
	    'spawn-fcgi -n exec()ed benchingest in its own place');
	my $sock = $t->socket_path;
	ok(-S $sock, 'spawn-fcgi created the socket');
	is((stat $sock)[2] & 0777, 0666, 'with the mode given by -M');
	like(BenchTest::slurp("/proc/$master/cmdline") // '', qr/^[^\0]*\0-f\0/,
	    'benchingest was started without -s')
	    and unlike(BenchTest::slurp("/proc/$master/cmdline"), qr/\0-s\0/,
	    '... indeed');

	my $r = $t->health;
	is($r->{status}, 200, 'health answers 200 through nginx');
	is($r->{json}{status}, 'ok', '... status ok');
	$r = $t->ingest(BenchTest::envelope());
	is($r->{status}, 200, 'an ingest answers 200') or diag $r->{content};
	is_deeply($r->{json}, { inserted => 5, updated => 0 }, '... 5 inserted');
	is($t->row_counts->{commits}, 1, '... and the commit is stored');

	my @workers = $t->worker_pids;
	is(scalar @workers, 2, 'two workers share the inherited socket');
	is($t->stop, 0, 'SIGTERM: exit 0');
	ok(!(grep { BenchTest::pid_alive($_) } @workers), 'no worker left');
};

subtest 'standalone on TCP: -s 127.0.0.1:PORT' => sub {
	my $t;
	# The port may be taken between choosing and binding it: retry.
	for my $try (1 .. 5) {
		my $port = BenchTest::free_port();
		$t = BenchTest->new(listen => "127.0.0.1:$port", start => 0);
		last if $t->start(no_bail => 1);
		diag "retrying: $t->{start_error}";
	}
	like($t->socket_path, qr/^127\.0\.0\.1:\d+$/, 'listening on TCP');
	like(BenchTest::slurp($t->dir . '/nginx.conf'),
	    qr/server 127\.0\.0\.1:\d+;/, 'nginx upstream is server HOST:PORT');
	my $r = $t->health;
	is($r->{status}, 200, 'health answers 200 through nginx');
	is($r->{json}{status}, 'ok', '... status ok');
	$r = $t->ingest(BenchTest::envelope());
	is($r->{status}, 200, 'an ingest answers 200') or diag $r->{content};
	is($t->stop, 0, 'SIGTERM: exit 0');
};

subtest 'standalone on a Unix socket: -s PATH' => sub {
	my $t = BenchTest->new;
	my $sock = $t->socket_path;
	ok(-S $sock, "the socket $sock exists");
	is($t->health->{status}, 200, 'health answers 200 through nginx');
	is($t->stop, 0, 'SIGTERM: exit 0');
	ok(!-e $sock, 'the socket is removed at exit');
};

subtest 'no -s and fd 0 is not a socket: a clear error' => sub {
	my $t = BenchTest->new(start => 0, nginx => 0);
	my $bin = BenchTest::bin();
	my $r = BenchTest::run_cmd([$bin, '-f', $t->config_file], timeout => 60);
	isnt($r->{exit}, 0, 'stdin is /dev/null: exits non-zero');
	isnt($r->{exit}, 'timeout', '... promptly, rather than waiting');
	like($r->{stderr}, qr/\A[^\n]+\n\z/, '... with one line on stderr');
	like($r->{stderr}, qr/socket/i, '... about the missing socket');
	like($r->{stderr}, qr/spawn-fcgi|-s/, '... saying what to do');

	$r = BenchTest::run_cmd([$bin, '-f', $t->config_file],
	    stdin => "not a socket\n", timeout => 60);
	isnt($r->{exit}, 0, 'stdin is a regular file: exits non-zero');
	like($r->{stderr}, qr/socket/i, '... about the missing socket');
	my $conf = $t->config_file;
	is_deeply([BenchTest::pids_matching(qr/\Q$conf\E/)], [],
	    'nothing left running');
};

done_testing;
