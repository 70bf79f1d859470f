-- query_series: one row per query series, that is per (dataset,
-- dataset_variant, scale_factor, storage, query_idx, engine, format) with
-- at least one row in query_measurements, holding what the read API would
-- otherwise derive with an index descent per series on every read: the
-- series' row count, its oldest commit_timestamp, its newest row with a
-- positive value and a commit_timestamp, and how many positive rows lack
-- a commit_timestamp.  Discovery of query groups and charts and the query
-- summaries of /api/groups read this small table instead of the fact table.
--
-- It is derived, never written by clients: statement triggers on
-- query_measurements keep it equal to what a computation from scratch
-- gives, whoever writes (benchingest, a path-B job, an administrator), and
-- whatever the statement (INSERT, COPY, ON CONFLICT, MERGE, UPDATE,
-- DELETE, TRUNCATE).  The trigger functions run as their owner (SECURITY
-- DEFINER), so writers need no privilege on it.  Re-running this file
-- rebuilds it from query_measurements (and repairs it if rows were ever
-- written with the triggers off, e.g. under session_replication_role =
-- replica).

-- Writers wait until the triggers and the rebuild are in place together;
-- readers do not.
LOCK TABLE query_measurements IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE IF NOT EXISTS query_series (
	dataset            text NOT NULL,
	dataset_variant    text,
	scale_factor       text,
	storage            text NOT NULL,
	query_idx          integer NOT NULL,
	engine             text NOT NULL,
	format             text NOT NULL,
	-- Rows of the series (any value, stamped or not): always > 0.
	row_count          bigint NOT NULL,
	-- The oldest commit_timestamp among them; NULL if none is stamped.
	first_timestamp    timestamptz,
	-- The newest row with value_ns > 0 and a commit_timestamp: by
	-- commit_timestamp, ties by commit_sha in byte order, then by
	-- measurement_id, the greater winning.  All NULL if there is none.
	latest_timestamp   timestamptz,
	latest_sha         text,
	latest_id          bigint,
	latest_value       bigint,
	-- Rows with value_ns > 0 and no commit_timestamp (the query summary
	-- falls back to the newest of them, by their commits' timestamps,
	-- when latest_id is NULL).
	unstamped_positive bigint NOT NULL
) WITH (fillfactor = 50);	-- room for HOT updates: each ingest rewrites its series

-- The key, null-free and in the read API's order (bytes, nulls first),
-- like query_measurements_chart_idx: one index both enforces one row per
-- series (a NULL variant or scale factor is a value here) and walks the
-- charts in order.
CREATE UNIQUE INDEX IF NOT EXISTS query_series_key_idx
	ON query_series ((dataset COLLATE "C"),
	    (dataset_variant IS NOT NULL),
	    (COALESCE(dataset_variant, '') COLLATE "C"),
	    (scale_factor IS NOT NULL),
	    (COALESCE(scale_factor, '') COLLATE "C"),
	    (storage COLLATE "C"), query_idx, (engine COLLATE "C"),
	    (format COLLATE "C"));

