-- Indexes of the read API, beside the deployed ones of 002_indexes.sql
-- (which the previous read service still uses).  Each turns work of the
-- read statements that grows with the history into a few index probes.
-- Building them locks each table against writes for the build (about five
-- seconds per million query_measurements rows): apply during a quiet spell.

-- Every query chart, in the API's order (bytes, no nulls first), walked
-- one probe per chart with a single row comparison: no column is null (a
-- null never compares) and the order is byte order whatever the database
-- collation.  Deduplicated: a few bytes per chart, not per row.
CREATE INDEX IF NOT EXISTS query_measurements_chart_idx
	ON query_measurements ((dataset COLLATE "C"),
	    (dataset_variant IS NOT NULL),
	    (COALESCE(dataset_variant, '') COLLATE "C"),
	    (scale_factor IS NOT NULL),
	    (COALESCE(scale_factor, '') COLLATE "C"),
	    (storage COLLATE "C"), query_idx);

-- Rows whose writer did not stamp commit_timestamp: empty in practice, so
-- an n=all chart finds them without reading the chart's every row.
CREATE INDEX IF NOT EXISTS query_measurements_unstamped_idx
	ON query_measurements (dataset, dataset_variant, scale_factor, storage,
	    query_idx)
	WHERE commit_timestamp IS NULL;

-- The rows of one commit: the compression summaries walk commits newest
-- first to the first with a vortex/parquet pair, instead of joining every
-- row of both tables.
CREATE INDEX IF NOT EXISTS compression_times_commit_idx
	ON compression_times (commit_sha);
CREATE INDEX IF NOT EXISTS compression_sizes_commit_idx
	ON compression_sizes (commit_sha);

-- A dataset's rows that count for the random-access summary (value_ns > 0),
-- by commit: the newest is found walking commits, and a dataset without any
-- is known at once.
CREATE INDEX IF NOT EXISTS random_access_times_positive_idx
	ON random_access_times (dataset, commit_sha)
	WHERE value_ns > 0;

-- The chart key's columns depend on each other (a dataset has few scale
-- factors): without this the planner takes a pinned chart for one row and
-- sorts it out of the narrower index instead of reading the series index.
CREATE STATISTICS IF NOT EXISTS query_measurements_key_stats
	(ndistinct, dependencies)
	ON dataset, dataset_variant, scale_factor, storage, query_idx
	FROM query_measurements;
ANALYZE query_measurements;
