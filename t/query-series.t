#!/usr/bin/perl
# query_series (sql/005_query_series.sql) is, after every kind of write,
# exactly what a computation from scratch gives (t/lib/QuerySeries.pm):
# ingests of new rows through nginx and benchingest (the merge and the
# direct COPY), re-ingests that change values, zero them and move the
# commit's timestamp; path-B INSERT, COPY, UPDATE, MERGE, DELETE and
# TRUNCATE by roles without any right on query_series, followed by
# revalidate; concurrent overlapping ingests beside a path-B job that zeroes
# and deletes rows; and the realistic history of RealisticData.  The same
# for query_charts and query_summaries (sql/006, sql/007), with names of
# any text and what query_summaries makes writers wait for.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use POSIX qw(_exit);
use Test::More;
use BenchTest;
use QuerySeries qw(is_current);
use RealisticData;

my $t = BenchTest->new(workers => 5);
my $dbh = $t->dbh;
my $JSON = JSON::PP->new->utf8->canonical;

# An envelope of query_measurement records for commit $sha at $ts; each
# record a hash of the key fields and value_ns (the rest filled in).
sub query_envelope {
	my ($sha, $ts, @recs) = @_;
	my $e = BenchTest::envelope('commit.timestamp' => $ts);
	my $qm = $e->{records}[0];
	$e->{records} = [map { { %$qm, dataset_variant => undef,
	    scale_factor => undef, %$_ } } @recs];
	return BenchTest::with_sha($e, $sha);
}

# Series of every null pattern: (dataset, variant, scale factor).
my @KEYS = (['tpch', undef, undef], ['tpch', undef, '1'],
    ['tpch', 'v2', undef], ['tpch', 'v2', '1']);

sub records {
	my ($value) = @_;
	my @r;
	for my $k (@KEYS) {
		for my $q (1, 2) {
			for my $e ('datafusion', 'duckdb') {
				push @r, { dataset => $k->[0], dataset_variant => $k->[1],
				    scale_factor => $k->[2], query_idx => $q,
				    engine => $e, format => 'parquet',
				    value_ns => $value->($k, $q, $e) };
			}
		}
	}
	return @r;
}

sub ingest_ok {
	my ($env, $name) = @_;
	my $r = $t->ingest($env);
	is($r->{status}, 200, $name) or diag($r->{content});
	return $r->{json};
}

my @SHA = map { BenchTest::random_sha() } 0 .. 2;

subtest 'ingests of new rows' => sub {
	is($dbh->selectrow_array('SELECT count(*) FROM query_series'), 0,
	    'no rows, no series');
	ingest_ok(query_envelope($SHA[0], '2026-01-01T00:00:00Z',
	    records(sub { 100 + $_[1] })), 'a commit through the merge');
	is($dbh->selectrow_array('SELECT count(*) FROM query_series'), 16,
	    'one series per key');
	is_current($dbh, 'query_series after the first commit');

	# Zero and negative values: the series exist, their newest positive
	# row stays the older one.
	ingest_ok(query_envelope($SHA[1], '2026-01-02T00:00:00Z',
	    records(sub { $_[2] eq 'duckdb' ? 0 : -5 })), 'a commit of zeros and negatives');
	is($dbh->selectrow_array(q{SELECT count(*) FROM query_series
	    WHERE latest_sha = ? AND row_count = 2}, undef, $SHA[0]), 16,
	    'every series keeps the first commit as its newest positive row');
	is_current($dbh, 'query_series after zeros and negatives');

	my $big = BenchTest::big_envelope_json(1200, sha => $SHA[2],
	    timestamp => '2026-01-03T00:00:00Z', dataset => 'tpch');
	is_deeply(ingest_ok($big, 'a commit of 1,200 records (the direct COPY)'),
	    { inserted => 1200, updated => 0 }, '... all inserted');
	is_current($dbh, 'query_series after the direct COPY');
};

