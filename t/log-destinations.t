#!/usr/bin/perl
# Where the log goes is the operator's choice: stderr (the default), a file
# that SIGUSR1 makes every process reopen (after logrotate moved it, with
# the shipped logrotate example), or syslog with a configurable facility.
# Start-up errors go through the same logger, and to stderr as well while
# starting, so that a failed start is never silent.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Path qw(make_path);
use IO::Socket::UNIX;
use Socket qw(SOCK_DGRAM);
use Test::More;
use BenchTest;

my $top = "$FindBin::Bin/..";
my $line = qr/^\d{4}-\d\d-\d\dT[\d:]{8}\.\d{6}Z benchingest\[(\d+)\]: (\w+): (.*)$/;

sub request_pids {
	my ($text) = @_;
	my %pids;
	$pids{$1}++ while $text =~ m{^\S+ benchingest\[(\d+)\]: info: GET /api/health status=200}mg;
	return \%pids;
}

subtest 'log_destination = file, reopened on SIGUSR1' => sub {
	my $t = BenchTest->new(start => 0);
	my $file = $t->dir . '/logs/benchingest.log';
	make_path($t->dir . '/logs');
	$t->set_config(log_destination => 'file', log_file => $file,
	    log_level => 'debug');
	$t->start;
	is($t->health->{status}, 200, 'serves');
	ok(BenchTest::wait_for(sub { (BenchTest::slurp($file) // '') =~
	    m{GET /api/health status=200} }, 10), 'request lines go to log_file');
	unlike($t->log, qr/status=200/, '... and not to stderr');
	my @lines = split /\n/, BenchTest::slurp($file);
	is(scalar(grep { !/$line/ } @lines), 0, 'every line has the log format');
	my @st = stat $file;
	is($st[2] & 0777, 0640, 'the file is created 0640');
	is($st[4], $> == 0 ? scalar getpwnam('nobody') : $>,
	    '... owned by the workers\' user, so that they can reopen it');

	rename $file, "$file.1" or die $!;
	$t->signal('USR1');
	ok(BenchTest::wait_for(sub { -e $file }, 10),
	    'SIGUSR1: the master reopens log_file at its path');
	# Every worker must answer at least one request into the new file.
	my @workers = $t->worker_pids;
	my $seen = BenchTest::wait_for(sub {
		$t->health;
		my $pids = request_pids(BenchTest::slurp($file) // '');
		!grep { !$pids->{$_} } @workers;
	}, 30);
	ok($seen, 'every worker now logs to the new file');
	my $old = BenchTest::slurp("$file.1");
	$t->health for 1 .. 5;
	sleep 0.3;
	is(BenchTest::slurp("$file.1"), $old, 'nothing more goes to the moved one');
	ok(BenchTest::pid_alive($t->master_pid), 'the master lives on');
	is(scalar(my @w = $t->wait_workers(2)), 2, '... with its workers');
};

subtest 'the shipped logrotate example rotates and benchingest follows' => sub {
	plan skip_all => 'logrotate is not installed' unless -x '/usr/sbin/logrotate';
	my $t = BenchTest->new(start => 0);
	my $d = $t->dir;
	make_path("$d/log/benchingest", "$d/run/benchingest");
	my $file = "$d/log/benchingest/benchingest.log";
	$t->set_config(log_destination => 'file', log_file => $file,
	    pid_file => "$d/run/benchingest/benchingest.pid");
	$t->start;
	my $conf = BenchTest::slurp("$top/examples/benchingest.logrotate")
	    // die 'examples/benchingest.logrotate is not built';
	# The build's paths, moved into our directory; the users of a test.
	my ($var) = $conf =~ m{^(\S+)/log/benchingest/\*\.log \{}m;
	my ($run) = $conf =~ m{-s (\S+)/benchingest/benchingest\.pid}m;
	ok($var && $run, 'the example names its log and pid files');
	$conf =~ s{\Q$var\E/log/}{$d/log/}g;
	$conf =~ s{\Q$run\E/benchingest/}{$d/run/benchingest/}g;
	$conf =~ s{su benchingest adm}{su root root};
	$conf =~ s{create 0640 benchingest adm}{create 0640 nobody nogroup};
	BenchTest::spew("$d/logrotate.conf", $conf, 0644);
	is($t->health->{status}, 200, 'serves');
	ok(BenchTest::wait_for(sub { -s $file }, 10), 'logs to the file');
	my $r = BenchTest::run_cmd(['/usr/sbin/logrotate', '-f', '-s',
	    "$d/logrotate.state", "$d/logrotate.conf"], timeout => 60);
	is($r->{exit}, 0, 'logrotate -f runs the example') or diag $r->{stderr};
	ok(-e "$file.1", 'the log was rotated to .1');
	my @workers = $t->worker_pids;
	ok(BenchTest::wait_for(sub {
		$t->health;
		my $pids = request_pids(BenchTest::slurp($file) // '');
		!grep { !$pids->{$_} } @workers;
	}, 30), 'its postrotate SIGUSR1 made every worker log to the new file');
};

subtest 'log_destination = syslog, syslog_facility = local3' => sub {
	plan skip_all => 'needs root for a private /dev/log' unless $> == 0;
	plan skip_all => 'unshare is not installed' unless -x '/usr/bin/unshare';
	my $t = BenchTest->new(start => 0, nginx => 0);
	my $d = $t->dir;
	$t->set_config(log_destination => 'syslog', syslog_facility => 'local3');
	# /dev/log is ours in a mount namespace of benchingest's own: an
	# overlay on /dev gets an empty /dev/log, our socket is bound on it.
	my $server = IO::Socket::UNIX->new(Type => SOCK_DGRAM,
	    Local => "$d/log.sock") or die "log.sock: $!";
	chmod 0666, "$d/log.sock";
	make_path("$d/dev-upper", "$d/dev-work");
	my $sh = 'set -e; mount -t overlay overlay -o ' .
	    "lowerdir=/dev,upperdir=$d/dev-upper,workdir=$d/dev-work /dev; " .
	    ": > /dev/log; mount --bind $d/log.sock /dev/log; exec \"\$@\"";
	my $sock = "$d/sys.sock";
	my $pid = $t->spawn(['/usr/bin/unshare', '--mount', '--propagation',
	    'private', '/bin/sh', '-c', $sh, 'sh', BenchTest::bin(), '-f',
	    $t->config_file, '-s', $sock], out => "$d/stderr.log");
	my @got;
	$server->blocking(0);
	BenchTest::wait_for(sub {
		while (defined $server->recv(my $msg, 65536)) {
			last unless length $msg;
			push @got, $msg;
		}
		grep { /starting \d+ workers/ } @got;
	}, 20);
	my ($start) = grep { /starting \d+ workers/ } @got;
	ok($start, 'the start-up line arrives on /dev/log') or diag explain \@got;
	like($start // '', qr/^<158>/, '... as local3.info (<158>)');
	like($start // '', qr/ benchingest\[$pid\]: starting/,
	    '... with the ident benchingest and the master\'s pid');
	is(BenchTest::slurp("$d/stderr.log") // '', '', 'nothing on stderr');
	$t->kill_spawned($pid);
};

subtest 'start-up errors: on stderr, and in the log as well' => sub {
	my $t = BenchTest->new(start => 0, nginx => 0);
	my $d = $t->dir;
	$t->set_config(log_destination => 'file',
	    log_file => "$d/no-such-dir/benchingest.log");
	my $r = $t->run_benchingest('-f', $t->config_file, '-s', "$d/x.sock",
	    { timeout => 30 });
	is($r->{exit}, 1, 'log_file in a missing directory: exit 1');
	like($r->{stderr}, qr/$line/, '... one log line on stderr');
	like($r->{stderr}, qr{log_file \Q$d\E/no-such-dir/benchingest\.log: No such file},
	    '... naming the file and the cause');

	$t->set_config(log_file => "$d/bi.log");
	$r = $t->run_benchingest('-f', $t->config_file, '-s',
	    "$d/no-such-dir/x.sock", { timeout => 30 });
	is($r->{exit}, 1, 'a socket that cannot be made: exit 1');
	like(BenchTest::slurp("$d/bi.log") // '', qr{error: \Q$d\E/no-such-dir/x\.sock: },
	    '... logged to log_file');
	like($r->{stderr}, qr{^benchingest: \Q$d\E/no-such-dir/x\.sock: }m,
	    '... and said on stderr while starting');

	for my $bad (['log_destination = file without log_file',
	    { log_destination => 'file', log_file => undef }, qr/log_file/],
	    ['log_file without log_destination = file',
	    { log_destination => undef, log_file => "$d/bi.log" }, qr/log_file/],
	    ['log_destination = loud', { log_destination => 'loud',
	    log_file => undef }, qr/log_destination: expected stderr, file or syslog/],
	    ['syslog_facility = kern', { log_destination => undef,
	    syslog_facility => 'kern' }, qr/syslog_facility: expected daemon/]) {
		my ($name, $kv, $want) = @$bad;
		$t->set_config(%$kv);
		$r = $t->run_benchingest('-t', '-f', $t->config_file);
		is($r->{exit}, 1, "$name: -t refuses it");
		like($r->{stderr}, $want, '... saying why');
	}
};

done_testing;
