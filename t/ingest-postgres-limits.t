#!/usr/bin/perl
# Whatever Postgres would refuse is refused first, with the contract's 400:
# no value ever turns into a 500 after the work is done.  End to end through
# nginx, benchingest and Postgres:
#   - commit.timestamp: RFC 3339 date-times at every edge (offsets up to
#     ±23:59, years 0000 to 9999, leap seconds with fractions, lengths
#     around Postgres's buffer) are accepted exactly when Postgres itself
#     parses them (asked directly as the oracle), and stored as it reads them;
#   - commit.sha: up to 256 bytes (it is a primary key); longer is malformed;
#   - key strings (dataset, engine, ...): up to 256 bytes each, all of a
#     record at once, in random bytes no index can compress; longer is a
#     record error naming the field;
#   - integers at i64 and i32 bounds in every integer field, doubles from
#     subnormal to the largest (and -0.0), long arrays: stored exactly.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;
use Envelopes qw(raw_json fresh_envelope error_is message_names);

my $t = BenchTest->new;
my $dbh = $t->dbh;
my $JSON = JSON::PP->new->utf8->canonical;
my $KEY = 256;
my $SHA = 256;
my $fivexx = 0;

sub ingest {
	my $r = $t->ingest(@_);
	$fivexx++ if $r->{status} >= 500;
	return $r;
}

# Printable ASCII that no compression shrinks: random, no repeats to find.
sub noise {
	my ($n) = @_;
	open my $fh, '<:raw', '/dev/urandom' or die "urandom: $!";
	read $fh, my ($buf), $n;
	return join '', map { chr(33 + ord($_) % 94) } split //, $buf;
}

sub stored {
	my ($sql, @bind) = @_;
	return $dbh->selectrow_array($sql, undef, @bind);
}

# ---------------------------------------------------------------- timestamps

# RFC 3339 date-time shapes at Postgres's edges.
my @ts;
for my $h (0 .. 23) {
	for my $m (0, 59) {
		push @ts, map { sprintf '2026-06-18T11:59:00%s%02d:%02d', $_, $h, $m }
		    '+', '-';
	}
}
push @ts, qw(0000-01-01T00:00:00Z 0001-01-01T00:00:00Z
    0001-01-01T00:00:00+15:59 0001-01-01T00:00:00-15:59
    9999-12-31T23:59:59Z 9999-12-31T23:59:59-15:59 9999-12-31T23:59:60-15:59
    1900-02-29T00:00:00Z 2000-02-29T00:00:00Z 2026-06-18t11:59:00z);
push @ts, '2026-06-18 11:59:00Z';
for my $time ('23:59:60', '12:30:60', '23:59:59') {
	for my $f ('', '.0', '.0000004', '.0000005', '.00000050', '.0000006',
	    '.00000051', '.5', '.9999994', '.9999995', '.9999999',
	    '.999999999999') {
		push @ts, "2026-06-18T$time${f}Z";
	}
}
for my $sep ('T', ' ') {
	for my $zone ('Z', '+05:30') {
		for my $len (145 .. 154) {
			my $head = "2026-06-18${sep}11:59:00.";
			push @ts, $head . ('1' x ($len - length($head) -
			    length($zone))) . $zone;
		}
	}
}

subtest 'commit.timestamp: accepted exactly when Postgres accepts it' => sub {
	my ($agree, $n) = (0, 0);
	for my $ts (@ts) {
		$n++;
		my $pg = eval { $dbh->selectrow_array('SELECT $1::timestamptz',
		    undef, $ts); 1 } ? 1 : 0;
		my $e = fresh_envelope('commit.timestamp' => $ts);
		my $r = ingest($e);
		if ($pg) {
			my $same = $r->{status} == 200 && stored(q{SELECT
			    c.timestamp = $2::timestamptz AND
			    q.commit_timestamp = $2::timestamptz
			    FROM commits c JOIN query_measurements q USING
			    (commit_sha) WHERE commit_sha = $1},
			    $e->{commit}{sha}, $ts);
			ok($same, "Postgres takes \"$ts\": 200, stored as it " .
			    'reads it') or diag($r->{content});
			$agree++ if $same;
		} else {
			my $ok = $r->{status} == 400 && $r->{json} &&
			    $r->{json}{error} eq 'malformed' &&
			    index($r->{json}{message}, 'commit.timestamp') >= 0;
			ok($ok, "Postgres refuses \"$ts\": 400 malformed " .
			    'commit.timestamp') or diag($r->{content});
			$agree++ if $ok;
		}
	}
	is($agree, $n, "all $n agree with Postgres");
	my $long = grep { length > 149 } @ts;
	ok($long, "$long of them longer than 149 bytes");
};

