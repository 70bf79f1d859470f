package QuerySeries;

# query_series (sql/005_query_series.sql) and query_charts
# (sql/006_query_charts.sql) against a computation from scratch, written
# here independently of the migrations: a GROUP BY for the counts and the
# oldest timestamp, row_number() for the newest positive stamped row of
# each series (ties: the greater commit_sha in bytes, then the greater
# measurement_id); the distinct series per chart.
#
#   differences($dbh)
#	The rows that differ, as array refs: ['missing', columns...] for a
#	row the computation has and query_series lacks or holds otherwise,
#	['extra', columns...] for the reverse; then the same for
#	query_charts, as ['missing chart', columns...] and ['extra chart',
#	columns...].  Empty when both are equal to the computation.
#
#   is_current($dbh, $name)
#	One test: no differences (diagnoses up to ten of them if any).
#
#   @COLUMNS
#	The columns compared, in that order.

use strict;
use warnings;

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

sub differences {
	my ($dbh) = @_;
	return (@{ $dbh->selectall_arrayref($SQL) },
	    @{ $dbh->selectall_arrayref($CHARTS_SQL) });
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
