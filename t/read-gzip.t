#!/usr/bin/perl
# gzip on the wire through nginx as shipped: with Accept-Encoding: gzip a
# read answers gzip (Content-Encoding, Content-Length, Vary) whose bytes
# decompress to the identity answer; the gzip answer is compressed once
# (the next one, however the client spells Accept-Encoding, is a cache hit
# that never reaches benchingest); identity answers stay available as their
# own cache entry; each encoding has its own ETag and both give 304.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use BenchTest qw(wait_for);
use IO::Uncompress::Gunzip qw(gunzip $GunzipError);
use Test::More;
use Time::HiRes qw(sleep);

my $t = BenchTest->new;
$t->fill_history(30);
$t->revalidate;
wait_for(sub { $t->listener_pid }, 10);
sleep 0.3;		# the listener's session is up: answers are cached

my $groups = $t->request('GET', '/api/groups')->{json}{groups};
my ($group) = grep { @{ $_->{charts} } == 22 } @$groups;
ok($group, 'a 22-chart group');
# Nothing cached yet; once the listener has heard the revalidate too (an
# unrelated chart is then cached), the generation stays put.
$t->revalidate;
ok($t->wait_cached("/api/chart/$group->{charts}[1]{slug}"), 'the listener has heard it');
my %paths = (groups => '/api/groups',
    chart => "/api/chart/$group->{charts}[0]{slug}?n=all",
    group => "/api/group/$group->{slug}?n=all");
my %gz = ('Accept-Encoding' => 'gzip');

# The requests that reached benchingest since $mark.
sub backend_reads {
	my ($mark) = @_;
	return scalar(() = $t->log_since($mark) =~ m{ (?:GET|HEAD) /api/}g);
}

for my $what (qw(groups chart group)) {
	my $path = $paths{$what};
	my $mark = $t->log_mark;
	my $id = $t->request('GET', $path);
	my $z = $t->request('GET', $path, \%gz);
	is(backend_reads($mark), 2, "$what: the identity and the gzip answer are "
	    . 'computed once each');
	is($id->{status}, 200, "$what: identity 200");
	ok(!exists $id->{headers}{'content-encoding'}, '... not encoded');
	is($id->{headers}{vary}, 'Accept-Encoding', '... Vary: Accept-Encoding');
	is($id->{headers}{'content-length'}, length $id->{content},
	    '... Content-Length');
	is($z->{status}, 200, "$what: gzip 200");
	is($z->{headers}{'content-encoding'}, 'gzip', '... Content-Encoding: gzip');
	is($z->{headers}{vary}, 'Accept-Encoding', '... Vary: Accept-Encoding');
	is($z->{headers}{'content-length'}, length $z->{content},
	    '... Content-Length, the compressed length');
	cmp_ok(length $z->{content}, '<', length($id->{content}) / 3,
	    '... a fraction of the identity bytes');
	my $plain;
	ok(gunzip(\$z->{content} => \$plain), '... a gzip stream') or
	    diag($GunzipError);
	ok(defined $plain && $plain eq $id->{content},
	    '... that decompresses to the identity answer, byte for byte');
	like($id->{headers}{etag}, qr/^"[0-9a-f]{16}"$/, "$what: an identity ETag");
	is($z->{headers}{etag}, substr($id->{headers}{etag}, 0, 17) . '-gzip"',
	    '... and the gzip one differs');
	diag(sprintf '%s: %d bytes identity, %d gzip', $path,
	    length $id->{content}, length $z->{content});

	# Cached: every spelling that accepts gzip is the gzip entry; a
	# refusal of gzip is the identity entry.
	$mark = $t->log_mark;
	my @again = map { $t->request('GET', $path, { 'Accept-Encoding' => $_ }) }
	    'gzip', 'deflate, gzip;q=0.5, br', 'x-gzip', '*';
	my @ident = map { $t->request('GET', $path, $_ ? { 'Accept-Encoding' => $_ }
	    : {}) } '', 'gzip;q=0', 'br, deflate';
	is(backend_reads($mark), 0, "$what: seven more reads, none reached benchingest");
	is_deeply([map { $_->{content} eq $z->{content} ? 1 : 0 } @again], [1, 1, 1, 1],
	    '... the four that accept gzip got the gzip bytes');
	is_deeply([map { $_->{headers}{'content-encoding'} // '' } @again],
	    [('gzip') x 4], '... with Content-Encoding: gzip');
	is_deeply([map { $_->{headers}{'content-length'} } @again],
	    [(length $z->{content}) x 4], '... and Content-Length');
	is_deeply([map { $_->{content} eq $id->{content} ? 1 : 0 } @ident], [1, 1, 1],
	    '... the three that do not got identity');
	is_deeply([map { $_->{headers}{'content-encoding'} // '' } @ident], ['', '', ''],
	    '... not encoded');
	is_deeply([map { $_->{headers}{vary} // '' } @again, @ident],
	    [('Accept-Encoding') x 7], '... each with Vary');

	# 304 for each encoding's own ETag only.
	is($t->request('GET', $path, { %gz, 'If-None-Match' => $z->{headers}{etag} })
	    ->{status}, 304, "$what: gzip ETag, gzip accepted: 304");
	is($t->request('GET', $path, { 'If-None-Match' => $id->{headers}{etag} })
	    ->{status}, 304, '... identity ETag, identity: 304');
	is($t->request('GET', $path, { %gz, 'If-None-Match' => $id->{headers}{etag} })
	    ->{status}, 200, '... identity ETag, gzip accepted: 200');
	is($t->request('GET', $path, { 'If-None-Match' => $z->{headers}{etag} })
	    ->{status}, 200, '... gzip ETag, identity: 200');
}

# A HEAD gets the gzip answer's headers and no body.
my $h = $t->request('HEAD', $paths{group}, \%gz);
is($h->{status}, 200, 'HEAD with gzip: 200');
is($h->{headers}{'content-encoding'}, 'gzip', '... Content-Encoding: gzip');
is($h->{content}, '', '... no body');

# Straight to benchingest (its 304 rather than nginx's): the same ETags.
my $mark = $t->log_mark;
my $fresh = "$paths{chart}&fresh";
$t->revalidate;
ok(wait_for(sub { my $m = $t->log_mark; $t->request('GET', $fresh, \%gz);
    backend_reads($m) > 0 }, 10), 'after a revalidate the gzip answer is computed again');
my $z = $t->request('GET', $fresh, \%gz);
my $r = $t->request('GET', $paths{chart}, { %gz, 'If-None-Match' => $z->{headers}{etag} });
is($r->{status}, 304, '... and its ETag still gives 304');

done_testing;
