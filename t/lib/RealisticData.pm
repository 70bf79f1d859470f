package RealisticData;

# A fixed, realistic benchmark history (200 commits, every record kind, 38
# groups, 173 charts) as ingest envelopes, for the read-API parity test,
# the site's browser tests and bench/.  Deterministic: no clock, no rand;
# the same bytes on every machine.  The interface is documented at the
# end of this file (perldoc).

use strict;
use warnings;

use Carp qw(croak);
use Digest::MD5 qw(md5);
use Exporter qw(import);

our @EXPORT_OK = qw(envelopes load);

our $COMMITS = 200;
our $GROUPS = 38;
our $CHARTS = 173;

# ---------------------------------------------------------------- hashing

# The first 32 bits of the MD5 of the joined arguments' UTF-8 bytes: a
# value that depends on the names, not on the order things are generated
# in.
sub _h {
	my $s = join "\x1f", @_;
	utf8::encode($s);
	return unpack 'N', md5($s);
}

# ---------------------------------------------------------------- commits

my @TIE_WITH_PREVIOUS = (57, 120, 198);	# same timestamp as commit i-1
my %NO_ROWS = map { $_ => 1 } (0, 33, 120, 198);

my @SUBJECTS = ('Speed up FSST decompression', 'Fix off-by-one in RLE',
    'Bump arrow to 55', 'Refactor the scan planner',
    'ALP: vectorise the patch loop', 'Remove dead code',
    'Add statistics to the footer', 'Use bitpacking for dictionary codes');

sub _sha { sprintf '%08x' x 5, map { _h(@_, $_) } 1 .. 5 }

sub _timestamp {
	my ($i) = @_;
	# 2025-03-03T08:00:00Z plus 2 to 6 hours a commit.
	my $t = 1740988800;
	for my $j (1 .. $i) {
		next if grep { $_ == $j } @TIE_WITH_PREVIOUS;
		$t += 3600 * (2 + ($j * 7) % 5) + 60 * ($j % 13);
	}
	return $t;
}

sub _iso {
	my ($t, $i) = @_;
	my @g = gmtime $t;
	my $d = sprintf '%04d-%02d-%02d', $g[5] + 1900, $g[4] + 1, $g[3];
	# Commit 10 arrives with an offset, commit 11 with a fraction.
	if ($i == 10) {
		my @l = gmtime($t + 7200);
		return sprintf '%04d-%02d-%02dT%02d:%02d:%02d+02:00',
		    $l[5] + 1900, $l[4] + 1, $l[3], $l[2], $l[1], $l[0];
	}
	my $frac = $i == 11 ? '.750' : '';
	return sprintf '%sT%02d:%02d:%02d%sZ', $d, $g[2], $g[1], $g[0], $frac;
}

sub _message {
	my ($i) = @_;
	my $s = $SUBJECTS[_h('subject', $i) % @SUBJECTS] .
	    sprintf ' (#%d)', 4000 + 3 * $i;
	return '' if $i == 70;
	return "$s\r\n\r\nWindows line ends in the body.\r\n" if $i == 40;
	return "Gr\x{fc}\x{df}e aus M\x{fc}nchen: \x{65e5}\x{672c}\x{8a9e} " .
	    "\x{1f680} \x{2014} caf\x{e9}" if $i % 50 == 25;
	return "Quote \" backslash \\ tab \t bell \x{07} slash /" if $i == 99;
	return "$s\n\nBody line one.\n\n* a bullet\n* another\n\n" .
	    "Signed-off-by: Ada <ada\@example.com>" if $i % 5 == 0;
	return $s;
}

sub _commits {
	my @c;
	for my $i (0 .. $COMMITS - 1) {
		my $sha = _sha('commit', $i);
		push @c, { i => $i, sha => $sha, ts => _timestamp($i),
		    timestamp => _iso(_timestamp($i), $i), message => _message($i),
		    url => "https://github.com/vortex-data/vortex/commit/$sha" };
	}
	return @c;
}

