#!/usr/bin/perl
# What nginx caches is what benchingest's routing table says, route by
# route, with the shipped snippet: every read route's answer (a row of
# src/routes.c with a struct read_route) is cached, so a second GET never
# reaches benchingest; every other route's GET reaches it every time.  The
# routes are read from the source, so a new route is covered without
# touching this test, and the snippet has no list of routes to forget.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use BenchTest qw(envelope wait_for);
use Test::More;

my $routes_c = BenchTest::slurp("$FindBin::Bin/../src/routes.c");
my @routes;
while ($routes_c =~ /^\t\{ "(\/[^"]*)", "([^"]*)", (\w+),\s*\{ ([^}]*) \} \},$/mg) {
	my ($path, $allow, $handler, $read) = ($1, $2, $3, $4);
	my ($slug) = $read =~ /\b(READ_\w+_SLUG)\b/;
	push @routes, { path => $path, allow => $allow,
	    read => $handler eq 'NULL', slug => $slug };
}
cmp_ok(scalar @routes, '>=', 7, 'found the routes in src/routes.c');
ok((grep { $_->{read} } @routes) >= 3, '... read routes among them');
ok((grep { !$_->{read} } @routes) >= 4, '... and others');

my $t = BenchTest->new;
is($t->ingest(envelope())->{status}, 200, 'an envelope of every kind');
wait_for(sub { $t->listener_pid }, 10);
ok($t->wait_cached('/api/groups'), 'the listener is up: reads are cached');
my $groups = $t->request('GET', '/api/groups')->{json}{groups};
my %slug_of = (READ_NO_SLUG => '', READ_CHART_SLUG => $groups->[0]{charts}[0]{slug},
    READ_GROUP_SLUG => $groups->[0]{slug});

# The requests that reached benchingest: its log has a line for each.
sub backend_hits {
	my ($path) = @_;
	my $mark = $t->log_mark;
	my @status = map { $t->request('GET', $path)->{status} } 1 .. 2;
	my $n = () = $t->log_since($mark) =~ / status=\d+/g;
	return ($n, @status);
}

for my $r (@routes) {
	if ($r->{read}) {
		my $path = $r->{path} . $slug_of{$r->{slug}};
		is($t->request('GET', $path)->{status}, 200, "read route $r->{path}: 200");
		my ($n, @status) = backend_hits($path);
		is_deeply(\@status, [200, 200], '... and twice more');
		is($n, 0, '... from the cache: neither reached benchingest');
	} else {
		my ($n, @status) = backend_hits($r->{path});
		my $want = $r->{allow} =~ /\bGET\b/ ? 200 : 405;
		is_deeply(\@status, [$want, $want], "route $r->{path}: $want twice");
		is($n, 2, '... and both GETs reached benchingest: never cached');
	}
}

# A path no route has is not cached either.
my ($n, @status) = backend_hits('/api/nothing');
is_deeply(\@status, [404, 404], 'an unknown path: 404 twice');
is($n, 2, '... both from benchingest');

done_testing;
