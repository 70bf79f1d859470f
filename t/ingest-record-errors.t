#!/usr/bin/perl
# doc/ingest-api.md §4 check 5, the per-record checks: a record of another
# commit, a storage other than nvme/s3, the memory fields of a
# query_measurement only partly there, a string holding U+0000.  Each gets
# exactly 400 {"error":"record","record_index":N,"message":"..."} for the
# first failing N, and nothing is written (all or nothing).  Each rule also
# has the case beside it that passes.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;
use Envelopes qw(raw_json fresh_envelope);

my $t = BenchTest->new;
my $dbh = $t->dbh;
my $JSON = JSON::PP->new->utf8->canonical;

my @MEMORY = qw(peak_physical peak_virtual physical_delta virtual_delta);

# $body must be refused with record_index $index.
sub bad_record {
	my ($name, $body, $index) = @_;
	subtest "record error: $name" => sub {
		my $before = $t->row_counts;
		my $r = $t->ingest($body);
		is($r->{status}, 400, 'status 400') or diag($r->{content});
		like($r->{headers}{'content-type'} // '', qr{^application/json},
		    'JSON');
		my $j = $r->{json} || {};
		is_deeply([sort keys %$j], [qw(error message record_index)],
		    'the body has exactly error, record_index and message');
		is($j->{error}, 'record', 'error "record"');
		is($j->{record_index}, $index, "record_index $index");
		ok(defined $j->{record_index} && !ref $j->{record_index} &&
		    $r->{content} =~ /"record_index"\s*:\s*\Q$index\E\s*[,}]/,
		    'record_index is a JSON number');
		ok(defined $j->{message} && !ref $j->{message} &&
		    length $j->{message}, 'a message');
		is_deeply($t->row_counts, $before, 'no row written, not even the commit');
	};
}

# $env must be accepted, all records new.
sub good {
	my ($name, $env, $check) = @_;
	my $n = @{ (ref $env ? $env : $JSON->decode($env))->{records} };
	subtest "accepted: $name" => sub {
		my $r = $t->ingest($env);
		is($r->{status}, 200, 'status 200') or diag($r->{content});
		is_deeply($r->{json}, { inserted => $n, updated => 0 },
		    'every record inserted');
		$check->() if $check && $r->{status} == 200;
	};
}

sub chars { my ($s) = @_; utf8::decode($s) unless utf8::is_utf8($s); $s }

# ---------------------------------------------------------------- commit_sha

good('every commit_sha equal to commit.sha', fresh_envelope());
for my $i (0 .. 4) {
	bad_record("records[$i].commit_sha of another commit",
	    fresh_envelope("records.$i.commit_sha" => BenchTest::random_sha()), $i);
}
{
	my $e = fresh_envelope();
	$e->{records}[2]{commit_sha} = uc $e->{commit}{sha};
	bad_record('a commit_sha that differs only in case', $e, 2);
	$e = fresh_envelope();
	$e->{records}[1]{commit_sha} = "$e->{commit}{sha} ";
	bad_record('a commit_sha with a trailing space', $e, 1);
	$e = fresh_envelope();
	$e->{records}[4]{commit_sha} = substr $e->{commit}{sha}, 0, 39;
	bad_record('a commit_sha that is a prefix of commit.sha', $e, 4);
}

# ---------------------------------------------------------------- storage

