#!/usr/bin/perl
# Series names are unambiguous for any engine, format, op or flavor: in a
# name joined from two columns with ':', a component that holds ':' has its
# ':' and '\' escaped with '\'.  Engine "a:b" with format "c" and engine "a"
# with format "b:c" are two series, each with its own values in its own
# place; a component without ':' is shown as stored, so ordinary names stay
# exactly engine:format, as the reference read service writes them.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Encode qw(encode);
use BenchTest qw(envelope with_sha);
use Test::More;

my $t = BenchTest->new;

sub sha { sprintf '%040x', 0x5e41e500 + $_[0] }

sub commit {
	my ($i, @records) = @_;
	my $env = envelope(records => \@records);
	with_sha($env, sha($i));
	$env->{commit}{timestamp} = sprintf '2026-06-1%dT10:00:00Z', $i;
	my $r = $t->ingest($env);
	is($r->{status}, 200, "commit $i ingested") or diag($r->{content});
}

sub qm {
	my ($i, $engine, $format, $v) = @_;
	return { kind => 'query_measurement', commit_sha => sha($i),
	    dataset => 'tpch', scale_factor => '1', query_idx => 1,
	    storage => 'nvme', engine => $engine, format => $format,
	    value_ns => $v, all_runtimes_ns => [$v] };
}

sub ct {
	my ($i, $format, $op, $v) = @_;
	return { kind => 'compression_time', commit_sha => sha($i),
	    dataset => 'taxi', format => $format, op => $op, value_ns => $v,
	    all_runtimes_ns => [$v] };
}

sub vs {
	my ($i, $flavor, $v) = @_;
	return { kind => 'vector_search_run', commit_sha => sha($i),
	    dataset => 'sift', layout => 'flat', flavor => $flavor,
	    threshold => 0.5, value_ns => $v, all_runtimes_ns => [$v],
	    matches => 1, rows_scanned => 1, bytes_scanned => 1,
	    iterations => 1 };
}

# Two commits; the colliding pairs have values in different ones.
commit(1, qm(1, 'a:b', 'c', 11), qm(1, 'x\\y', 'z', 13),
    qm(1, 'datafusion', 'parquet', 15), ct(1, 'f:g', 'h', 21),
    ct(1, 'p\\', ':q', 23),
    map { vs(1, $_, 1) } qw(b 10 A 9 01 1 4294967295 4294967294),
    "\x{FF46}", "\x{1F600}");
commit(2, qm(2, 'a', 'b:c', 12), ct(2, 'f', 'g:h', 22),
    ct(2, 'p\\:', 'q', 24));

sub chart {
	my ($group_name) = @_;
	my $groups = $t->request('GET', '/api/groups')->{json}{groups};
	my ($g) = grep { $_->{name} eq $group_name } @$groups;
	return $t->request('GET', "/api/chart/$g->{charts}[0]{slug}")->{json};
}

my $q = chart('TPC-H (NVMe) (SF=1)');
is_deeply($q->{series}, {
	'a\\:b:c' => [11, undef],
	'a:b\\:c' => [undef, 12],
	'x\\y:z' => [13, undef],
	'datafusion:parquet' => [15, undef],
}, 'query series: "a:b"+"c" and "a"+"b:c" apart, each value in place; '
    . 'names without ":" as stored') or diag explain $q->{series};

my $c = chart('Compression');
is_deeply($c->{series}, {
	'f\\:g:h' => [21, undef],
	'f:g\\:h' => [undef, 22],
	'p\\:\\:q' => [23, undef],
	'p\\\\\\::q' => [undef, 24],
}, 'compression series: format:op the same way, backslashes escaped only '
    . 'beside a ":"') or diag explain $c->{series};

# JSON.stringify writes an object's array-index keys first, by value; the
# reference's series are objects, so a flavor "10" comes before "A".  The
# others it sorts as JavaScript compares strings, by UTF-16 code units: a
# character beyond U+FFFF (a surrogate pair) before U+FF46, unlike bytes.
my ($vsg) = grep { $_->{slug} =~ /^vsg\./ }
    @{ $t->request('GET', '/api/groups')->{json}{groups} };
my $body = $t->request('GET', "/api/chart/$vsg->{charts}[0]{slug}")->{content};
my ($keys) = $body =~ /"series":\{(.*?)\}/;
is_deeply([$keys =~ /"([^"]*)":\[/g],
    [qw(1 9 10 4294967294 01 4294967295 A b),
     map { encode('UTF-8', $_) } "\x{1F600}", "\x{FF46}"],
    'series keys: array indices first by value (below 2^32 - 1), '
    . 'then in UTF-16 order');

done_testing;
