#!/usr/bin/perl
# After the migrations, the database has exactly the tables the record-kind
# table (src/records.c) names, each with exactly its kind's columns, in
# order, of the SQL type of each field, nullable where the field is
# optional: what t/unit/tables --columns prints from the very table
# benchingest is built with.  So a kind or field added on one side only
# fails here, not in production.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;

my $top = "$FindBin::Bin/..";
my $printer = "$top/t/unit/tables";
plan skip_all => "$printer is not built (make check TESTS=)" unless -x $printer;
my @want = `$printer --columns`;
is($?, 0, 't/unit/tables --columns ran');
my %want;
for (@want) {
	chomp;
	my ($table, $column) = split / /, $_, 3;
	push @{ $want{$table} }, $_;
}
cmp_ok(scalar keys %want, '>=', 5, 'the record kinds name their tables');

my $t = BenchTest->new(start => 0);
my $dbh = $t->dbh;
my @tables = map { $_->[0] } @{ $dbh->selectall_arrayref(q{
    SELECT table_name FROM information_schema.columns
    WHERE table_schema = 'public' AND column_name = 'measurement_id'
    ORDER BY table_name}) };
is_deeply(\@tables, [sort keys %want],
    'the tables keyed by measurement_id are those of the record kinds');
for my $table (sort keys %want) {
	my @got = map { join ' ', $table, @$_ } @{ $dbh->selectall_arrayref(q{
	    SELECT column_name, data_type, is_nullable FROM information_schema.columns
	    WHERE table_schema = 'public' AND table_name = ?
	    ORDER BY ordinal_position}, undef, $table) };
	is_deeply(\@got, $want{$table}, "$table has its kind's columns, types and nullability");
}
done_testing;