subtest 're-ingests: changed values, zeros, a moved timestamp' => sub {
	# The newest commit again with new values: its rows stay the newest.
	ingest_ok(query_envelope($SHA[0], '2026-01-01T00:00:00Z',
	    records(sub { 200 + $_[1] })), 'the first commit again, new values');
	# (The big commit is newer in two series: TPC-H SF 1 datafusion.)
	is($dbh->selectrow_array(q{SELECT count(*) FROM query_series
	    WHERE latest_sha = ? AND latest_value IN (201, 202)}, undef, $SHA[0]), 14,
	    'the newest positive rows carry the new values');
	is_current($dbh, 'query_series after a re-ingest');

	# Now zeros where the newest positive rows were: none left in those
	# series but the big commit's (which has other series).
	ingest_ok(query_envelope($SHA[0], '2026-01-01T00:00:00Z',
	    records(sub { $_[1] == 1 ? 0 : 300 })), 'the first commit again, Q1 zeroed');
	is($dbh->selectrow_array(q{SELECT count(*) FROM query_series
	    WHERE dataset_variant IS NOT NULL AND query_idx = 1
	    AND latest_id IS NULL}), 4, 'series without any positive row lose their newest');
	is_current($dbh, 'query_series after zeroing the newest rows');

	# The second commit moved before the first: restamped on update, so
	# the oldest timestamps move.
	ingest_ok(query_envelope($SHA[1], '2025-12-31T00:00:00Z',
	    records(sub { 7 })), 'the second commit again, an earlier timestamp, positive');
	is($dbh->selectrow_array(q{SELECT count(*) FROM query_series
	    WHERE first_timestamp = '2025-12-31T00:00:00Z'}), 16,
	    'the moved commit is the oldest of every series');
	is($dbh->selectrow_array(q{SELECT count(*) FROM query_series
	    WHERE latest_sha = ?}, undef, $SHA[1]), 7,
	    '... and the newest positive one where Q1 was zeroed (but one)');
	is_current($dbh, 'query_series after a moved timestamp');
	ingest_ok(query_envelope($SHA[1], '2026-01-05T00:00:00Z',
	    records(sub { 9 })), 'and moved after all the others');
	is_current($dbh, 'query_series after moving it back');
};

# Path B: roles with the contract's privileges (and DELETE and TRUNCATE
# for the job that prunes), none on query_series.
my $writer = "pathb_writer_$$";
my $pruner = "pathb_pruner_$$";
for my $role ($writer, $pruner) {
	$dbh->do(qq{CREATE ROLE $role LOGIN});
	$dbh->do(qq{GRANT USAGE ON SCHEMA public TO $role});
	$dbh->do(qq{GRANT SELECT, INSERT, UPDATE ON } . join(", ", $t->tables)
	    . qq{ TO $role});
}
$dbh->do(qq{GRANT DELETE, TRUNCATE ON query_measurements TO $pruner});
my $w = $t->new_dbh($writer);
my $p = $t->new_dbh($pruner);

