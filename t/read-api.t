#!/usr/bin/perl
# The read API over HTTP through nginx against a real Postgres: groups,
# their names, order, summaries and descriptions, slugs that round-trip
# (nulls, Unicode, threshold 0.83), chart payloads whose series line up with
# their commits, the window n and its edge cases, the group payload, and the
# 400/404/405 answers.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use BenchTest qw(envelope with_sha);
use JSON::PP;
use MIME::Base64 qw(decode_base64);
use Test::More;

binmode $_, ':utf8' for Test::More->builder->output, Test::More->builder->failure_output;
my $t = BenchTest->new;

sub sha { sprintf '%040x', 0xc0ffee00 + $_[0] }
sub qm {
	my ($i, %o) = @_;
	return { kind => 'query_measurement', commit_sha => sha($i),
	    dataset => 'tpch', scale_factor => '1', query_idx => 1,
	    storage => 'nvme', engine => 'datafusion', format => 'parquet',
	    value_ns => 1000 + $i, all_runtimes_ns => [1], %o };
}
sub commit {
	my ($i, @records) = @_;
	my $env = envelope(records => \@records);
	with_sha($env, sha($i));
	$env->{commit}{timestamp} = sprintf '2026-06-1%dT10:00:00Z', $i;
	$env->{commit}{message} = "Commit $i\r\nwith a body";
	$env->{commit}{url} = "https://example.com/c/$i";
	my $r = $t->ingest($env);
	is($r->{status}, 200, "commit $i ingested") or diag($r->{content});
}

# Commit 0 predates every query measurement; commit 6 has none either.
commit(0, { kind => 'compression_size', commit_sha => sha(0),
    dataset => 'taxi', format => 'parquet', value_bytes => 7 });
for my $i (1 .. 5) {
	my @r;
	push @r, qm($i) unless $i == 3;
	push @r, qm($i, engine => 'duckdb', format => 'vortex', value_ns => 2000 + $i)
	    if $i == 2 || $i == 3 || $i == 5;
	push @r, qm($i, engine => 'Zeta', format => 'x') if $i == 5;
	push @r, qm($i, dataset_variant => 'v2', query_idx => 2) if $i == 1;
	push @r, qm($i, query_idx => 7) if $i == 4;
	commit($i, @r);
}
commit(6, { kind => 'random_access_time', commit_sha => sha(6),
    dataset => "\x{30c7}\x{30fc}\x{30bf}", format => 'parquet', value_ns => 5,
    all_runtimes_ns => [5] },
    { kind => 'vector_search_run', commit_sha => sha(6), dataset => 'cohere',
    layout => 'flat', flavor => 'f', threshold => 0.83, value_ns => 9,
    all_runtimes_ns => [9], matches => 1, rows_scanned => 2,
    bytes_scanned => 3, iterations => 1 },
    { kind => 'compression_time', commit_sha => sha(6), dataset => 'taxi',
    format => 'parquet', op => 'encode', value_ns => 4,
    all_runtimes_ns => [4] });

sub get {
	my ($path, %h) = @_;
	return $t->request('GET', $path, \%h);
}
sub slug_json {
	my ($slug) = @_;
	my ($b64) = $slug =~ /^[a-z]+\.([A-Za-z0-9_-]+)$/ or return undef;
	$b64 =~ tr{-_}{+/};
	$b64 .= '=' x ((4 - length($b64) % 4) % 4);
	return decode_base64($b64);
}