-- The text of a statement that summarises the rows of a relation shaped
-- like query_measurements (the table itself, or a trigger's transition
-- table) per series, as query_series rows, in one array: the definition
-- of query_series, used both to build it and to fold changes into it.
CREATE OR REPLACE FUNCTION query_series_summary_sql(relation text)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $f$
SELECT format($q$
WITH g AS (
	-- Per series.  For a series of one row (as every series of an
	-- ingest is), the max() FILTER (positive, stamped) are that row's
	-- columns if it counts; only longer ones need l.
	SELECT m.dataset, m.dataset_variant, m.scale_factor, m.storage,
	       m.query_idx, m.engine, m.format, count(*) AS row_count,
	       min(m.commit_timestamp) AS first_timestamp,
	       max(m.commit_timestamp) FILTER (WHERE m.value_ns > 0) AS latest,
	       max(m.commit_sha) FILTER (WHERE m.value_ns > 0
		   AND m.commit_timestamp IS NOT NULL) AS sha,
	       max(m.measurement_id) FILTER (WHERE m.value_ns > 0
		   AND m.commit_timestamp IS NOT NULL) AS id,
	       max(m.value_ns) FILTER (WHERE m.value_ns > 0
		   AND m.commit_timestamp IS NOT NULL) AS value,
	       count(*) FILTER (WHERE m.value_ns > 0
		   AND m.commit_timestamp IS NULL) AS unstamped_positive
	  FROM %1$I m
	 GROUP BY m.dataset, m.dataset_variant, m.scale_factor, m.storage,
		m.query_idx, m.engine, m.format
), l AS (
	-- A series of several rows: its rows at its newest positive
	-- timestamp; ties go to the greater sha, then the greater id.
	SELECT DISTINCT ON (g.dataset, g.dataset_variant, g.scale_factor,
		g.storage, g.query_idx, g.engine, g.format)
	       g.dataset, g.dataset_variant, g.scale_factor, g.storage,
	       g.query_idx, g.engine, g.format, m.commit_sha,
	       m.measurement_id, m.value_ns
	  FROM g JOIN %1$I m
	    ON (m.dataset, m.dataset_variant IS NOT NULL,
		COALESCE(m.dataset_variant, ''), m.scale_factor IS NOT NULL,
		COALESCE(m.scale_factor, ''), m.storage, m.query_idx, m.engine,
		m.format, m.commit_timestamp)
	     = (g.dataset, g.dataset_variant IS NOT NULL,
		COALESCE(g.dataset_variant, ''), g.scale_factor IS NOT NULL,
		COALESCE(g.scale_factor, ''), g.storage, g.query_idx, g.engine,
		g.format, g.latest)
	 WHERE g.row_count > 1 AND m.value_ns > 0
	 ORDER BY g.dataset, g.dataset_variant, g.scale_factor, g.storage,
		g.query_idx, g.engine, g.format, m.commit_sha COLLATE "C" DESC,
		m.measurement_id DESC
)
SELECT array_agg(s) FROM (
	SELECT ROW(g.dataset, g.dataset_variant, g.scale_factor, g.storage,
	       g.query_idx, g.engine, g.format, g.row_count, g.first_timestamp,
	       g.latest, g.sha, g.id, g.value, g.unstamped_positive)::query_series
	  FROM g WHERE g.row_count = 1
	UNION ALL
	SELECT ROW(g.dataset, g.dataset_variant, g.scale_factor, g.storage,
	       g.query_idx, g.engine, g.format, g.row_count, g.first_timestamp,
	       g.latest, l.commit_sha, l.measurement_id, l.value_ns,
	       g.unstamped_positive)::query_series
	  FROM g LEFT JOIN l
	    ON (l.dataset, l.dataset_variant IS NOT NULL,
		COALESCE(l.dataset_variant, ''), l.scale_factor IS NOT NULL,
		COALESCE(l.scale_factor, ''), l.storage, l.query_idx, l.engine,
		l.format)
	     = (g.dataset, g.dataset_variant IS NOT NULL,
		COALESCE(g.dataset_variant, ''), g.scale_factor IS NOT NULL,
		COALESCE(g.scale_factor, ''), g.storage, g.query_idx, g.engine,
		g.format)
	 WHERE g.row_count > 1) s(s)
$q$, relation)
$f$;

-- Whether row 1 (timestamp, sha, id) is at least as new as row 2 by the
-- order of query_series.latest_*: timestamp, then sha in bytes, then id.
-- No row 2 (NULL id): yes; no row 1: no.
CREATE OR REPLACE FUNCTION query_series_newer(timestamptz, text, bigint,
    timestamptz, text, bigint)
RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $f$
SELECT $3 IS NOT NULL AND ($6 IS NULL OR
    ($1, $2 COLLATE "C", $3) >= ($4, $5 COLLATE "C", $6))
$f$;