for my $s (qw(nvme s3)) {
	my $e = fresh_envelope('records.0.storage' => $s);
	good("storage \"$s\"", $e, sub {
		is($dbh->selectrow_array('SELECT storage FROM query_measurements
		    WHERE commit_sha = ?', undef, $e->{commit}{sha}), $s, 'stored');
	});
}
for my $s ('ssd', 'NVME', 'S3', 'nvme ', ' s3', '', 'nvme2', 'gcs') {
	bad_record("storage \"$s\"", fresh_envelope('records.0.storage' => $s), 0);
}

# ---------------------------------------------------------------- memory

{
	my $e = fresh_envelope();
	good('all four memory fields present', $e, sub {
		is_deeply($dbh->selectrow_arrayref('SELECT peak_physical,
		    peak_virtual, physical_delta, virtual_delta FROM
		    query_measurements WHERE commit_sha = ?', undef,
		    $e->{commit}{sha}), [8192, 16384, 1024, -4096], 'stored');
	});
	$e = fresh_envelope(map { ("records.0.$_" => undef) } @MEMORY);
	good('all four memory fields absent', $e, sub {
		is($dbh->selectrow_array('SELECT num_nulls(peak_physical,
		    peak_virtual, physical_delta, virtual_delta) FROM
		    query_measurements WHERE commit_sha = ?', undef,
		    $e->{commit}{sha}), 4, 'stored as four NULLs');
	});
	$e = fresh_envelope();
	$e->{records}[0]{$_} = undef for @MEMORY;
	good('all four memory fields null', $e);
	$e = fresh_envelope('records.0.peak_physical' => undef,
	    'records.0.physical_delta' => undef);
	$e->{records}[0]{$_} = undef for qw(peak_virtual virtual_delta);
	good('two memory fields absent and two null', $e);
	$e = fresh_envelope();
	$e->{records}[0]{$_} = 0 for @MEMORY;
	good('all four memory fields zero', $e);
}
for my $only (@MEMORY) {
	bad_record("only $only present",
	    fresh_envelope(map { ("records.0.$_" => undef) } grep { $_ ne $only }
	    @MEMORY), 0);
	my $e = fresh_envelope();
	$e->{records}[0]{$_} = undef for grep { $_ ne $only } @MEMORY;
	bad_record("only $only non-null, the other three null", $e, 0);
	bad_record("all but $only present",
	    fresh_envelope("records.0.$only" => undef), 0);
	$e = fresh_envelope();
	$e->{records}[0]{$only} = undef;
	bad_record("all but $only present, $only null", $e, 0);
}

# ---------------------------------------------------------------- U+0000

for my $c (['records.2.dataset', 2], ['records.0.engine', 0],
    ['records.0.env_triple', 0], ['records.1.op', 1],
    ['records.0.scale_factor', 0], ['records.4.flavor', 4],
    ['records.3.format', 3], ['records.1.dataset_variant', 1]) {
	my ($path, $i) = @$c;
	bad_record("\\u0000 inside $path",
	    raw_json(fresh_envelope(), value => { $path => '"a\u0000b"' }), $i);
}
bad_record('a string that is only \u0000',
    raw_json(fresh_envelope(), value => { 'records.3.dataset' => '"\u0000"' }), 3);
bad_record('\u0000 at the end of a string',
    raw_json(fresh_envelope(), value => { 'records.4.layout' => '"x\u0000"' }), 4);
{
	my $e = fresh_envelope();
	good('\u0001 inside a record string (Postgres can hold it)',
	    raw_json($e, value => { 'records.2.dataset' => '"a\u0001b"' }), sub {
		is(chars($dbh->selectrow_array('SELECT dataset FROM
		    compression_sizes WHERE commit_sha = ?', undef,
		    $e->{commit}{sha})), "a\x01b", 'stored');
	});
}

# ---------------------------------------------------------------- order

{
	my $e = fresh_envelope();
	$e->{records}[2]{commit_sha} = BenchTest::random_sha();
	$e->{records}[4]{dataset} = "x\0y";
	bad_record('records 2 and 4 bad: the first one counts', $e, 2);

	$e = fresh_envelope();
	$e->{records}[0]{storage} = 'ssd';
	$e->{records}[4]{commit_sha} = BenchTest::random_sha();
	bad_record('records 0 and 4 bad', $e, 0);

	# Many records, the bad ones late, with different rules each.
	$e = fresh_envelope();
	my @recs = map { +{ %{ $e->{records}[$_ % 5] } } } 0 .. 29;
	$recs[$_]{query_idx} = $_ for grep { $_ % 5 == 0 } 0 .. 29;
	$recs[$_]{dataset} = "d$_" for 0 .. 29;
	$e->{records} = \@recs;
	good('30 good records', $e);
	my $sha = BenchTest::random_sha();
	$_->{commit_sha} = $sha for @recs;
	$e->{commit}{sha} = $sha;
	delete $recs[20]{peak_virtual};
	$recs[21]{commit_sha} = 'x';
	$recs[27]{dataset} = "\0";
	bad_record('records 20, 21 and 27 bad (memory, commit_sha, NUL)', $e, 20);
	$recs[20]{peak_virtual} = 1;
	bad_record('records 21 and 27 bad', $e, 21);
	$recs[21]{commit_sha} = $sha;
	bad_record('record 27 bad', $e, 27);
	$recs[27]{dataset} = 'fixed';
	good('the same 30 records repaired', $e);
}

# A malformed record anywhere beats a record error before it: the whole
# envelope is parsed (step 3) before records are checked (step 5).
subtest 'a bad storage in records[0] and a type error in records[4]' => sub {
	my $before = $t->row_counts;
	my $r = $t->ingest(raw_json(fresh_envelope('records.0.storage' => 'ssd'),
	    value => { 'records.4.value_ns' => '"42"' }));
	is($r->{status}, 400, 'status 400');
	is($r->{json} && $r->{json}{error}, 'malformed', 'malformed, not record');
	ok(!exists $r->{json}{record_index}, 'no record_index');
	is_deeply($t->row_counts, $before, 'no row written');
};

done_testing;