subtest 'path B: INSERT, COPY, UPDATE, MERGE, DELETE, TRUNCATE' => sub {
	ok(!eval { $w->do('SELECT 1 FROM query_series LIMIT 1'); 1 },
	    'the path-B writer has no right on query_series');
	my $insert = q{INSERT INTO query_measurements (measurement_id, commit_sha,
	    dataset, dataset_variant, scale_factor, query_idx, storage, engine,
	    format, value_ns, all_runtimes_ns, commit_timestamp)
	    VALUES (?, ?, 'pathb', ?, NULL, 1, 's3', 'e', 'f', ?, '{}', ?)};
	# Two rows at one timestamp: the greater sha wins, then the greater id.
	$w->do($insert, undef, 900001, 'aaaa', undef, 10, '2026-02-01 00:00:00+00');
	$w->do($insert, undef, 900002, 'bbbb', undef, 20, '2026-02-01 00:00:00+00');
	$w->do($insert, undef, 900003, 'bbbb', undef, 30, '2026-02-01 00:00:00+00');
	$w->do($insert, undef, 900004, 'cccc', undef, 40, undef);
	$w->do($insert, undef, 900005, 'dddd', 'v', 0, '2026-02-02 00:00:00+00');
	is_deeply($dbh->selectrow_arrayref(q{SELECT latest_sha, latest_id, latest_value,
	    unstamped_positive, row_count FROM query_series
	    WHERE dataset = 'pathb' AND dataset_variant IS NULL}),
	    ['bbbb', 900003, 30, 1, 4], 'INSERT: ties go to the greater sha, then id; '
	    . 'an unstamped positive row is counted');
	is_current($dbh, 'query_series after path-B INSERTs');
	# Several rows of one series in one statement, tied too.
	$w->do(q{INSERT INTO query_measurements (measurement_id, commit_sha, dataset,
	    query_idx, storage, engine, format, value_ns, all_runtimes_ns, commit_timestamp)
	    SELECT 900100 + i, CASE WHEN i = 1 THEN 'eeee' ELSE 'ffff' END, 'pathb',
		i % 2 + 2, 's3', 'e', 'f', i + 1, '{}', timestamptz '2026-02-03 00:00:00+00'
		- (i / 4) * interval '1 day'
	    FROM generate_series(0, 11) i});
	is_deeply($dbh->selectall_arrayref(q{SELECT query_idx, row_count, latest_sha,
	    latest_id FROM query_series WHERE dataset = 'pathb' AND query_idx IN (2, 3)
	    ORDER BY query_idx}), [[2, 6, 'ffff', 900102], [3, 6, 'ffff', 900103]],
	    'one statement, several rows per series: the newest, ties by sha then id');
	is_current($dbh, 'query_series after a multi-row INSERT');

	$w->do(q{COPY query_measurements (measurement_id, commit_sha, dataset,
	    query_idx, storage, engine, format, value_ns, all_runtimes_ns,
	    commit_timestamp) FROM STDIN});
	$w->pg_putcopydata("9100$_\tcopy\tpathb\t1$_\ts3\te\tf\t$_\t{}\t2026-02-0$_ 00:00:00+00\n")
	    for 1 .. 5;
	$w->pg_putcopyend;
	is_current($dbh, 'query_series after a path-B COPY');

	$w->do(q{UPDATE query_measurements SET value_ns = 0 WHERE measurement_id = 900003});
	is($dbh->selectrow_array(q{SELECT latest_id FROM query_series
	    WHERE dataset = 'pathb' AND query_idx = 1 AND dataset_variant IS NULL}),
	    900002, 'UPDATE to 0 of the newest row: the next one takes over');
	$w->do(q{UPDATE query_measurements SET commit_timestamp = NULL
	    WHERE dataset = 'pathb' AND query_idx = 1 AND dataset_variant IS NULL});
	is_deeply($dbh->selectrow_arrayref(q{SELECT latest_id, first_timestamp,
	    unstamped_positive FROM query_series WHERE dataset = 'pathb'
	    AND query_idx = 1 AND dataset_variant IS NULL}), [undef, undef, 3],
	    'UPDATE unstamping every row: no newest, no oldest, three unstamped');
	$w->do(q{UPDATE query_measurements SET engine = 'moved' WHERE measurement_id IN (91001, 91003)});
	is_current($dbh, 'query_series after path-B UPDATEs (a key changed too)');

	$w->do(q{MERGE INTO query_measurements m USING (VALUES (91002, 5), (91009, 9)) v(id, x)
	    ON m.measurement_id = v.id
	    WHEN MATCHED THEN UPDATE SET value_ns = v.x
	    WHEN NOT MATCHED THEN INSERT (measurement_id, commit_sha, dataset, query_idx,
		storage, engine, format, value_ns, all_runtimes_ns, commit_timestamp)
	    VALUES (v.id, 'merge', 'pathb', 9, 's3', 'e', 'f', v.x, '{}', now())});
	is_current($dbh, 'query_series after a path-B MERGE');

	ok(!eval { $w->do('DELETE FROM query_measurements'); 1 },
	    'the writer with the contract\'s rights cannot DELETE');
	$p->do(q{DELETE FROM query_measurements WHERE measurement_id IN (91004, 900002)});
	is_current($dbh, 'query_series after a DELETE of some rows');
	$p->do(q{DELETE FROM query_measurements WHERE engine = 'moved'});
	is($dbh->selectrow_array(q{SELECT count(*) FROM query_series WHERE engine = 'moved'}),
	    0, 'a DELETE of a series\' every row deletes the series');
	$p->do(q{DELETE FROM query_measurements WHERE commit_sha = ?}, undef, $SHA[1]);
	is_current($dbh, 'query_series after a DELETE of a commit');
	is($t->revalidate->{status}, 200, 'revalidate after the path-B writes');

	$p->do('TRUNCATE query_measurements');
	is($dbh->selectrow_array('SELECT count(*) FROM query_series'), 0,
	    'TRUNCATE empties it');
	ingest_ok(query_envelope($SHA[0], '2026-01-01T00:00:00Z', records(sub { 1 })),
	    'an ingest after TRUNCATE');
	is_current($dbh, 'query_series after TRUNCATE and an ingest');
};

