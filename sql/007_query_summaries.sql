-- query_summaries: one row per query group, that is per (dataset,
-- dataset_variant, scale_factor, storage) with at least one series in
-- query_series that has a positive value (latest_id set, or unstamped
-- positive rows), holding what the query summary of /api/groups reads of
-- those series, in one text: without it a read of every group sends and
-- parses a row per series (240 groups: 7,200 rows, 57,600 fields), with
-- it a row per group.
--
-- series: per such series, in the order (query_idx, engine, format),
-- engine and format in bytes, entries separated by one space, each
--	query_idx SP len(engine) SP len(format) SP value SP engine format
-- the lengths in bytes (names are any text), value the series'
-- latest_value where latest_id is set, else "-": the reader takes the
-- newest unstamped positive row's value, which depends on the commits
-- table, from query_measurements (unstamped counts those series).
--
-- It is derived from query_series (sql/005_query_series.sql) as that is
-- from query_measurements: statement triggers on query_series compute
-- again the row of each group one of whose series the statement wrote,
-- and write it only where its text changed (an ingest whose new rows
-- leave every newest positive value as it was rewrites none), so it
-- equals a computation from query_series
-- whoever writes and whatever the statement.  Re-running this file
-- rebuilds it from query_series.
--
-- Concurrency (READ COMMITTED, as benchingest writes): the rows of the
-- groups of every series a statement writes are first locked (one
-- statement, in one fixed order, the groups' keys), then computed again
-- by a later statement, which sees every committed change
-- of the writers it waited for.  The cost: two transactions that write
-- series of the same group, even different series (and different charts),
-- now wait for each other's COMMIT from the moment the second one's
-- query_series merge ends; before, only writers of one series (and of a
-- new series of one chart) did.  Writers of different groups do not wait
-- for each other.  Measured (4 clients each ingesting 40 commits of 22
-- series of their own, 2 cores): in one group 1.16 to 1.20 times the
-- wall time they take in four groups (1.4 to 2 on a busy machine), where
-- without this table they take the same in both.  The
-- locks are taken after query_series's and query_charts's, each in its
-- fixed order, so two writers wait for each other rather than deadlock;
-- as for query_series, only an upsert that both inserts and updates rows
-- (its INSERT and its UPDATE triggers each lock) takes two steps, and
-- benchingest retries the deadlock that may then meet.

-- Writers wait until the triggers and the rebuild are in place together;
-- readers do not.
LOCK TABLE query_measurements IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE IF NOT EXISTS query_summaries (
	dataset         text NOT NULL,
	dataset_variant text,
	scale_factor    text,
	storage         text NOT NULL,
	-- The group's entries, as above: never empty.
	series          text NOT NULL,
	-- Its entries whose value is "-".
	unstamped       bigint NOT NULL
) WITH (fillfactor = 50);	-- room for HOT updates: writes lock, then set

-- The key, null-free, as query_series_key_idx's first columns.
CREATE UNIQUE INDEX IF NOT EXISTS query_summaries_key_idx
	ON query_summaries ((dataset COLLATE "C"),
	    (dataset_variant IS NOT NULL),
	    (COALESCE(dataset_variant, '') COLLATE "C"),
	    (scale_factor IS NOT NULL),
	    (COALESCE(scale_factor, '') COLLATE "C"),
	    (storage COLLATE "C"));

-- One group's row from query_series: (series, unstamped), series NULL if
-- the group has no series with a positive value.  One index range of
-- query_series_key_idx.
CREATE OR REPLACE FUNCTION query_summaries_of(text, text, text, text)
RETURNS TABLE (series text, unstamped bigint)
LANGUAGE sql STABLE
AS $f$
SELECT string_agg(q.query_idx || ' ' || octet_length(q.engine) || ' '
	   || octet_length(q.format) || ' '
	   || CASE WHEN q.latest_id IS NULL THEN '-'
	      ELSE q.latest_value::text END
	   || ' ' || q.engine || q.format, ' '
	   ORDER BY q.query_idx, q.engine COLLATE "C", q.format COLLATE "C"),
       count(*) FILTER (WHERE q.latest_id IS NULL)
  FROM query_series q
 WHERE (q.dataset COLLATE "C", q.dataset_variant IS NOT NULL,
	COALESCE(q.dataset_variant, '') COLLATE "C", q.scale_factor IS NOT NULL,
	COALESCE(q.scale_factor, '') COLLATE "C", q.storage COLLATE "C")
     = ($1 COLLATE "C", $2 IS NOT NULL, COALESCE($2, '') COLLATE "C",
	$3 IS NOT NULL, COALESCE($3, '') COLLATE "C", $4 COLLATE "C")
   AND (q.latest_id IS NOT NULL OR q.unstamped_positive > 0)
$f$;

-- query_summaries made equal to a computation from query_series: rows
-- that differ are rewritten, missing ones added, extra ones deleted; a
-- table that is already right is not written at all.
CREATE OR REPLACE FUNCTION query_summaries_rebuild()
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $f$
DECLARE
	fresh query_summaries[];
BEGIN
	SELECT array_agg(ROW(k.dataset, k.dataset_variant, k.scale_factor,
	       k.storage, f.series, f.unstamped)::query_summaries)
	  INTO fresh
	  FROM (SELECT DISTINCT dataset, dataset_variant, scale_factor, storage
		  FROM query_series) k,
	       LATERAL query_summaries_of(k.dataset, k.dataset_variant,
		   k.scale_factor, k.storage) f
	 WHERE f.series IS NOT NULL;
	DELETE FROM query_summaries s
	 WHERE NOT EXISTS (SELECT FROM unnest(fresh) f
		WHERE (s.dataset, s.dataset_variant IS NOT NULL,
		       COALESCE(s.dataset_variant, ''), s.scale_factor IS NOT NULL,
		       COALESCE(s.scale_factor, ''), s.storage)
		    = (f.dataset, f.dataset_variant IS NOT NULL,
		       COALESCE(f.dataset_variant, ''), f.scale_factor IS NOT NULL,
		       COALESCE(f.scale_factor, ''), f.storage));
	INSERT INTO query_summaries AS s SELECT * FROM unnest(fresh)
	ON CONFLICT (dataset COLLATE "C", (dataset_variant IS NOT NULL),
	    (COALESCE(dataset_variant, '')) COLLATE "C", (scale_factor IS NOT NULL),
	    (COALESCE(scale_factor, '')) COLLATE "C", storage COLLATE "C")
	DO UPDATE SET series = EXCLUDED.series, unstamped = EXCLUDED.unstamped
	 WHERE (s.series, s.unstamped)
	    IS DISTINCT FROM (EXCLUDED.series, EXCLUDED.unstamped);
END
$f$;

-- Folds one statement's changes to query_series into query_summaries.
-- Every group of a series the statement wrote is locked, in the order of
-- the groups' keys (INSERT ... ON CONFLICT DO UPDATE ... WHERE false locks
-- a row without writing it; a group without a row gets a placeholder),
-- then computed again by the next statement, whose snapshot follows the
-- locks (see the header); only rows whose text differs are written, one
-- left without series is deleted.  Computing a written group costs less
-- than finding out first whether its entries changed (an ingest changes
-- most).  Locking every group written keeps to one step the locks of
-- query_series_track(): the statements it runs after its merge (computing
-- a series again, deleting an emptied one) write series the merge wrote,
-- whose groups are locked already.
CREATE OR REPLACE FUNCTION query_summaries_track()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
SET jit = off
AS $f$
DECLARE
	-- The groups written, in the order of their keys.
	groups query_summaries[];
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		-- Row by row, not TRUNCATE: readers do not wait.
		DELETE FROM query_summaries;
		RETURN NULL;
	END IF;
	EXECUTE 'SELECT array_agg(ROW(d.dataset, d.dataset_variant, '
	    || 'd.scale_factor, d.storage, NULL, 0)::query_summaries '
	    || 'ORDER BY d.dataset COLLATE "C", d.dataset_variant COLLATE "C", '
	    || 'd.scale_factor COLLATE "C", d.storage COLLATE "C") '
	    || 'FROM (SELECT DISTINCT dataset, dataset_variant, scale_factor, '
	    || 'storage FROM ('
	    || CASE TG_OP
		WHEN 'INSERT' THEN 'SELECT * FROM new_rows'
		WHEN 'DELETE' THEN 'SELECT * FROM old_rows'
		ELSE 'SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows' END
	    || ') w) d'
	INTO groups;
	IF groups IS NULL THEN
		RETURN NULL;
	END IF;

	-- Locked in the order of their keys (array_agg's above): those with
	-- a row without writing it, the others by their placeholder.
	INSERT INTO query_summaries AS s
	SELECT g.dataset, g.dataset_variant, g.scale_factor, g.storage, '', 0
	  FROM unnest(groups) WITH ORDINALITY g
	 ORDER BY g.ordinality
	ON CONFLICT (dataset COLLATE "C", (dataset_variant IS NOT NULL),
	    (COALESCE(dataset_variant, '')) COLLATE "C", (scale_factor IS NOT NULL),
	    (COALESCE(scale_factor, '')) COLLATE "C", storage COLLATE "C")
	DO UPDATE SET unstamped = s.unstamped WHERE false;

	-- A new snapshot: every committed change to these groups' series.
	-- Their rows, locked, stay where they are until written here.
	WITH fresh AS MATERIALIZED (
		SELECT s.ctid AS tid, f.series, f.unstamped
		  FROM unnest(groups) g
		  JOIN query_summaries s
		    ON (s.dataset COLLATE "C", s.dataset_variant IS NOT NULL,
			COALESCE(s.dataset_variant, '') COLLATE "C",
			s.scale_factor IS NOT NULL,
			COALESCE(s.scale_factor, '') COLLATE "C", s.storage COLLATE "C")
		     = (g.dataset COLLATE "C", g.dataset_variant IS NOT NULL,
			COALESCE(g.dataset_variant, '') COLLATE "C",
			g.scale_factor IS NOT NULL,
			COALESCE(g.scale_factor, '') COLLATE "C", g.storage COLLATE "C"),
		       LATERAL query_summaries_of(g.dataset, g.dataset_variant,
			   g.scale_factor, g.storage) f
		 WHERE (s.series, s.unstamped) IS DISTINCT FROM (f.series, f.unstamped)
	), emptied AS (
		DELETE FROM query_summaries s USING fresh f
		 WHERE s.ctid = f.tid AND f.series IS NULL
	)
	UPDATE query_summaries s SET series = f.series, unstamped = f.unstamped
	  FROM fresh f
	 WHERE s.ctid = f.tid AND f.series IS NOT NULL;
	RETURN NULL;
END
$f$;

DROP TRIGGER IF EXISTS query_summaries_insert ON query_series;
CREATE TRIGGER query_summaries_insert AFTER INSERT ON query_series
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION query_summaries_track();
DROP TRIGGER IF EXISTS query_summaries_update ON query_series;
CREATE TRIGGER query_summaries_update AFTER UPDATE ON query_series
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION query_summaries_track();
DROP TRIGGER IF EXISTS query_summaries_delete ON query_series;
CREATE TRIGGER query_summaries_delete AFTER DELETE ON query_series
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION query_summaries_track();
DROP TRIGGER IF EXISTS query_summaries_truncate ON query_series;
CREATE TRIGGER query_summaries_truncate AFTER TRUNCATE ON query_series
	FOR EACH STATEMENT EXECUTE FUNCTION query_summaries_track();

-- Only through the triggers.
REVOKE ALL ON FUNCTION query_summaries_track() FROM PUBLIC;
REVOKE ALL ON FUNCTION query_summaries_rebuild() FROM PUBLIC;
REVOKE ALL ON FUNCTION query_summaries_of(text, text, text, text) FROM PUBLIC;

DO $$ BEGIN PERFORM query_summaries_rebuild(); END $$;
ANALYZE query_summaries;

REVOKE ALL ON query_summaries FROM PUBLIC;
GRANT SELECT ON query_summaries TO bench_ingest, bench_read;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER
	ON query_summaries FROM bench_ingest, bench_read;