# ---- /api/groups
my $r = get('/api/groups');
is($r->{status}, 200, 'GET /api/groups');
like($r->{headers}{'content-type'}, qr{^application/json}, '... JSON');
like($r->{headers}{etag} // '', qr/^"[0-9a-f]{16}"$/, '... with an ETag');
is($r->{headers}{'cache-control'}, 'no-cache', '... browsers revalidate');
my @groups = @{ $r->{json}{groups} };
is_deeply([map { $_->{name} } @groups], ['Compression', 'Compression Size',
    'TPC-H (NVMe) (SF=1)', 'Random Access', 'TPC-H (NVMe) (SF=1) / v2',
    'cohere / flat'],
    'groups named and ordered as the reference: its list first, then by name');
my %group = map { $_->{name} => $_ } @groups;
my ($tpch, $v2) = @group{'TPC-H (NVMe) (SF=1)', 'TPC-H (NVMe) (SF=1) / v2'};
is(slug_json($tpch->{slug}), '{"k":"QueryGroup","dataset":"tpch",'
    . '"dataset_variant":null,"scale_factor":"1","storage":"nvme"}',
    'a group slug: k first, key fields in order, nulls written out');
like($tpch->{slug}, qr/^qmg\./, '... with the group prefix');
is_deeply([map { $_->{name} } @{ $tpch->{charts} }], ['Q1', 'Q7'],
    'charts of a query group: one per query_idx, in order');
my $q1 = $tpch->{charts}[0]{slug};
is(slug_json($q1), '{"k":"QueryMeasurement","dataset":"tpch",'
    . '"dataset_variant":null,"scale_factor":"1","storage":"nvme",'
    . '"query_idx":1}', 'a chart slug');
is(slug_json($v2->{charts}[0]{slug}), '{"k":"QueryMeasurement",'
    . '"dataset":"tpch","dataset_variant":"v2","scale_factor":"1",'
    . '"storage":"nvme","query_idx":2}', 'a variant is its own chart');
my $ra = $group{'Random Access'};
is($ra->{charts}[0]{name}, "\x{30c7}\x{30fc}\x{30bf}", 'a Unicode dataset name');
is(slug_json($ra->{charts}[0]{slug}),
    "{\"k\":\"RandomAccess\",\"dataset\":\"\xe3\x83\x87\xe3\x83\xbc\xe3\x82\xbf\"}",
    '... its slug carries the UTF-8 bytes');
my $vs = $group{'cohere / flat'};
is($vs->{charts}[0]{name}, 'threshold=0.83', 'a vector-search chart per threshold');
is(slug_json($vs->{charts}[0]{slug}), '{"k":"VectorSearch","dataset":"cohere",'
    . '"layout":"flat","threshold":0.83}', '... 0.83 written as 0.83');
is(slug_json($vs->{slug}), '{"k":"VectorSearchGroup","dataset":"cohere","layout":"flat"}',
    'a vector-search group slug');
is(slug_json($group{Compression}{slug}), '{"k":"CompressionTimeGroup"}',
    'a group without key fields');

# ---- summaries and descriptions, after the charts
is_deeply([grep { /^(?:charts|summary|description)$/ }
    $r->{content} =~ /"(charts|summary|description)":/g],
    [('charts', 'description') x 2, ('charts', 'summary', 'description') x 3,
     'charts'], 'members in the reference\'s order: charts, summary, '
    . 'description; each only when the group has one');
my $s = $tpch->{summary};
is_deeply([$s->{type}, $s->{title}, $s->{explanation}], ['queryBenchmark',
    'Performance Summary',
    'Geomean of query time ratio to fastest (lower is better)'],
    'a TPC-H group has a query summary');
is_deeply([map { $_->{name} } @{ $s->{rankings} }],
    ['datafusion:parquet', 'Zeta:x', 'duckdb:vortex'],
    '... ranking every series by score, the fastest first');
is_deeply([@{ $s->{rankings}[0] }{qw(score totalRuntime)}], [1, 2009],
    '... the fastest at every query scores 1; its total is its latest '
    . 'values summed');
cmp_ok($s->{rankings}[1]{score}, '>', 24, '... a query a series lacks '
    . 'counts as twice 300000 ns');
is($tpch->{description}, 'TPC-H benchmark queries on local NVMe storage at '
    . 'SF=1 (~1GB of data)', '... and a description');
is($v2->{description}, $tpch->{description}, 'a variant has its base '
    . 'group\'s description, as the reference');
is_deeply($v2->{summary}{rankings}, [{ name => 'datafusion:parquet',
    score => 1, totalRuntime => 1001 }], '... and a summary of its own');
is_deeply($ra->{summary}, { type => 'randomAccess',
    title => 'Random Access Performance', rankings => [{ name => 'parquet',
    time => 5, ratio => 1 }],
    explanation => 'Random access time | Ratio to fastest (lower is better)' },
    'random access: the newest time of each format');
ok(!exists $group{Compression}{summary},
    'no vortex/parquet pair: no compression summary');
like($group{'Compression Size'}{description}, qr/^Compares compressed file/,
    'compression sizes have a description');
ok(!exists $vs->{summary} && !exists $vs->{description},
    'a vector-search group has neither');

# Every listed chart and group answers.
for my $g (@groups) {
	is(get("/api/group/$g->{slug}")->{status}, 200, "group $g->{name}");
	is(get("/api/chart/$_->{slug}")->{status}, 200, "chart $g->{name} / $_->{name}")
	    for @{ $g->{charts} };
}

# ---- a chart
$r = get("/api/chart/$q1");
is($r->{status}, 200, 'GET a chart');
my $c = $r->{json};
is($c->{display_name}, 'tpch sf=1 Q1 [nvme]', 'display_name');
is($c->{unit_kind}, 'time_ns', 'unit_kind');
is_deeply([map { $_->{sha} } @{ $c->{commits} }], [map { sha($_) } 1 .. 6],
    'commits oldest first, from the chart\'s first measurement on, '
    . 'including commits without a value');
is_deeply($c->{history}, { total_commits => 6, start_index => 0,
    loaded_commits => 6, complete => JSON::PP::true }, 'history');
is_deeply($c->{commits}[0], { sha => sha(1), timestamp => '2026-06-11 10:00:00+00',
    message => "Commit 1\r\nwith a body", url => 'https://example.com/c/1' },
    'a commit: timestamp in UTC to the second, the whole message');
is_deeply([sort keys %{ $c->{series} }], [sort { $a cmp $b } keys %{ $c->{series} }],
    'series keys sorted bytewise');
is_deeply([$r->{content} =~ /"series":\{"([^"]+)":.*?\],"([^"]+)":.*?\],"([^"]+)"/],
    ['Zeta:x', 'datafusion:parquet', 'duckdb:vortex'],
    'series keys are engine:format, in bytewise order in the body');
