package QuerySeries;

# query_series (sql/005_query_series.sql), query_charts
# (sql/006_query_charts.sql) and query_summaries
# (sql/007_query_summaries.sql) against a computation from scratch,
# written here independently of the migrations: a GROUP BY for the counts
# and the oldest timestamp, row_number() for the newest positive stamped
# row of each series (ties: the greater commit_sha in bytes, then the
# greater measurement_id); the distinct series per chart; per group, the
# text of its series with a positive value built here in Perl from the
# computation, in byte order.
#
#   differences($dbh)
#	The rows that differ, as array refs: ['missing', columns...] for a
#	row the computation has and query_series lacks or holds otherwise,
#	['extra', columns...] for the reverse; then the same for
#	query_charts, as ['missing chart', columns...] and ['extra chart',
#	columns...]; then for query_summaries, ['missing summary', key...,
#	series, unstamped] and ['extra summary', ...].  Empty when all are
#	equal to the computation.
#
#   is_current($dbh, $name)
#	One test: no differences (diagnoses up to ten of them if any).
#
#   @COLUMNS
#	The columns compared, in that order.

use strict;
use warnings;

use Encode ();
use Exporter qw(import);
use Test::More ();

our @EXPORT_OK = qw(differences is_current);

our @COLUMNS = qw(dataset dataset_variant scale_factor storage query_idx
    engine format row_count first_timestamp latest_timestamp latest_sha
    latest_id latest_value unstamped_positive);

my $COLS = join ', ', @COLUMNS;

my $SQL = <<"SQL";
WITH ranked AS (
	SELECT dataset, dataset_variant, scale_factor, storage, query_idx,
	       engine, format, commit_timestamp, commit_sha, measurement_id,
	       value_ns,
	       row_number() OVER (PARTITION BY dataset, dataset_variant,
		   scale_factor, storage, query_idx, engine, format
		   ORDER BY commit_timestamp DESC, commit_sha COLLATE "C" DESC,
		   measurement_id DESC) AS rank
	  FROM query_measurements
	 WHERE value_ns > 0 AND commit_timestamp IS NOT NULL
), counted AS (
	SELECT dataset, dataset_variant, scale_factor, storage, query_idx,
	       engine, format, count(*) AS row_count,
	       min(commit_timestamp) AS first_timestamp,
	       count(*) FILTER (WHERE value_ns > 0 AND commit_timestamp IS NULL)
		   AS unstamped_positive
	  FROM query_measurements
	 GROUP BY dataset, dataset_variant, scale_factor, storage, query_idx,
	       engine, format
), expected AS (
	SELECT c.dataset, c.dataset_variant, c.scale_factor, c.storage,
	       c.query_idx, c.engine, c.format, c.row_count, c.first_timestamp,
	       r.commit_timestamp AS latest_timestamp, r.commit_sha AS latest_sha,
	       r.measurement_id AS latest_id, r.value_ns AS latest_value,
	       c.unstamped_positive
	  FROM counted c
	  LEFT JOIN ranked r ON r.rank = 1 AND r.dataset = c.dataset
	       AND r.dataset_variant IS NOT DISTINCT FROM c.dataset_variant
	       AND r.scale_factor IS NOT DISTINCT FROM c.scale_factor
	       AND r.storage = c.storage AND r.query_idx = c.query_idx
	       AND r.engine = c.engine AND r.format = c.format
), actual AS (
	SELECT $COLS FROM query_series
)
SELECT 'expected', * FROM expected
UNION ALL
SELECT 'missing', * FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM actual) x
UNION ALL
SELECT 'extra', * FROM (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected) y
SQL

my $CHARTS_SQL = <<'SQL';
WITH expected AS (
	SELECT dataset, dataset_variant, scale_factor, storage, query_idx,
	       count(DISTINCT (engine, format)) AS series
	  FROM query_measurements
	 GROUP BY dataset, dataset_variant, scale_factor, storage, query_idx
), actual AS (
	SELECT dataset, dataset_variant, scale_factor, storage, query_idx, series
	  FROM query_charts
)
SELECT 'missing chart', * FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM actual) x
UNION ALL
SELECT 'extra chart', * FROM (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected) y
SQL

# query_summaries from the expected query_series rows: per group, its
# series with latest_id or unstamped positive rows, ordered by query_idx,
# then engine and format in bytes (UTF-8's order is the code points').
sub differences {
	my ($dbh) = @_;
	my $all = $dbh->selectall_arrayref($SQL);
	my @series = map { [@$_[1 .. $#$_]] } grep { $_->[0] eq 'expected' } @$all;
	my %want;
	my $key = sub { join "\0", map { defined $_ ? "v$_" : 'n' } @_[0 .. 3] };
	for my $r (sort { $a->[4] <=> $b->[4] || $a->[5] cmp $b->[5]
	    || $a->[6] cmp $b->[6] }
	    grep { defined $_->[11] || $_->[13] > 0 } @series) {
		my ($e, $f) = map { Encode::encode('UTF-8', $_) } @$r[5, 6];
		my $w = $want{$key->(@$r)} //= [@$r[0 .. 3], [], 0];
		push @{ $w->[4] }, join ' ', $r->[4], length $e, length $f,
		    defined $r->[11] ? $r->[12] : '-', $e . $f;
		$w->[5]++ unless defined $r->[11];
	}
	my %got = map { ($key->(@$_) => $_) } @{ $dbh->selectall_arrayref(
	    'SELECT dataset, dataset_variant, scale_factor, storage, series, '
	    . 'unstamped FROM query_summaries') };
	my @diff = grep { $_->[0] ne 'expected' } @$all;
	push @diff, @{ $dbh->selectall_arrayref($CHARTS_SQL) };
	for my $k (sort keys %want) {
		my $w = $want{$k};
		$w->[4] = Encode::decode('UTF-8', join ' ', @{ $w->[4] });
		my $g = $got{$k};
		push @diff, ['missing summary', @$w] unless $g
		    && $g->[4] eq $w->[4] && $g->[5] == $w->[5];
	}
	for my $k (sort keys %got) {
		my $w = $want{$k};
		push @diff, ['extra summary', @{ $got{$k} }] unless $w
		    && $got{$k}[4] eq $w->[4] && $got{$k}[5] == $w->[5];
	}
	return @diff;
}

sub is_current {
	my ($dbh, $name) = @_;
	my @diff = differences($dbh);
	my $ok = Test::More::is(scalar @diff, 0, $name);
	Test::More::diag(join "\n", map { join ' | ', map { $_ // 'NULL' } @$_ }
	    @diff[0 .. ($#diff < 9 ? $#diff : 9)]) unless $ok;
	return $ok;
}

1;
