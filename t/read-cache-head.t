#!/usr/bin/perl
# A HEAD never poisons the read cache: right after a commit, when nothing is
# cached yet, a HEAD of a read route and then a GET of the same URL get the
# whole body, for /api/groups, /api/chart/{slug} and /api/group/{slug}; and
# the HEAD carries the headers the GET does (Content-Length, ETag, ...),
# whether it is the first request for the URL or answered from the cache.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use BenchTest qw(envelope with_sha wait_for);
use Test::More;
use Time::HiRes qw(sleep);

my $t = BenchTest->new;
wait_for(sub { $t->listener_pid }, 10);
sleep 0.3;		# the listener's session is up: answers are cached

my $n = 0;
sub commit {
	my $sha = sprintf '%040x', 0x4ead0000 + ++$n;
	my $env = with_sha(envelope(), $sha);
	$env->{commit}{timestamp} = sprintf '2026-08-%02dT10:00:00Z', $n;
	is($t->ingest($env)->{status}, 200, "commit $n");
}
commit();
my $groups = $t->request('GET', '/api/groups')->{json}{groups};
my ($group) = grep { $_->{slug} =~ /^qmg\./ } @$groups;
my @paths = ('/api/groups', "/api/chart/$group->{charts}[0]{slug}",
    "/api/group/$group->{slug}");

my @same = qw(content-length content-type etag cache-control);
for my $path (@paths) {
	my $name = $path =~ m{^/api/(\w+)} ? $1 : $path;
	commit();		# nothing cached for the new generation
	my $head = $t->request('HEAD', $path);
	is($head->{status}, 200, "$name: HEAD first: 200");
	is($head->{content}, '', '... no body');
	my $get = $t->request('GET', $path);
	is($get->{status}, 200, "$name: the GET after it: 200")
	    or diag("$get->{status} $get->{content}");
	ok(length $get->{content} > 0 &&
	    length $get->{content} == ($get->{headers}{'content-length'} // -1),
	    '... the whole body');
	ok(defined $get->{json}, '... which is JSON');
	is($head->{headers}{$_}, $get->{headers}{$_}, "... HEAD had the same $_")
	    for @same;
	my $again = $t->request('HEAD', $path);
	is($again->{headers}{$_}, $get->{headers}{$_},
	    "... a HEAD from the cache too: $_") for @same;
	is($t->request('GET', $path)->{content}, $get->{content},
	    '... and a later GET the same body');
}

done_testing;
