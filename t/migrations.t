#!/usr/bin/perl
# sql/ migrations: safe to re-run, create the commits table of
# doc/ingest-api.md §7 (the fact tables: t/record-kinds-match-schema.t) with
# its indexes and the read API's own, the derived query_series and the
# triggers that keep it, and give bench_ingest and bench_read exactly their
# grants.  A database the previous release made, with rows, another owner
# and extra columns, takes the new migration and gets query_series built
# from its rows; a re-run rewrites none of them.
use strict;
use warnings;
use File::Copy qw(copy);
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;
use QuerySeries qw(is_current);

my $top = "$FindBin::Bin/..";
my $t = BenchTest->new(start => 0);
my $dbh = $t->dbh;

my $out = `bash $top/script/benchingest-migrate.in -D $top/sql -d '@{[$t->superuser_conninfo]}' 2>&1`;
is($?, 0, 'migrations re-run cleanly on a migrated database') or diag($out);
is($out, "applied 001_tables.sql\napplied 002_indexes.sql\napplied 003_roles.sql\n"
    . "applied 004_read_indexes.sql\napplied 005_query_series.sql\n"
    . "applied 006_query_charts.sql\napplied 007_query_summaries.sql\n",
    'each file is reported once, without notices');

$out = `bash $top/script/benchingest-migrate.in -n -D $top/sql 2>&1`;
is($out, "001_tables.sql\n002_indexes.sql\n003_roles.sql\n004_read_indexes.sql\n"
    . "005_query_series.sql\n006_query_charts.sql\n007_query_summaries.sql\n",
    '-n lists in order');
`bash $top/script/benchingest-migrate.in -D /nonexistent 2>&1`;
is($? >> 8, 1, 'an empty sql dir is an error');
`bash $top/script/benchingest-migrate.in -x 2>&1`;
is($? >> 8, 2, 'a bad option is a usage error');

# The fact tables' columns follow from the record kinds:
# t/record-kinds-match-schema.t.  commits has its own.
my %columns = (
    commits => 'commit_sha text NO,timestamp timestamp with time zone NO,message text YES,'
	. 'author_name text YES,author_email text YES,committer_name text YES,'
	. 'committer_email text YES,tree_sha text NO,url text NO',
);
for my $table (sort keys %columns) {
	my $got = join ',', map { "@$_" } @{ $dbh->selectall_arrayref(q{
	    SELECT column_name, data_type, is_nullable FROM information_schema.columns
	    WHERE table_schema = 'public' AND table_name = ? ORDER BY ordinal_position},
	    undef, $table) };
	is($got, $columns{$table}, "$table has the contract's columns");
}

my %indexes = map { $_->[0] => $_->[1] } @{ $dbh->selectall_arrayref(q{
    SELECT tablename || ' ' || indexname, regexp_replace(indexdef, '^.* USING btree ', '')
    FROM pg_indexes WHERE schemaname = 'public'}) };
for my $want (
    '("timestamp" DESC, commit_sha DESC)',
    '(dataset, dataset_variant, scale_factor, storage, query_idx)',
    '(dataset, dataset_variant, scale_factor, storage, query_idx, engine, format, commit_timestamp DESC) INCLUDE (value_ns)',
    '(dataset, layout, threshold)',
) {
	ok((grep { $_ eq $want } values %indexes), "index $want exists");
}
is(scalar(grep { $_ eq '(engine)' || $_ eq '(format)' } values %indexes), 5,
    'single-column indexes: engine once, format on four tables');

# The read API's indexes (004), by table.
for my $want (
    ['query_measurements', q{(dataset COLLATE "C", ((dataset_variant IS NOT NULL)), }
	. q{COALESCE(dataset_variant, ''::text) COLLATE "C", ((scale_factor IS NOT NULL)), }
	. q{COALESCE(scale_factor, ''::text) COLLATE "C", storage COLLATE "C", query_idx)}],
    ['query_measurements', '(dataset, dataset_variant, scale_factor, storage, query_idx) '
	. 'WHERE (commit_timestamp IS NULL)'],
    ['compression_times', '(commit_sha)'],
    ['compression_sizes', '(commit_sha)'],
    ['random_access_times', '(dataset, commit_sha) WHERE (value_ns > 0)'],
) {
	my ($table, $def) = @$want;
	ok((grep { $_ =~ /^\Q$table\E / && $indexes{$_} eq $def } keys %indexes),
	    "read index on $table $def exists");
}
is($dbh->selectrow_array(q{SELECT stxkind::text FROM pg_statistic_ext
    WHERE stxname = 'query_measurements_key_stats'}), '{d,f}',
    'the chart key columns have dependency and n-distinct statistics');

