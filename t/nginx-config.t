#!/usr/bin/perl
# The shipped nginx files: the snippet and the TLS example pass `nginx -t`,
# and nginx's own refusal of an over-size body still speaks the contract.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp qw(tempdir);
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
$site =~ s{/usr/share/benchingest/nginx}{$top/nginx}g;
$site =~ s{/etc/ssl/certs/\S+;}{$dir/cert.pem;};
$site =~ s{/etc/ssl/private/\S+;}{$dir/key.pem;};
$site =~ s{/var/log/nginx/}{$dir/}g;
spew("$dir/site.conf", $site);
spew("$dir/nginx.conf", "pid $dir/nginx.pid; error_log $dir/error.log;\n"
    . "events {}\nhttp { include $dir/site.conf; }\n");
my $out = `nginx -t -q -c $dir/nginx.conf -p $dir 2>&1`;
is($?, 0, 'the TLS example server passes nginx -t') or diag($out);
like($site, qr/return 301 https:/, 'plain HTTP redirects to HTTPS');
like($site, qr/server_tokens off/, 'no server tokens');

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