# ---------------------------------------------------------------- charts

# Series: [name, first commit, last commit] (defaults: the chart's range).
my @QF = ('datafusion:parquet', 'datafusion:vortex-file-compressed');
my @QD = ('duckdb:parquet', 'duckdb:vortex-file-compressed');

# Query groups: dataset, variant, scale factor, storage, query indexes,
# first and last commit, series.
my @QUERY = (
	['clickbench', undef, undef, 'nvme', [0 .. 42], 1, 199,
	    [@QF, 'duckdb:vortex-file-compressed', ['duckdb:parquet', 120]]],
	['clickbench', undef, undef, 's3', [0, 1, 2], 30, 199, [@QF]],
	['clickbench', 'partitioned', undef, 'nvme', [0, 1], 60, 199, [@QF]],
	['tpch', undef, '1', 'nvme', [1 .. 22], 1, 199,
	    [@QF, ['datafusion:lance', 150], @QD, ['duckdb:duckdb', 1, 160]]],
	['tpch', undef, '1', 's3', [1 .. 8], 20, 199, [@QF, @QD]],
	['tpch', undef, '10', 'nvme', [1, 2, 3, 9, 10, 21], 40, 199, [@QF, @QD]],
	['tpch', undef, '10', 's3', [1, 6, 12, 18], 45, 199, [@QF]],
	['tpch', undef, '100', 'nvme', [1, 6, 9], 60, 199, [@QF]],
	['tpch', undef, '100', 's3', [1, 6], 61, 199, [@QF]],
	['tpch', undef, '1000', 'nvme', [1, 6], 170, 199, [@QF]],
	['tpch', undef, '1000', 's3', [1, 6], 171, 199, [$QF[1]]],
	['tpch', undef, '0.1', 'nvme', [1, 2], 5, 60, [@QF]],
	['tpch', undef, undef, 'nvme', [1, 2], 2, 30, [@QF]],
	['tpch', 'v2', '1', 'nvme', [1, 2], 100, 199, [@QF, $QD[1]]],
	['tpcds', undef, '1', 'nvme', [1, 2, 3, 10, 64, 99], 10, 199,
	    [@QF, @QD]],
	['tpcds', undef, '10', 'nvme', [1, 2, 3], 95, 199, [@QD]],
	['tpcds', undef, '1', 's3', [1, 2], 130, 199, [@QF]],
	['tpcds', undef, '100', 'nvme', [1, 2], 190, 199, [@QF]],
	['statpopgen', undef, undef, 'nvme', [1, 2, 3], 50, 199,
	    ['duckdb:parquet', 'duckdb:vortex-file-compressed']],
	['polarsignals', undef, undef, 'nvme', [0, 1, 2], 80, 199, [@QF]],
	['polarsignals', undef, undef, 's3', [0, 1], 140, 199, [@QF]],
	['fineweb', undef, undef, 'nvme', [0, 1], 1, 199,
	    ['DuckDB:parquet', 'datafusion:parquet', 'datafusion:vortex-compact']],
	['fineweb', undef, undef, 's3', [0, 1], 100, 199, [@QF]],
	['gharchive', undef, '1', 's3', [-1, 0], 25, 180, [@QF]],
	['gharchive', 'big', '1', 's3', [0], 197, 197, [$QF[0]]],
	["\x{30c7}\x{30fc}\x{30bf}", undef, undef, 'nvme', [1], 150, 199,
	    [$QF[0]]],
	["\x{1f600}-emoji", undef, undef, 'nvme', [1], 160, 199, [$QF[0]]],
	["\x{ff21}-fullwidth", undef, undef, 'nvme', [1], 160, 199, [$QF[0]]],
);

