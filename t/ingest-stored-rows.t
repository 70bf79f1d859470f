#!/usr/bin/perl
# After POST /api/ingest of examples/envelope.json, every column of every
# row of the six tables holds exactly what the envelope says
# (doc/ingest-api.md §2, §5, §7): NULL where a member is absent, bigint[]
# arrays, negative values, the double 0.85 bit for bit, the commit row with
# all nine members, query_measurements.commit_timestamp equal to the
# commit's timestamp (also after a re-ingest that moves the timestamp).
# Every measurement_id equals the one computed by the independent Perl XXH64
# of doc/ingest-api.md §6 below.  Finally, a database of the previous stack
# with an extra defaulted column takes the same envelope.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;

# ---------------------------------------------------------------- XXH64
#
# Perl numbers here are 64-bit unsigned integers (UV), but + and * turn into
# doubles on overflow, and "use integer" would make >> arithmetic.  So every
# operation modulo 2^64 is built from 32-bit halves whose partial results
# always fit in a UV exactly.

die "this test needs a perl with 64-bit integers\n" unless ~0 == 18446744073709551615;

my $M32 = 0xFFFFFFFF;
my ($P1, $P2, $P3, $P4, $P5);
{
	no warnings 'portable';
	$P1 = 0x9E3779B185EBCA87;
	$P2 = 0xC2B2AE3D27D4EB4F;
	$P3 = 0x165667B19E3779F9;
	$P4 = 0x85EBCA77C2B2AE63;
	$P5 = 0x27D4EB2F165667C5;
}

sub add64 {
	my ($a, $b) = @_;
	my $lo = ($a & $M32) + ($b & $M32);
	my $hi = ($a >> 32) + ($b >> 32) + ($lo >> 32);
	return (($hi & $M32) << 32) | ($lo & $M32);
}

sub mul64 {
	my ($a, $b) = @_;
	my ($ah, $al) = ($a >> 32, $a & $M32);
	my ($bh, $bl) = ($b >> 32, $b & $M32);
	my $cross = ((($ah * $bl) & $M32) + (($al * $bh) & $M32)) & $M32;
	return add64($al * $bl, $cross << 32);
}

sub rotl64 {
	my ($x, $r) = @_;
	return ($x << $r) | ($x >> (64 - $r));
}

sub xxh_round {
	my ($acc, $input) = @_;
	$acc = add64($acc, mul64($input, $P2));
	return mul64(rotl64($acc, 31), $P1);
}

sub xxh_merge {
	my ($acc, $val) = @_;
	$acc ^= xxh_round(0, $val);
	return add64(mul64($acc, $P1), $P4);
}

# XXH64 of the byte string $data with seed 0, as an unsigned integer.
sub xxh64 {
	my ($data) = @_;
	my $len = length $data;
	my $p = 0;
	my $h;
	if ($len >= 32) {
		my @v = (add64($P1, $P2), $P2, 0, add64(~$P1, 1));  # seed 0
		while ($p + 32 <= $len) {
			my @lane = unpack 'Q<4', substr($data, $p, 32);
			$v[$_] = xxh_round($v[$_], $lane[$_]) for 0 .. 3;
			$p += 32;
		}
		$h = add64(add64(rotl64($v[0], 1), rotl64($v[1], 7)),
		    add64(rotl64($v[2], 12), rotl64($v[3], 18)));
		$h = xxh_merge($h, $_) for @v;
	} else {
		$h = $P5;
	}
	$h = add64($h, $len);
	while ($p + 8 <= $len) {
		$h ^= xxh_round(0, unpack 'Q<', substr($data, $p, 8));
		$h = add64(mul64(rotl64($h, 27), $P1), $P4);
		$p += 8;
	}
	if ($p + 4 <= $len) {
		$h ^= mul64(unpack('V', substr($data, $p, 4)), $P1);
		$h = add64(mul64(rotl64($h, 23), $P2), $P3);
		$p += 4;
	}
	while ($p < $len) {
		$h ^= mul64(ord substr($data, $p, 1), $P5);
		$h = mul64(rotl64($h, 11), $P1);
		$p++;
	}
	$h ^= $h >> 33;
	$h = mul64($h, $P2);
	$h ^= $h >> 29;
	$h = mul64($h, $P3);
	$h ^= $h >> 32;
	return $h;
}

