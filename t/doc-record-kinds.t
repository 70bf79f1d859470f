#!/usr/bin/perl
# doc/ingest-api.md's table of record kinds is the record-kind table
# benchingest is built with (t/unit/tables --fields prints it): every kind
# and its table, every field in order, its type and whether it is a key
# field.  So the reference the producers read cannot drift from the code.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;

my $top = "$FindBin::Bin/..";
my $printer = "$top/t/unit/tables";
plan skip_all => "$printer is not built (make check TESTS=)" unless -x $printer;
my @want = map { chomp; $_ } `$printer --fields`;
is($?, 0, 't/unit/tables --fields ran');
cmp_ok(scalar @want, '>=', 40, 'the record kinds have their fields');

my $doc = BenchTest::slurp("$top/doc/ingest-api.md");
my @got;
while ($doc =~ /^\| `(\w+)` \| `(\w+)` \| (.*?) \| (.*?) \|$/mg) {
	my ($kind, $table, $keys, $values) = ($1, $2, $3, $4);
	for ([$keys, 'key'], [$values, 'value']) {
		my ($list, $role) = @$_;
		push @got, "$kind $table $1 $2 $role" while $list =~ /`(\w+)` (\S+?)(?:,|$)/g;
	}
}
is_deeply(\@got, \@want, 'doc/ingest-api.md lists every kind, field, type and key of src/records.c, in order');
done_testing;