# ---------------------------------------------------------------- commit.sha

subtest 'commit.sha: at most 256 bytes' => sub {
	for my $c ([$SHA, 1], [85, 1, "\x{20ac}"], [$SHA + 1, 0], [86, 0, "\x{20ac}"],
	    [8000, 0], [9000, 0]) {
		my ($n, $ok, $ch) = @$c;
		my $sha = defined $ch ? $ch x $n : noise($n);
		my $bytes = defined $ch ? 3 * $n : $n;
		my $e = BenchTest::with_sha(BenchTest::envelope(), $sha);
		my $r = ingest($e);
		if ($ok) {
			is($r->{status}, 200, "a sha of $bytes bytes: 200")
			    or diag($r->{content});
			my $got = stored('SELECT commit_sha FROM commits WHERE ' .
			    'commit_sha = $1', $sha);
			utf8::decode($got) if defined $got && !utf8::is_utf8($got);
			is($got, $sha, '... stored exactly');
		} else {
			error_is($r, 400, 'malformed', "a sha of $bytes bytes: " .
			    '400 malformed');
			message_names($r, ['commit.sha', '256'], "$bytes bytes");
		}
	}
};

# ---------------------------------------------------------------- key strings

my %key_strings = (
	0 => [qw(dataset dataset_variant scale_factor engine format)],
	1 => [qw(dataset dataset_variant format op)],
	2 => [qw(dataset dataset_variant format)],
	3 => [qw(dataset format)],
	4 => [qw(dataset layout flavor)],
);

subtest 'every key string of every kind at 256 random bytes at once' => sub {
	my $e = fresh_envelope();
	for my $i (sort keys %key_strings) {
		$e->{records}[$i]{$_} = noise($KEY) for @{ $key_strings{$i} };
	}
	my $r = ingest($e);
	is($r->{status}, 200, 'status 200') or diag($r->{content});
	is_deeply($r->{json}, { inserted => 5, updated => 0 }, 'five records');
	for my $i (sort keys %key_strings) {
		my $rec = $e->{records}[$i];
		my $table = { query_measurement => 'query_measurements',
		    compression_time => 'compression_times',
		    compression_size => 'compression_sizes',
		    random_access_time => 'random_access_times',
		    vector_search_run => 'vector_search_runs' }->{$rec->{kind}};
		my $cols = join ', ', @{ $key_strings{$i} };
		is_deeply([stored("SELECT $cols FROM $table WHERE commit_sha = \$1",
		    $e->{commit}{sha})], [map { $rec->{$_} } @{ $key_strings{$i} }],
		    "$table: stored exactly");
	}
	# Two-byte characters: the limit is in bytes.
	$e = fresh_envelope('records.2.dataset' => "\x{e9}" x 128);
	is(ingest($e)->{status}, 200, '128 two-byte characters (256 bytes): 200');
};

for my $i (sort keys %key_strings) {
	for my $field (@{ $key_strings{$i} }) {
		for my $n ($KEY + 1, 3000, 9000) {
			my $e = fresh_envelope("records.$i.$field" => noise($n));
			my $before = $t->row_counts;
			my $r = ingest($e);
			my $name = "records[$i].$field of $n bytes";
			subtest $name => sub {
				error_is($r, 400, 'record', '400 record');
				is($r->{json} && $r->{json}{record_index}, $i,
				    "record_index $i");
				message_names($r, [$field, "$n bytes", '256'],
				    $name);
				is_deeply($t->row_counts, $before, 'nothing written');
			};
		}
	}
}
{
	my $e = fresh_envelope('records.2.dataset' => "\x{e9}" x 129);
	my $r = ingest($e);
	error_is($r, 400, 'record', '129 two-byte characters (258 bytes): 400 record');
}

# ---------------------------------------------------------------- numbers

my ($I64MIN, $I64MAX) = ('-9223372036854775808', '9223372036854775807');
my ($I32MIN, $I32MAX) = ('-2147483648', '2147483647');
my %integers = (
	0 => [qw(value_ns peak_physical peak_virtual physical_delta
	    virtual_delta)],
	1 => [qw(value_ns)], 2 => [qw(value_bytes)], 3 => [qw(value_ns)],
	4 => [qw(value_ns matches rows_scanned bytes_scanned)],
);

