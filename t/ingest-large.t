#!/usr/bin/perl
# Big envelopes: a 3 MiB commit message comes back byte for byte, a 20000
# record batch is counted and stored exactly, and the body limit
# (max_body_bytes, doc/ingest-api.md §4 check 2) is exact: a body of exactly
# the limit is applied, one byte more is 413 {"error":"payload_too_large"}
# with nothing written.  Authentication still comes first for a body over
# the limit.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;
use Envelopes qw(fresh_envelope error_is);

my $JSON = JSON::PP->new->utf8->canonical;

sub chars { my ($s) = @_; utf8::decode($s) unless utf8::is_utf8($s); $s }

my $t = BenchTest->new(workers => 2);
my $dbh = $t->dbh;

# ---------------------------------------------------------------- 3 MiB

{
	my $chunk = "line: na\x{ef}ve \x{2603} \x{1F600} \"quoted\" back\\slash " .
	    "\ttab \x{7f} \x{1} end\n";
	my $unit = $chunk x 64;
	my $n = int(3 * 1024 * 1024 / length(Encode_utf8($unit))) + 1;
	my $msg = join '', map { "$_:$unit" } 1 .. $n;
	my $bytes = length Encode_utf8($msg);
	my $e = fresh_envelope('commit.message' => $msg);
	my $r = $t->ingest($e);
	is($r->{status}, 200, "a $bytes-byte commit message: 200")
	    or diag(substr $r->{content}, 0, 300);
	is_deeply($r->{json}, { inserted => 5, updated => 0 },
	    'a 3 MiB commit message: 5 inserted');
	my ($got, $octets) = $dbh->selectrow_array(q{SELECT message,
	    octet_length(message) FROM commits WHERE commit_sha = ?}, undef,
	    $e->{commit}{sha});
	is($octets, $bytes, 'the stored message has the same number of bytes');
	ok(chars($got) eq $msg, 'the stored message is the sent message, exactly');
}

sub Encode_utf8 { my ($s) = @_; utf8::encode($s); $s }

# ---------------------------------------------------------------- 20k

{
	my $sha = BenchTest::random_sha();
	my $body = BenchTest::big_envelope_json(20000, sha => $sha,
	    dataset => 'big20k');
	my $r = $t->ingest($body);
	is($r->{status}, 200, 'a 20000-record envelope: 200');
	is_deeply($r->{json}, { inserted => 20000, updated => 0 },
	    'a 20000-record envelope: {"inserted":20000,"updated":0}');
	is_deeply($dbh->selectrow_arrayref(q{SELECT count(*),
	    count(DISTINCT query_idx), sum(value_ns), min(query_idx),
	    max(query_idx) FROM query_measurements WHERE commit_sha = ?},
	    undef, $sha), [20000, 20000, 20000 * 1000 + 19999 * 20000 / 2, 0,
	    19999], 'the 20000 rows: one per query_idx, values as sent');
	is($dbh->selectrow_array(q{SELECT count(*) FROM query_measurements
	    WHERE commit_sha = ? AND all_runtimes_ns =
	    ARRAY[value_ns, value_ns + 1, value_ns - 1]}, undef, $sha), 20000,
	    'every all_runtimes_ns as sent');
	$r = $t->ingest($body);
	is_deeply($r->{json}, { inserted => 0, updated => 20000 },
	    'the 20000 again: {"inserted":0,"updated":20000}');
	is($dbh->selectrow_array(q{SELECT count(*) FROM query_measurements
	    WHERE commit_sha = ?}, undef, $sha), 20000, 'still 20000 rows');
}

{
	# 20000 records of all five kinds, built with JSON::PP.
	my $e = fresh_envelope();
	my $sha = $e->{commit}{sha};
	my @proto = @{ $e->{records} };
	my @recs;
	for my $i (0 .. 3999) {
		for my $p (@proto) {
			my %r = (%$p, dataset => "mixed-$i");
			$r{value_ns} = $i if exists $r{value_ns};
			push @recs, \%r;
		}
	}
	$e->{records} = \@recs;
	my $r = $t->ingest($e);
	is($r->{status}, 200, '20000 records of five kinds: 200');
	is_deeply($r->{json}, { inserted => 20000, updated => 0 },
	    '20000 records of five kinds: all inserted');
	for my $table (qw(query_measurements compression_times
	    compression_sizes random_access_times vector_search_runs)) {
		is($dbh->selectrow_array("SELECT count(DISTINCT dataset) FROM
		    $table WHERE commit_sha = ?", undef, $sha), 4000,
		    "$table: 4000 rows");
	}
}

# ---------------------------------------------------------------- limit

# A valid envelope padded (in commit.message) to exactly $size bytes.
sub envelope_of_size {
	my ($size) = @_;
	my $e = fresh_envelope('commit.message' => '');
	my $base = length $JSON->encode($e);
	die "$size is too small\n" if $size < $base;
	$e->{commit}{message} = 'x' x ($size - $base);
	my $body = $JSON->encode($e);
	die 'padding went wrong' unless length $body == $size;
	return ($e, $body);
}

{
	my $limit = 1048576;
	my $s = BenchTest->new(config => { max_body_bytes => $limit });
	my $before = $s->row_counts;

	my ($e, $body) = envelope_of_size($limit + 1);
	my $r = $s->ingest($body);
	error_is($r, 413, 'payload_too_large',
	    'max_body_bytes + 1: 413 {"error":"payload_too_large"}');
	is_deeply($r->{json}, { error => 'payload_too_large' },
	    'max_body_bytes + 1: exactly that body');
	like($r->{headers}{'cache-control'} // '', qr/no-store/,
	    'max_body_bytes + 1: Cache-Control: no-store');
	is_deeply($s->row_counts, $before, 'max_body_bytes + 1: nothing written');

	$r = $s->ingest('x' x (8 * $limit));
	error_is($r, 413, 'payload_too_large', '8 x max_body_bytes: 413');
	is_deeply($s->row_counts, $before, '8 x max_body_bytes: nothing written');

	($e, $body) = envelope_of_size($limit);
	$r = $s->ingest($body);
	is($r->{status}, 200, 'exactly max_body_bytes: 200')
	    or diag($r->{content});
	is_deeply($r->{json}, { inserted => 5, updated => 0 },
	    'exactly max_body_bytes: 5 inserted');
	is($s->row_counts->{commits}, $before->{commits} + 1,
	    'exactly max_body_bytes: the commit is stored');
}

{
	# Over the default limit (64 MiB), which nginx enforces as well: the
	# answer is still the contract's, and a wrong token is still 401.
	my $huge = 'x' x (64 * 1024 * 1024 + 1);
	my $before = $t->row_counts;
	my $r = $t->ingest($huge);
	error_is($r, 413, 'payload_too_large',
	    '64 MiB + 1 byte with the right token: 413 payload_too_large');
	$r = $t->ingest($huge, token => $t->ingest_token . 'x');
	error_is($r, 401, 'unauthorized',
	    '64 MiB + 1 byte with a wrong token: 401 (auth before size)');
	$r = $t->ingest($huge, token => undef);
	error_is($r, 401, 'unauthorized',
	    '64 MiB + 1 byte without a token: 401 (auth before size)');
	is_deeply($t->row_counts, $before, '64 MiB + 1: nothing written');
}

done_testing;