# Compression datasets: dataset, variant, first, last commit, formats.
my @VFC = ('vortex-file-compressed', 'parquet');
my @COMPRESSION = (
	['chimp', undef, 1, 199, [@VFC, 'lance']],
	['taxi', undef, 1, 199, [@VFC]],
	['taxi', 'v2', 90, 199, [@VFC]],
	['tpch-lineitem', undef, 1, 150, [@VFC]],
	['Wide Table 1000', undef, 20, 199, [@VFC]],
	['solo', undef, 5, 199, ['vortex-file-compressed']],
	["\x{e5}ngstr\x{f6}m", 'sf=1', 120, 199, [@VFC]],
);
my @SIZES = (@COMPRESSION[0 .. 5], ['huge', undef, 100, 199, [@VFC]]);

# Random access: dataset, first, last, formats.
my @RANDOM = (
	['aaa-zero', 1, 199, ['parquet', 'vortex']],
	['chimp', 1, 199, ['lance', 'parquet', 'vortex']],
	['taxi', 1, 199, ['parquet', 'vortex']],
	['wide table', 100, 199, ['vortex']],
	["\x{c5}\x{c4}\x{d6}", 150, 199, ['parquet', 'vortex']],
);

# Vector search: dataset, layout, thresholds, first, last, flavors.
my @VF = ('vortex-default', 'vortex-turboquant');
my @VECTOR = (
	['cohere-large-10m', 'flat', [0.8, 0.85, 0.9, 1], 1, 199,
	    [@VF, ['parquet-brute', 1, 120]]],
	['cohere-large-10m', 'partitioned', [0.8, 0.95, 1.5], 60, 199, [@VF]],
	['openai-5m', 'flat', [1e-7, 0.1 + 0.2, 2.5, 100], 30, 199, [@VF]],
	['openai-5m', 'ivf', [0.5, 0.75], 150, 199, [$VF[0]]],
	['sift-1m', 'flat', [0.1, 0.2, 0.3], 1, 199, [@VF, 'lance']],
	['sift-1m', 'hnsw', [0.9, 1e21], 80, 199, [$VF[1]]],
	["v\x{eb}ctor-\x{fc}", 'flat', [0.05, 0.5], 170, 199, [$VF[0]]],
);

