#!/usr/bin/perl
# Ingesting the same envelope again is an update of the same rows
# (doc/ingest-api.md §5): 200 {"inserted":5,"updated":0}, then {0,5}, the
# same row counts and the same stored rows.  A re-ingest with changed values
# overwrites every non-key column (also back to NULL) and the commit row; a
# changed key field is a new row.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;

my $t = BenchTest->new;
my $dbh = $t->dbh;

my @FACTS = grep { $_ ne 'commits' } $t->tables;

# Every row of every table, as text, in a stable order.
sub snapshot {
	return { map { $_ => $dbh->selectall_arrayref(
	    "SELECT x::text FROM $_ x ORDER BY x::text") } 'commits', @FACTS };
}

my $env = BenchTest::envelope();

my $r = $t->ingest($env);
is($r->{status}, 200, 'first ingest: 200');
is_deeply($r->{json}, { inserted => 5, updated => 0 },
    'first ingest: {"inserted":5,"updated":0}');
my $counts = $t->row_counts;
is_deeply($counts, { map { $_ => 1 } 'commits', @FACTS },
    'first ingest: one row per table');
my $snap = snapshot();

$r = $t->ingest($env);
is($r->{status}, 200, 'same envelope again: 200');
is_deeply($r->{json}, { inserted => 0, updated => 5 },
    'same envelope again: {"inserted":0,"updated":5}');
is_deeply($t->row_counts, $counts, 'same envelope again: row counts unchanged');
is_deeply(snapshot(), $snap, 'same envelope again: every row unchanged');

$r = $t->ingest($env);
is_deeply($r->{json}, { inserted => 0, updated => 5 },
    'a third time: still {"inserted":0,"updated":5}');

# Changed values: every non-key column of every kind, and the commit.
{
	my $e = BenchTest::envelope(
	    'records.0.value_ns' => 777,
	    'records.0.all_runtimes_ns' => [7, 7, 7],
	    'records.0.peak_physical' => undef, 'records.0.peak_virtual' => undef,
	    'records.0.physical_delta' => undef, 'records.0.virtual_delta' => undef,
	    'records.0.env_triple' => undef,
	    'records.1.value_ns' => 5000001,
	    'records.1.env_triple' => 'aarch64-apple-darwin',
	    'records.2.value_bytes' => -1,
	    'records.3.value_ns' => 1, 'records.3.all_runtimes_ns' => [],
	    'records.3.env_triple' => 'x',
	    'records.4.value_ns' => 41999999, 'records.4.matches' => 0,
	    'records.4.rows_scanned' => 9, 'records.4.bytes_scanned' => 10,
	    'records.4.iterations' => 2147483647,
	    'records.4.all_runtimes_ns' => [1],
	    'commit.message' => 'rewritten', 'commit.url' => 'https://example.com/x',
	    'commit.tree_sha' => 'f' x 40, 'commit.author_name' => 'B',
	    'commit.author_email' => 'b@example.com',
	    'commit.committer_name' => 'C', 'commit.committer_email' => 'c@x');
	$r = $t->ingest($e);
	is($r->{status}, 200, 'changed values: 200');
	is_deeply($r->{json}, { inserted => 0, updated => 5 },
	    'changed values: {"inserted":0,"updated":5}');
	is_deeply($t->row_counts, $counts, 'changed values: no new row');
	is_deeply($dbh->selectrow_arrayref(q{SELECT value_ns,
	    all_runtimes_ns::text, peak_physical, peak_virtual, physical_delta,
	    virtual_delta, env_triple FROM query_measurements}),
	    [777, '{7,7,7}', undef, undef, undef, undef, undef],
	    'query_measurement: new value_ns and array; memory and env_triple '
	    . 'absent now, so NULL');
	is_deeply($dbh->selectrow_arrayref(q{SELECT value_ns, env_triple FROM
	    compression_times}), [5000001, 'aarch64-apple-darwin'],
	    'compression_time: value_ns and env_triple overwritten');
	is($dbh->selectrow_array('SELECT value_bytes FROM compression_sizes'), -1,
	    'compression_size: value_bytes overwritten');
	is_deeply($dbh->selectrow_arrayref(q{SELECT value_ns,
	    all_runtimes_ns::text, env_triple FROM random_access_times}),
	    [1, '{}', 'x'], 'random_access_time: overwritten, NULL to a value');
	is_deeply($dbh->selectrow_arrayref(q{SELECT value_ns, matches,
	    rows_scanned, bytes_scanned, iterations, all_runtimes_ns::text
	    FROM vector_search_runs}), [41999999, 0, 9, 10, 2147483647, '{1}'],
	    'vector_search_run: every side value overwritten');
	is_deeply($dbh->selectrow_arrayref(q{SELECT message, url, tree_sha,
	    author_name, author_email, committer_name, committer_email FROM
	    commits}), ['rewritten', 'https://example.com/x', 'f' x 40, 'B',
	    'b@example.com', 'C', 'c@x'], 'the commit row: every column overwritten');

	# And back: the original envelope restores the original rows exactly.
	$r = $t->ingest($env);
	is_deeply($r->{json}, { inserted => 0, updated => 5 },
	    'the original again: {"inserted":0,"updated":5}');
	is_deeply(snapshot(), $snap, 'the original again: the original rows');
}

# Only value_ns changed on the second ingest.
{
	my $e = BenchTest::envelope('records.1.value_ns' => 123);
	$r = $t->ingest($e);
	is_deeply($r->{json}, { inserted => 0, updated => 5 },
	    'value_ns changed: {"inserted":0,"updated":5}');
	is($dbh->selectrow_array('SELECT value_ns FROM compression_times'), 123,
	    'value_ns changed: the new value is stored');
	is_deeply($t->ingest($env)->{json}, { inserted => 0, updated => 5 },
	    'and back to the original value');
	is_deeply(snapshot(), $snap, 'the original rows again');
}

# A key field changed: a new row beside the old one.
{
	my $e = BenchTest::envelope('records.0.query_idx' => 4,
	    'records.4.threshold' => 0.9);
	$r = $t->ingest($e);
	is_deeply($r->{json}, { inserted => 2, updated => 3 },
	    'two key fields changed: {"inserted":2,"updated":3}');
	is($t->row_counts->{query_measurements}, 2, 'a second query_measurement');
	is($t->row_counts->{vector_search_runs}, 2, 'a second vector_search_run');
	$r = $t->ingest($e);
	is_deeply($r->{json}, { inserted => 0, updated => 5 },
	    'and again: {"inserted":0,"updated":5}');
}

done_testing;
