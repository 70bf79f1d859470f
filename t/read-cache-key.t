#!/usr/bin/perl
# The read cache's key is the route, the canonical slug and the canonical
# window, nothing else: query parameters other than n, the spelling of n
# (n=100, n=0100, none) and of the slug (its prefix, the order of its
# members) never make a new key, so a client cannot force cold reads or
# fill the cache with junk URLs; different windows and different routes
# are different keys, and a key never gets an answer of another request.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use BenchTest qw(envelope with_sha wait_for);
use JSON::PP;
use MIME::Base64 qw(decode_base64 encode_base64);
use Test::More;
use Time::HiRes qw(sleep);

my $t = BenchTest->new;
wait_for(sub { $t->listener_pid }, 10);
sleep 0.3;		# the listener's session is up: answers are cached

for my $i (1 .. 3) {
	my $sha = sprintf '%040x', 0x6e70000 + $i;
	my $env = with_sha(envelope(), $sha);
	$env->{commit}{timestamp} = sprintf '2026-09-%02dT10:00:00Z', $i;
	is($t->ingest($env)->{status}, 200, "commit $i");
}
my $groups = $t->request('GET', '/api/groups')->{json}{groups};
my ($group) = grep { $_->{slug} =~ /^qmg\./ } @$groups;
my $slug = $group->{charts}[0]{slug};
my $chart = "/api/chart/$slug";
my $gpath = "/api/group/$group->{slug}";
ok($t->wait_cached('/api/groups'), 'the listener has heard the commits');

# The requests among @paths that reached benchingest.
sub backend_reads {
	my (@paths) = @_;
	my $mark = $t->log_mark;
	my @r = map { $t->request('GET', $_) } @paths;
	my $log = $t->log_since($mark);
	my $n = () = $log =~ m{ GET /api/}g;
	return ($n, @r);
}

my ($n, @r) = backend_reads(map { "$chart$_" } '?n=100&x=1', '?n=100&x=2',
    '?n=0100', '', '?x=1&n=100', '?n=100&n=5', '?utm_source=a&n=100&utm=b');
is($n, 1, 'a chart: unknown parameters, n=100, n=0100, no n: one backend read');
is_deeply([map { $_->{status} } @r], [(200) x @r], '... all 200');
is(scalar(keys %{{ map { $_->{content} => 1 } @r }}), 1, '... one answer');
is($r[0]{json}{history}{loaded_commits}, 3, '... the default window');

($n, @r) = backend_reads(map { "$gpath$_" } '?x=1', '?x=2', '?n=100', '?n=00100');
is($n, 1, 'a group: the same');
is(scalar(keys %{{ map { $_->{content} => 1 } @r }}), 1, '... one answer');

($n, @r) = backend_reads('/api/groups?x=1', '/api/groups?x=2', '/api/groups?n=7',
    '/api/groups');
is($n, 0, '/api/groups with any query string: the key of the first read of it');

($n, @r) = backend_reads("$chart?n=all", "$chart?n=ALL", "$chart?n=All&x=1");
is($n, 1, 'n=all in any case: one key');
is($r[0]{json}{history}{loaded_commits}, 3, '... all commits');

($n, @r) = backend_reads("$chart?n=1", "$chart?n=2", "$chart?n=1&x=9",
    "$chart?n=2&y=0");
is($n, 2, 'n=1 and n=2: two keys, each read once');
is($r[0]{json}{history}{loaded_commits}, 1, '... n=1: one commit');
is($r[1]{json}{history}{loaded_commits}, 2, '... n=2: two commits');
is($r[2]{content}, $r[0]{content}, '... n=1 again: the n=1 answer');
is($r[3]{content}, $r[1]{content}, '... n=2 again: the n=2 answer');
my $one = $r[0]{content};
($n, @r) = backend_reads("$chart?n=0", "$chart?n=5000", "$chart?n=1000");
is($n, 1, 'n=0 is the cached n=1; n=5000 and n=1000 are one key');
is($r[0]{content}, $one, '... the n=1 answer for n=0');
is($r[1]{content}, $r[2]{content}, '... one answer for n=5000 and n=1000');

# Another spelling of the same slug: another prefix, members reordered.
sub b64url { my $s = encode_base64($_[0], ''); $s =~ tr{+/}{-_}; $s =~ s/=+$//; $s }
sub unb64url {
	my ($s) = @_;
	$s =~ tr{-_}{+/};
	return decode_base64($s . '=' x ((4 - length($s) % 4) % 4));
}
my ($prefix, $b64) = $slug =~ /^(\w+)\.(.+)$/;
my $members = JSON::PP->new->canonical->decode(unb64url($b64));
my $other = 'x.' . b64url(JSON::PP->new->canonical->encode($members));
isnt($other, $slug, 'another spelling of the chart slug');
($n, @r) = backend_reads("/api/chart/$other", $chart);
is($n, 0, '... is the cached key of the canonical slug');

# A route is part of the key: a chart slug under /api/group/ is a 400 that
# is not cached, and no answer of one route is served for another.
($n, @r) = backend_reads("/api/group/$slug", "/api/group/$slug");
is_deeply([map { $_->{status} } @r], [400, 400], 'a chart slug as a group: 400');
is($n, 2, '... never cached');
($n, @r) = backend_reads("/api/chart/$group->{slug}");
is($r[0]{status}, 400, 'a group slug as a chart: 400');
is($t->request('GET', $gpath)->{json}{name}, $group->{name},
    '... and the group route still answers the group');
($n, @r) = backend_reads('/api/chart/not-a-slug?a=1', '/api/chart/not-a-slug?a=2');
is_deeply([map { $_->{status} } @r], [400, 400], 'an undecodable slug: 400');
is($n, 2, '... never cached');

# Junk query strings cannot grow the cache: one entry per canonical key.
my $cache = $t->dir . '/nginx-cache';
my $files = sub { scalar(() = `find $cache -type f`) };
my $before = $files->();
($n) = backend_reads(map { "$chart?junk=$_" } 1 .. 50);
is($n, 0, '50 junk query strings: no backend read');
is($files->(), $before, '... and no new cache entry');

# The longest slug there is (a query chart's key strings at their limit of
# 256 bytes, all control characters, which JSON writes six bytes each)
# still makes a key that fits: its chart is cached like any other.
my $sha = BenchTest::random_sha();
my $env = with_sha(envelope(records => [{ kind => 'query_measurement',
    commit_sha => $sha, dataset => "\x01" x 256, dataset_variant => "\x02" x 256,
    scale_factor => "\x1f" x 256, query_idx => -2147483648, storage => 'nvme',
    engine => 'e', format => 'f', value_ns => 42, all_runtimes_ns => [42] }]),
    $sha);
$env->{commit}{timestamp} = '2026-09-20T10:00:00Z';
is($t->ingest($env)->{status}, 200, 'a chart with the longest slug there is');
my ($long) = map { @{ $_->{charts} } } grep { index($_->{name}, "\x01") >= 0 }
    @{ $t->request('GET', '/api/groups')->{json}{groups} };
cmp_ok(length($long->{slug} // ''), '>', 6000, '... ' .
    length($long->{slug} // '') . ' bytes');
ok($t->wait_cached("/api/chart/$long->{slug}?n=all"), '... and it is cached');

done_testing;
