-- query_charts: one row per query chart, that is per (dataset,
-- dataset_variant, scale_factor, storage, query_idx) with at least one
-- series in query_series, with the number of its series.  /api/groups
-- lists every chart; from query_series that is a sort or a hash of every
-- series (six per chart or more), from here an index-only scan of one
-- entry per chart, already in the read API's order.
--
-- It is derived from query_series (sql/005_query_series.sql) as that is
-- from query_measurements: statement triggers on query_series add a
-- chart's new series and take away its deleted ones, so it equals a
-- count of query_series's rows per chart, whoever writes and whatever the
-- statement.  query_series itself only gains and loses rows when a
-- series appears or empties: an ingest that only adds rows to existing
-- series does not touch this table.  Re-running this file rebuilds it
-- from query_series.

-- Writers wait until the triggers and the rebuild are in place together;
-- readers do not.
LOCK TABLE query_measurements IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE IF NOT EXISTS query_charts (
	dataset         text NOT NULL,
	dataset_variant text,
	scale_factor    text,
	storage         text NOT NULL,
	query_idx       integer NOT NULL,
	-- Rows of query_series of the chart: always > 0.
	series          bigint NOT NULL
);

-- The key, null-free and in the read API's order (bytes, nulls first), as
-- query_series_key_idx; the two nullable columns included as they are, so
-- that a scan of the index alone answers the read.
CREATE UNIQUE INDEX IF NOT EXISTS query_charts_key_idx
	ON query_charts ((dataset COLLATE "C"),
	    (dataset_variant IS NOT NULL),
	    (COALESCE(dataset_variant, '') COLLATE "C"),
	    (scale_factor IS NOT NULL),
	    (COALESCE(scale_factor, '') COLLATE "C"),
	    (storage COLLATE "C"), query_idx)
	INCLUDE (dataset_variant, scale_factor);

-- The chart rows of query_series from scratch, (chart, series) per chart.
CREATE OR REPLACE FUNCTION query_charts_fresh()
RETURNS SETOF query_charts
LANGUAGE sql STABLE
AS $f$
SELECT dataset, dataset_variant, scale_factor, storage, query_idx, count(*)
  FROM query_series
 GROUP BY dataset, dataset_variant, scale_factor, storage, query_idx
$f$;

-- query_charts made equal to query_charts_fresh(): rows that differ are
-- rewritten, missing ones added, extra ones deleted; a table that is
-- already right is not written at all.
CREATE OR REPLACE FUNCTION query_charts_rebuild()
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $f$
DECLARE
	fresh query_charts[];
BEGIN
	SELECT array_agg(f) INTO fresh FROM query_charts_fresh() f;
	DELETE FROM query_charts c
	 WHERE NOT EXISTS (SELECT FROM unnest(fresh) f
		WHERE (c.dataset, c.dataset_variant IS NOT NULL,
		       COALESCE(c.dataset_variant, ''), c.scale_factor IS NOT NULL,
		       COALESCE(c.scale_factor, ''), c.storage, c.query_idx)
		    = (f.dataset, f.dataset_variant IS NOT NULL,
		       COALESCE(f.dataset_variant, ''), f.scale_factor IS NOT NULL,
		       COALESCE(f.scale_factor, ''), f.storage, f.query_idx));
	INSERT INTO query_charts AS c SELECT * FROM unnest(fresh)
	ON CONFLICT (dataset COLLATE "C", (dataset_variant IS NOT NULL),
	    (COALESCE(dataset_variant, '')) COLLATE "C", (scale_factor IS NOT NULL),
	    (COALESCE(scale_factor, '')) COLLATE "C", storage COLLATE "C",
	    query_idx)
	DO UPDATE SET series = EXCLUDED.series
	 WHERE c.series IS DISTINCT FROM EXCLUDED.series;
END
$f$;

