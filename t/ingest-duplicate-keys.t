#!/usr/bin/perl
# The same measurement key more than once in one envelope (doc/ingest-api.md
# §5): applied in order, the last values win, the first occurrence of a new
# key counts as inserted and every later one as updated - exactly as if the
# records were upserted one by one.  Keys that look alike but hash apart
# (-0.0 and 0.0) are different rows; keys that are the same value written
# differently (null and absent, 0 and 0.0) are the same row.  An empty
# records array is a valid envelope that still upserts the commit.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;
use Envelopes qw(raw_json fresh_envelope);

my $t = BenchTest->new;
my $dbh = $t->dbh;

sub qm_values {
	my ($sha) = @_;
	return $dbh->selectcol_arrayref(q{SELECT value_ns FROM
	    query_measurements WHERE commit_sha = ? ORDER BY value_ns}, undef, $sha);
}

# ---------------------------------------------------------------- 3 times

{
	my $e = fresh_envelope();
	my $sha = $e->{commit}{sha};
	my $qm = $e->{records}[0];
	$e->{records} = [map { +{ %$qm, value_ns => $_,
	    all_runtimes_ns => [$_] } } 111, 333, 222];
	my $r = $t->ingest($e);
	is($r->{status}, 200, 'one key three times: 200');
	is_deeply($r->{json}, { inserted => 1, updated => 2 },
	    'one key three times on an empty database: inserted 1, updated 2');
	is_deeply(qm_values($sha), [222], 'one row, holding the last value_ns');
	is($dbh->selectrow_array(q{SELECT all_runtimes_ns::text FROM
	    query_measurements WHERE commit_sha = ?}, undef, $sha), '{222}',
	    'and the last all_runtimes_ns');
	is($t->row_counts->{query_measurements}, 1, 'one query_measurements row');

	$r = $t->ingest($e);
	is_deeply($r->{json}, { inserted => 0, updated => 3 },
	    'the same envelope again: inserted 0, updated 3');
	is_deeply(qm_values($sha), [222], 'still one row with the last value');

	# The last occurrence wins even when its value is the smallest, and
	# an optional member absent last means NULL.
	$e->{records} = [{ %$qm, value_ns => 900, env_triple => 'a' },
	    { %$qm, value_ns => 5, env_triple => undef }];
	$r = $t->ingest($e);
	is_deeply($r->{json}, { inserted => 0, updated => 2 },
	    'twice more: inserted 0, updated 2');
	is_deeply($dbh->selectrow_arrayref(q{SELECT value_ns, env_triple FROM
	    query_measurements WHERE commit_sha = ?}, undef, $sha), [5, undef],
	    'the later record wins in full, NULL included');
}

# ---------------------------------------------------------------- mixed

{
	my $e = fresh_envelope();
	my $sha = $e->{commit}{sha};
	my ($qm, $ct, $cs, $ra, $vs) = @{ $e->{records} };
	$e->{records} = [
	    { %$qm, value_ns => 1 },			# A new
	    { %$ct, value_ns => 10 },			# B new
	    { %$qm, value_ns => 2 },			# A again
	    { %$qm, query_idx => 4, value_ns => 40 },	# C new
	    { %$cs, value_bytes => 100 },		# D new
	    { %$ct, op => 'decode', value_ns => 20 },	# E new (op is key)
	    { %$ct, value_ns => 11 },			# B again
	    { %$ra, value_ns => 7 },			# F new
	    { %$vs, value_ns => 8 },			# G new
	    { %$vs, value_ns => 9 },			# G again
	    { %$cs, value_bytes => 101 },		# D again
	    { %$qm, value_ns => 3 },			# A third
	];
	my $r = $t->ingest($e);
	is($r->{status}, 200, 'duplicates and unique keys across kinds: 200');
	is_deeply($r->{json}, { inserted => 7, updated => 5 },
	    'duplicates and unique keys across kinds: inserted 7, updated 5');
	is_deeply(qm_values($sha), [3, 40], 'query_measurements: A=3 (last), C=40');
	is_deeply($dbh->selectall_arrayref(q{SELECT op, value_ns FROM
	    compression_times WHERE commit_sha = ? ORDER BY op}, undef, $sha),
	    [['decode', 20], ['encode', 11]], 'compression_times: B=11, E=20');
	is($dbh->selectrow_array(q{SELECT value_bytes FROM compression_sizes
	    WHERE commit_sha = ?}, undef, $sha), 101, 'compression_sizes: D=101');
	is($dbh->selectrow_array(q{SELECT value_ns FROM vector_search_runs
	    WHERE commit_sha = ?}, undef, $sha), 9, 'vector_search_runs: G=9');
	$r = $t->ingest($e);
	is_deeply($r->{json}, { inserted => 0, updated => 12 },
	    'the same mixed envelope again: inserted 0, updated 12');
}