# The walk over every query chart reads the chart index: its row
# comparison and order match the index expressions (change both together).
$dbh->do('SET enable_seqscan = off');
my $plan = join "\n", map { $_->[0] } @{ $dbh->selectall_arrayref(q{
    EXPLAIN SELECT dataset FROM query_measurements m
    WHERE (m.dataset COLLATE "C", m.dataset_variant IS NOT NULL,
	COALESCE(m.dataset_variant, '') COLLATE "C", m.scale_factor IS NOT NULL,
	COALESCE(m.scale_factor, '') COLLATE "C", m.storage COLLATE "C", m.query_idx)
	> ('tpch', false, '', true, '1', 'nvme', 1)
    ORDER BY m.dataset COLLATE "C", m.dataset_variant IS NOT NULL,
	COALESCE(m.dataset_variant, '') COLLATE "C", m.scale_factor IS NOT NULL,
	COALESCE(m.scale_factor, '') COLLATE "C", m.storage COLLATE "C", m.query_idx
    LIMIT 1}) };
$dbh->do('RESET enable_seqscan');
like($plan, qr/Index Scan using query_measurements_chart_idx .*\n\s*Index Cond: \(ROW\(/,
    'the chart walk is one index probe on query_measurements_chart_idx') or diag($plan);

# Each role's privileges, table by table: every table the migrations made
# (commits and one per record kind), SELECT on the derived query_series,
# query_charts and query_summaries, and nothing else.
sub grants {
	return { map { ("$_->[0] $_->[1]" => $_->[2]) } @{ $dbh->selectall_arrayref(q{
	    SELECT grantee, table_name, string_agg(privilege_type, ',' ORDER BY privilege_type)
	    FROM information_schema.role_table_grants
	    WHERE grantee IN ('bench_ingest', 'bench_read') GROUP BY 1, 2}) } };
}
my @tables = $t->tables;
cmp_ok(scalar @tables, '>=', 2, 'commits and the tables of the record kinds');
is_deeply(grants(), { (map { ("bench_ingest $_" => 'INSERT,SELECT,UPDATE',
    "bench_read $_" => 'SELECT') } @tables),
    'bench_ingest query_series' => 'SELECT', 'bench_read query_series' => 'SELECT',
    'bench_ingest query_charts' => 'SELECT', 'bench_read query_charts' => 'SELECT',
    'bench_ingest query_summaries' => 'SELECT',
    'bench_read query_summaries' => 'SELECT' },
    'bench_ingest may SELECT, INSERT and UPDATE each table, bench_read SELECT, '
    . 'both SELECT query_series, no more');

# A record kind's table added to 001_tables.sql gets its grants from 003
# without a line of its own.
$dbh->do('CREATE TABLE new_kind_runs (measurement_id bigint PRIMARY KEY, '
    . 'commit_sha text NOT NULL)');
$dbh->do('CREATE TABLE unrelated (a int)');
$out = `bash $top/script/benchingest-migrate.in -D $top/sql -d '@{[$t->superuser_conninfo]}' 2>&1`;
is($?, 0, 'the migrations re-run with a new table') or diag($out);
is(grants()->{'bench_ingest new_kind_runs'}, 'INSERT,SELECT,UPDATE',
    '... bench_ingest may write a new kind\'s table');
is(grants()->{'bench_read new_kind_runs'}, 'SELECT', '... bench_read may read it');
ok(!grants()->{'bench_ingest unrelated'} && !grants()->{'bench_read unrelated'},
    '... and neither gets a table that is not a kind\'s');
$dbh->do('DROP TABLE new_kind_runs, unrelated');

# The derived query_series: its columns, its key, the triggers on
# query_measurements that keep it, run as its owner with a fixed path.
is(join(',', map { "@$_" } @{ $dbh->selectall_arrayref(q{
    SELECT column_name, data_type, is_nullable FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name = 'query_series'
    ORDER BY ordinal_position}) }),
    'dataset text NO,dataset_variant text YES,scale_factor text YES,storage text NO,'
    . 'query_idx integer NO,engine text NO,format text NO,row_count bigint NO,'
    . 'first_timestamp timestamp with time zone YES,'
    . 'latest_timestamp timestamp with time zone YES,latest_sha text YES,'
    . 'latest_id bigint YES,latest_value bigint YES,unstamped_positive bigint NO',
    'query_series has its columns');
is($dbh->selectrow_array(q{SELECT regexp_replace(indexdef, '^.* USING btree ', '')
    FROM pg_indexes WHERE indexname = 'query_series_key_idx'
    AND indexdef LIKE 'CREATE UNIQUE %'}),
    q{(dataset COLLATE "C", ((dataset_variant IS NOT NULL)), }
    . q{COALESCE(dataset_variant, ''::text) COLLATE "C", ((scale_factor IS NOT NULL)), }
    . q{COALESCE(scale_factor, ''::text) COLLATE "C", storage COLLATE "C", query_idx, }
    . q{engine COLLATE "C", format COLLATE "C")},
    'one query_series row per series, NULL a value, in the read order');
is_deeply($dbh->selectall_arrayref(q{
    SELECT tgname, pg_get_triggerdef(t.oid) ~ ('AFTER [A-Z]+ ON public.query_measurements '
	|| '(REFERENCING .* )?FOR EACH STATEMENT EXECUTE FUNCTION query_series_track[(][)]$')
    FROM pg_trigger t WHERE tgrelid = 'query_measurements'::regclass
    AND NOT tgisinternal ORDER BY tgname}),
    [map { [$_, 1] } qw(query_series_delete query_series_insert
	query_series_truncate query_series_update)],
    'statement triggers after INSERT, UPDATE, DELETE and TRUNCATE keep it');
is_deeply($dbh->selectrow_arrayref(q{
    SELECT p.prosecdef, p.proowner = c.relowner, p.proconfig::text
    FROM pg_proc p, pg_class c
    WHERE p.proname = 'query_series_track' AND c.relname = 'query_series'}),
    [1, 1, '{"search_path=pg_catalog, public, pg_temp",enable_mergejoin=off,jit=off}'],
    'the trigger function runs as the owner of query_series, with a fixed search_path');
is($dbh->selectrow_array(q{SELECT count(*) FROM query_series}), 0,
    'an empty database has no series');
is_deeply($dbh->selectall_arrayref(q{
    SELECT tgname, pg_get_triggerdef(t.oid) ~ ('AFTER [A-Za-z_, ]+ ON public.query_series '
	|| '(REFERENCING .* )?FOR EACH STATEMENT EXECUTE FUNCTION query_charts_(track|rekey)[(][)]$')
    FROM pg_trigger t WHERE tgrelid = 'query_series'::regclass
    AND NOT tgisinternal AND tgname LIKE 'query\_charts\_%' ORDER BY tgname}),
    [map { [$_, 1] } qw(query_charts_delete query_charts_insert query_charts_rekey
	query_charts_truncate)],
    'statement triggers on query_series keep query_charts');
is_deeply($dbh->selectall_arrayref(q{
    SELECT p.proname, p.prosecdef, p.proowner = c.relowner, p.proconfig::text
    FROM pg_proc p, pg_class c
    WHERE p.proname IN ('query_charts_track', 'query_charts_rekey',
	'query_charts_rebuild') AND c.relname = 'query_charts' ORDER BY 1}),
    [map { [$_, 1, 1, '{"search_path=pg_catalog, public, pg_temp"}'] }
	qw(query_charts_rebuild query_charts_rekey query_charts_track)],
    'its functions run as the owner of query_charts, with a fixed search_path');
is($dbh->selectrow_array(q{SELECT pg_get_indexdef('query_charts_key_idx'::regclass)}),
    q{CREATE UNIQUE INDEX query_charts_key_idx ON public.query_charts USING btree }
    . q{(dataset COLLATE "C", ((dataset_variant IS NOT NULL)), }
    . q{COALESCE(dataset_variant, ''::text) COLLATE "C", ((scale_factor IS NOT NULL)), }
    . q{COALESCE(scale_factor, ''::text) COLLATE "C", storage COLLATE "C", query_idx) }
    . q{INCLUDE (dataset_variant, scale_factor)},
    'one query_charts row per chart, NULL a value, in the read order');
is_deeply($dbh->selectall_arrayref(q{
    SELECT tgname, pg_get_triggerdef(t.oid) ~ ('AFTER [A-Z]+ ON public.query_series '
	|| '(REFERENCING .* )?FOR EACH STATEMENT EXECUTE FUNCTION query_summaries_track[(][)]$')
    FROM pg_trigger t WHERE tgrelid = 'query_series'::regclass
    AND NOT tgisinternal AND tgname NOT LIKE 'query\_charts\_%' ORDER BY tgname}),
    [map { [$_, 1] } qw(query_summaries_delete query_summaries_insert
	query_summaries_truncate query_summaries_update)],
    'statement triggers on query_series keep query_summaries, and no other');
is_deeply($dbh->selectall_arrayref(q{
    SELECT p.proname, p.prosecdef, p.proowner = c.relowner, p.proconfig::text
    FROM pg_proc p, pg_class c
    WHERE p.proname IN ('query_summaries_track', 'query_summaries_rebuild')
    AND c.relname = 'query_summaries' ORDER BY 1}),
    [['query_summaries_rebuild', 1, 1, '{"search_path=pg_catalog, public, pg_temp"}'],
     ['query_summaries_track', 1, 1,
	'{"search_path=pg_catalog, public, pg_temp",jit=off}']],
    'its functions run as the owner of query_summaries, with a fixed search_path');
is($dbh->selectrow_array(q{SELECT pg_get_indexdef('query_summaries_key_idx'::regclass)}),
    q{CREATE UNIQUE INDEX query_summaries_key_idx ON public.query_summaries USING btree }
    . q{(dataset COLLATE "C", ((dataset_variant IS NOT NULL)), }
    . q{COALESCE(dataset_variant, ''::text) COLLATE "C", ((scale_factor IS NOT NULL)), }
    . q{COALESCE(scale_factor, ''::text) COLLATE "C", storage COLLATE "C")},
    'one query_summaries row per group, NULL a value');

# What bench_ingest may do, as bench_ingest.
my $ingest = DBI->connect('dbi:Pg:' . $t->ingest_conninfo, undef, undef,
    { RaiseError => 0, PrintError => 0, AutoCommit => 1 });
ok($ingest, 'bench_ingest can log in');
ok($ingest->do(q{INSERT INTO commits VALUES ('x', now(), '', '', '', '', '', 't', 'u')}),
    'bench_ingest can INSERT');
ok($ingest->do(q{UPDATE commits SET url = 'v' WHERE commit_sha = 'x'}), 'bench_ingest can UPDATE');
ok(defined $ingest->selectrow_array('SELECT count(*) FROM commits'), 'bench_ingest can SELECT');
for my $sql ('DELETE FROM commits', 'TRUNCATE commits', 'DROP TABLE commits',
    'CREATE TABLE evil (a int)', 'ALTER TABLE commits ADD COLUMN evil int',
    'CREATE INDEX evil ON commits (url)', 'DELETE FROM query_measurements',
    'TRUNCATE query_measurements',
    q{INSERT INTO query_series VALUES ('d', NULL, NULL, 'nvme', 1, 'e', 'f', 1,
	NULL, NULL, NULL, NULL, NULL, 0)},
    'UPDATE query_series SET row_count = 0', 'DELETE FROM query_series',
    'TRUNCATE query_series',
    'ALTER TABLE query_measurements DISABLE TRIGGER query_series_insert',
    'DROP TRIGGER query_series_insert ON query_measurements',
    'SELECT query_series_track()', 'DELETE FROM query_charts',
    q{UPDATE query_charts SET series = 0}, 'SELECT query_charts_rebuild()',
    'DROP TRIGGER query_charts_insert ON query_series',
    'DELETE FROM query_summaries', q{UPDATE query_summaries SET series = ''},
    'SELECT query_summaries_rebuild()',
    q{SELECT * FROM query_summaries_of('tpch', NULL, NULL, 'nvme')},
    'DROP TRIGGER query_summaries_insert ON query_series',
    q{SELECT query_series_summary_sql('query_measurements')}) {
	ok(!$ingest->do($sql), "bench_ingest cannot: $sql");
	like($ingest->errstr // '', qr/permission denied|must be owner/, '... permission denied');
}

# Its writes keep query_series current without any right on it: the
# triggers run as the owner.
ok($ingest->do(q{INSERT INTO query_measurements (measurement_id, commit_sha,
    dataset, query_idx, storage, engine, format, value_ns, all_runtimes_ns,
    commit_timestamp) VALUES (1, 'x', 'tpch', 1, 'nvme', 'duckdb', 'parquet',
    5, '{5}', now()), (2, 'x', 'tpch', 2, 'nvme', 'duckdb', 'parquet', 0, '{0}',
    NULL)}), 'bench_ingest inserts query rows') or diag($ingest->errstr);
ok($ingest->do(q{UPDATE query_measurements SET value_ns = 0 WHERE measurement_id = 1}),
    'bench_ingest updates one');
is($dbh->selectrow_array('SELECT count(*) FROM query_series'), 2,
    '... and query_series has their two series');
is_current($dbh, '... as computed from scratch');
is($ingest->selectrow_array('SELECT sum(row_count) FROM query_series'), 2,
    'bench_ingest can SELECT query_series');
$dbh->do('TRUNCATE query_measurements');

my $read = DBI->connect('dbi:Pg:' . ($t->ingest_conninfo =~ s/user=bench_ingest/user=bench_read/r),
    undef, undef, { RaiseError => 0, PrintError => 0, AutoCommit => 1 });
ok(defined $read->selectrow_array('SELECT count(*) FROM query_measurements'), 'bench_read can SELECT');
ok(!$read->do(q{INSERT INTO commits VALUES ('y', now(), '', '', '', '', '', 't', 'u')}),
    'bench_read cannot INSERT');
ok(!$read->do(q{UPDATE commits SET url = 'w'}), 'bench_read cannot UPDATE');
ok(defined $read->selectrow_array('SELECT count(*) FROM query_series'),
    'bench_read can SELECT query_series');
ok(!$read->do('DELETE FROM query_series'), 'bench_read cannot DELETE from it');
ok(defined $read->selectrow_array('SELECT count(*) FROM query_charts'),
    'bench_read can SELECT query_charts');
ok(!$read->do('DELETE FROM query_charts'), 'bench_read cannot DELETE from it');
ok(defined $read->selectrow_array('SELECT count(*) FROM query_summaries'),
    'bench_read can SELECT query_summaries');
ok(!$read->do('DELETE FROM query_summaries'), 'bench_read cannot DELETE from it');

# ---------------------------------------------------------------- upgrade
#
# A database as the previous release left it: migrations 001-004 only, the
# tables owned by another role and widened by the previous stack, rows of
# every shape the summaries care about.  The new migration builds
# query_series from them.
my $previous = $t->dir . "/previous-sql";
mkdir $previous or die "mkdir: $!";
copy($_, $previous) or die "copy $_: $!" for grep { !/00[5-7]_query_/ } glob "$top/sql/0*.sql";
my $o = do {
	local $ENV{BENCHINGEST_TEST_SQLDIR} = $previous;
	BenchTest->new(start => 0);
};
my $odbh = $o->dbh;
ok(!$odbh->selectrow_array(q{SELECT to_regclass('query_series')}),
    'the previous release has no query_series');
my $owner = "bench_old_owner_$$";
$odbh->do(qq{CREATE ROLE $owner});
$odbh->do(qq{ALTER TABLE $_ OWNER TO $owner}) for $o->tables;
$odbh->do(q{ALTER TABLE query_measurements ADD COLUMN run_note text DEFAULT 'old'});
$odbh->do(q{INSERT INTO commits (commit_sha, timestamp, tree_sha, url)
    SELECT 'c' || i, timestamptz '2025-01-01 00:00:00+00' + (i / 2) * interval '1 day',
	't', 'u' FROM generate_series(1, 40) i});
# Series by (dataset, variant, sf): every null pattern; values cycle
# through zero and negative ones; c2k-1 and c2k share a timestamp (ties);
# some rows unstamped; one series all zero, one all unstamped.
$odbh->do(q{INSERT INTO query_measurements (measurement_id, commit_sha, dataset,
    dataset_variant, scale_factor, query_idx, storage, engine, format,
    value_ns, all_runtimes_ns, commit_timestamp)
    SELECT row_number() OVER (), c.commit_sha, d, v, sf, q, 'nvme', e, 'parquet',
	CASE WHEN d = 'zero' THEN 0 ELSE (c.n * 7 + q) % 11 - 2 END, '{}',
	CASE WHEN d = 'unstamped' OR (c.n + q) % 9 = 0 THEN NULL ELSE c.timestamp END
    FROM (SELECT commit_sha, timestamp, substr(commit_sha, 2)::int AS n FROM commits) c,
	unnest(ARRAY['tpch', 'zero', 'unstamped']) d, unnest(ARRAY[NULL, 'v2']) v,
	unnest(ARRAY[NULL, '1']) sf, generate_series(1, 3) q,
	unnest(ARRAY['duckdb', 'datafusion']) e});
$odbh->do('ANALYZE query_measurements');
my $rows = $odbh->selectrow_array('SELECT count(*) FROM query_measurements');

$out = `bash $top/script/benchingest-migrate.in -D $top/sql -d '@{[$o->superuser_conninfo]}' 2>&1`;
is($?, 0, 'the new migrations apply to the previous release\'s database') or diag($out);
my $last = join '', map { "applied $_.sql\n" } qw(005_query_series
    006_query_charts 007_query_summaries);
like($out, qr/\Q$last\E\z/, '... 005, 006 and 007 last');
is($odbh->selectrow_array('SELECT count(*) FROM query_series'), 72,
    'query_series has a row for each of its 72 series');
is($odbh->selectrow_array('SELECT sum(row_count) FROM query_series'), $rows,
    '... counting all its rows');
is_current($odbh, 'query_series is built from the existing rows');
is($odbh->selectrow_array(q{SELECT count(*) FROM query_series WHERE dataset = 'zero'
    AND latest_id IS NULL AND row_count = 40}), 24,
    'series of zeros exist, without a newest positive row');
is($odbh->selectrow_array(q{SELECT count(*) FROM query_series WHERE dataset = 'unstamped'
    AND latest_id IS NULL AND first_timestamp IS NULL AND unstamped_positive > 0}), 24,
    'unstamped series: no timestamps, their positive rows counted');

is($odbh->selectrow_array('SELECT count(*) FROM query_charts'), 36,
    'query_charts has a row for each of its 36 charts');
is($odbh->selectrow_array('SELECT count(*) FROM query_summaries'), 8,
    'query_summaries has a row for each of its 8 groups with positive values');
is($odbh->selectrow_array(q{SELECT sum(unstamped) FROM query_summaries
    WHERE dataset = 'unstamped'}), 24,
    '... an unstamped series\' value left to the reader');

my $versions = sub { join ';', map { $odbh->selectrow_array(qq{SELECT
    string_agg(xmin::text || ctid::text, ',' ORDER BY ctid) FROM $_}) }
    qw(query_series query_charts query_summaries) };
my $before = $versions->();
$out = `bash $top/script/benchingest-migrate.in -D $top/sql -d '@{[$o->superuser_conninfo]}' 2>&1`;
is($?, 0, 'a re-run succeeds') or diag($out);
is($versions->(), $before,
    '... and rewrites no row of a current query_series, query_charts or query_summaries');

# Rows written with the triggers off (a restore, a replica) leave it
# stale; a re-run repairs it.
$odbh->do('SET session_replication_role = replica');
$odbh->do(q{UPDATE query_measurements SET value_ns = value_ns + 100 WHERE query_idx = 2});
$odbh->do(q{DELETE FROM query_measurements WHERE dataset = 'zero' AND engine = 'duckdb'});
$odbh->do('RESET session_replication_role');
ok(scalar(QuerySeries::differences($odbh)) > 0, 'writes without triggers leave it stale');
$out = `bash $top/script/benchingest-migrate.in -D $top/sql -d '@{[$o->superuser_conninfo]}' 2>&1`;
is($?, 0, 'a re-run') or diag($out);
is_current($odbh, '... makes it current again');

# query_charts counts query_series's rows per chart even when the owner
# moves series between charts by hand.
$odbh->do(q{UPDATE query_series SET query_idx = query_idx + 10
    WHERE dataset = 'tpch' AND query_idx = 3 AND engine = 'duckdb'});
is($odbh->selectrow_array(q{SELECT count(*) FROM (
    (SELECT dataset, dataset_variant, scale_factor, storage, query_idx, count(*)
	FROM query_series GROUP BY 1, 2, 3, 4, 5
     EXCEPT ALL SELECT dataset, dataset_variant, scale_factor, storage, query_idx,
	series FROM query_charts)
    UNION ALL
    (SELECT dataset, dataset_variant, scale_factor, storage, query_idx, series
	FROM query_charts
     EXCEPT ALL SELECT dataset, dataset_variant, scale_factor, storage, query_idx,
	count(*) FROM query_series GROUP BY 1, 2, 3, 4, 5)) d}), 0,
    'an UPDATE of query_series\'s keys: query_charts follows');
$out = `bash $top/script/benchingest-migrate.in -D $top/sql -d '@{[$o->superuser_conninfo]}' 2>&1`;
is($?, 0, 'a re-run') or diag($out);
is_current($odbh, '... makes both current again');

$o->start;
my $res = $o->ingest(BenchTest::envelope());
is($res->{status}, 200, 'benchingest ingests into the upgraded database') or diag($res->{content});
is_current($odbh, '... and query_series follows');

$odbh->do("REASSIGN OWNED BY $owner TO postgres");
$odbh->do("DROP OWNED BY $owner");
$odbh->do("DROP ROLE $owner");

done_testing;
