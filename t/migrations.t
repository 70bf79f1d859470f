#!/usr/bin/perl
# sql/ migrations: safe to re-run, create the commits table of
# doc/ingest-api.md §7 (the fact tables: t/record-kinds-match-schema.t) with
# its indexes and the read API's own, and give bench_ingest and bench_read
# exactly their grants.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;

my $top = "$FindBin::Bin/..";
my $t = BenchTest->new(start => 0);
my $dbh = $t->dbh;

my $out = `bash $top/script/benchingest-migrate.in -D $top/sql -d '@{[$t->superuser_conninfo]}' 2>&1`;
is($?, 0, 'migrations re-run cleanly on a migrated database') or diag($out);
is($out, "applied 001_tables.sql\napplied 002_indexes.sql\napplied 003_roles.sql\n"
    . "applied 004_read_indexes.sql\n", 'each file is reported once, without notices');

$out = `bash $top/script/benchingest-migrate.in -n -D $top/sql 2>&1`;
is($out, "001_tables.sql\n002_indexes.sql\n003_roles.sql\n004_read_indexes.sql\n",
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
# (commits and one per record kind) and nothing else.
sub grants {
	return { map { ("$_->[0] $_->[1]" => $_->[2]) } @{ $dbh->selectall_arrayref(q{
	    SELECT grantee, table_name, string_agg(privilege_type, ',' ORDER BY privilege_type)
	    FROM information_schema.role_table_grants
	    WHERE grantee IN ('bench_ingest', 'bench_read') GROUP BY 1, 2}) } };
}
my @tables = $t->tables;
cmp_ok(scalar @tables, '>=', 2, 'commits and the tables of the record kinds');
is_deeply(grants(), { map { ("bench_ingest $_" => 'INSERT,SELECT,UPDATE',
    "bench_read $_" => 'SELECT') } @tables },
    'bench_ingest may SELECT, INSERT and UPDATE each table, bench_read SELECT, no more');

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
    'CREATE INDEX evil ON commits (url)') {
	ok(!$ingest->do($sql), "bench_ingest cannot: $sql");
	like($ingest->errstr // '', qr/permission denied|must be owner/, '... permission denied');
}

my $read = DBI->connect('dbi:Pg:' . ($t->ingest_conninfo =~ s/user=bench_ingest/user=bench_read/r),
    undef, undef, { RaiseError => 0, PrintError => 0, AutoCommit => 1 });
ok(defined $read->selectrow_array('SELECT count(*) FROM query_measurements'), 'bench_read can SELECT');
ok(!$read->do(q{INSERT INTO commits VALUES ('y', now(), '', '', '', '', '', 't', 'u')}),
    'bench_read cannot INSERT');
ok(!$read->do(q{UPDATE commits SET url = 'w'}), 'bench_read cannot UPDATE');

done_testing;
