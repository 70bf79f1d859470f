-- The read-path indexes that deployed databases already have (doc/ingest-api.md
-- §6).  Named explicitly so that re-running finds them.

CREATE INDEX IF NOT EXISTS commits_timestamp_idx
	ON commits (timestamp DESC, commit_sha DESC);

CREATE INDEX IF NOT EXISTS query_measurements_key_idx
	ON query_measurements (dataset, dataset_variant, scale_factor, storage,
	    query_idx);
CREATE INDEX IF NOT EXISTS query_measurements_series_idx
	ON query_measurements (dataset, dataset_variant, scale_factor, storage,
	    query_idx, engine, format, commit_timestamp DESC)
	INCLUDE (value_ns);
CREATE INDEX IF NOT EXISTS query_measurements_engine_idx
	ON query_measurements (engine);
CREATE INDEX IF NOT EXISTS query_measurements_format_idx
	ON query_measurements (format);

CREATE INDEX IF NOT EXISTS compression_times_dataset_idx
	ON compression_times (dataset, dataset_variant);
CREATE INDEX IF NOT EXISTS compression_times_format_idx
	ON compression_times (format);

CREATE INDEX IF NOT EXISTS compression_sizes_dataset_idx
	ON compression_sizes (dataset, dataset_variant);
CREATE INDEX IF NOT EXISTS compression_sizes_format_idx
	ON compression_sizes (format);

CREATE INDEX IF NOT EXISTS random_access_times_dataset_idx
	ON random_access_times (dataset);
CREATE INDEX IF NOT EXISTS random_access_times_format_idx
	ON random_access_times (format);

CREATE INDEX IF NOT EXISTS vector_search_runs_key_idx
	ON vector_search_runs (dataset, layout, threshold);
