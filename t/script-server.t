#!/usr/bin/perl
# The README's first command: script/server brings up Postgres, the workers
# under spawn-fcgi and nginx, posts the sample envelope ({"inserted":5,...}),
# prints the ready and database lines, and on Ctrl-C stops all it started.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp qw(tempdir);
use POSIX qw(setpgid :sys_wait_h);
use Test::More;
use BenchTest;

plan skip_all => 'script/server runs as root (it installs packages and runs initdb as postgres)'
    unless $> == 0;

my $top = "$FindBin::Bin/..";
my $var = tempdir('script-server.XXXXXX', TMPDIR => 1, CLEANUP => 1);
chmod 0755, $var;
my $port = BenchTest::free_port();
my $out = "$var/out";

my $pid = fork // die "fork: $!";
if ($pid == 0) {
	setpgid(0, 0);
	open STDOUT, '>', $out or POSIX::_exit(126);
	open STDERR, '>&', \*STDOUT or POSIX::_exit(126);
	$ENV{BENCHINGEST_PORT} = $port;
	$ENV{BENCHINGEST_VAR} = "$var/state";
	$ENV{INGEST_BEARER_TOKEN} = 'server-test-token';
	delete $ENV{BENCH_REVALIDATE_TOKEN};
	{ no warnings 'exec'; exec 'bash', "$top/script/server"; }
	POSIX::_exit(127);
}
END { kill 'KILL', -$pid if $pid && kill 0, $pid }

my $text = '';
ok(BenchTest::wait_for(sub { $text = BenchTest::slurp($out) // ''; $text =~ /^database: /m }, 180),
    'script/server gets to its ready and database lines') or diag($text);
like($text, qr{^ready: http://127\.0\.0\.1:$port$}m, "ready: http://127.0.0.1:$port");
like($text, qr{^database: host=\S+ port=\d+ user=postgres dbname=bench$}m,
    'database: the owner conninfo');
like($text, qr/\{"inserted":5,"updated":0\}/, 'the sample envelope went in: {"inserted":5,"updated":0}');
like($text, qr/^revalidate token: [0-9a-f]{48}$/m, 'a generated revalidate token is printed');
unlike($text, qr/server-test-token/, 'a token given in the environment is not printed');

my ($conninfo) = $text =~ /^database: (.*)$/m;
my $dbh = DBI->connect("dbi:Pg:$conninfo", undef, undef, { RaiseError => 1, PrintError => 0 });
is($dbh->selectrow_array('SELECT count(*) FROM commits'), 1, 'the database line connects, and holds the commit');
$dbh->disconnect;

my $r = HTTP::Tiny->new->post("http://127.0.0.1:$port/api/ingest", {
    headers => { Authorization => 'Bearer server-test-token', 'Content-Type' => 'application/json' },
    content => BenchTest::slurp("$top/examples/envelope.json") });
is($r->{status}, 200, 'a curl-style ingest of the sample envelope answers 200');
is($r->{content}, '{"inserted":0,"updated":5}', '... as an update the second time');
like($text, qr{^charts: http://127\.0\.0\.1:$port/api/groups$}m, 'the charts URL is printed');
$r = HTTP::Tiny->new->get("http://127.0.0.1:$port/api/groups");
is($r->{status}, 200, 'GET /api/groups through its nginx and read cache');
like($r->{content}, qr/"name":"Compression"/, '... lists the sample\'s charts');

kill 'INT', -$pid;
my $done = BenchTest::wait_for(sub { waitpid($pid, WNOHANG) == $pid }, 60);
ok($done, 'Ctrl-C (SIGINT) ends script/server');
ok(BenchTest::wait_for(sub { !grep { /\Q$var\E/ } `ps -eo args` }, 30),
    'nothing it started is left running (Postgres, workers, nginx)');
done_testing;
