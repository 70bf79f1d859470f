-- Least-privilege roles (doc/ingest-api.md §7).  bench_ingest, which
-- benchingest connects as, may read, insert and update the tables and
-- nothing else: no DELETE, no TRUNCATE, no DDL.  bench_read may only read.
-- (Both may also read the derived query_series: 005_query_series.sql.)
-- Passwords are the administrator's to set (ALTER ROLE ... PASSWORD).

DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_ingest') THEN
		CREATE ROLE bench_ingest LOGIN;
	END IF;
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_read') THEN
		CREATE ROLE bench_read LOGIN;
	END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO bench_ingest, bench_read;

-- The tables are those 001_tables.sql makes: commits, and a table keyed by
-- measurement_id for each record kind.  They are found rather than listed,
-- so that a kind added to 001 gets its grants here with no line of its own.
DO $$
DECLARE
	t text;
BEGIN
	FOR t IN SELECT c.relname FROM pg_class c
	    JOIN pg_namespace n ON n.oid = c.relnamespace
	    WHERE n.nspname = 'public' AND c.relkind = 'r' AND
		(c.relname = 'commits' OR EXISTS (SELECT FROM pg_attribute a
		    WHERE a.attrelid = c.oid AND a.attname = 'measurement_id'
		    AND NOT a.attisdropped))
	LOOP
		EXECUTE format('GRANT SELECT, INSERT, UPDATE ON public.%I '
		    'TO bench_ingest', t);
		EXECUTE format('REVOKE DELETE, TRUNCATE, REFERENCES, TRIGGER '
		    'ON public.%I FROM bench_ingest', t);
		EXECUTE format('GRANT SELECT ON public.%I TO bench_read', t);
		EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE, '
		    'REFERENCES, TRIGGER ON public.%I FROM bench_read', t);
	END LOOP;
END
$$;
