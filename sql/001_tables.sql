-- The six tables of doc/ingest-api.md §7.  Idempotent: existing tables,
-- including ones the previous stack created with extra columns, are left as
-- they are.

CREATE TABLE IF NOT EXISTS commits (
	commit_sha      text PRIMARY KEY,
	timestamp       timestamptz NOT NULL,
	message         text,
	author_name     text,
	author_email    text,
	committer_name  text,
	committer_email text,
	tree_sha        text NOT NULL,
	url             text NOT NULL
);

CREATE TABLE IF NOT EXISTS query_measurements (
	measurement_id   bigint PRIMARY KEY,
	commit_sha       text NOT NULL,
	dataset          text NOT NULL,
	dataset_variant  text,
	scale_factor     text,
	query_idx        integer NOT NULL,
	storage          text NOT NULL,
	engine           text NOT NULL,
	format           text NOT NULL,
	value_ns         bigint NOT NULL,
	all_runtimes_ns  bigint[] NOT NULL,
	peak_physical    bigint,
	peak_virtual     bigint,
	physical_delta   bigint,
	virtual_delta    bigint,
	env_triple       text,
	commit_timestamp timestamptz
);

CREATE TABLE IF NOT EXISTS compression_times (
	measurement_id  bigint PRIMARY KEY,
	commit_sha      text NOT NULL,
	dataset         text NOT NULL,
	dataset_variant text,
	format          text NOT NULL,
	op              text NOT NULL,
	value_ns        bigint NOT NULL,
	all_runtimes_ns bigint[] NOT NULL,
	env_triple      text
);

CREATE TABLE IF NOT EXISTS compression_sizes (
	measurement_id  bigint PRIMARY KEY,
	commit_sha      text NOT NULL,
	dataset         text NOT NULL,
	dataset_variant text,
	format          text NOT NULL,
	value_bytes     bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS random_access_times (
	measurement_id  bigint PRIMARY KEY,
	commit_sha      text NOT NULL,
	dataset         text NOT NULL,
	format          text NOT NULL,
	value_ns        bigint NOT NULL,
	all_runtimes_ns bigint[] NOT NULL,
	env_triple      text
);

CREATE TABLE IF NOT EXISTS vector_search_runs (
	measurement_id  bigint PRIMARY KEY,
	commit_sha      text NOT NULL,
	dataset         text NOT NULL,
	layout          text NOT NULL,
	flavor          text NOT NULL,
	threshold       double precision NOT NULL,
	value_ns        bigint NOT NULL,
	all_runtimes_ns bigint[] NOT NULL,
	matches         bigint NOT NULL,
	rows_scanned    bigint NOT NULL,
	bytes_scanned   bigint NOT NULL,
	iterations      integer NOT NULL,
	env_triple      text
);
