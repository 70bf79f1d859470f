# The configuration file: `benchingest -t -f FILE` accepts a good file and
# rejects each kind of bad one with a single FILE:LINE error line, never
# printing a token; and every config key, set to a non-default value,
# visibly changes what the running service does.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;
use JSON::PP ();
use List::Util qw(max);

my $t = BenchTest->new(start => 0, nginx => 0);
my $dir = $t->dir;
my $db = $t->ingest_conninfo;
my $n = 0;

# Writes @lines as a config file and runs `benchingest -t -f` on it.
sub check {
	my ($lines, %o) = @_;
	my $file = "$dir/check-" . ++$n . '.conf';
	BenchTest::spew($file, join('', map { "$_\n" } @$lines));
	my $r = $t->run_benchingest('-t', '-f', $file, { env => $o{env} });
	$r->{file} = $file;
	return $r;
}

# One line on stderr, nothing on stdout, exit 1.
sub rejected {
	my ($r, $name, $want) = @_;
	subtest $name => sub {
		is($r->{exit}, 1, 'exit status 1');
		is($r->{stdout}, '', 'nothing on stdout');
		like($r->{stderr}, qr/\A[^\n]+\n\z/, 'exactly one line on stderr');
		like($r->{stderr}, $want, 'the line names the problem');
	};
}

subtest 'a good config passes -t' => sub {
	my $r = check(['# minimal', "database = $db"]);
	is($r->{exit}, 0, 'exit 0');
	like($r->{stdout}, qr/\bok\b/, 'says ok');
	is($r->{stderr}, '', 'nothing on stderr');

	$r = $t->run_benchingest('-t', '-f', $t->config_file);
	is($r->{exit}, 0, "the harness's own config passes too");

	my $itok = $t->ingest_token_file;
	my $rtok = $t->revalidate_token_file;
	$r = check(['# every key, none at its default', '',
	    "   database   =   $db   ", 'workers = 7', 'max_requests = 100',
	    'max_body_bytes = 1000', "ingest_token_file = $itok",
	    "revalidate_token_file = $rtok", 'statement_timeout = 2500',
	    'log_level = debug']);
	is($r->{exit}, 0, 'every key with a non-default value: exit 0')
	    or diag $r->{stderr};

	my $c = $t->cluster;
	$r = check(['database = postgresql:///' . $t->dbname . '?host=' .
	    $c->host . '&port=' . $c->port . '&user=bench_ingest']);
	is($r->{exit}, 0, 'database as a postgresql:// URI') or diag $r->{stderr};
};

# Token files no one but their owner (this user or root) could have
# written: not group- or world-writable, not a symbolic link, not owned by
# another user.
my $gw = BenchTest::spew("$dir/group-writable.token", "t\n", 0620);
my $ww = BenchTest::spew("$dir/world-writable.token", "t\n", 0602);
my $target = BenchTest::spew("$dir/target.token", "t\n", 0600);
symlink $target, "$dir/link.token" or die "symlink: $!";
my $theirs = BenchTest::spew("$dir/theirs.token", "t\n", 0600);
chown 65534, 65534, $theirs if $> == 0;

# Each bad file: the offending line is line 4, and a good line follows it so
# that "the last line" would be the wrong answer.
my @bad = (
	['unknown key', 'colour = blue', qr/colour/],
	['line without =', 'workers 3', qr/=|key/],
	['workers = 0', 'workers = 0', qr/workers/],
	['workers = abc', 'workers = abc', qr/workers/],
	['workers = 257', 'workers = 257', qr/workers/],
	['max_body_bytes = -1', 'max_body_bytes = -1', qr/max_body_bytes/],
	['max_requests = 1e3', 'max_requests = 1e3', qr/max_requests/],
	['log_level = loud', 'log_level = loud', qr/log_level/],
	['statement_timeout = 1.5', 'statement_timeout = 1.5',
	    qr/statement_timeout/],
	['empty value', 'log_level =', qr/log_level/],
	['token file that does not exist',
	    "ingest_token_file = $dir/no-such.token", qr/\Q$dir\E\/no-such\.token/],
	['token file that is a directory', "revalidate_token_file = $dir",
	    qr/\Q$dir\E/],
	['token file writable by its group', "ingest_token_file = $gw",
	    qr/\Q$gw\E is writable by its group; chmod go-w/],
	['token file writable by others', "revalidate_token_file = $ww",
	    qr/\Q$ww\E is writable by others; chmod go-w/],
	['token file that is a symbolic link',
	    "ingest_token_file = $dir/link.token",
	    qr/link\.token is a symbolic link; name the file itself/],
	($> == 0 ? (['token file owned by another user',
	    "ingest_token_file = $theirs",
	    qr/\Q$theirs\E is owned by uid 65534, neither .* nor root/]) : ()),
);
for my $case (@bad) {
	my ($name, $line, $want) = @$case;
	my $r = check(['# bad config', "database = $db", '', $line,
	    'statement_timeout = 30000']);
	rejected($r, "$name: rejected at FILE:4", qr/\Q$r->{file}\E:4:/);
	like($r->{stderr}, $want, "$name: the message says what is wrong");
}