# Ingest clients, each several rounds of envelopes for a few shared commits
# (so the same rows are inserted by one and updated by another), over the
# same series, with values that zero the newest rows and timestamps that
# move; beside them a path-B job zeroes and deletes rows.  All succeed, and
# none meets a deadlock.
subtest 'concurrent overlapping ingests beside a path-B job' => sub {
	my ($clients, $rounds) = (4, 6);
	my @shas = map { BenchTest::random_sha() } 0 .. 3;
	my @bodies;
	for my $c (0 .. $clients - 1) {
		for my $r (0 .. $rounds - 1) {
			my $i = ($c + $r) % @shas;
			my $ts = sprintf '2026-03-%02dT%02d:00:00Z', 1 + $i, ($c * 7 + $r) % 24;
			push @{ $bodies[$c] }, $JSON->encode(query_envelope($shas[$i], $ts,
			    records(sub { ($c + $r + $_[1]) % 3 ? 1000 * ($c + 1) + $r : 0 }),
			    map { { dataset => 'wide', query_idx => $_, engine => 'e',
			    format => "f", value_ns => $_ + $c } } 1 .. 1000));
		}
	}
	pipe my $gate_r, my $gate_w or die "pipe: $!";
	my %kids;
	for my $c (0 .. $clients) {
		my $pid = fork // die "fork: $!";
		if ($pid == 0) {
			close $gate_w;
			sysread $gate_r, my $buf, 1;
			my $bad = 0;
			if ($c < $clients) {
				for my $body (@{ $bodies[$c] }) {
					my $r = $t->ingest($body);
					next if $r->{status} == 200;
					print STDERR "client $c: $r->{status} $r->{content}\n";
					$bad++;
				}
			} else {
				my ($failed, $deadlocks) = path_b_job($t, $pruner, $rounds * 3);
				$bad = $failed ? 1 : $deadlocks ? 2 : 0;
			}
			_exit($bad);
		}
		$kids{$pid} = $c;
	}
	my $mark = $t->log_mark;
	close $gate_r;
	close $gate_w;
	for my $pid (keys %kids) {
		waitpid $pid, 0;
		is($? >> 8, 0, $kids{$pid} < $clients ? "client $kids{$pid}: every ingest answered 200"
		    : 'the path-B job succeeded without meeting a deadlock');
	}
	# Every writer locks series in one order: no deadlock, so no retry.
	unlike($t->log_since($mark), qr/retrying ingest/, 'no ingest had to be retried');
	cmp_ok($dbh->selectrow_array("SELECT count(*) FROM query_series"), ">=", 1000,
	    'the series are there');
	is_current($dbh, 'query_series after the concurrent writes');
};

