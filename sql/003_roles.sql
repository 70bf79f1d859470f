-- Least-privilege roles (CONTRACT.md §6).  bench_ingest, which benchingest
-- connects as, may read, insert and update the six tables and nothing else:
-- no DELETE, no TRUNCATE, no DDL.  bench_read may only read.  (Both may
-- also read the derived query_series: 005_query_series.sql.)  Passwords are
-- the administrator's to set (ALTER ROLE ... PASSWORD).

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

GRANT SELECT, INSERT, UPDATE ON commits, query_measurements,
	compression_times, compression_sizes, random_access_times,
	vector_search_runs TO bench_ingest;
REVOKE DELETE, TRUNCATE, REFERENCES, TRIGGER ON commits, query_measurements,
	compression_times, compression_sizes, random_access_times,
	vector_search_runs FROM bench_ingest;

GRANT SELECT ON commits, query_measurements, compression_times,
	compression_sizes, random_access_times, vector_search_runs TO bench_read;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON commits,
	query_measurements, compression_times, compression_sizes,
	random_access_times, vector_search_runs FROM bench_read;
