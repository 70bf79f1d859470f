#!/usr/bin/perl
# Concurrent ingests of overlapping envelopes (doc/ingest-api.md §5): six
# forked clients, released together, each send several rounds of envelopes
# for two shared commits with overlapping record keys (in opposite orders,
# which invites deadlocks) and for commits of their own.  Every response
# must be 200; in each, inserted + updated = the records sent; and the
# counts are exact across clients: the sum of all "inserted" equals the
# number of distinct keys sent, which equals the number of rows in the
# database.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use POSIX qw(_exit);
use Test::More;
use BenchTest;

my $CLIENTS = 6;
my $ROUNDS = 5;

my $t = BenchTest->new(workers => $CLIENTS);
my $JSON = JSON::PP->new->utf8->canonical;

my @SHARED = (BenchTest::random_sha(), BenchTest::random_sha());
my (%keys, %values_sent, %shas);

# The envelope client $c sends in round $r: 150 query_measurements and 50
# compression_times from a sliding window of a 250-key space, for one of
# the two shared commits (or, every third time, a commit of its own).
sub envelope_for {
	my ($c, $r) = @_;
	my $sha = ($c + $r) % 3 == 2 ? BenchTest::random_sha() :
	    $SHARED[$c % 2];
	$shas{$sha} = 1;
	my $e = BenchTest::with_sha(BenchTest::envelope(), $sha);
	my ($qm, $ct) = @{ $e->{records} }[0, 1];
	my $value = 1_000_000 * ($c + 1) + $r;
	my $start = ($c * 37 + $r * 53) % 250;
	my @recs;
	for my $j (0 .. 149) {
		my $idx = ($start + $j) % 250;
		push @recs, { %$qm, query_idx => $idx, value_ns => $value };
		push @{ $values_sent{"$sha/qm/$idx"} }, $value;
		$keys{"$sha/qm/$idx"} = 1;
	}
	for my $j (0 .. 49) {
		my $ds = 'ds-' . (($start + 5 * $j) % 250);
		push @recs, { %$ct, dataset => $ds, value_ns => $value };
		push @{ $values_sent{"$sha/ct/$ds"} }, $value;
		$keys{"$sha/ct/$ds"} = 1;
	}
	@recs = reverse @recs if $c % 2;
	$e->{records} = \@recs;
	return $JSON->encode($e);
}

# All bodies are made before the clients start.
my %bodies;
for my $c (0 .. $CLIENTS - 1) {
	$bodies{$c} = [map { envelope_for($c, $_) } 0 .. $ROUNDS - 1];
}

# A pipe as a start barrier: each client blocks on it until the parent
# closes the write end, which releases them all at once.
pipe my $gate_r, my $gate_w or die "pipe: $!";
my %pid_of;
for my $c (0 .. $CLIENTS - 1) {
	my $pid = fork // die "fork: $!";
	if ($pid == 0) {
		close $gate_w;
		my $ok = eval {
			sysread $gate_r, my $buf, 1;
			open my $out, '>', $t->dir . "/client-$c.json" or die $!;
			for my $body (@{ $bodies{$c} }) {
				my $res = $t->ingest($body);
				print {$out} $JSON->encode({ status => $res->{status},
				    json => $res->{json}, content =>
				    substr($res->{content}, 0, 300),
				    sent => scalar @{ $JSON->decode($body)->{records} } }),
				    "\n";
			}
			close $out or die $!;
			1;
		};
		print STDERR "client $c: $@" unless $ok;
		_exit($ok ? 0 : 1);
	}
	$pid_of{$pid} = $c;
}
close $gate_r;
close $gate_w;
for my $pid (keys %pid_of) {
	waitpid $pid, 0;
	is($?, 0, "client $pid_of{$pid} finished");
}

my @responses;
for my $c (0 .. $CLIENTS - 1) {
	open my $in, '<', $t->dir . "/client-$c.json" or die $!;
	push @responses, map { $JSON->decode($_) } <$in>;
}
is(scalar @responses, $CLIENTS * $ROUNDS, 'every request got a response');

my @not_ok = grep { $_->{status} != 200 } @responses;
is(scalar @not_ok, 0, 'every concurrent ingest answered 200')
    or diag(join "\n", map { "$_->{status} $_->{content}" } @not_ok);
my @bad_sum = grep { !$_->{json} || $_->{json}{inserted} +
    $_->{json}{updated} != $_->{sent} } @responses;
is(scalar @bad_sum, 0, 'in every response, inserted + updated = records sent')
    or diag(explain(\@bad_sum));