-- Folds one statement's changes to query_measurements into query_series.
-- The rows the statement added and the rows it removed (an UPDATE does
-- both) are summarised per series like the table itself; then, per series,
-- the counts add up, the oldest timestamp is the lesser and the newest row
-- the newer of the two sides.  Only where a removed row was the series'
-- oldest or newest one and no added row takes its place is the series
-- computed again from query_measurements (one index descent each).
--
-- Concurrency (READ COMMITTED, as benchingest writes): every series is
-- merged relative to its current version (INSERT ... ON CONFLICT DO
-- UPDATE), which locks it; a series is computed again only after that, by
-- later statements, which see everything committed by the writers it
-- waited for.  The merge takes its locks in one fixed order (the key, its
-- most varied columns first: quicker to sort), so two writers of the same
-- series wait for each other instead of deadlocking.
CREATE OR REPLACE FUNCTION query_series_track()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
-- Hash joins over the unsorted changes (sorting their text keys costs
-- more), and no JIT compilation, which costs more than these statements.
SET enable_mergejoin = off
SET jit = off
AS $f$
DECLARE
	added query_series[];
	removed query_series[];
	changes query_series[];
	risky query_series[];
	emptied tid[];
	s record;
	pins text;
	new_first timestamptz;
	new_ts timestamptz;
	new_sha text;
	new_id bigint;
	new_value bigint;
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		-- Row by row, not TRUNCATE: no lock that would make readers
		-- of query_series and this writer wait for each other.
		DELETE FROM query_series;
		RETURN NULL;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		EXECUTE query_series_summary_sql('new_rows') INTO added;
	END IF;
	IF TG_OP <> 'INSERT' THEN
		EXECUTE query_series_summary_sql('old_rows') INTO removed;
	END IF;
	IF removed IS NULL THEN
		changes := added;
	ELSE
		-- Per series, what was added less what was removed; and the
		-- series that may have lost their oldest or newest row (a
		-- removed row that no added row matches or passes), with that
		-- row's timestamp in first_timestamp, its id in latest_id.
		SELECT array_agg(ROW(k.dataset, k.dataset_variant, k.scale_factor,
		       k.storage, k.query_idx, k.engine, k.format, k.row_count,
		       k.added_first, k.added_timestamp, k.added_sha, k.added_id,
		       k.added_value, k.unstamped_positive)::query_series),
		       array_agg(ROW(k.dataset, k.dataset_variant, k.scale_factor,
		       k.storage, k.query_idx, k.engine, k.format, 0,
		       CASE WHEN k.may_raise THEN k.gone_first END, NULL, NULL,
		       CASE WHEN k.may_lower THEN k.gone_id END, NULL, 0)::query_series)
		       FILTER (WHERE k.may_lower OR k.may_raise)
		  INTO changes, risky
		  FROM (SELECT g.*,
			       g.gone_id IS NOT NULL AND NOT COALESCE(query_series_newer(
				   g.added_timestamp, g.added_sha, g.added_id,
				   g.gone_timestamp, g.gone_sha, g.gone_id), false) AS may_lower,
			       g.gone_first IS NOT NULL AND NOT COALESCE(
				   g.added_first <= g.gone_first, false) AS may_raise
			  FROM (SELECT x.dataset, x.dataset_variant, x.scale_factor,
				       x.storage, x.query_idx, x.engine, x.format,
				       sum(CASE WHEN x.gone THEN -x.row_count
					   ELSE x.row_count END) AS row_count,
				       sum(CASE WHEN x.gone THEN -x.unstamped_positive
					   ELSE x.unstamped_positive END) AS unstamped_positive,
				       min(x.first_timestamp) FILTER (WHERE x.gone) AS gone_first,
				       max(x.latest_timestamp) FILTER (WHERE x.gone) AS gone_timestamp,
				       max(x.latest_sha) FILTER (WHERE x.gone) AS gone_sha,
				       max(x.latest_id) FILTER (WHERE x.gone) AS gone_id,
				       min(x.first_timestamp) FILTER (WHERE NOT x.gone) AS added_first,
				       max(x.latest_timestamp) FILTER (WHERE NOT x.gone) AS added_timestamp,
				       max(x.latest_sha) FILTER (WHERE NOT x.gone) AS added_sha,
				       max(x.latest_id) FILTER (WHERE NOT x.gone) AS added_id,
				       max(x.latest_value) FILTER (WHERE NOT x.gone) AS added_value
				  FROM (SELECT false AS gone, * FROM unnest(added)
					UNION ALL
					SELECT true, * FROM unnest(removed)) x
				 GROUP BY x.dataset, x.dataset_variant, x.scale_factor,
					x.storage, x.query_idx, x.engine, x.format) g) k;
	END IF;
	IF changes IS NULL THEN
		RETURN NULL;	-- an ON CONFLICT that updated nothing, say
	END IF;

	-- Every series the statement touched, merged in one fixed order,
	-- which locks them.  One that only loses rows exists already (its
	-- rows did); one left without rows is deleted.
	WITH merged AS (
		INSERT INTO query_series AS q
		SELECT * FROM unnest(changes) d
		 ORDER BY d.query_idx, d.engine COLLATE "C", d.format COLLATE "C",
			d.dataset COLLATE "C", d.dataset_variant COLLATE "C",
			d.scale_factor COLLATE "C", d.storage COLLATE "C"
		ON CONFLICT (dataset COLLATE "C", (dataset_variant IS NOT NULL),
		    (COALESCE(dataset_variant, '')) COLLATE "C",
		    (scale_factor IS NOT NULL),
		    (COALESCE(scale_factor, '')) COLLATE "C", storage COLLATE "C",
		    query_idx, engine COLLATE "C", format COLLATE "C")
		DO UPDATE SET row_count = q.row_count + EXCLUDED.row_count,
		    unstamped_positive = q.unstamped_positive
			+ EXCLUDED.unstamped_positive,
		    first_timestamp = LEAST(q.first_timestamp,
			EXCLUDED.first_timestamp),
		    latest_timestamp = CASE WHEN query_series_newer(
			EXCLUDED.latest_timestamp, EXCLUDED.latest_sha,
			EXCLUDED.latest_id, q.latest_timestamp, q.latest_sha,
			q.latest_id) THEN EXCLUDED.latest_timestamp
			ELSE q.latest_timestamp END,
		    latest_sha = CASE WHEN query_series_newer(
			EXCLUDED.latest_timestamp, EXCLUDED.latest_sha,
			EXCLUDED.latest_id, q.latest_timestamp, q.latest_sha,
			q.latest_id) THEN EXCLUDED.latest_sha
			ELSE q.latest_sha END,
		    latest_id = CASE WHEN query_series_newer(
			EXCLUDED.latest_timestamp, EXCLUDED.latest_sha,
			EXCLUDED.latest_id, q.latest_timestamp, q.latest_sha,
			q.latest_id) THEN EXCLUDED.latest_id
			ELSE q.latest_id END,
		    latest_value = CASE WHEN query_series_newer(
			EXCLUDED.latest_timestamp, EXCLUDED.latest_sha,
			EXCLUDED.latest_id, q.latest_timestamp, q.latest_sha,
			q.latest_id) THEN EXCLUDED.latest_value
			ELSE q.latest_value END
		RETURNING q.ctid, q.row_count
	)
	SELECT array_agg(ctid) FILTER (WHERE row_count <= 0) INTO emptied
	  FROM merged;
	IF emptied IS NOT NULL THEN
		DELETE FROM query_series WHERE ctid = ANY (emptied);
	END IF;

	-- The series that may have lost their oldest or newest row are
	-- computed again where they did.  The merge above has locked them:
	-- this statement sees every committed change to them.  (The merge
	-- kept such a row in the series' first_* or latest_*: nothing passed
	-- it.)  A re-ingest that keeps the timestamps and positive values has
	-- none.
	IF risky IS NULL THEN
		RETURN NULL;
	END IF;
	FOR s IN
		SELECT q.ctid AS tid, q.dataset, q.dataset_variant,
		       q.scale_factor, q.storage, q.query_idx, q.engine,
		       q.format, q.first_timestamp, q.latest_timestamp,
		       q.latest_sha, q.latest_id, q.latest_value,
		       COALESCE(q.latest_id = r.latest_id, false) AS redo_latest,
		       COALESCE(q.first_timestamp = r.first_timestamp, false)
			   AS redo_first
		  FROM unnest(risky) r
		  JOIN query_series q
		    ON (q.dataset COLLATE "C", q.dataset_variant IS NOT NULL,
			COALESCE(q.dataset_variant, '') COLLATE "C",
			q.scale_factor IS NOT NULL,
			COALESCE(q.scale_factor, '') COLLATE "C",
			q.storage COLLATE "C", q.query_idx, q.engine COLLATE "C",
			q.format COLLATE "C")
		     = (r.dataset COLLATE "C", r.dataset_variant IS NOT NULL,
			COALESCE(r.dataset_variant, '') COLLATE "C",
			r.scale_factor IS NOT NULL,
			COALESCE(r.scale_factor, '') COLLATE "C",
			r.storage COLLATE "C", r.query_idx, r.engine COLLATE "C",
			r.format COLLATE "C")
	LOOP
		CONTINUE WHEN NOT (s.redo_latest OR s.redo_first);
		-- One text per null pattern of the key, so that every pin is
		-- an index condition (IS NOT DISTINCT FROM is not).
		pins := 'm.dataset = $1 AND m.dataset_variant '
		    || CASE WHEN s.dataset_variant IS NULL THEN 'IS NULL' ELSE '= $2' END
		    || ' AND m.scale_factor '
		    || CASE WHEN s.scale_factor IS NULL THEN 'IS NULL' ELSE '= $3' END
		    || ' AND m.storage = $4 AND m.query_idx = $5'
		    || ' AND m.engine = $6 AND m.format = $7';
		new_first := s.first_timestamp;
		new_ts := s.latest_timestamp;
		new_sha := s.latest_sha;
		new_id := s.latest_id;
		new_value := s.latest_value;
		IF s.redo_latest THEN
			EXECUTE 'SELECT m.commit_timestamp, m.commit_sha, '
			    || 'm.measurement_id, m.value_ns FROM query_measurements m '
			    || 'WHERE ' || pins || ' AND m.value_ns > 0 '
			    || 'AND m.commit_timestamp IS NOT NULL ORDER BY m.dataset, '
			    || 'm.dataset_variant, m.scale_factor, m.storage, '
			    || 'm.query_idx, m.engine, m.format, '
			    || 'm.commit_timestamp DESC, m.commit_sha COLLATE "C" DESC, '
			    || 'm.measurement_id DESC LIMIT 1'
			INTO new_ts, new_sha, new_id, new_value
			USING s.dataset, s.dataset_variant, s.scale_factor,
			    s.storage, s.query_idx, s.engine, s.format;
		END IF;
		IF s.redo_first THEN
			-- The series backwards: its oldest stamped row first.
			EXECUTE 'SELECT m.commit_timestamp FROM query_measurements m '
			    || 'WHERE ' || pins || ' AND m.commit_timestamp IS NOT NULL '
			    || 'ORDER BY m.dataset DESC, m.dataset_variant DESC, '
			    || 'm.scale_factor DESC, m.storage DESC, m.query_idx DESC, '
			    || 'm.engine DESC, m.format DESC, m.commit_timestamp LIMIT 1'
			INTO new_first
			USING s.dataset, s.dataset_variant, s.scale_factor,
			    s.storage, s.query_idx, s.engine, s.format;
		END IF;
		UPDATE query_series SET first_timestamp = new_first,
		       latest_timestamp = new_ts, latest_sha = new_sha,
		       latest_id = new_id, latest_value = new_value
		 WHERE ctid = s.tid;
	END LOOP;
	RETURN NULL;
