#!/usr/bin/perl
# Reads cannot starve ingest.  At most max_concurrent_reads workers answer
# reads at once: with that many reads stuck in Postgres (behind a lock
# held here), further reads are answered at once with 503 unavailable and
# Retry-After, and are not cached, while reads the cache answers are
# served, and ingests and revalidates still get a worker, even when more
# reads arrive than there are workers.  A worker killed mid-read gives its
# place back.  A read that runs past read_timeout is answered 503 and
# gives its place back, however long statement_timeout is.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use BenchTest qw(envelope with_sha wait_for random_sha);
use HTTP::Tiny;
use JSON::PP;
use MIME::Base64 qw(encode_base64);
use POSIX qw(_exit);
use Test::More;

my $t = BenchTest->new(workers => 3, config => { max_concurrent_reads => 2 });
is($t->ingest(envelope())->{status}, 200, 'a commit with rows of every kind');
wait_for(sub { $t->listener_pid }, 10);
ok($t->wait_cached('/api/groups'), '/api/groups is in the cache');

# A group of vector search runs: reading it scans vector_search_runs, which
# the ingests below never touch.  Each dataset is another cache key.
sub b64url { my $s = encode_base64($_[0], ''); $s =~ tr{+/}{-_}; $s =~ s/=+$//; $s }
sub vsg {
	return '/api/group/vsg.' . b64url(encode_json({ k => 'VectorSearchGroup',
	    dataset => "d$_[0]", layout => 'flat' }));
}
my $dbh = $t->dbh;
sub waiting {
	return $dbh->selectrow_array(q{SELECT count(*) FROM pg_stat_activity
	    WHERE datname = current_database() AND wait_event_type = 'Lock'});
}
# The workers' sessions, opened since the workers started, are set up
# (which needs the lock taken below), and no other is left.
my $started = '-infinity';
sub sessions_ready {
	return wait_for(sub {
		my ($idle, $all) = $dbh->selectrow_array(q{SELECT count(*)
		    FILTER (WHERE state = 'idle' AND backend_start >= ?),
		    count(*) FROM pg_stat_activity
		    WHERE datname = current_database()
		    AND application_name = 'benchingest'}, undef, $started);
		return $idle == 3 && $all == 3;
	}, 30);
}
sub workers_replaced {
	my ($why, $do) = @_;
	my @old = $t->worker_pids;
	($started) = $dbh->selectrow_array('SELECT now()');
	$do->(@old);
	ok(wait_for(sub {
		my @now = $t->worker_pids;
		@now == 3 && !grep { my $p = $_; grep { $_ == $p } @old } @now;
	}, 30), $why);
}
my $lock;
sub lock_reads {
	sessions_ready() or BAIL_OUT('the workers have no database sessions');
	$lock = $t->new_dbh;
	$lock->begin_work;
	$lock->do('LOCK TABLE vector_search_runs IN ACCESS EXCLUSIVE MODE');
}
sub unlock_reads { $lock->rollback; $lock->disconnect; undef $lock }

# GETs in child processes; collect() returns their statuses in order.
sub start_gets {
	my @kids;
	for my $path (@_) {
		pipe my $r, my $w or die "pipe: $!";
		my $pid = fork // die "fork: $!";
		if ($pid == 0) {
			close $r;
			my $res = HTTP::Tiny->new(timeout => 60)->get($t->base_url . $path);
			print $w "$res->{status} " . ($res->{headers}{'retry-after'} // '-');
			close $w;
			_exit(0);
		}
		close $w;
		push @kids, [$pid, $r];
	}
	return \@kids;
}
sub collect {
	my ($kids) = @_;
	my @s;
	for (@$kids) {
		my ($pid, $r) = @$_;
		local $/;
		push @s, scalar <$r> // '';
		waitpid $pid, 0;
	}
	return @s;
}
sub ingest_new {
	my $sha = random_sha();
	return $t->ingest(with_sha(envelope(records => [{ kind => 'query_measurement',
	    commit_sha => $sha, dataset => 'tpch', scale_factor => '1',
	    query_idx => 1, storage => 'nvme', engine => 'e', format => 'f',
	    value_ns => 1, all_runtimes_ns => [1] }]), $sha))->{status};
}

# ---- the limit
lock_reads();
my $base = waiting();
my $stuck = start_gets(vsg(1), vsg(2));
ok(wait_for(sub { waiting() == $base + 2 }, 30), 'two reads wait in Postgres');
my $mark = $t->log_mark;
is($t->request('GET', '/api/groups')->{status}, 200,
    'a read the cache answers needs no slot: 200');
unlike($t->log_since($mark), qr{GET /api/groups}, '... and never reached a worker');
$mark = $t->log_mark;
my $over = $t->request('GET', vsg(3));
is($over->{status}, 503, 'a third read: 503');
is_deeply($over->{json}, { error => 'unavailable' }, '... {"error":"unavailable"}');
is($over->{headers}{'retry-after'}, '1', '... Retry-After: 1');
is($over->{headers}{'cache-control'}, 'no-store', '... Cache-Control: no-store');
like($t->log_since($mark), qr/status=503 .*max_concurrent_reads/,
    '... the log says why');
is(ingest_new(), 200, 'an ingest still gets a worker');
is($t->revalidate->{status}, 200, 'so does a revalidate');

# More reads at once than there are workers, and an ingest among them.
my $flood = start_gets(map { vsg(100 + $_) } 1 .. 8);
is(ingest_new(), 200, 'an ingest among 8 more reads at once: 200');
my @s = collect($flood);
is_deeply(\@s, [('503 1') x 8], '... each of those reads: 503 with Retry-After');
is(waiting(), $base + 2, '... while the first two still wait');

unlock_reads();
# (Groups without rows: their answer is a 404.)
is_deeply([collect($stuck)], ['404 -', '404 -'], 'the lock gone, the two reads answer');
$mark = $t->log_mark;
is($t->request('GET', vsg(3))->{status}, 404, 'the read that got 503 now gets its answer');
like($t->log_since($mark), qr{GET /api/group/vsg\.}, '... from benchingest: the 503 was not cached');

# ---- a worker killed mid-read gives its place back
lock_reads();
$base = waiting();
$stuck = start_gets(vsg(4), vsg(5));
ok(wait_for(sub { waiting() == $base + 2 }, 30), 'two reads wait again');
workers_replaced('every worker killed and replaced', sub { kill 'KILL', @_ });
collect($stuck);
unlock_reads();		# the new workers set up their sessions
lock_reads();
$base = waiting();
$stuck = start_gets(vsg(6), vsg(7));
ok(wait_for(sub { waiting() == $base + 2 }, 30),
    'two reads can wait in Postgres again: the killed ones left no slot taken');
is($t->request('GET', vsg(8))->{status}, 503, '... and a third is 503');
unlock_reads();
is_deeply([collect($stuck)], ['404 -', '404 -'], '... the two answer once unlocked');

# ---- the deadline of one read request
$t->set_config(read_timeout => 300, statement_timeout => 600000);
workers_replaced('reloaded with read_timeout = 300 ms, statement_timeout = 10 min',
    sub { $t->signal('HUP') });
lock_reads();
$base = waiting();
$mark = $t->log_mark;
my @late = map { $t->request('GET', vsg(200 + $_)) } 1 .. 3;
is_deeply([map { $_->{status} } @late], [503, 503, 503],
    'three reads stuck in Postgres, one after the other: 503 each');
is_deeply($late[0]{json}, { error => 'unavailable' }, '... {"error":"unavailable"}');
my @why = $t->log_since($mark) =~ /status=503 .*reason="([^"]*)"/g;
is(scalar(grep { /read_timeout/ } @why), 3, '... each over read_timeout, not over the limit')
    or diag(join "\n", @why);
is(waiting(), $base, '... and none of them is still waiting in Postgres');
unlock_reads();
is($t->request('GET', vsg(201))->{status}, 404, 'unlocked, the same read answers');

done_testing;
