#!/usr/bin/perl
# The HTTP matrix of doc/ingest-api.md §1, §4 and §8, row by row, over real
# HTTP through nginx: the exact status, the exact JSON error class, a JSON
# content type on every answer and Cache-Control: no-store on the POST
# routes.  The finer rules of each step have files of their own
# (ingest-malformed.t, ingest-record-errors.t, ingest-large.t).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MIME::Base64 qw(encode_base64);
use Test::More;
use BenchTest;
use Envelopes qw(raw_json fresh_envelope raw_request error_is);

# Small enough that an over-limit body is cheap, big enough for the sample.
my $LIMIT = 16384;
my $t = BenchTest->new(config => { max_body_bytes => $LIMIT });
my $tok = $t->ingest_token;
my $rtok = $t->revalidate_token;

# Every answer is JSON; answers on the POST routes are never cached.
sub json_type_ok {
	my ($r, $name) = @_;
	like($r->{headers}{'content-type'} // '', qr{^application/json},
	    "$name: Content-Type application/json");
}
sub no_store_ok {
	my ($r, $name) = @_;
	like($r->{headers}{'cache-control'} // '', qr/\bno-store\b/,
	    "$name: Cache-Control: no-store");
}

# An ingest with full control over the two headers that matter here.
sub post_ingest {
	my ($auth, $ctype, $body) = @_;
	my %h;
	$h{Authorization} = $auth if defined $auth;
	$h{'Content-Type'} = $ctype if defined $ctype;
	return $t->request('POST', '/api/ingest', \%h,
	    $body // JSON::PP->new->canonical->encode(fresh_envelope()));
}

# An answer on a POST route: status, exact error class, both headers.
sub post_error {
	my ($r, $status, $error, $name) = @_;
	error_is($r, $status, $error, $name);
	json_type_ok($r, $name);
	no_store_ok($r, $name);
}

sub accepted {
	my ($r, $name) = @_;
	is($r->{status}, 200, "$name: 200");
	is_deeply($r->{json}, { inserted => 5, updated => 0 },
	    "$name: {\"inserted\":5,\"updated\":0}") or diag($r->{content});
	json_type_ok($r, $name);
	no_store_ok($r, $name);
}

# ---------------------------------------------------------------- §1 success

accepted(post_ingest("Bearer $tok", 'application/json'),
    'ingest with the right token and a valid envelope');

{
	my $r = $t->revalidate;
	is($r->{status}, 200, 'revalidate with the right token: 200');
	is_deeply($r->{json}, { revalidated => JSON::PP::true },
	    'revalidate: {"revalidated":true}') or diag($r->{content});
	json_type_ok($r, 'revalidate');
	no_store_ok($r, 'revalidate');
}

for my $path ('/api/health', '/health') {
	my $r = $t->request('GET', $path);
	is($r->{status}, 200, "GET $path without any token: 200");
	json_type_ok($r, "GET $path");
	is($r->{json} && $r->{json}{status}, 'ok', "GET $path: status ok");
}

# ---------------------------------------------------------------- §1 404, 405

for my $path ('/api/nope', '/api/ingestx') {
	for my $method (qw(GET POST)) {
		my $r = $t->request($method, $path, {
		    Authorization => "Bearer $tok",
		    'Content-Type' => 'application/json' },
		    $method eq 'POST' ? '{}' : undef);
		is($r->{status}, 404, "$method $path: 404");
		is_deeply($r->{json}, { error => 'not_found' },
		    "$method $path: exactly {\"error\":\"not_found\"}")
		    or diag($r->{content});
		json_type_ok($r, "$method $path");
	}
}

for my $method (qw(GET PUT DELETE PATCH)) {
	for my $path ('/api/ingest', '/api/revalidate') {
		my $r = $t->request($method, $path,
		    { Authorization => "Bearer $tok" });
		is($r->{status}, 405, "$method $path: 405");
		is($r->{headers}{allow}, 'POST', "$method $path: Allow: POST");
		json_type_ok($r, "$method $path");
		ok(ref $r->{json} eq 'HASH' && defined $r->{json}{error},
		    "$method $path: a JSON error body") or diag($r->{content});
	}
}
for my $path ('/api/health', '/health') {
	my $r = $t->request('POST', $path, { 'Content-Type' =>
	    'application/json' }, '{}');
	is($r->{status}, 405, "POST $path: 405");
	like($r->{headers}{allow} // '', qr/\bGET\b/,
	    "POST $path: Allow names GET");
	unlike($r->{headers}{allow} // '', qr/\bPOST\b/,
	    "POST $path: Allow does not name POST");
	json_type_ok($r, "POST $path");
}

# ---------------------------------------------------------------- §3 step 1

{
	my $before = $t->row_counts;
	# Each row: a name and the Authorization header built from the right
	# token of the route (undef: no header).
	my @bad = (
	    ['no Authorization header', sub { undef }],
	    ['Bearer with a wrong token', sub { 'Bearer ' . ('0' x length $_[0]) }],
	    ['lowercase "bearer"', sub { "bearer $_[0]" }],
	    ['uppercase "BEARER"', sub { "BEARER $_[0]" }],
	    ['two spaces after Bearer', sub { "Bearer  $_[0]" }],
	    ['a tab instead of the space', sub { "Bearer\t$_[0]" }],
	    ['Basic credentials', sub { 'Basic ' . encode_base64("u:$_[0]", '') }],
	    ['the token without "Bearer "', sub { $_[0] }],
	    ['the token with a trailing character', sub { "Bearer $_[0]x" }],
	    ['the token with a leading character', sub { "Bearer x$_[0]" }],
	    ['a prefix of the token', sub { 'Bearer ' . substr($_[0], 0, -1) }],
	    ['the first character of the token',
		sub { 'Bearer ' . substr($_[0], 0, 1) }],
	    ['"Bearer " with an empty token', sub { 'Bearer ' }],
	    ['"Bearer" alone', sub { 'Bearer' }],
	);
	for my $c (@bad) {
		my ($name, $auth) = @$c;
		post_error(post_ingest($auth->($tok), 'application/json'), 401,
		    'unauthorized', "ingest, $name: 401");
		post_error($t->revalidate(authorization => $auth->($rtok)), 401,
		    'unauthorized', "revalidate, $name: 401");
	}
	post_error(post_ingest("Bearer $rtok", 'application/json'), 401,
	    'unauthorized', 'ingest with the revalidate token: 401');
	post_error($t->revalidate(token => $tok), 401, 'unauthorized',
	    'revalidate with the ingest token: 401');

	# Auth is decided before Content-Type and before the body size.
	post_error(post_ingest("Bearer ${tok}x", 'text/plain'), 401,
	    'unauthorized', 'wrong token and a wrong Content-Type: 401, not 415');
	post_error(post_ingest(undef, undef), 401, 'unauthorized',
	    'no token and no Content-Type: 401, not 415');
	post_error(post_ingest("Bearer ${tok}x", 'application/json',
	    'x' x ($LIMIT * 4)), 401, 'unauthorized',
	    'wrong token and a body over max_body_bytes: 401, not 413');
	post_error(post_ingest(undef, 'application/json', '{'), 401,
	    'unauthorized', 'no token and a malformed body: 401, not 400');
	is_deeply($t->row_counts, $before,
	    'nothing was written by any unauthorized request');
}

# ---------------------------------------------------------------- §3 step 2

{
	my $before = $t->row_counts;
	my $body = JSON::PP->new->canonical->encode(fresh_envelope());
	my $r = raw_request($t, 'POST', '/api/ingest',
	    ["Authorization: Bearer $tok"], $body);
	post_error($r, 415, 'unsupported_media_type', 'no Content-Type header');
	for my $ct ('text/plain', 'application/jsonx', 'application/json-seq',
	    'application/x-www-form-urlencoded', 'text/json',
	    'application/octet-stream', 'json') {
		post_error(post_ingest("Bearer $tok", $ct), 415,
		    'unsupported_media_type', "Content-Type $ct");
	}
	# Content-Type before size: both wrong -> 415.
	post_error(post_ingest("Bearer $tok", 'text/plain',
	    'x' x ($LIMIT * 4)), 415, 'unsupported_media_type',
	    'wrong Content-Type and a body over the limit: 415, not 413');
	post_error(post_ingest("Bearer $tok", 'text/plain', '{'), 415,
	    'unsupported_media_type', 'wrong Content-Type and a bad body: 415');
	post_error(post_ingest("Bearer $tok", 'application/json',
	    'x' x ($LIMIT + 1)), 413, 'payload_too_large',
	    'a body one byte over max_body_bytes: 413');
	is_deeply($t->row_counts, $before, 'nothing was written by 415 or 413');
}

accepted(post_ingest("Bearer $tok", 'application/json; charset=utf-8'),
    'Content-Type application/json; charset=utf-8 is accepted');
accepted(post_ingest("Bearer $tok", 'application/json;charset=UTF-8'),
    'Content-Type application/json;charset=UTF-8 is accepted');

# ---------------------------------------------------------------- §3 step 3-5

{
	my $before = $t->row_counts;
	my $r = post_ingest("Bearer $tok", 'application/json', '{');
	post_error($r, 400, 'malformed', 'invalid JSON: 400 malformed');
	ok(!exists $r->{json}{record_index}, 'malformed: no record_index');

	$r = $t->ingest(fresh_envelope('run_meta.schema_version' => 2));
	is($r->{status}, 409, 'schema_version 2: 409');
	is_deeply($r->{json}, { error => 'schema_version_too_new',
	    expected => 1, got => 2 },
	    'schema_version 2: exactly {"error":"schema_version_too_new",' .
	    '"expected":1,"got":2}') or diag($r->{content});
	json_type_ok($r, 'schema_version 2');
	no_store_ok($r, 'schema_version 2');

	$r = $t->ingest(fresh_envelope('run_meta.schema_version' => 2147483647));
	is($r->{status}, 409, 'schema_version 2147483647: 409');
	is_deeply($r->{json}, { error => 'schema_version_too_new',
	    expected => 1, got => 2147483647 },
	    'schema_version 2147483647: got is the sent version')
	    or diag($r->{content});

	for my $v (0, -1, -2147483648) {
		$r = $t->ingest(fresh_envelope('run_meta.schema_version' => $v));
		post_error($r, 400, 'malformed', "schema_version $v: 400 malformed");
		ok(!exists $r->{json}{record_index},
		    "schema_version $v: no record_index");
	}

	$r = $t->ingest(fresh_envelope('records.0.storage' => 'ssd'));
	post_error($r, 400, 'record', 'a bad record: 400 record');
	is($r->{json}{record_index}, 0, 'a bad record: record_index 0');
	is_deeply($t->row_counts, $before, 'nothing was written by 400 or 409');
}

accepted($t->ingest(fresh_envelope('run_meta.schema_version' => 1)),
    'schema_version 1');

# ---------------------------------------------------------------- no tokens

{
	my $n = BenchTest->new(ingest_token => undef, revalidate_token => undef);
	my $before = $n->row_counts;
	for my $auth (undef, 'Bearer ', 'Bearer x', "Bearer $tok") {
		my $what = defined $auth ? "\"$auth\"" : 'no Authorization';
		post_error($n->ingest(fresh_envelope(), authorization => $auth),
		    503, 'not_configured',
		    "no ingest token configured, $what: 503");
		post_error($n->revalidate(authorization => $auth), 503,
		    'not_configured',
		    "no revalidate token configured, $what: 503");
	}
	is_deeply($n->row_counts, $before,
	    'nothing was written without an ingest token');
	my $r = $n->request('GET', '/api/health');
	is($r->{status}, 200, 'health needs no token even when none is set');
}

{
	# An empty token is no token: fail closed, never "empty matches empty".
	my $e = BenchTest->new(ingest_token => '', revalidate_token => '');
	post_error($e->ingest(fresh_envelope(), authorization => 'Bearer '),
	    503, 'not_configured', 'empty ingest token file, "Bearer ": 503');
	post_error($e->revalidate(authorization => 'Bearer '), 503,
	    'not_configured', 'empty revalidate token file, "Bearer ": 503');
}

{
	# Tokens from the environment instead of files.
	my $v = BenchTest->new(ingest_token => undef, revalidate_token => undef,
	    env => { INGEST_BEARER_TOKEN => 'env-ingest-token',
	    BENCH_REVALIDATE_TOKEN => '' });
	accepted($v->ingest(fresh_envelope(), token => 'env-ingest-token'),
	    'ingest token from INGEST_BEARER_TOKEN');
	post_error($v->ingest(fresh_envelope(), token => 'env-ingest-tokenx'),
	    401, 'unauthorized', 'INGEST_BEARER_TOKEN plus a character: 401');
	post_error($v->revalidate(authorization => 'Bearer '), 503,
	    'not_configured', 'BENCH_REVALIDATE_TOKEN empty: 503');
}

# ---------------------------------------------------------------- §3 step 6

{
	# A database that is not there: the service still answers, in JSON,
	# without internals.
	my $d = BenchTest->new(database => 'host=' . $t->cluster->host .
	    ' port=1 dbname=nope user=bench_ingest connect_timeout=2');
	my $r = $d->ingest(fresh_envelope());
	ok(($r->{status} == 503 && ($r->{json}{error} // '') eq 'unavailable') ||
	    ($r->{status} == 500 && ($r->{json}{error} // '') eq 'internal'),
	    'database unreachable: 503 unavailable or 500 internal')
	    or diag("$r->{status} $r->{content}");
	json_type_ok($r, 'database unreachable');
	no_store_ok($r, 'database unreachable');
	is_deeply([sort keys %{ $r->{json} || {} }], ['error'],
	    'database unreachable: the body is only the error class');
	unlike($r->{content}, qr/port|socket|connect|nope|PGSQL|FATAL/i,
	    'database unreachable: no libpq detail in the body');
	$r = $d->health;
	is($r->{status}, 503, 'health with the database unreachable: 503');
	is_deeply($r->{json}, { status => 'unavailable' },
	    'health: {"status":"unavailable"}') or diag($r->{content});
}

done_testing;