{
	my $r = check(['# dup', "database = $db", 'workers = 2', '',
	    'workers = 3']);
	rejected($r, 'duplicate key: rejected at its second line',
	    qr/\Q$r->{file}\E:5:.*workers/);
}

{
	my $r = check(['# no database', 'workers = 2']);
	rejected($r, 'missing database', qr/\Q$r->{file}\E.*database/);
}

{
	my $open = "$dir/world-readable.token";
	BenchTest::spew($open, "SECRET-world-readable-0a1b2c\n", 0644);
	my $r = check(['# bad token file', "database = $db", '',
	    "ingest_token_file = $open"]);
	rejected($r, 'token file readable by others: rejected at FILE:4',
	    qr/\Q$r->{file}\E:4:.*\Q$open\E/);
	unlike("$r->{stdout}$r->{stderr}", qr/SECRET-world-readable/,
	    '... without printing the token');
}

{
	my $port = BenchTest::free_port();
	my $r = check(["database = host=127.0.0.1 port=$port dbname=nothing " .
	    'user=bench_ingest connect_timeout=5']);
	rejected($r, 'unreachable database', qr/database/);
}

subtest '-t never prints a token' => sub {
	my $file_tok = 'FILETOKEN-' . BenchTest::random_sha();
	my $env_tok = 'ENVTOKEN-' . BenchTest::random_sha();
	my $rev_tok = 'REVTOKEN-' . BenchTest::random_sha();
	BenchTest::spew("$dir/distinct.token", "$file_tok\n", 0600);
	BenchTest::spew("$dir/distinct-rev.token", "$rev_tok\n", 0600);
	my %env = (env => { INGEST_BEARER_TOKEN => $env_tok,
	    BENCH_REVALIDATE_TOKEN => $env_tok });
	my $port = BenchTest::free_port();
	my @runs = (
	    check(["database = $db", "ingest_token_file = $dir/distinct.token",
		"revalidate_token_file = $dir/distinct-rev.token"], %env),
	    check(["database = $db"], %env),
	    check(["database = $db", "ingest_token_file = $dir/distinct.token",
		"revalidate_token_file = $dir/distinct-rev.token",
		'workers = many'], %env),
	    check(["database = host=127.0.0.1 port=$port dbname=x",
		"ingest_token_file = $dir/distinct.token"], %env),
	    # The token file given as the config file itself.
	    $t->run_benchingest('-t', '-f', "$dir/distinct.token", \%env),
	);
	is($runs[0]{exit}, 0, 'good config with token files: ok');
	is($runs[1]{exit}, 0, 'good config with env tokens: ok');
	is($_->{exit}, 1, 'bad config: exit 1') for @runs[2 .. 4];
	for my $r (@runs) {
		my $out = "$r->{stdout}$r->{stderr}";
		unlike($out, qr/\Q$file_tok\E|\Q$env_tok\E|\Q$rev_tok\E/,
		    'no token in the output');
		unlike($out, qr/FILETOKEN|ENVTOKEN|REVTOKEN/,
		    'not even part of one');
	}
};