for my $v ($I64MIN, $I64MAX, '0', '-1') {
	subtest "i64 $v in every integer field and array" => sub {
		my $e = fresh_envelope();
		my %raw;
		for my $i (sort keys %integers) {
			$raw{"records.$i.$_"} = $v for @{ $integers{$i} };
			$raw{"records.$i.all_runtimes_ns"} = "[$v,$v]"
			    unless $i == 2;
		}
		my $r = ingest(raw_json($e, value => \%raw));
		is($r->{status}, 200, 'status 200') or diag($r->{content});
		for my $i (sort keys %integers) {
			my $table = $i == 0 ? 'query_measurements' :
			    $i == 1 ? 'compression_times' : $i == 2 ?
			    'compression_sizes' : $i == 3 ? 'random_access_times' :
			    'vector_search_runs';
			my @cols = map { "$_\::text" } @{ $integers{$i} };
			push @cols, 'all_runtimes_ns::text' unless $i == 2;
			is_deeply([stored('SELECT ' . join(', ', @cols) .
			    " FROM $table WHERE commit_sha = \$1",
			    $e->{commit}{sha})], [($v) x @{ $integers{$i} },
			    $i == 2 ? () : "{$v,$v}"], "$table: stored exactly");
		}
	};
}
for my $v ($I32MIN, $I32MAX) {
	my $e = fresh_envelope();
	my $r = ingest(raw_json($e, value => { 'records.0.query_idx' => $v,
	    'records.4.iterations' => $v }));
	is($r->{status}, 200, "i32 $v in query_idx and iterations: 200");
	is_deeply([stored('SELECT q.query_idx::text, v.iterations::text FROM ' .
	    'query_measurements q JOIN vector_search_runs v USING (commit_sha) ' .
	    'WHERE commit_sha = $1', $e->{commit}{sha})], [$v, $v],
	    '... stored exactly');
}

# Each double as JSON, and as Postgres prints it (shortest exact form).
for my $c (['0', '0'], ['-0.0', '-0'], ['5e-324', '5e-324'],
    ['4.9e-324', '5e-324'], ['2.2250738585072014e-308',
    '2.2250738585072014e-308'], ['2.225073858507201e-308',
    '2.225073858507201e-308'], ['1.7976931348623157e308',
    '1.7976931348623157e+308'], ['-1.7976931348623157e308',
    '-1.7976931348623157e+308'], ['1e-400', '0'], ['0.1', '0.1']) {
	my ($json, $text) = @$c;
	my $e = fresh_envelope();
	my $r = ingest(raw_json($e, value => { 'records.4.threshold' => $json }));
	is($r->{status}, 200, "threshold $json: 200") or diag($r->{content});
	is(stored('SELECT threshold::text FROM vector_search_runs WHERE ' .
	    'commit_sha = $1', $e->{commit}{sha}), $text, "... stored as $text");
}
{
	# -0.0 and 0.0 are different keys (doc/ingest-api.md §6): two rows.
	my $e = fresh_envelope();
	my $zero = { %{ $e->{records}[4] } };
	push @{ $e->{records} }, $zero;
	my $r = ingest(raw_json($e, value => { 'records.4.threshold' => '-0.0',
	    'records.5.threshold' => '0.0' }));
	is_deeply($r->{json}, { inserted => 6, updated => 0 },
	    'threshold -0.0 and 0.0 in one envelope: two rows');
}

subtest 'long arrays: 200,000 elements at the i64 bounds, stored exactly' => sub {
	my $n = 200_000;
	my @v = map { $_ % 3 == 0 ? $I64MIN : $_ % 3 == 1 ? $I64MAX : $_ } 1 .. $n;
	my $e = fresh_envelope();
	my $r = ingest(raw_json($e, value => {
	    'records.1.all_runtimes_ns' => '[' . join(',', @v) . ']' }));
	is($r->{status}, 200, 'status 200') or diag($r->{content});
	is(stored('SELECT all_runtimes_ns = $2::bigint[] FROM compression_times ' .
	    'WHERE commit_sha = $1', $e->{commit}{sha}, '{' . join(',', @v) . '}'),
	    1, "all $n elements stored exactly");
};

is($fivexx, 0, 'no answer was 5xx');

done_testing;