# ---------------------------------------------------------------- same key?

{
	# null and absent are the same str? key; "" is a different one.
	my $e = fresh_envelope();
	my $sha = $e->{commit}{sha};
	my $cs = $e->{records}[2];
	my %c = %$cs;
	delete $c{dataset_variant};
	$e->{records} = [{ %c, value_bytes => 1 },
	    { %c, dataset_variant => undef, value_bytes => 2 },
	    { %c, dataset_variant => '', value_bytes => 3 },
	    { %c, dataset_variant => 'v', value_bytes => 4 }];
	my $r = $t->ingest($e);
	is_deeply($r->{json}, { inserted => 3, updated => 1 },
	    'dataset_variant absent, null, "" and "v": absent and null are one key');
	is_deeply($dbh->selectall_arrayref(q{SELECT dataset_variant, value_bytes
	    FROM compression_sizes WHERE commit_sha = ? ORDER BY 1 NULLS FIRST},
	    undef, $sha), [[undef, 2], ['', 3], ['v', 4]],
	    'three rows: NULL (last value 2), "" and "v"');
}
{
	# The threshold is keyed by its IEEE-754 bits: 0, 0.0 and 0e0 are one
	# key, -0.0 is another.
	my $e = fresh_envelope();
	my $sha = $e->{commit}{sha};
	my $vs = $e->{records}[4];
	$e->{records} = [map { +{ %$vs, value_ns => $_ } } 1 .. 4];
	my $body = raw_json($e, value => { 'records.0.threshold' => '0',
	    'records.1.threshold' => '0.0', 'records.2.threshold' => '-0.0',
	    'records.3.threshold' => '0e0' });
	my $r = $t->ingest($body);
	is_deeply($r->{json}, { inserted => 2, updated => 2 },
	    'thresholds 0, 0.0, -0.0, 0e0: two keys');
	is_deeply($dbh->selectall_arrayref(q{SELECT encode(float8send(threshold),
	    'hex'), value_ns FROM vector_search_runs WHERE commit_sha = ?
	    ORDER BY 1}, undef, $sha),
	    [['0000000000000000', 4], ['8000000000000000', 3]],
	    'two rows: +0.0 (last value 4) and -0.0 (value 3)');
}
{
	# 0.85 written three ways is one double, so one key.
	my $e = fresh_envelope();
	my $vs = $e->{records}[4];
	$e->{records} = [map { +{ %$vs, value_ns => $_ } } 1 .. 3];
	my $r = $t->ingest(raw_json($e, value => {
	    'records.0.threshold' => '0.85', 'records.1.threshold' => '8.5e-1',
	    'records.2.threshold' => '0.85000000000000000001' }));
	is_deeply($r->{json}, { inserted => 1, updated => 2 },
	    'thresholds 0.85, 8.5e-1, 0.85000000000000000001: one key');
}
{
	# Different commits: the same record fields are different keys.
	my $e1 = fresh_envelope();
	my $e2 = fresh_envelope();
	is_deeply($t->ingest($e1)->{json}, { inserted => 5, updated => 0 },
	    'commit 1: 5 inserted');
	is_deeply($t->ingest($e2)->{json}, { inserted => 5, updated => 0 },
	    'commit 2, same fields: 5 inserted (commit_sha is part of the key)');
}

# ---------------------------------------------------------------- empty

{
	my $e = fresh_envelope(records => []);
	my $sha = $e->{commit}{sha};
	my $before = $t->row_counts;
	my $r = $t->ingest($e);
	is($r->{status}, 200, 'empty records: 200');
	is_deeply($r->{json}, { inserted => 0, updated => 0 },
	    'empty records: {"inserted":0,"updated":0}');
	is_deeply($dbh->selectrow_arrayref(q{SELECT message, url FROM commits
	    WHERE commit_sha = ?}, undef, $sha),
	    [$e->{commit}{message}, $e->{commit}{url}],
	    'empty records: the commit row is inserted');
	my $after = $t->row_counts;
	is($after->{commits}, $before->{commits} + 1, 'one more commit row');
	delete @$after{'commits'};
	delete @$before{'commits'};
	is_deeply($after, $before, 'no fact row');

	$e->{commit}{message} = 'edited';
	$e->{commit}{timestamp} = '2030-01-01T00:00:00Z';
	$r = $t->ingest($e);
	is_deeply($r->{json}, { inserted => 0, updated => 0 },
	    'empty records again: {"inserted":0,"updated":0}');
	is_deeply($dbh->selectrow_arrayref(q{SELECT message, timestamp =
	    '2030-01-01T00:00:00Z' FROM commits WHERE commit_sha = ?}, undef,
	    $sha), ['edited', 1], 'empty records again: the commit row is updated');
}

done_testing;