subtest 'SIGHUP with an unsafe token file: refused, the old token stays' => sub {
	my $u = BenchTest->new;
	my $old = $u->ingest_token;
	my $file = $u->ingest_token_file;
	my $new = 'rotated-' . BenchTest::random_sha();
	for my $case (['writable by its group', sub { chmod 0620, $file },
	    qr/\Q$file\E is writable by its group/],
	    ['a symbolic link', sub {
		rename $file, "$file.real" or die "rename: $!";
		symlink "$file.real", $file or die "symlink: $!";
	    }, qr/\Q$file\E is a symbolic link/]) {
		my ($what, $break, $want) = @$case;
		BenchTest::spew($file, "$new\n", 0600);
		$break->();
		my $mark = $u->log_mark;
		$u->signal('HUP');
		my $log = '';
		ok(BenchTest::wait_for(sub {
			($log = $u->log_since($mark)) =~ /reload failed/;
		}, 30), "token file $what: the reload fails");
		like($log, $want, '... and the log says why');
		unlike($log, qr/\Q$new\E/, '... without the token');
		is($u->ingest(BenchTest::envelope())->{status}, 200,
		    '... the running token still works');
		is($u->ingest(BenchTest::envelope(), token => $new)->{status},
		    401, '... the new one does not');
		unlink $file;
		rename "$file.real", $file if -e "$file.real";
	}
	BenchTest::spew($file, "$new\n", 0600);
	my $mark = $u->log_mark;
	$u->signal('HUP');
	ok(BenchTest::wait_for(sub {
		$u->log_since($mark) =~ /configuration reloaded/;
	}, 30), 'made safe again: the reload succeeds');
	ok(BenchTest::wait_for(sub {
		$u->ingest(BenchTest::envelope(), token => $new)->{status} == 200
	}, 30), '... the new token works');
	is($u->ingest(BenchTest::envelope(), token => $old)->{status}, 401,
	    '... and the old one no longer does');
};

# ------------------------------------------------------------------
# The effect of each key on a running service.

subtest 'workers: the master runs that many worker processes' => sub {
	my $w = BenchTest->new(workers => 5);
	my @pids = $w->wait_workers(5);
	is(scalar @pids, 5, '5 workers');
	is($w->health->{status}, 200, 'and they answer');
};

subtest 'max_requests: a worker is replaced after serving N requests' => sub {
	my $m = BenchTest->new(workers => 1,
	    config => { max_requests => 3, log_level => 'debug' });
	my $master = $m->master_pid;
	my ($first) = $m->wait_workers(1);
	ok($first, 'one worker');
	my @status = map { $m->health->{status} } 1 .. 8;
	is_deeply(\@status, [(200) x 8], '8 requests in a row all answered');
	my %served;
	ok(BenchTest::wait_for(sub {
		%served = ();
		my $log = $m->log;
		$served{$1}++ while $log =~
		    m{^\S+ benchingest\[(\d+)\]: info: GET /api/health status=200}mg;
		my $total = 0;
		$total += $_ for values %served;
		$total >= 9;	# ours plus at least one from start-up
	}, 30), 'every request was logged');
	cmp_ok(max(values %served), '<=', 3, 'no worker served more than 3');
	cmp_ok(scalar keys %served, '>=', 3, 'so at least 3 workers served');
	is($served{$first}, 3, 'the first worker served exactly 3');
	ok(BenchTest::wait_for(sub { !BenchTest::pid_alive($first) }, 30),
	    '... and then exited');
	my $log = $m->log;
	like($log, qr{^\S+ benchingest\[\d+\]: info: GET /api/health status=200}m,
	    'log_level = debug: request lines are logged');
	like($log, qr/^\S+ benchingest\[$master\]: debug: /m,
	    '... and so are debug lines');
	for my $pid (sort keys %served) {
		like($log, qr/^\S+ benchingest\[$master\]: debug: .*\b$pid\b/m,
		    "worker $pid was started by the master");
	}
	is($m->master_pid, $master, 'the master is the same process');
	ok(BenchTest::pid_alive($master), 'and still running');
	is(scalar(my @w = $m->wait_workers(1)), 1, 'one worker again');
};