my $inserted = 0;
$inserted += $_->{json}{inserted} // 0 for @responses;
my $counts = $t->row_counts;
my $rows = $counts->{query_measurements} + $counts->{compression_times};
is($rows, scalar keys %keys,
    'the database holds one row per distinct key sent');
is($inserted, $rows, 'the sum of "inserted" over all responses is the ' .
    'number of rows (exact under concurrency)');
is($counts->{commits}, scalar keys %shas, 'one commit row per commit sent');

# Every stored value is one that some client sent for that key.
my $dbh = $t->dbh;
my @stray;
for my $row (@{ $dbh->selectall_arrayref(q{SELECT commit_sha || '/qm/' ||
    query_idx, value_ns FROM query_measurements UNION ALL SELECT commit_sha
    || '/ct/' || dataset, value_ns FROM compression_times}) }) {
	my ($key, $v) = @$row;
	push @stray, "$key=$v" unless grep { $_ == $v }
	    @{ $values_sent{$key} || [] };
}
is(scalar @stray, 0, 'every stored value was sent for its key')
    or diag("@stray[0 .. ($#stray < 9 ? $#stray : 9)]");

# The shared keys were really contended: several clients sent them.
my $contended = grep { @{ $values_sent{$_} } > 1 } keys %values_sent;
cmp_ok($contended, '>', 100, "$contended keys were sent by more than one request");

# ---------------------------------------------------------------- deadlock
#
# A real deadlock between an ingest and another writer (a path-B job, say):
# the other transaction holds a fact row that the ingest needs, the ingest
# holds the commit row (it upserts it first, §4) and waits; then the other
# transaction asks for the commit row.  Postgres aborts the ingest's
# transaction with 40P01 (its deadlock check fires first: the other session
# waits 60 s before checking), and the ingest must retry and succeed.
{
	my $e = BenchTest::with_sha(BenchTest::envelope(), BenchTest::random_sha());
	my $sha = $e->{commit}{sha};
	is_deeply($t->ingest($e)->{json}, { inserted => 5, updated => 0 },
	    'deadlock setup: the envelope is stored');
	my $deadlocks = sub {
		$dbh->do('SELECT pg_stat_clear_snapshot()');
		return $dbh->selectrow_array(q{SELECT deadlocks FROM
		    pg_stat_database WHERE datname = current_database()});
	};
	my $before = $deadlocks->();

	my $other = $t->new_dbh;
	$other->begin_work;
	$other->do(q{SET LOCAL deadlock_timeout = '60s'});
	$other->do(q{UPDATE random_access_times SET value_ns = value_ns
	    WHERE commit_sha = ?}, undef, $sha);

	my $result = $t->dir . '/deadlock.json';
	my $pid = fork // die "fork: $!";
	if ($pid == 0) {
		my $res = eval { $t->ingest($e) } || { status => 0,
		    content => "$@" };
		if (open my $out, '>', $result) {
			print {$out} $JSON->encode({ status => $res->{status},
			    json => $res->{json}, content => $res->{content} });
			close $out;
		}
		_exit(0);
	}

	my $other_pid = $other->{pg_pid};
	my $waiting = BenchTest::wait_for(sub {
		$dbh->selectrow_array(q{SELECT count(*) FROM pg_locks l JOIN
		    pg_stat_activity a USING (pid) WHERE NOT l.granted AND
		    a.datname = current_database() AND a.pid <> ?}, undef,
		    $other_pid);
	}, 60);
	ok($waiting, 'the ingest waits for the row the other transaction holds');
	# This blocks until Postgres resolves the deadlock by aborting the
	# ingest's transaction.
	my $ok = eval {
		$other->do(q{UPDATE commits SET message = message
		    WHERE commit_sha = ?}, undef, $sha);
		$other->commit;
		1;
	};
	ok($ok, 'the other transaction commits') or diag($@);
	$other->rollback unless $ok;
	$other->disconnect;
	waitpid $pid, 0;

	my $res = eval { $JSON->decode(BenchTest::slurp($result) // '') } || {};
	is($res->{status}, 200, 'the ingest that hit the deadlock answers 200')
	    or diag($res->{content});
	is_deeply($res->{json}, { inserted => 0, updated => 5 },
	    'and counts its 5 records exactly once: {"inserted":0,"updated":5}');
	ok(BenchTest::wait_for(sub { $deadlocks->() > $before }, 90),
	    'Postgres did report a deadlock (so the ingest was retried)');
	is($t->row_counts->{random_access_times},
	    $counts->{random_access_times} + 1, 'no row twice');
}

done_testing;