# Zeroes the newest rows of a few series and deletes a few rows, $n
# times, locking the rows first in id order as ingests do (so that neither
# can deadlock the other on them).  Returns the number of failed statements
# and of deadlocks met.
sub path_b_job {
	my ($t, $role, $n) = @_;
	my $dbh = $t->new_dbh($role);
	$dbh->{RaiseError} = 0;
	my ($failed, $deadlocks) = (0, 0);
	for my $i (1 .. $n) {
		for my $job ([q{WHERE dataset = 'tpch' ORDER BY commit_timestamp DESC,
		    measurement_id LIMIT 3}, 'UPDATE query_measurements SET value_ns = 0'],
		    [q{WHERE dataset = 'wide' ORDER BY measurement_id LIMIT 5},
		    'DELETE FROM query_measurements']) {
			my ($which, $write) = @$job;
			for my $try (1 .. 10) {
				$dbh->begin_work;
				my $ids = $dbh->selectcol_arrayref(q{SELECT measurement_id
				    FROM query_measurements WHERE measurement_id IN (SELECT
				    measurement_id FROM query_measurements } . $which . q{)
				    ORDER BY measurement_id FOR UPDATE});
				my $ok = $ids && defined $dbh->do("$write WHERE measurement_id = ANY (?)",
				    undef, $ids) && $dbh->commit;
				last if $ok;
				my $state = $dbh->state // '';
				$dbh->rollback;
				if ($state =~ /^(40P01|40001)$/) {
					$deadlocks++;
					next;
				}
				print STDERR "path-B job: ", $dbh->errstr, "\n";
				$failed++;
				last;
			}
		}
		select undef, undef, undef, 0.05;
	}
	return ($failed, $deadlocks);
}

