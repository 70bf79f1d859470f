#!/usr/bin/perl
# `benchingest -t` checks each thing as the identity that will do it in
# service, and says which: the configuration and token files as the user
# starting it (after -u USER: as USER, as under spawn-fcgi -u or systemd's
# User=), the database login as the workers' user.  With peer
# authentication that decides whether the login works.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;

plan skip_all => 'needs root to check as another user' unless $> == 0;

my $nobody = getpwnam('nobody');
my $daemon = getpwnam('daemon') // plan skip_all => 'no daemon user';
my $t = BenchTest->new(private_cluster => 1, start => 0, nginx => 0);
my $conf = $t->config_file;

# Peer authentication for bench_ingest: OS user nobody may log in as it,
# nobody else may.  The harness keeps its superuser.
my $dbh = $t->new_dbh;
my $hba = $dbh->selectrow_array('SHOW hba_file');
my $ident = $dbh->selectrow_array('SHOW ident_file');
BenchTest::spew($ident, "m nobody bench_ingest\n");
BenchTest::spew($hba, "local all postgres trust\nlocal all bench_ingest peer map=m\n");
$dbh->do('SELECT pg_reload_conf()');
$dbh->disconnect;

subtest 'as root with user = nobody: files as root, the login as nobody' => sub {
	my $r = $t->run_benchingest('-t', '-f', $conf);
	is($r->{exit}, 0, 'passes') or diag $r->{stderr};
	like($r->{stdout}, qr/^benchingest: database login as uid=$nobody\(nobody\) gid=\d+\S* groups=\S+$/m,
	    'says it logged in as uid, gid and groups of nobody');
	like($r->{stdout}, qr/^benchingest: configuration and token files read as uid=0\(root\) /m,
	    'says it read the files as root');
	like($r->{stdout}, qr/^benchingest: \Q$conf\E: ok$/m, 'and ok, last');
};

subtest 'as root with user = daemon: peer authentication refuses the login'
    => sub {
	$t->set_config(user => 'daemon');
	my $r = $t->run_benchingest('-t', '-f', $conf);
	is($r->{exit}, 1, 'exit 1');
	is($r->{stdout}, '', 'nothing on stdout');
	like($r->{stderr}, qr/\A[^\n]+\n\z/, 'one line on stderr');
	like($r->{stderr}, qr/^benchingest: database, logging in as uid=$daemon\(daemon\) .*[Pp]eer authentication failed/,
	    'naming the identity it tried and Postgres\'s reason');
	$t->set_config(user => 'nobody');
};

subtest '-t -u nobody: everything as nobody' => sub {
	my $r = $t->run_benchingest('-t', '-u', 'nobody', '-f', $conf);
	is($r->{exit}, 1, 'the 0600 root token files: exit 1');
	like($r->{stderr}, qr{\Q$conf\E:\d+: cannot read \S+\.token: Permission denied \(read as uid=$nobody\(nobody\) },
	    '... saying which file, why, and as whom');
	chown $nobody, -1, $t->ingest_token_file, $t->revalidate_token_file;
	$r = $t->run_benchingest('-t', '-u', 'nobody', '-f', $conf);
	is($r->{exit}, 0, 'token files of nobody: passes') or diag $r->{stderr};
	like($r->{stdout}, qr/^benchingest: configuration and token files read as uid=$nobody\(nobody\) /m,
	    'read as nobody');
	like($r->{stdout}, qr/^benchingest: database login as uid=$nobody\(nobody\) /m,
	    'logged in as nobody');

	$r = $t->run_benchingest('-t', '-u', 'no-such-user-here', '-f', $conf);
	is($r->{exit}, 1, '-u with an unknown user: exit 1');
	like($r->{stderr}, qr/no-such-user-here/, '... naming it');
	$r = $t->run_benchingest('-u', 'nobody', '-f', $conf);
	is($r->{exit}, 2, '-u without -t: a usage error');
};

done_testing;
