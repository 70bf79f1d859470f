#!/usr/bin/perl
# Large batches of new rows are written with a plain COPY into the table;
# when some of them already exist, the same batch falls back to the staging
# upsert.  Either way the counts are exact and the stored rows are the same.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;
use JSON::PP;

my $t = BenchTest->new;
my $dbh = $t->dbh;
my $sha = BenchTest::random_sha();

# 3000 records: above the size where the direct COPY is tried.
my $first = BenchTest::big_envelope_json(3000, sha => $sha, dataset => 'd');
my $r = $t->ingest($first);
is($r->{status}, 200, 'a batch of 3000 new records is accepted');
is_deeply($r->{json}, { inserted => 3000, updated => 0 }, 'all counted as inserted');
is($t->row_counts->{query_measurements}, 3000, '3000 rows stored');
is($dbh->selectrow_array(q{SELECT count(*) FROM query_measurements
    WHERE commit_timestamp = '2026-06-18T11:59:00Z'}), 3000,
    'commit_timestamp stamped on the direct path');

# The same 3000 plus 1500 new ones: the direct COPY meets existing keys and
# the batch takes the upsert path.
my $more = BenchTest::big_envelope_json(4500, sha => $sha, dataset => 'd');
$r = $t->ingest($more);
is($r->{status}, 200, 'an overlapping batch is accepted');
is_deeply($r->{json}, { inserted => 1500, updated => 3000 },
    'overlap: 1500 inserted, 3000 updated');
is($t->row_counts->{query_measurements}, 4500, '4500 rows stored');

# All existing: every record an update.
$r = $t->ingest($more);
is_deeply($r->{json}, { inserted => 0, updated => 4500 }, 're-ingest: all updated');

# Duplicated keys inside a large new batch: deduplicated before the COPY,
# the last value wins and the repeats count as updates.
my $sha2 = BenchTest::random_sha();
my $dup = JSON::PP->new->decode(
    BenchTest::big_envelope_json(2000, sha => $sha2, dataset => 'x'));
push @{ $dup->{records} }, map { { %$_, value_ns => $_->{value_ns} + 1_000_000 } }
    @{ $dup->{records} };
$r = $t->ingest($dup);
is($r->{status}, 200, 'a large batch with every key twice is accepted');
is_deeply($r->{json}, { inserted => 2000, updated => 2000 },
    'each key: one insert, one update');
is($dbh->selectrow_array(q{SELECT count(*) FROM query_measurements
    WHERE commit_sha = ? AND value_ns >= 1000000}, undef, $sha2), 2000,
    'the later duplicate wins');

# The rows written by both paths are the same rows.
my $direct = $dbh->selectall_arrayref(q{SELECT measurement_id, value_ns,
    all_runtimes_ns::text, commit_timestamp FROM query_measurements
    WHERE commit_sha = ? ORDER BY 1}, undef, $sha);
$dbh->do('DELETE FROM query_measurements WHERE commit_sha = ?', undef, $sha);
my $small = BenchTest::big_envelope_json(4500, sha => $sha, dataset => 'd');
# One stale row with the last key forces the direct COPY to fail at its
# very end and the batch to be upserted instead.
$dbh->do(q{INSERT INTO query_measurements (measurement_id, commit_sha,
    dataset, query_idx, storage, engine, format, value_ns, all_runtimes_ns)
    VALUES (?, 'stale', 'x', 0, 'nvme', 'x', 'x', 0, '{}')}, undef,
    $direct->[-1][0]);
$r = $t->ingest($small);
is_deeply($r->{json}, { inserted => 4499, updated => 1 },
    'a conflict on the last row: 4499 inserted, 1 updated');
my $upserted = $dbh->selectall_arrayref(q{SELECT measurement_id, value_ns,
    all_runtimes_ns::text, commit_timestamp FROM query_measurements
    WHERE commit_sha = ? ORDER BY 1}, undef, $sha);
is_deeply($upserted, $direct, 'identical rows from the direct and the upsert path');

done_testing;