# ---------------------------------------------------------------- §5 key

# The hash key fields of each table, in order, with their wire types.
my %KEY = (
    query_measurements => [qw(commit_sha:str dataset:str dataset_variant:str?
	scale_factor:str? query_idx:i32 storage:str engine:str format:str)],
    compression_times => [qw(commit_sha:str dataset:str dataset_variant:str?
	format:str op:str)],
    compression_sizes => [qw(commit_sha:str dataset:str dataset_variant:str?
	format:str)],
    random_access_times => [qw(commit_sha:str dataset:str format:str)],
    vector_search_runs => [qw(commit_sha:str dataset:str layout:str
	flavor:str threshold:f64)],
);

sub utf8_bytes { my ($s) = @_; utf8::encode($s); $s }

sub measurement_id {
	my ($table, $fields) = @_;
	my $buf = utf8_bytes($table) . "\0";
	for my $kt (@{ $KEY{$table} }) {
		my ($k, $type) = split /:/, $kt;
		my $v = $fields->{$k};
		if ($type eq 'str?') {
			if (!defined $v) { $buf .= "\0"; next }
			$buf .= "\x01";
			$type = 'str';
		}
		die "measurement_id: $table.$k is missing\n" unless defined $v;
		if ($type eq 'str') {
			my $b = utf8_bytes($v);
			$buf .= pack('Q<', length $b) . $b;
		} elsif ($type eq 'i32') {
			$buf .= pack 'l<', $v;
		} else {
			$buf .= pack 'd<', $v;
		}
	}
	return unpack 'q', pack 'Q', xxh64($buf);
}

my %TABLE = (query_measurement => 'query_measurements',
    compression_time => 'compression_times',
    compression_size => 'compression_sizes',
    random_access_time => 'random_access_times',
    vector_search_run => 'vector_search_runs');

# The Perl implementation itself, against the golden vectors.
subtest 'the Perl XXH64 key hash reproduces the golden vectors' => sub {
	is(sprintf('%016x', xxh64('')), 'ef46db3751d8e999',
	    'XXH64("") (published value)');
	is(sprintf('%016x', xxh64('a')), 'd24ec4f1a98c6e5b',
	    'XXH64("a") (published value)');
	# ../shared sits beside the checkout in CI; it is not part of the project.
	my $file = $ENV{BENCHINGEST_GOLDEN} //
	    "$FindBin::Bin/../../shared/contract/measurement_id_golden.json";
	plan skip_all => "no golden vector file (looked for $file)"
	    unless -f $file;
	my $g = JSON::PP->new->utf8->decode(BenchTest::slurp($file));
	# All of them: it costs nothing, and each exercises other tail lengths.
	my %seen;
	for my $v (@{ $g->{vectors} }) {
		is(measurement_id($v->{table}, $v->{fields}), $v->{measurement_id},
		    "$v->{table} vector " . ++$seen{ $v->{table} });
	}
	is(scalar keys %seen, 5, 'vectors of all five tables checked');
};

# ---------------------------------------------------------------- the rows

my $t = BenchTest->new;
my $dbh = $t->dbh;
my $env = BenchTest::envelope();
my $c = $env->{commit};

my $r = $t->ingest($env);
is($r->{status}, 200, 'the sample envelope is accepted');
is_deeply($r->{json}, { inserted => 5, updated => 0 }, '5 inserted');
is_deeply($t->row_counts, { commits => 1, query_measurements => 1,
    compression_times => 1, compression_sizes => 1, random_access_times => 1,
    vector_search_runs => 1 }, 'one row in each table');