is_deeply($c->{series}{'datafusion:parquet'}, [1001, 1002, undef, 1004, 1005, undef],
    'a series is aligned with commits, null where a commit has no value');
is_deeply($c->{series}{'duckdb:vortex'}, [undef, 2002, 2003, undef, 2005, undef],
    'another series, aligned the same way');
is_deeply($c->{series}{'Zeta:x'}, [undef, undef, undef, undef, 1005, undef],
    'a series with one value');
is_deeply($c->{series_meta}, { 'Zeta:x' => { engine => 'Zeta', format => 'x' },
    'datafusion:parquet' => { engine => 'datafusion', format => 'parquet' },
    'duckdb:vortex' => { engine => 'duckdb', format => 'vortex' } },
    'series_meta: the engine and format of each series');
like($r->{content}, qr/"series":\{.*\},"series_meta":\{"Zeta:x":\{"engine":"Zeta","format":"x"\},"datafusion/,
    '... after series, in the same order, engine before format');

# ---- the window
sub window {
	my ($n) = @_;
	my $x = get("/api/chart/$q1" . (defined $n ? "?n=$n" : ''));
	return $x->{json};
}
my $w = window(2);
is_deeply($w->{history}, { total_commits => 6, start_index => 4,
    loaded_commits => 2, complete => JSON::PP::false }, 'n=2: history');
is_deeply([map { $_->{sha} } @{ $w->{commits} }], [sha(5), sha(6)], 'n=2: the newest two');
is_deeply($w->{series}{'datafusion:parquet'}, [1005, undef], 'n=2: series cut to the window');
ok(!exists $w->{series}{'nothing'}, 'no invented series');
is(window(0)->{history}{loaded_commits}, 1, 'n=0 is clamped to 1');
is(window(-3)->{history}{loaded_commits}, 6, 'n=-3 is the default (100)');
is(window(1)->{history}{loaded_commits}, 1, 'n=1');
is(window(5000)->{history}{loaded_commits}, 6, 'n=5000 is clamped (to 1000)');
is(window('all')->{history}{loaded_commits}, 6, 'n=all');
is(window('ALL')->{history}{loaded_commits}, 6, 'n=ALL');
is(window('abc')->{history}{loaded_commits}, 6, 'n=abc is the default (100)');
is(window('1.5')->{history}{loaded_commits}, 6, 'n=1.5 is the default');
my $n1 = window(1);
is_deeply($n1->{series}, {}, 'n=1 on a commit without values: no series has a value in it');
ok(!exists $n1->{series_meta}, '... and no series_meta');

# ---- a group
$r = get("/api/group/$tpch->{slug}?n=2");
is($r->{status}, 200, 'GET a group');
is($r->{json}{name}, 'TPC-H (NVMe) (SF=1)', 'group name');
like($r->{content}, qr/^\{"name":"[^"]*","summary":\{.*\},"description":"[^"]*","charts":\[/,
    'name, summary, description, then the charts');
is_deeply([@{ $r->{json} }{qw(summary description)}],
    [@$tpch{qw(summary description)}], '... as /api/groups has them');
is_deeply([map { $_->{name} } @{ $r->{json}{charts} }], ['Q1', 'Q7'], 'its charts');
my %first = %{ $r->{json}{charts}[0] };
is(delete $first{slug}, $q1, 'a chart in a group has its slug');
is(delete $first{name}, 'Q1', '... and name');
is_deeply(\%first, window(2), '... and the chart payload, window included');
is_deeply($r->{json}{charts}[1]{series}, {}, 'Q7 has no value in the newest two commits');
is_deeply(get("/api/chart/$tpch->{charts}[1]{slug}?n=3")->{json}{series},
    { 'datafusion:parquet' => [1004, undef, undef] }, 'Q7 has its own series');
$r = get('/api/chart/' . $ra->{charts}[0]{slug});
is_deeply($r->{json}{series}, { parquet => [5] }, 'the Unicode chart answers');
is($r->{json}{display_name}, "\x{30c7}\x{30fc}\x{30bf}", '... display_name');
$r = get('/api/chart/' . $vs->{charts}[0]{slug});
is_deeply($r->{json}{series}, { f => [9] }, 'the 0.83 threshold chart answers');
is($r->{json}{display_name}, 'cohere / flat (threshold=0.83)', '... display_name');
ok(!exists $r->{json}{series_meta}, '... without series_meta: a flavor is no engine or format');
$r = get("/api/chart/$group{'Compression Size'}{charts}[0]{slug}");
is($r->{json}{unit_kind}, 'bytes', 'sizes are in bytes');
is_deeply($r->{json}{series}, { parquet => [7, undef, undef, undef, undef, undef, undef] },
    'a size series over all seven commits');
is_deeply($r->{json}{series_meta}, { parquet => { format => 'parquet' } },
    '... tagged with its format');
$r = get("/api/chart/$group{Compression}{charts}[0]{slug}");
is_deeply($r->{json}{series_meta}, { 'parquet:encode' => { format => 'parquet' } },
    'a compression time series is tagged with its format alone');

# ---- errors
sub b64url { my $s = MIME::Base64::encode_base64($_[0], ''); $s =~ tr{+/}{-_}; $s =~ s/=+$//; $s }
sub error_is {
	my ($x, $status, $class, $what) = @_;
	is($x->{status}, $status, "$what: $status");
	is($x->{json} && $x->{json}{error}, $class, "$what: $class");
}
error_is(get('/api/chart/garbage'), 400, 'bad_request', 'a slug without a dot');
error_is(get('/api/chart/qm.%21%21'), 400, 'bad_request', 'not base64url');
error_is(get('/api/chart/qm.' . b64url('{"k":"Nope"}')), 400, 'bad_request', 'unknown k');
error_is(get('/api/chart/' . $groups[0]{slug}), 400, 'bad_request', 'a group slug as a chart');
error_is(get('/api/group/' . $q1), 400, 'bad_request', 'a chart slug as a group');
is(get('/api/chart/garbage')->{json}{message}, 'invalid chart slug',
    "the chart route's 400 says so, in the reference's words");
is(get('/api/group/' . $q1)->{json}{message}, 'invalid group slug',
    "the group route's 400 too");
error_is(get('/api/chart/qm.' . b64url('{"k":"QueryMeasurement","dataset":"nope",'
    . '"dataset_variant":null,"scale_factor":"1","storage":"nvme","query_idx":1}')),
    404, 'not_found', 'a decodable chart with no rows');
is(get('/api/chart/qm.' . b64url('{"k":"QueryMeasurement","dataset":"nope",'
    . '"dataset_variant":null,"scale_factor":"1","storage":"nvme","query_idx":1}'))->{json}{message},
    'chart not found', "... in the reference's words");
error_is(get('/api/chart/x.' . b64url('{"k":"QueryMeasurement","dataset":"tpch",'
    . '"dataset_variant":null,"scale_factor":null,"storage":"nvme","query_idx":1}')),
    404, 'not_found', 'null where the rows have a value is another chart');
error_is(get('/api/group/vsg.' . b64url('{"k":"VectorSearchGroup","dataset":"cohere","layout":"nope"}')),
    404, 'not_found', 'a decodable group with no rows');
is(get('/api/group/vsg.' . b64url('{"k":"VectorSearchGroup","dataset":"cohere","layout":"nope"}'))->{json}{message},
    'group not found', "... in the reference's words");
is(get('/api/chart/other.' . b64url('{"storage":"nvme","query_idx":1,"k":"QueryMeasurement",'
    . '"scale_factor":"1","dataset_variant":null,"dataset":"tpch"}'))->{status}, 200,
    'the prefix and member order do not matter');
error_is(get('/api/chart/'), 404, 'not_found', 'no slug at all');
$r = $t->request('POST', '/api/groups', { 'Content-Type' => 'application/json' }, '{}');
is($r->{status}, 405, 'POST /api/groups: 405');
is($r->{headers}{allow}, 'GET, HEAD, OPTIONS', '... Allow: GET, HEAD, OPTIONS');
$r = $t->request('HEAD', "/api/chart/$q1");
is($r->{status}, 200, 'HEAD a chart');
is($r->{content}, '', '... no body');
$r = $t->request('OPTIONS', "/api/chart/$q1");
is($r->{status}, 204, 'OPTIONS a chart: 204');
is($r->{headers}{allow}, 'GET, HEAD, OPTIONS', '... with its Allow');
is($r->{content}, '', '... and no body');
is($t->request('OPTIONS', '/api/health')->{status}, 405,
    'OPTIONS on a route that is no read route: 405');

# ---- trailing slashes: redirected as the reference's framework does
$r = get("/api/chart/$q1/?n=2");
is($r->{status}, 308, 'a chart with a trailing slash: 308');
is($r->{headers}{location}, "/api/chart/$q1?n=2",
    '... to the path without it, the query kept');
is(get($r->{headers}{location})->{status}, 200, '... which answers');
$r = $t->request('HEAD', '/api/groups/');
is($r->{status}, 308, 'HEAD /api/groups/: 308');
is($r->{headers}{location}, '/api/groups', '... to /api/groups');
is(get('/api/groups//')->{headers}{location}, '/api/groups/',
    'two slashes: one fewer per redirect');
is(get("/api/group/$groups[0]{slug}/")->{headers}{location},
    "/api/group/$groups[0]{slug}", 'a group with a trailing slash: 308');
error_is(get('/api/groups/x'), 404, 'not_found', 'a segment after /api/groups');
error_is(get("/api/chart/$q1/x"), 404, 'not_found', 'a segment after a slug');
error_is(get('/api/health/'), 404, 'not_found',
    'a route that is no read route, with a trailing slash');
error_is(get('/api'), 404, 'not_found', '/api');

# ---- a query timing a path-B writer left without commit_timestamp
$t->dbh->do(q{UPDATE query_measurements SET commit_timestamp = NULL
    WHERE commit_sha = ? AND engine = 'Zeta'}, undef, sha(5));
is($t->revalidate->{status}, 200, 'revalidate after a path-B write');
# A bounded window drops it; once it does, the cache has let go.
my $bounded;
for (1 .. 50) {
	$bounded = window(100);
	last unless exists $bounded->{series}{'Zeta:x'};
	select undef, undef, undef, 0.1;
}
ok(!exists $bounded->{series}{'Zeta:x'},
    'a bounded window leaves out a query timing without commit_timestamp');
ok(!exists $bounded->{series_meta}{'Zeta:x'}, '... and its tag');
is_deeply(window('all')->{series}{'Zeta:x'}, [undef, undef, undef, undef, 1005, undef],
    'n=all shows it, as the reference does');

done_testing;
