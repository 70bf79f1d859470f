#!/usr/bin/perl
# Standalone `-s PATH` as root: the socket's owner, group and mode come from
# socket_user, socket_group and socket_mode (default 0660), not from the
# umask, so that nginx's www-data can connect in the documented setup; a
# socket that only root could reach is refused at start, loudly.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;

plan skip_all => 'needs root to give the socket away' unless $> == 0;
my $www = getgrnam('www-data') // plan skip_all => 'no www-data group';
my $nobody = getpwnam('nobody');
my $nogroup = getgrnam('nogroup') // plan skip_all => 'no nogroup group';

subtest 'socket_group = www-data: root:www-data 0660, nginx as www-data connects'
    => sub {
	# The harness starts benchingest with umask 0: the mode is not the
	# umask's 0777.
	my $t = BenchTest->new(nginx_user => 'www-data',
	    config => { socket_group => 'www-data' });
	my @st = stat $t->socket_path;
	is($st[2] & 07777, 0660, 'mode 0660 (the default), whatever the umask');
	is($st[4], 0, 'owner root (who started it)');
	is($st[5], $www, 'group www-data');
	is($t->health->{status}, 200, 'nginx (www-data) reaches it: 200');
};

subtest 'socket_user, socket_group, socket_mode: nobody:nogroup 0600' => sub {
	# Started without nginx: the harness waits for health through it.
	my $t = BenchTest->new(nginx_user => 'www-data', nginx => 0, config => {
	    socket_user => 'nobody', socket_group => 'nogroup',
	    socket_mode => '600' });
	$t->start_nginx;
	my @st = stat $t->socket_path;
	is($st[2] & 07777, 0600, 'mode 0600');
	is($st[4], $nobody, 'owner nobody');
	is($st[5], $nogroup, 'group nogroup');
	is($t->health->{status}, 502, 'so nginx (www-data) cannot connect: 502');
};

subtest 'as root, a socket only root could reach: refused at start' => sub {
	my $t = BenchTest->new(start => 0, nginx => 0,
	    config => { socket_group => undef });
	my $sock = $t->dir . '/root-only.sock';
	my $r = $t->run_benchingest('-f', $t->config_file, '-s', $sock,
	    { timeout => 30 });
	is($r->{exit}, 1, 'exit 1');
	like($r->{stderr}, qr/reachable by root alone \(root:root 0660\): set socket_group/,
	    '... saying why and what to set');
	ok(!-e $sock, '... and no socket is left');

	$t->set_config(socket_group => 'no-such-group-here');
	$r = $t->run_benchingest('-f', $t->config_file, '-s', $sock,
	    { timeout => 30 });
	is($r->{exit}, 1, 'an unknown socket_group: exit 1');
	like($r->{stderr}, qr/socket_group "no-such-group-here": no such group/,
	    '... naming it');

	$t->set_config(socket_group => 'www-data', socket_mode => '0668');
	$r = $t->run_benchingest('-t', '-f', $t->config_file);
	is($r->{exit}, 1, 'socket_mode = 0668: -t refuses it');
	like($r->{stderr}, qr/:\d+: socket_mode: expected an octal mode/,
	    '... at its line');
};

done_testing;
