#!/usr/bin/perl
# The shipped nginx files: the snippet and the TLS example pass `nginx -t`,
# and nginx's own refusal of an over-size body still speaks the contract.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp qw(tempdir);
use HTTP::Tiny;
use IO::Socket::INET;
use POSIX ();
use Test::More;
use BenchTest;

my $top = "$FindBin::Bin/..";
my $dir = tempdir('nginx-config.XXXXXX', TMPDIR => 1, CLEANUP => 1);

sub spew { my ($f, $s) = @_; open my $fh, '>', $f or die "$f: $!"; print $fh $s; close $fh }

# The TLS example, with a throwaway certificate and paths moved into $dir.
system("openssl req -x509 -newkey rsa:2048 -nodes -keyout $dir/key.pem -out $dir/cert.pem "
    . "-days 1 -subj /CN=localhost >/dev/null 2>&1") == 0 or BAIL_OUT('openssl failed');
open my $fh, '<', "$top/nginx/benchingest-server.conf.example" or die $!;
my $site = do { local $/; <$fh> };
# The build's own paths (configure's), whatever the prefix.
my ($pkgdatadir) = $site =~ m{include (\S+)/nginx/benchingest-cache\.conf;}
    or BAIL_OUT('the example does not include the cache file');
$site =~ s{\Q$pkgdatadir\E/nginx/benchingest-cache\.conf}{$dir/cache.conf}g;
$site =~ s{\Q$pkgdatadir\E/nginx}{$top/nginx}g;
open $fh, '<', "$top/nginx/benchingest-cache.conf" or die $!;
my $cache = do { local $/; <$fh> };
like($cache, qr{^fastcgi_cache_path \S+/cache/benchingest/nginx .*keys_zone=benchingest:}ms,
    'the read cache file defines the zone the snippet uses, in LOCALSTATEDIR/cache/benchingest');
$cache =~ s{^(fastcgi_cache_path )\S+}{$1$dir/cache}m;
spew("$dir/cache.conf", $cache);
$site =~ s{/etc/ssl/certs/\S+;}{$dir/cert.pem;};
$site =~ s{/etc/ssl/private/\S+;}{$dir/key.pem;};
$site =~ s{/var/log/nginx/}{$dir/}g;
spew("$dir/site.conf", $site);
spew("$dir/nginx.conf", "pid $dir/nginx.pid; error_log $dir/error.log;\n"
    . "events {}\nhttp { include $dir/site.conf; }\n");
my $out = `nginx -t -q -c $dir/nginx.conf -p $dir 2>&1`;
is($?, 0, 'the TLS example server passes nginx -t') or diag($out);
like($site, qr/return 301 https:/, 'plain HTTP redirects to HTTPS');
my @plain = grep { !/\bssl\b/ && !/^listen (?:\[::\]:)?80;$/ }
    $site =~ /^\s*(listen [^;]*;)/mg;
ok(@plain, 'a plain HTTP server besides, for a Prometheus on the host');
is_deeply([grep { !/^listen (?:127\.0\.0\.1|\[::1\]):\d+;$/ } @plain], [],
    '... on the loopback interface only');
like($site, qr/server_tokens off/, 'no server tokens');
like($site, qr/ssl_protocols TLSv1\.2 TLSv1\.3;/, 'modern TLS protocols only');
like($site, qr/limit_req zone=benchingest_post/, 'the POST routes are rate limited');
like($site, qr/limit_req zone=benchingest_read burst=\d+ delay=\d+;/,
    'reads are rate limited per client, a flood queued in nginx');
like($site, qr{include \Q$dir\E/cache\.conf;}, 'the example includes the read cache file');

# The example's rate limiting, served for real over plain HTTP on loopback:
# its maps and zones (POSTs, reads), its limit_req lines, with bursts small
# enough to reach and no delay, in front of a location that answers 204
# after the limits have had their say.
my $map = join '', $site =~ /(map \$request_method.*?\n\}\n)/sg;
my $zone = join '', $site =~ /(limit_req_zone [^\n]*\n)/g;
my ($limit) = $site =~ /((?:\tlimit_req zone=[^\n]*\n(?:\t#[^\n]*\n)*)+\tlimit_req_status [^\n]*\n)/;
like($zone, qr/zone=benchingest_post:.*zone=benchingest_read:/s,
    'found a zone for POSTs and one for reads');
ok($map && $limit, 'found the maps and the limit_req lines');
$_ //= '' for $map, $zone, $limit;
$zone =~ s/rate=\S+;/rate=1r\/m;/g;
$limit =~ s/burst=\d+/burst=2/g;
$limit =~ s/delay=\d+/delay=2/g;
my $port = BenchTest::free_port();
mkdir "$dir/rl";
spew("$dir/rl/nginx.conf", "daemon off; pid $dir/rl/nginx.pid; error_log $dir/rl/error.log;\n"
    . "events {}\nhttp {\n access_log off;\n client_body_temp_path $dir/rl;\n"
    . $map . $zone
    . " server {\n  listen 127.0.0.1:$port;\n" . $limit
    . "  root $dir/rl;\n  location / { try_files /nothing-here =204; }\n }\n}\n");
my $ngx = fork // die;
if ($ngx == 0) {
	{ no warnings 'exec'; exec 'nginx', '-c', "$dir/rl/nginx.conf", '-p', "$dir/rl"; }
	POSIX::_exit(127);
}
BenchTest::wait_for(sub { IO::Socket::INET->new("127.0.0.1:$port") }, 10);
my $http = HTTP::Tiny->new(timeout => 10);
my @posts = map { $http->post("http://127.0.0.1:$port/api/ingest", { content => '{}' })->{status} } 1 .. 6;
my @gets = map { $http->get("http://127.0.0.1:$port/api/groups")->{status} } 1 .. 6;
kill 'TERM', $ngx;
waitpid $ngx, 0;
is_deeply(\@posts, [204, 204, 204, 429, 429, 429], 'POSTs beyond the burst get 429')
    or diag("@posts");
is_deeply(\@gets, [204, 204, 204, 429, 429, 429],
    'reads have a limit of their own: the POSTs took none of it') or diag("@gets");

# The snippet, included verbatim by the harness's nginx.
my $t = BenchTest->new;
my $r = $t->request('GET', '/health');
is($r->{status}, 200, '/health reaches the application through the snippet');
is($r->{json}{status}, 'ok', '... and is the health document');

# 65 MiB: over client_max_body_size 64m.  nginx does not read it; it hands
# benchingest the headers alone, so the token is still checked first.
my $body = '{' . (' ' x (65 * 1024 * 1024)) . '}';
$r = $t->request('POST', '/api/ingest', {
    Authorization => 'Bearer ' . $t->ingest_token,
    'Content-Type' => 'application/json' }, $body);
is($r->{status}, 413, 'a body over 64 MiB is refused');
is_deeply($r->{json}, { error => 'payload_too_large' }, '... with the contract\'s JSON');
like($r->{headers}{'content-type'} // '', qr{^application/json}, '... as application/json');
like($t->log, qr{POST /api/ingest status=413 records=- .*error=payload_too_large},
    '... by benchingest, from the headers alone');
$r = $t->request('POST', '/api/ingest', {
    Authorization => 'Bearer wrong', 'Content-Type' => 'application/json' }, $body);
is($r->{status}, 401, 'with a wrong token the answer is 401: auth comes before size');

done_testing;