sub rows {
	my ($d, $table) = @_;
	# Timestamps as UTC text, arrays as their text form, doubles as the
	# hex of their IEEE-754 bits, so that nothing is compared loosely.
	my $cols = $d->selectcol_arrayref(q{SELECT column_name, data_type FROM
	    information_schema.columns WHERE table_schema = 'public' AND
	    table_name = ? ORDER BY ordinal_position}, { Columns => [1, 2] },
	    $table);
	my @sel;
	while (my ($col, $type) = splice @$cols, 0, 2) {
		push @sel, $type =~ /^timestamp/ ?
		    qq{to_char("$col" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS "$col"} :
		    $type eq 'ARRAY' ? qq{"$col"::text AS "$col"} :
		    $type eq 'double precision' ?
		    qq{encode(float8send("$col"), 'hex') AS "$col"} : qq{"$col"};
	}
	return $d->selectall_arrayref('SELECT ' . join(', ', @sel) .
	    " FROM $table ORDER BY 1", { Slice => {} });
}

sub chars { my ($s) = @_; utf8::decode($s) if defined $s && !utf8::is_utf8($s); $s }

sub f64hex { unpack 'H*', pack 'd>', $_[0] }

# What each table must hold for a record (all columns, NULLs included).
sub expected_row {
	my ($rec, $commit) = @_;
	my $table = $TABLE{ $rec->{kind} };
	my %row = (measurement_id => measurement_id($table, $rec));
	my $arr = sub { '{' . join(',', @{ $_[0] }) . '}' };
	my @cols = {
	    query_measurements => [qw(commit_sha dataset dataset_variant
		scale_factor query_idx storage engine format value_ns
		all_runtimes_ns peak_physical peak_virtual physical_delta
		virtual_delta env_triple commit_timestamp)],
	    compression_times => [qw(commit_sha dataset dataset_variant format
		op value_ns all_runtimes_ns env_triple)],
	    compression_sizes => [qw(commit_sha dataset dataset_variant format
		value_bytes)],
	    random_access_times => [qw(commit_sha dataset format value_ns
		all_runtimes_ns env_triple)],
	    vector_search_runs => [qw(commit_sha dataset layout flavor
		threshold value_ns all_runtimes_ns matches rows_scanned
		bytes_scanned iterations env_triple)],
	}->{$table}->@*;
	for my $col (@cols) {
		my $v = $rec->{$col};
		$v = $arr->($v) if ref $v eq 'ARRAY';
		$v = f64hex($v) if $col eq 'threshold';
		$row{$col} = $v;
	}
	$row{commit_timestamp} = $commit if $table eq 'query_measurements';
	return ($table, \%row);
}

sub check_all_rows {
	my ($d, $e, $utc, $name, %extra) = @_;
	my $commit = $e->{commit};
	my $got = rows($d, 'commits');
	for my $row (@$got) { $row->{$_} = chars($row->{$_}) for keys %$row }
	is_deeply($got, [{ commit_sha => $commit->{sha}, timestamp => $utc,
	    map({ $_ => $commit->{$_} } qw(message author_name author_email
	    committer_name committer_email tree_sha url)),
	    %{ $extra{commits} || {} } }],
	    "$name: the commits row holds all nine members");
	for my $rec (@{ $e->{records} }) {
		my ($table, $want) = expected_row($rec, $utc);
		%$want = (%$want, %{ $extra{$table} || {} });
		my $rows = rows($d, $table);
		for my $row (@$rows) { $row->{$_} = chars($row->{$_}) for keys %$row }
		is_deeply($rows, [$want], "$name: every column of $table")
		    or diag(explain($rows));
	}
}

check_all_rows($dbh, $env, '2026-06-18T11:59:00.000000', 'first ingest');

# The details that the whole-row comparison above covers, spelled out.
is($dbh->selectrow_array(q{SELECT threshold = 0.85::float8 FROM
    vector_search_runs}), 1, 'threshold is the double nearest to 0.85');
is($dbh->selectrow_array(q{SELECT virtual_delta FROM query_measurements}),
    -4096, 'a negative bigint');
is_deeply($dbh->selectrow_arrayref(q{SELECT all_runtimes_ns FROM
    query_measurements})->[0], [1000000, 1200000, 900000],
    'all_runtimes_ns is a bigint[] in order');
is($dbh->selectrow_array(q{SELECT pg_typeof(all_runtimes_ns)::text FROM
    compression_times}), 'bigint[]', 'all_runtimes_ns has type bigint[]');
is($dbh->selectrow_array(q{SELECT count(*) FROM compression_sizes WHERE
    dataset_variant IS NULL}), 1, 'dataset_variant null is NULL');
is($dbh->selectrow_array(q{SELECT count(*) FROM random_access_times WHERE
    env_triple IS NULL}), 1, 'an absent env_triple is NULL');
is($dbh->selectrow_array(q{SELECT count(*) FROM query_measurements q JOIN
    commits c USING (commit_sha) WHERE q.commit_timestamp = c.timestamp}), 1,
    'query_measurements.commit_timestamp equals commits.timestamp');
for my $rec (@{ $env->{records} }) {
	my $table = $TABLE{ $rec->{kind} };
	is($dbh->selectrow_array("SELECT measurement_id FROM $table"),
	    measurement_id($table, $rec),
	    "$table: measurement_id is XXH64 of the §5 key");
}

# Re-ingest with the commit moved in time: the commit row and the stamp on
# query_measurements follow, and no new row appears (same ids).
{
	my $e = BenchTest::envelope('commit.timestamp' => '2026-06-19T08:30:15.5+02:00',
	    'commit.message' => "amended \x{2713}");
	$r = $t->ingest($e);
	is_deeply($r->{json}, { inserted => 0, updated => 5 },
	    're-ingest with a changed commit timestamp: 5 updated');
	check_all_rows($dbh, $e, '2026-06-19T06:30:15.500000', 're-ingest');
	is($dbh->selectrow_array(q{SELECT count(*) FROM query_measurements q JOIN
	    commits c USING (commit_sha) WHERE q.commit_timestamp = c.timestamp
	    AND c.timestamp = '2026-06-19T06:30:15.5Z'}), 1,
	    'commit_timestamp updated with the commit');
}

# A second commit: its own commit row and stamp; the first is untouched.
{
	my $e = BenchTest::with_sha(BenchTest::envelope(
	    'commit.timestamp' => '2026-07-01T00:00:00Z'), BenchTest::random_sha());
	$r = $t->ingest($e);
	is_deeply($r->{json}, { inserted => 5, updated => 0 },
	    'the same records for another commit are new rows');
	is_deeply($dbh->selectall_arrayref(q{SELECT to_char(commit_timestamp
	    AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM
	    query_measurements ORDER BY 1}),
	    [['2026-06-19 06:30:15.500000'], ['2026-07-01 00:00:00.000000']],
	    'each query_measurement carries its own commit timestamp');
}

# ---------------------------------------------------------------- old schema

# A database that the previous stack created: extra columns with defaults.
{
	my $o = BenchTest->new(start => 0);
	my $odbh = $o->dbh;
	$odbh->do(q{ALTER TABLE random_access_times ADD COLUMN open_mode text
	    NOT NULL DEFAULT 'cached'});
	$odbh->do(q{ALTER TABLE commits ADD COLUMN imported_by text DEFAULT
	    'old-stack'});
	$odbh->do(q{ALTER TABLE vector_search_runs ADD COLUMN note text});
	$o->start;
	my $res = $o->ingest($env);
	is($res->{status}, 200, 'extra defaulted columns: the envelope is accepted')
	    or diag($res->{content});
	is_deeply($res->{json}, { inserted => 5, updated => 0 },
	    'extra defaulted columns: 5 inserted');
	check_all_rows($odbh, $env, '2026-06-18T11:59:00.000000',
	    'extra defaulted columns',
	    random_access_times => { open_mode => 'cached' },
	    commits => { imported_by => 'old-stack' },
	    vector_search_runs => { note => undef });

	# A column added while the service runs, then an update of every row.
	$odbh->do(q{ALTER TABLE compression_sizes ADD COLUMN source text NOT
	    NULL DEFAULT 'bench'});
	$odbh->do(q{UPDATE random_access_times SET open_mode = 'direct'});
	$res = $o->ingest($env);
	is_deeply($res->{json}, { inserted => 0, updated => 5 },
	    'a column added at run time: re-ingest updates all 5');
	is($odbh->selectrow_array('SELECT open_mode FROM random_access_times'),
	    'direct', 'an update leaves the extra column alone');
	is($odbh->selectrow_array('SELECT source FROM compression_sizes'),
	    'bench', 'the new column has its default');
	my $e2 = BenchTest::with_sha(BenchTest::envelope(), BenchTest::random_sha());
	$res = $o->ingest($e2);
	is_deeply($res->{json}, { inserted => 5, updated => 0 },
	    'a column added at run time: new rows are inserted');
	is($odbh->selectrow_array(q{SELECT open_mode FROM random_access_times
	    WHERE commit_sha = ?}, undef, $e2->{commit}{sha}), 'cached',
	    'a new row gets the default');
}

done_testing;
