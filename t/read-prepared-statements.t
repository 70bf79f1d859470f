#!/usr/bin/perl
# A worker prepares the reads' statements on its connection and runs them
# by name after (read_prepared_statements): Postgres plans a statement
# once per connection, not on every read.  Whatever the table's size
# (64, 1: every new statement deallocates another, 0: none prepared) the
# answers are the same bytes.  A migration that changes the type of a
# column a prepared statement returns costs at most one 503, then the
# worker answers from a new connection.  Seen in the server's log
# (log_statement = all) of a private cluster.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use BenchTest qw(envelope);
use Test::More;

my $t = BenchTest->new(private_cluster => 1, workers => 1, start => 0);
my $dbh = $t->dbh;
$dbh->do(sprintf q{ALTER DATABASE %s SET log_statement = 'all'},
    $dbh->quote_identifier($t->dbname));
$t->start;
is($t->ingest(envelope())->{status}, 200, 'the example envelope is stored');

my $pglog = $t->cluster->{dir} . '/postgres.log';
sub pglog_mark { -s $pglog // 0 }
sub pglog_since {
	my ($mark) = @_;
	my $all = BenchTest::slurp($pglog) // '';
	return substr($all, $mark);
}

my $groups = $t->request('GET', '/api/groups')->{json}{groups};
my ($group) = grep { $_->{slug} =~ /^qmg\./ } @$groups;
my @paths = ('/api/groups', "/api/chart/$group->{charts}[0]{slug}",
    "/api/group/$group->{slug}", "/api/group/$group->{slug}?n=all");

# Each path read from the database (the cache's generation moved on):
# status and body per path, and what the server was asked meanwhile.
sub read_all {
	my $mark = pglog_mark();
	my %got;
	for my $p (@paths) {
		is($t->revalidate->{status}, 200, "revalidate before $p");
		my $r = $t->request('GET', $p);
		$got{$p} = "$r->{status} $r->{content}";
	}
	return (\%got, pglog_since($mark));
}

sub restart_with {
	my (%config) = @_;
	$t->stop;
	$t->set_config(%config);
	$t->start;
}

my ($first, $log) = read_all();
like($log, qr/execute bi_s\d+: SELECT/, 'the first reads prepare their statements');
my ($again, $log2) = read_all();
is_deeply($again, $first, 'the same answers from the prepared statements');
# Left unnamed: BEGIN, the revalidates' NOTIFY, and a cursor's DECLARE
# and FETCH (SQL declares a cursor over a query, not over a prepared
# statement).
my @unnamed = grep { !/execute <unnamed>: (?:BEGIN|SELECT pg_notify|DECLARE bi_rows|FETCH)/ }
    $log2 =~ /^.*execute <unnamed>: .*$/mg;
is_deeply(\@unnamed, [], 'reads again: every other statement runs by name, none is planned anew')
    or diag explain \@unnamed;
unlike($log2, qr/DEALLOCATE/, '... and none is deallocated while the table has room');

restart_with(read_prepared_statements => 1);
my ($one, $log1) = read_all();
is_deeply($one, $first, 'with room for one statement: the same answers');
like($log1, qr/statement: DEALLOCATE bi_s0/, '... each new statement deallocates the one before');

restart_with(read_prepared_statements => 0);
my ($none, $log0) = read_all();
is_deeply($none, $first, 'with read_prepared_statements = 0: the same answers');
unlike($log0, qr/bi_s\d/, '... and nothing prepared');

# A statement still being prepared when read_timeout is up (parsing waits
# for a lock): the read answers 503, and the worker keeps its connection.
restart_with(read_prepared_statements => 64, read_timeout => 300);
sub session {
	return $dbh->selectrow_array(q{SELECT pid FROM pg_stat_activity
	    WHERE datname = current_database()
	    AND application_name = 'benchingest'});
}
is($t->health->{status}, 200, 'the worker has connected');
my $session = session();
my $lock = $t->new_dbh;
$lock->begin_work;
$lock->do('LOCK TABLE query_series IN ACCESS EXCLUSIVE MODE');
is($t->request('GET', '/api/groups')->{status}, 503,
    'a read whose statement waits for a lock while prepared: 503');
$lock->rollback;
is($t->revalidate->{status}, 200, 'revalidate');
is(join(' ', @{ $t->request('GET', '/api/groups') }{qw(status content)}),
    $first->{'/api/groups'}, '... then the same answer as before');
is(session(), $session, '... from the same connection');

# The chart's statements return commits.message; its type changes under
# a prepared statement, twice.
restart_with(read_timeout => undef);
my ($chart) = grep { m{^/api/chart/} } @paths;
read_all();
for my $type (qw(varchar text)) {
	$dbh->do("ALTER TABLE commits ALTER COLUMN message TYPE $type");
	is($t->revalidate->{status}, 200, "revalidate after message became $type");
	my $r = $t->request('GET', $chart);
	ok($r->{status} == 200 || $r->{status} == 503,
	    "the first read after message became $type: 200, or 503 once")
	    or diag "$r->{status} $r->{content}";
	is($t->revalidate->{status}, 200, 'revalidate');
	$r = $t->request('GET', $chart);
	is("$r->{status} $r->{content}", $first->{$chart},
	    '... the next one the same answer as before');
}

done_testing;