subtest 'max_body_bytes: a body over the limit is 413, at the limit is fine'
    => sub {
	my $limit = 4096;
	my $b = BenchTest->new(config => { max_body_bytes => $limit });
	my $json = JSON::PP->new->utf8->canonical;
	my $body = $json->encode(BenchTest::envelope());
	cmp_ok(length $body, '<', $limit - 100, 'the sample fits');

	my $r = $b->ingest($body . ' ' x ($limit - length $body));
	is($r->{status}, 200, "a body of exactly $limit bytes is ingested")
	    or diag $r->{content};

	my $other = BenchTest::with_sha(BenchTest::envelope(),
	    BenchTest::random_sha());
	my $body2 = $json->encode($other);
	$r = $b->ingest($body2 . ' ' x ($limit + 1 - length $body2));
	is($r->{status}, 413, 'one byte more: 413');
	is_deeply($r->{json}, { error => 'payload_too_large' },
	    '... {"error":"payload_too_large"}');

	$r = $b->ingest($body2 . ' ' x (1024 * 1024));
	is($r->{status}, 413, 'a 1 MiB body: 413');
	is_deeply($r->{json}, { error => 'payload_too_large' },
	    '... {"error":"payload_too_large"}');
	is($b->row_counts->{commits}, 1, 'the refused bodies wrote nothing');
};

subtest 'tokens: env variables when no file is set, the file wins' => sub {
	my $env_ingest = 'env-ingest-' . BenchTest::random_sha();
	my $env_reval = 'env-reval-' . BenchTest::random_sha();
	my %env = (INGEST_BEARER_TOKEN => $env_ingest,
	    BENCH_REVALIDATE_TOKEN => $env_reval);

	my $e = BenchTest->new(ingest_token => undef, revalidate_token => undef,
	    env => \%env);
	unlike(BenchTest::slurp($e->config_file), qr/token_file/,
	    'no token file configured');
	is($e->ingest(BenchTest::envelope(), token => $env_ingest)->{status},
	    200, 'ingest accepts INGEST_BEARER_TOKEN');
	is($e->ingest(BenchTest::envelope(), token => $env_reval)->{status},
	    401, '... and nothing else');
	is($e->revalidate(token => $env_reval)->{status}, 200,
	    'revalidate accepts BENCH_REVALIDATE_TOKEN');
	is($e->revalidate(token => $env_ingest)->{status}, 401,
	    '... and nothing else');

	my $f = BenchTest->new(env => \%env);
	is($f->ingest(BenchTest::envelope())->{status}, 200,
	    'with both: the file token is accepted');
	is($f->ingest(BenchTest::envelope(), token => $env_ingest)->{status},
	    401, '... and the env token is not');
	is($f->revalidate->{status}, 200,
	    'revalidate: the file token is accepted');
	is($f->revalidate(token => $env_reval)->{status}, 401,
	    '... and the env token is not');

	my $none = BenchTest->new(ingest_token => undef,
	    revalidate_token => undef);
	my $r = $none->ingest(BenchTest::envelope(), token => 'anything');
	is($r->{status}, 503, 'neither file nor env: 503');
	is_deeply($r->{json}, { error => 'not_configured' },
	    '... {"error":"not_configured"}');
};

subtest 'statement_timeout: a statement over it is rolled back with 500; '
    . 'log_level = error keeps only that' => sub {
	my $s = BenchTest->new(
	    config => { statement_timeout => 1000, log_level => 'error' });
	is($s->health->{status}, 200, 'health answers');

	# The write must wait for this lock until statement_timeout ends it.
	my $locker = $s->new_dbh;
	$locker->begin_work;
	$locker->do('LOCK TABLE query_measurements IN SHARE MODE');
	my $r = $s->ingest(BenchTest::envelope());
	$locker->rollback;
	$locker->disconnect;
	is($r->{status}, 500, 'the blocked ingest answers 500');
	is_deeply($r->{json}, { error => 'internal' }, '... {"error":"internal"}');
	is_deeply($s->row_counts, { map { $_ => 0 } $s->tables },
	    '... and wrote nothing, not even the commit');

	$r = $s->ingest(BenchTest::envelope());
	is($r->{status}, 200, 'without the lock the same ingest succeeds');

	my $log;
	ok(BenchTest::wait_for(sub { ($log = $s->log) =~ /status=500/ }, 30),
	    'the 500 is logged');
	like($log, qr/statement timeout/, '... with the reason');
	unlike($log, qr{GET /api/health|status=200}, 'no line for a 200');
	unlike($log, qr/: (?:warn|info|debug): /, 'no line below error');
};

done_testing;