-- Folds one statement's changes to query_series into query_charts: per
-- chart, the series an INSERT added or a DELETE removed, merged relative
-- to the chart's current row (INSERT ... ON CONFLICT DO UPDATE, which
-- locks it, in one fixed order, as query_series_track() merges series); a
-- chart left without series is deleted.  An UPDATE of query_series moves
-- no series to another chart (query_series_track() sets no key column;
-- query_charts_rekey() takes any UPDATE that does), so it changes no
-- count.
CREATE OR REPLACE FUNCTION query_charts_track()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $f$
DECLARE
	emptied tid[];
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		DELETE FROM query_charts;
		RETURN NULL;
	END IF;
	-- The statement's series per chart: added (+) or deleted (-).
	EXECUTE format($q$
	WITH merged AS (
		INSERT INTO query_charts AS c
		SELECT s.dataset, s.dataset_variant, s.scale_factor, s.storage,
		       s.query_idx, %2$s * count(*)
		  FROM %1$I s
		 GROUP BY s.dataset, s.dataset_variant, s.scale_factor, s.storage,
		       s.query_idx
		 ORDER BY s.query_idx, s.dataset COLLATE "C",
		       s.dataset_variant COLLATE "C", s.scale_factor COLLATE "C",
		       s.storage COLLATE "C"
		ON CONFLICT (dataset COLLATE "C", (dataset_variant IS NOT NULL),
		    (COALESCE(dataset_variant, '')) COLLATE "C",
		    (scale_factor IS NOT NULL),
		    (COALESCE(scale_factor, '')) COLLATE "C", storage COLLATE "C",
		    query_idx)
		DO UPDATE SET series = c.series + EXCLUDED.series
		RETURNING c.ctid, c.series
	)
	SELECT array_agg(ctid) FILTER (WHERE series <= 0) FROM merged
	$q$, CASE TG_OP WHEN 'INSERT' THEN 'new_rows' ELSE 'old_rows' END,
	    CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END) INTO emptied;
	IF emptied IS NOT NULL THEN
		DELETE FROM query_charts WHERE ctid = ANY (emptied);
	END IF;
	RETURN NULL;
END
$f$;

-- An UPDATE that sets a key column of query_series (only its owner can
-- write it, and query_series_track() never does): rebuilt from scratch.
CREATE OR REPLACE FUNCTION query_charts_rekey()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $f$
BEGIN
	PERFORM query_charts_rebuild();
	RETURN NULL;
END
$f$;

DROP TRIGGER IF EXISTS query_charts_insert ON query_series;
CREATE TRIGGER query_charts_insert AFTER INSERT ON query_series
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION query_charts_track();
DROP TRIGGER IF EXISTS query_charts_delete ON query_series;
CREATE TRIGGER query_charts_delete AFTER DELETE ON query_series
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION query_charts_track();
DROP TRIGGER IF EXISTS query_charts_truncate ON query_series;
CREATE TRIGGER query_charts_truncate AFTER TRUNCATE ON query_series
	FOR EACH STATEMENT EXECUTE FUNCTION query_charts_track();
DROP TRIGGER IF EXISTS query_charts_rekey ON query_series;
CREATE TRIGGER query_charts_rekey
	AFTER UPDATE OF dataset, dataset_variant, scale_factor, storage,
	    query_idx ON query_series
	FOR EACH STATEMENT EXECUTE FUNCTION query_charts_rekey();

-- Only through the triggers.
REVOKE ALL ON FUNCTION query_charts_track() FROM PUBLIC;
REVOKE ALL ON FUNCTION query_charts_rekey() FROM PUBLIC;
REVOKE ALL ON FUNCTION query_charts_rebuild() FROM PUBLIC;
REVOKE ALL ON FUNCTION query_charts_fresh() FROM PUBLIC;

DO $$ BEGIN PERFORM query_charts_rebuild(); END $$;
ANALYZE query_charts;

REVOKE ALL ON query_charts FROM PUBLIC;
GRANT SELECT ON query_charts TO bench_ingest, bench_read;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON query_charts
	FROM bench_ingest, bench_read;