# query_summaries (sql/007_query_summaries.sql): one text per group whose
# names are any text, lengths in bytes; a series without a stamped
# positive row left to the reader (its newest unstamped one by its
# commit's timestamp).  /api/groups reads it; /api/group reads
# query_series: both give each group the same summary.
subtest 'query_summaries: names of any text, unstamped series' => sub {
	my $insert = q{INSERT INTO query_measurements (measurement_id, commit_sha,
	    dataset, dataset_variant, scale_factor, query_idx, storage, engine,
	    format, value_ns, all_runtimes_ns, commit_timestamp)
	    VALUES (?, ?, 'tpch', 'names', NULL, ?, 'nvme', ?, ?, ?, '{}', ?)};
	$dbh->do(q{INSERT INTO commits (commit_sha, timestamp, tree_sha, url)
	    VALUES ('names-old', '2026-03-01 00:00:00+00', 't', 'u'),
		('names-new', '2026-03-02 00:00:00+00', 't', 'u')});
	my $id = 950000;
	for my $r ([1, 'a b', '1 2 -', 7, '2026-03-01 00:00:00+00'],
	    [1, "\x{e9}:\x{fc}", '', 9, '2026-03-01 00:00:00+00'],
	    [2, '- 3', "f\\\"'", 11, '2026-03-01 00:00:00+00'],
	    [2, 'a b', '1 2 -', 0, '2026-03-01 00:00:00+00'],
	    [3, 'u', 'v', 13, undef], [3, 'w', 'v', 5, undef]) {
		$dbh->do($insert, undef, ++$id, 'names-old', @$r);
	}
	# The series u:v again, unstamped, at a newer commit.
	$dbh->do($insert, undef, ++$id, 'names-new', 3, 'u', 'v', 17, undef);
	is_deeply($dbh->selectrow_arrayref(q{SELECT series, unstamped FROM query_summaries
	    WHERE dataset = 'tpch' AND dataset_variant = 'names'}),
	    ["1 3 5 7 a b1 2 - 1 5 0 9 \x{e9}:\x{fc} 2 3 4 11 - 3f\\\"' 3 1 1 - uv 3 1 1 - wv", 2],
	    'a group\'s entries: lengths in bytes, unstamped values left out');
	is_current($dbh, 'query_summaries after INSERTs of such names');
	my $version = sub { $dbh->selectrow_array(q{SELECT xmin::text || ctid::text
	    FROM query_summaries WHERE dataset_variant = 'names'}) };
	my $before = $version->();
	$dbh->do(q{UPDATE query_measurements SET all_runtimes_ns = '{1}'
	    WHERE dataset_variant = 'names'});
	$dbh->do($insert, undef, ++$id, 'names-older', 1, 'a b', '1 2 -', 3,
	    '2026-02-01 00:00:00+00');
	is($version->(), $before, 'writes that change no newest positive value '
	    . 'leave the group\'s row as it was');
	is($t->revalidate->{status}, 200, 'revalidate');
	my @groups = grep { $_->{summary} }
	    @{ $t->request('GET', '/api/groups')->{json}{groups} };
	my ($names) = grep { grep { $_->{name} eq 'w:v' } @{ $_->{summary}{rankings} } }
	    @groups;
	my %total = map { $_->{name} => $_->{totalRuntime} }
	    @{ ($names // {})->{summary}{rankings} || [] };
	is_deeply(\%total, { 'a b:1 2 -' => 7, "\x{e9}:\x{fc}:" => 9,
	    "- 3:f\\\"'" => 11, 'u:v' => 17, 'w:v' => 5 },
	    'its summary: the names as stored, u:v its newer unstamped value')
	    or diag(explain($names));
	# (/api/group answers 404 for some groups /api/groups lists, as
	# main does: those with unstamped rows; they are left out here.)
	my $compared = 0;
	for my $g (@groups) {
		my $one = $t->request('GET', "/api/group/$g->{slug}");
		next if $one->{status} == 404;
		$compared++;
		is_deeply($one->{json}{summary}, $g->{summary},
		    "/api/group/$g->{slug} has the summary /api/groups gives");
	}
	cmp_ok($compared, '>=', 4, "$compared groups compared");

	$dbh->do(q{UPDATE query_measurements SET commit_timestamp = '2026-03-03 00:00:00+00'
	    WHERE commit_sha = 'names-new'});
	is_current($dbh, 'query_summaries after an UPDATE stamping an unstamped row');
	$dbh->do(q{DELETE FROM query_measurements WHERE dataset_variant = 'names'
	    AND query_idx = 1});
	is_current($dbh, 'query_summaries after a DELETE of some series');
	$dbh->do(q{DELETE FROM query_measurements WHERE dataset_variant = 'names'});
	is($dbh->selectrow_array(q{SELECT count(*) FROM query_summaries
	    WHERE dataset_variant = 'names'}), 0, 'a group left without series has no row');
	$dbh->do(q{DELETE FROM commits WHERE commit_sha LIKE 'names-%'});
};

# What query_summaries costs writers: a writer of a group's entry waits for
# the commit of another writer of an entry of the same group, even of
# another series (and another chart); not of another group.
subtest 'query_summaries: writers of one group wait for each other' => sub {
	my $insert = q{INSERT INTO query_measurements (measurement_id, commit_sha,
	    dataset, dataset_variant, scale_factor, query_idx, storage, engine,
	    format, value_ns, all_runtimes_ns, commit_timestamp)
	    VALUES (?, 'waits', 'tpch', ?, NULL, ?, 's3', ?, 'f', 5, '{}', now())};
	my $w2 = $t->new_dbh($writer);
	$w2->do(q{SET lock_timeout = '500ms'});
	$w->begin_work;
	$w->do($insert, undef, 960001, 'waits', 1, 'one');
	ok(!eval { $w2->do($insert, undef, 960002, 'waits', 2, 'two'); 1 },
	    'another series of the same group waits while the first is uncommitted');
	like($@, qr/lock timeout/, '... for a lock');
	ok(eval { $w2->do($insert, undef, 960003, 'other', 2, 'two'); 1 },
	    'a series of another group does not wait') or diag($@);
	$w->commit;
	ok(eval { $w2->do($insert, undef, 960002, 'waits', 2, 'two'); 1 },
	    'after the commit the second writer goes on') or diag($@);
	is_current($dbh, 'query_summaries after both');
	$w2->disconnect;
	$p->do(q{DELETE FROM query_measurements WHERE commit_sha = 'waits'});
};

subtest 'the realistic history' => sub {
	my $r = BenchTest->new;
	my $n = RealisticData::load($r);
	ok($n > 200, "$n envelopes ingested");
	my $rdbh = $r->dbh;
	is($rdbh->selectrow_array('SELECT count(*) FROM query_series'), $rdbh->selectrow_array(
	    q{SELECT count(*) FROM (SELECT DISTINCT dataset, dataset_variant, scale_factor,
	    storage, query_idx, engine, format FROM query_measurements) s}),
	    'one row per series');
	is_current($rdbh, 'query_series after the realistic history');
};

$w->disconnect;
$p->disconnect;
for my $role ($writer, $pruner) {
	$dbh->do("DROP OWNED BY $role");
	$dbh->do("DROP ROLE $role");
}

done_testing;