END
$f$;

DROP TRIGGER IF EXISTS query_series_insert ON query_measurements;
CREATE TRIGGER query_series_insert AFTER INSERT ON query_measurements
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION query_series_track();
DROP TRIGGER IF EXISTS query_series_update ON query_measurements;
CREATE TRIGGER query_series_update AFTER UPDATE ON query_measurements
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION query_series_track();
DROP TRIGGER IF EXISTS query_series_delete ON query_measurements;
CREATE TRIGGER query_series_delete AFTER DELETE ON query_measurements
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION query_series_track();
DROP TRIGGER IF EXISTS query_series_truncate ON query_measurements;
CREATE TRIGGER query_series_truncate AFTER TRUNCATE ON query_measurements
	FOR EACH STATEMENT EXECUTE FUNCTION query_series_track();

-- Only through the triggers.
REVOKE ALL ON FUNCTION query_series_track() FROM PUBLIC;
REVOKE ALL ON FUNCTION query_series_summary_sql(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION query_series_newer(timestamptz, text, bigint,
    timestamptz, text, bigint) FROM PUBLIC;

-- The table equal to a computation from scratch: rows that differ are
-- rewritten, missing ones added, extra ones deleted; a table that is
-- already right is not written at all, and readers never wait.
DO $$
DECLARE
	fresh query_series[];
BEGIN
	SET LOCAL enable_mergejoin = off;
	SET LOCAL jit = off;
	EXECUTE query_series_summary_sql('query_measurements') INTO fresh;
	DELETE FROM query_series q
	 WHERE NOT EXISTS (SELECT FROM unnest(fresh) f
		WHERE (q.dataset, q.dataset_variant IS NOT NULL,
		       COALESCE(q.dataset_variant, ''), q.scale_factor IS NOT NULL,
		       COALESCE(q.scale_factor, ''), q.storage, q.query_idx,
		       q.engine, q.format)
		    = (f.dataset, f.dataset_variant IS NOT NULL,
		       COALESCE(f.dataset_variant, ''), f.scale_factor IS NOT NULL,
		       COALESCE(f.scale_factor, ''), f.storage, f.query_idx,
		       f.engine, f.format));
	INSERT INTO query_series AS q SELECT * FROM unnest(fresh)
	ON CONFLICT (dataset COLLATE "C", (dataset_variant IS NOT NULL),
	    (COALESCE(dataset_variant, '')) COLLATE "C", (scale_factor IS NOT NULL),
	    (COALESCE(scale_factor, '')) COLLATE "C", storage COLLATE "C",
	    query_idx, engine COLLATE "C", format COLLATE "C")
	DO UPDATE SET row_count = EXCLUDED.row_count,
	    first_timestamp = EXCLUDED.first_timestamp,
	    latest_timestamp = EXCLUDED.latest_timestamp,
	    latest_sha = EXCLUDED.latest_sha, latest_id = EXCLUDED.latest_id,
	    latest_value = EXCLUDED.latest_value,
	    unstamped_positive = EXCLUDED.unstamped_positive
	 WHERE (q.row_count, q.first_timestamp, q.latest_timestamp, q.latest_sha,
		q.latest_id, q.latest_value, q.unstamped_positive)
	    IS DISTINCT FROM (EXCLUDED.row_count, EXCLUDED.first_timestamp,
		EXCLUDED.latest_timestamp, EXCLUDED.latest_sha, EXCLUDED.latest_id,
		EXCLUDED.latest_value, EXCLUDED.unstamped_positive);
END
$$;
ANALYZE query_series;

REVOKE ALL ON query_series FROM PUBLIC;
GRANT SELECT ON query_series TO bench_ingest, bench_read;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON query_series
	FROM bench_ingest, bench_read;
