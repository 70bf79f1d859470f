#!/usr/bin/perl
# systemd socket activation: benchingest takes the listening socket that
# systemd passes on fd 3 (LISTEN_FDS, LISTEN_PID), as benchingest.socket
# and benchingest.service set it up: the socket made by "systemd" with its
# owner, group and mode, the service run as its own user.  A socket meant
# for another process, or more than one, is refused.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;

plan skip_all => 'needs root to create the socket for another user' unless $> == 0;

my $activate = "$FindBin::Bin/lib/socket-activate";
my $www = getgrnam('www-data') // plan skip_all => 'no www-data group';

subtest 'as benchingest.socket + benchingest.service: nginx as www-data' => sub {
	my $t = BenchTest->new(user => undef, nginx_user => 'www-data',
	    start => 0, socket_activation => { 'socket-group' => 'www-data',
		'socket-mode' => '0660', user => 'nobody' });
	# The service user reads its token files itself.
	chown scalar getpwnam('nobody'), -1, $t->ingest_token_file,
	    $t->revalidate_token_file;
	$t->start;
	my $master = $t->master_pid;
	my $sock = $t->socket_path;
	my @st = stat $sock;
	is($st[2] & 07777, 0660, 'the socket is 0660 (SocketMode)');
	is($st[5], $www, '... group www-data (SocketGroup)');
	my $cmd = BenchTest::slurp("/proc/$master/cmdline") // '';
	unlike($cmd, qr/\0-s\0/, 'benchingest was started without -s');
	like(readlink("/proc/$master/fd/3") // '', qr/^socket:/,
	    'it listens on fd 3, from "systemd"');
	is((stat "/proc/$master")[4], scalar getpwnam('nobody'),
	    'the master runs as the service user (User=)');
	is($t->health->{status}, 200, 'nginx as www-data reaches it: health 200');
	my $r = $t->ingest(BenchTest::envelope());
	is($r->{status}, 200, 'an ingest answers 200') or diag $r->{content};
	is($t->stop, 0, 'SIGTERM: exit 0');
	ok(-S $sock, 'the socket stays: it is systemd\'s, not benchingest\'s');
};

subtest 'a socket meant for another process, or two sockets: refused' => sub {
	my $t = BenchTest->new(start => 0, nginx => 0);
	my $sock = $t->dir . '/sd.sock';
	my @bi = (BenchTest::bin(), '-f', $t->config_file);
	my $r = BenchTest::run_cmd([$activate, '--pid', 1, $sock, '--', @bi],
	    timeout => 30);
	is($r->{exit}, 1, 'LISTEN_PID names another process: exit 1');
	like($r->{stderr}, qr/no listening socket on fd 0 nor from systemd/,
	    '... as if nothing had been passed');

	$r = BenchTest::run_cmd([$activate, '--fds', 2, $sock, '--', @bi],
	    timeout => 30);
	is($r->{exit}, 1, 'LISTEN_FDS=2: exit 1');
	like($r->{stderr}, qr/LISTEN_FDS=2 .*exactly one/, '... saying it takes one');
};

done_testing;