sub _series {
	my ($list, $first, $last) = @_;
	return map { ref $_ ? [$_->[0], $_->[1] // $first, $_->[2] // $last] :
	    [$_, $first, $last] } @$list;
}

# Which commits a suite ran on: CI outages per storage and kind.
sub _ran {
	my ($suite, $i) = @_;
	return 0 if $NO_ROWS{$i};
	return 0 if $suite eq 's3' && $i % 17 == 5;
	return 0 if $suite eq 'fineweb' && $i % 3 != 1;
	return 0 if $suite eq 'compression' && $i % 23 == 7;
	return 0 if $suite eq 'vector' && ($i % 11 == 3 || $i == 33);
	return 0 if $suite eq 'random' && $i % 29 == 13;
	return 1;
}

# A gap: one series missing at one commit, about one point in 25.
sub _gap { _h('gap', @_) % 25 == 0 }

# A value: a base from the names, a slow drift and some noise, in
# integers only.
sub _value {
	my ($i, @key) = @_;
	my $base = 20000 + _h('base', @key) % 900000000;
	my $drift = ($i * 37) % 100 - 50;			# -50 .. 49
	my $noise = _h('noise', $i, @key) % 40 - 20;		# -20 .. 19
	return $base + int($base * ($drift + $noise) / 1000);
}

sub _runs { my ($v, @k) = @_; return [$v, $v + _h('r1', @k) % 997, $v - _h('r2', @k) % 991] }

# The records of commit $i, per suite: { query => [...], other => [...] }.
sub _records {
	my ($c) = @_;
	my $i = $c->{i};
	my (@q, @o, @v);
	for my $g (@QUERY) {
		my ($ds, $var, $sf, $st, $idx, $first, $last, $ser) = @$g;
		my $suite = $ds eq 'fineweb' ? 'fineweb' : $st;
		next unless $i >= $first && $i <= $last && _ran($suite, $i);
		for my $s (_series($ser, $first, $last)) {
			my ($name, $sa, $sb) = @$s;
			next unless $i >= $sa && $i <= $sb;
			my ($engine, $format) = split /:/, $name, 2;
			for my $qi (@$idx) {
				my @key = ($ds, $var // '', $sf // '', $st, $qi, $name);
				next if _gap($i, @key);
				my $v = _value($i, @key);
				# The newest tpch SF=1 Q3 duckdb:parquet value is 0
				# (summaries skip it); fineweb Q1 has one value
				# beyond 2^53 (the reference reads it as a double).
				$v = 0 if $ds eq 'tpch' && ($sf // '') eq '1' &&
				    $st eq 'nvme' && !defined $var && $qi == 3 &&
				    $name eq 'duckdb:parquet' && $i == 199;
				$v = 9007199254740993 if $ds eq 'fineweb' &&
				    $st eq 'nvme' && $qi == 1 && $i == 100 &&
				    $name eq 'datafusion:parquet';
				push @q, { kind => 'query_measurement',
				    dataset => $ds, dataset_variant => $var,
				    scale_factor => $sf, query_idx => $qi,
				    storage => $st, engine => $engine,
				    format => $format, value_ns => $v,
				    all_runtimes_ns => _runs($v, $i, @key),
				    ($i % 2 ? (peak_physical => $v % 65536,
				    peak_virtual => $v % 131072,
				    physical_delta => -($v % 4096),
				    virtual_delta => $v % 8192) : ()),
				    env_triple => 'x86_64-unknown-linux-gnu' };
			}
		}
	}
	for my $d (@COMPRESSION) {
		my ($ds, $var, $first, $last, $fmts) = @$d;
		next unless $i >= $first && $i <= $last && _ran('compression', $i);
		for my $f (@$fmts) {
			for my $op ('encode', 'decode') {
				# chimp's newest commit has no encode rows.
				next if $ds eq 'chimp' && $op eq 'encode' && $i == 199;
				my @key = ('ct', $ds, $var // '', $f, $op);
				next if _gap($i, @key);
				my $v = _value($i, @key);
				push @o, { kind => 'compression_time', dataset => $ds,
				    dataset_variant => $var, format => $f, op => $op,
				    value_ns => $v, all_runtimes_ns => _runs($v, $i, @key) };
			}
		}
	}
	for my $d (@SIZES) {
		my ($ds, $var, $first, $last, $fmts) = @$d;
		next unless $i >= $first && $i <= $last && _ran('compression', $i);
		for my $f (@$fmts) {
			my @key = ('cs', $ds, $var // '', $f);
			next if _gap($i, @key);
			my $v = _value($i, @key);
			$v = 1234567890123456789 if $ds eq 'huge' && $i == 150 &&
			    $f eq 'parquet';
			push @o, { kind => 'compression_size', dataset => $ds,
			    dataset_variant => $var, format => $f, value_bytes => $v };
		}
	}
	for my $d (@RANDOM) {
		my ($ds, $first, $last, $fmts) = @$d;
		next unless $i >= $first && $i <= $last && _ran('random', $i);
		for my $f (@$fmts) {
			my @key = ('ra', $ds, $f);
			next if _gap($i, @key);
			my $v = $ds eq 'aaa-zero' ? 0 : _value($i, @key);
			push @o, { kind => 'random_access_time', dataset => $ds,
			    format => $f, value_ns => $v,
			    all_runtimes_ns => _runs($v, $i, @key) };
		}
	}
	for my $d (@VECTOR) {
		my ($ds, $layout, $ths, $first, $last, $fl) = @$d;
		next unless $i >= $first && $i <= $last && _ran('vector', $i);
		for my $s (_series($fl, $first, $last)) {
			my ($flavor, $sa, $sb) = @$s;
			next unless $i >= $sa && $i <= $sb;
			for my $th (@$ths) {
				my @key = ('vs', $ds, $layout, $th, $flavor);
				next if _gap($i, @key);
				my $v = _value($i, @key);
				push @v, { kind => 'vector_search_run', dataset => $ds,
				    layout => $layout, flavor => $flavor,
				    threshold => $th, value_ns => $v,
				    all_runtimes_ns => _runs($v, $i, @key),
				    matches => $v % 1000, rows_scanned => 10000000,
				    bytes_scanned => 512000000 + $v % 1000,
				    iterations => 3 };
			}
		}
	}
	return (\@q, \@o, \@v);
}

# ---------------------------------------------------------------- JSON

my %ESC = ('"' => '\\"', '\\' => '\\\\', "\n" => '\\n', "\r" => '\\r',
    "\t" => '\\t', "\b" => '\\b', "\f" => '\\f');

sub _str {
	my ($s) = @_;
	return 'null' unless defined $s;
	$s =~ s/(["\\\x00-\x1f])/$ESC{$1} \/\/ sprintf('\\u%04x', ord $1)/ge;
	return qq{"$s"};
}

# Shortest decimal that reads back as the same double (like JSON.stringify
# and serde), but always with the exponent spelled the JSON way.
sub _num {
	my ($n) = @_;
	return "$n" if $n =~ /^-?\d+\z/;
	for my $p (1 .. 17) {
		my $s = sprintf '%.*g', $p, $n;
		return $s if $s + 0 == $n;
	}
	croak "no shortest form for $n";
}

my @ORDER = qw(kind commit_sha dataset dataset_variant scale_factor
    query_idx storage engine format op layout flavor threshold value_ns
    value_bytes all_runtimes_ns peak_physical peak_virtual physical_delta
    virtual_delta matches rows_scanned bytes_scanned iterations env_triple);
my %IS_STR = map { $_ => 1 } qw(kind commit_sha dataset dataset_variant
    scale_factor storage engine format op layout flavor env_triple);

sub _record {
	my ($r) = @_;
	my @m;
	for my $k (@ORDER) {
		next unless exists $r->{$k};
		my $v = $r->{$k};
		my $j = $IS_STR{$k} ? _str($v) :
		    ref $v ? '[' . join(',', map { _num($_) } @$v) . ']' :
		    _num($v);
		push @m, qq{"$k":$j};
	}
	return '{' . join(',', @m) . '}';
}

sub _envelope {
	my ($c, $records) = @_;
	my $commit = join ',', map { qq{"$_->[0]":} . _str($_->[1]) }
	    ['sha', $c->{sha}], ['timestamp', $c->{timestamp}],
	    ['message', $c->{message}], ['author_name', 'Ada Author'],
	    ['author_email', 'ada@example.com'],
	    ['committer_name', 'Cy Committer'],
	    ['committer_email', 'cy@example.com'],
	    ['tree_sha', _sha('tree', $c->{i})], ['url', $c->{url}];
	my @recs;
	for my $r (@$records) {
		$r->{commit_sha} = $c->{sha};
		push @recs, _record($r);
	}
	my $json = '{"run_meta":{"benchmark_id":' .
	    _str(sprintf 'bench.yml@%d', 10000 + $c->{i}) .
	    ',"schema_version":1,"started_at":' . _str($c->{timestamp}) .
	    '},"commit":{' . $commit . '},"records":[' .
	    join(',', @recs) . ']}';
	utf8::encode($json);
	return $json;
}

# ---------------------------------------------------------------- API

sub envelopes {
	my @out;
	for my $c (_commits()) {
		my ($q, $o, $v) = _records($c);
		if ($c->{i} % 10 == 4) {
			# CI's jobs report separately: three envelopes.
			push @out, map { _envelope($c, $_) } $q, $o, $v;
		} else {
			push @out, _envelope($c, [@$q, @$o, @$v]);
		}
		if ($c->{i} == 150) {
			# A job re-run: the same keys again, new values.
			my @again = map { { %$_, value_ns => $_->{value_ns} + 7,
			    all_runtimes_ns => [$_->{value_ns} + 7] } }
			    grep { exists $_->{value_ns} } @$q[0 .. 9];
			push @out, _envelope($c, \@again);
		}
	}
	return @out;
}

sub load {
	my ($t) = @_;
	my $n = 0;
	for my $body (envelopes()) {
		my $r = $t->ingest($body);
		croak "RealisticData: envelope $n: $r->{status} $r->{content}"
		    unless $r->{status} == 200;
		$n++;
	}
	# A database at rest, as autovacuum leaves it: with statistics, so
	# that the planner finds the read indexes (a table loaded a moment ago
	# has none, and every probe looks like one row).
	$t->dbh->do("VACUUM ANALYZE $_") for $t->tables;
	return $n;
}

1;

__END__

=head1 NAME

RealisticData - a fixed, realistic benchmark history to load through the
ingest API

=head1 SYNOPSIS

    use lib "$FindBin::Bin/lib";
    use BenchTest; use RealisticData;

    my $t = BenchTest->new;
    RealisticData::load($t);		# POST /api/ingest (dies unless 200), then
					# VACUUM ANALYZE
    my @bodies = RealisticData::envelopes();	# the JSON texts (bytes)

=head1 DESCRIPTION

The history of a benchmark dashboard as the read API sees it:
C<$RealisticData::COMMITS> (200) commits, C<$GROUPS> (38) groups and
C<$CHARTS> (173) charts of every record kind, from about 83,000
records in 241 envelopes.  Everything is fixed: timestamps start at
2025-03-03T08:00:00Z, values come from a hash of their names, so every
machine loads the same rows.  It covers:

=over

=item *

query groups the reference read service's C<GROUP_ORDER> knows (Clickbench,
TPC-H at scale factors 1, 10, 100 and 1000 on NVMe and S3, TPC-DS,
PolarSignals) and ones it does not (TPC-H at SF 0.1 and without a scale
factor, TPC-DS on S3 and at SF 100, statpopgen, fineweb, gharchive,
Unicode dataset names in and beyond the Basic Multilingual Plane);
two groups per name where the reference names ignore the storage
(Clickbench, PolarSignals on NVMe and S3);

=item *

null dimensions (no scale factor, no variant) beside dataset variants
(C<clickbench/partitioned>, C<tpch/v2>, C<gharchive/big>, compression
C<taxi/v2>); query indexes 0, -1 and 10 after 9;

=item *

series that start late (C<datafusion:lance>, C<duckdb:parquet>), stop
early (C<duckdb:duckdb>), charts that stop early (TPC-H SF 0.1, SF null)
or start within the last 10 commits, one chart with a single commit, gaps
(about one point in 25), CI outages per storage and per kind;

=item *

commits with no rows (0, 33, 120, 198), commits with equal timestamps
(56/57, 119/120, 197/198), a timestamp with an offset (commit 10) and one
with a fraction of a second (commit 11); multi-line messages (every fifth),
CRLF (commit 40), Unicode (every fiftieth from 25), quotes, backslash, tab
and a control character (commit 99), an empty message (commit 70); a commit
reported by three envelopes (every tenth from 4) and one re-run that
updates ten rows (commit 150);

=item *

values the summaries must skip (C<value_ns> 0: the newest TPC-H SF 1 Q3
C<duckdb:parquet>, every C<aaa-zero> random-access row), a compression
dataset without parquet (C<solo>), one excluded by name (C<Wide Table
1000>), a newest commit without encode rows (C<chimp>), integers beyond
2^53 (fineweb Q1 at commit 100, C<huge> parquet size at commit 150);

=item *

vector-search thresholds 1, 0.8, 1e-7, 0.30000000000000004, 100 and 1e21
(written as JSON numbers the shortest way).

=back

=head1 FUNCTIONS

=over

=item envelopes()

The envelopes as JSON texts (UTF-8 bytes), in the order to ingest them.

=item load($benchtest)

Ingests every envelope through C<< $benchtest->ingest >> (so through nginx
and C<POST /api/ingest>); croaks on the first answer that is not 200.
Returns the number of envelopes.

=back

=cut
