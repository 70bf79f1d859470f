#!/usr/bin/perl
# The site's pages as benchingest renders them and nginx serves them with
# the shipped site file (site/README.md, "The HTML contract"): the landing
# page lists every group and chart of /api/groups in its order with each
# chart's newest value per series (an older commit's where the newest
# commit has none), escaped; a chart's page names its group; HTML with an
# ETag, no-cache, 304, HEAD and gzip; the query string changes nothing; a
# bad, a group's and an unknown slug get the 404 page; an empty database
# says so; an ingest shows at once; other methods 405.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Encode qw(decode_utf8 encode_utf8);
use IO::Uncompress::Gunzip qw(gunzip);
use MIME::Base64 qw(encode_base64url);
use Test::More;
use BenchTest qw(envelope with_sha);

my $t = BenchTest->new;
my $not_found = BenchTest::slurp(BenchTest::site_dir() . '/static/404.html');

sub page {
	my ($path, $headers) = @_;
	my $r = $t->request('GET', $path, $headers);
	$r->{html} = decode_utf8($r->{content});
	return $r;
}

# ---- empty
my $r = page('/');
is($r->{status}, 200, 'an empty database: / answers 200');
like($r->{html}, qr{<main id="groups"><p class="empty">No data ingested yet\.</p></main>},
    '... "No data ingested yet."');
unlike($r->{html}, qr/id="filters"/, '... and no filter');

# ---- two commits: the second has a new query value and nothing else,
# and a dataset whose name needs escaping.
my $old = envelope();
my $old_sha = $old->{commit}{sha};
is($t->ingest($old)->{status}, 200, 'an envelope of every kind');
my $new_sha = BenchTest::random_sha();
my $new = with_sha(envelope('commit.timestamp' => '2026-06-19T11:59:00Z'), $new_sha);
$new->{records} = [$new->{records}[0]];
$new->{records}[0]{value_ns} = 1125000;
my $odd = { %{ $new->{records}[0] }, dataset => q{<b>&"x'}, value_ns => 1152 };
push @{ $new->{records} }, $odd;
is($t->ingest($new)->{status}, 200, 'a newer commit with two query records only');

my $groups = $t->request('GET', '/api/groups')->{json}{groups};
$r = page('/');
is($r->{status}, 200, '/ answers 200');
is($r->{headers}{'content-type'}, 'text/html; charset=utf-8', '... in HTML');
like($r->{headers}{etag} // '', qr/^"[0-9a-f]+"$/, '... with an ETag');
is($r->{headers}{'cache-control'}, 'no-cache', '... and Cache-Control: no-cache');
my $html = $r->{html};
like($html, qr{\A\Q<!DOCTYPE html>\E.*<title>Vortex benchmarks</title>.*<body data-page="landing">}s,
    '... the landing page');

my @sections = $html =~ m{<section class="group" id="group-([^"]+)"}g;
is_deeply(\@sections, [map { $_->{slug} } @$groups], 'every group of /api/groups, in its order');
my @nav = $html =~ m{<li><a href="#group-([^"]+)">}g;
is_deeply(\@nav, \@sections, '... and in the navigation');

# Each chart's latest values: per series of its default window, the
# newest non-null value and its commit.
my @bad;
for my $g (@$groups) {
	my ($section) = $html =~ m{(<section class="group" id="group-\Q$g->{slug}\E".*?</ol>\n</section>)}s;
	my @links = ($section // '') =~ m{<h3 class="chart-name"><a href="/chart/([^"]+)">}g;
	push @bad, "$g->{name}: charts @links" unless
	    "@links" eq join ' ', map { $_->{slug} } @{ $g->{charts} };
	push @bad, "$g->{name}: no summary card" if $g->{summary} &&
	    $section !~ m{<section class="summary-card" data-type="\Q$g->{summary}{type}\E">};
	push @bad, "$g->{name}: no description" if defined $g->{description} &&
	    $section !~ m{<p class="group-description">[^<]+</p>};
	my $n = @{ $g->{charts} };
	push @bad, "$g->{name}: count" unless $section =~ m{<span class="group-count">$n charts?</span>};
	for my $c (@{ $g->{charts} }) {
		my $p = $t->request('GET', "/api/chart/$c->{slug}")->{json};
		my ($li) = $section =~ m{(<li class="chart" id="chart-\Q$c->{slug}\E" data-chart="\Q$c->{slug}\E" data-unit="\Q$p->{unit_kind}\E">.*?</li>)}s;
		my @want;
		for my $s (sort keys %{ $p->{series} }) {
			my $v = $p->{series}{$s};
			my ($i) = grep { defined $v->[$_] } reverse 0 .. $#$v;
			push @want, $s, $v->[$i], $p->{commits}[$i]{sha} if defined $i;
		}
		my @flat = ($li // '') =~
		    m{<div><dt>([^<]*)</dt><dd data-value="([^"]*)" data-commit="([^"]*)">[^<]+</dd></div>}g;
		my $got = join ' ', @flat;
		push @bad, "$c->{name}: latest $got, wants @want"
		    unless defined $li && $got eq "@want";
	}
}
ok(!@bad, 'every chart with its link and its latest value per series, ' .
    'every summary and description') or diag(join "\n", @bad);
like($html, qr{<fieldset data-dim="engine"><legend>Engine</legend>\n<label><input type="checkbox" value="datafusion" checked> datafusion</label>\n</fieldset>},
    'the engine filter: the one engine of the charts\' series_meta');

like($html, qr{<dd data-value="1125000" data-commit="$new_sha">1\.13 ms</dd>},
    'the newer commit\'s query value, 1125000 ns as 1.13 ms (format.js rounds a tie up)');
like($html, qr{<dd data-value="850000" data-commit="$old_sha">850 µs</dd>},
    'a chart without a value at the newest commit shows the older commit\'s');
like($html, qr{\Q&lt;b&gt;&amp;&quot;x&#39;\E}, 'a dataset named <b>&"x\' is escaped');
unlike($html, qr{<b>&"x'}, '... and never raw');

# ---- the wire
my $etag = $r->{headers}{etag};
is($t->request('GET', '/', { 'If-None-Match' => $etag })->{status}, 304,
    'If-None-Match with its ETag: 304');
my $head = $t->request('HEAD', '/');
is($head->{status}, 200, 'HEAD / answers 200');
is($head->{content}, '', '... without a body');
is($head->{headers}{'content-length'}, length $r->{content}, '... and the length of the GET\'s');
my $gz = $t->request('GET', '/', { 'Accept-Encoding' => 'gzip' });
is($gz->{headers}{'content-encoding'}, 'gzip', 'Accept-Encoding: gzip gets gzip');
gunzip(\$gz->{content} => \my $plain);
is($plain, $r->{content}, '... of the same page');
cmp_ok(length $gz->{content}, '<', length($r->{content}) / 3, '... at less than a third of its size');
like($gz->{headers}{vary} // '', qr/Accept-Encoding/, '... Vary: Accept-Encoding');
is(page('/?n=1&open=x&engine=duckdb')->{content}, $r->{content},
    'the query string changes nothing (it is the scripts\' view state)');
my $post = $t->request('POST', '/');
is($post->{status}, 405, 'POST / answers 405');
is($post->{headers}{allow}, 'GET, HEAD', '... Allow: GET, HEAD');

# ---- a chart's page
my ($g) = grep { $_->{name} =~ /random/i || $_->{slug} =~ /^rag\./ } @$groups;
my $c = $g->{charts}[0];
my $p = $t->request('GET', "/api/chart/$c->{slug}")->{json};
$r = page("/chart/$c->{slug}");
is($r->{status}, 200, "/chart/{slug} of $c->{name} answers 200");
is($r->{headers}{'content-type'}, 'text/html; charset=utf-8', '... in HTML');
like($r->{html}, qr{<title>\Q$p->{display_name}\E · Vortex benchmarks</title>}, '... titled with its display name');
like($r->{html}, qr{<link rel="preload" href="/static/vendor/chart\.min\.js" as="script">},
    '... preloading Chart.js');
like($r->{html}, qr{<p class="breadcrumb"><a href="/\?open=\Q$g->{slug}\E#group-\Q$g->{slug}\E">\Q$g->{name}\E</a></p>},
    '... with the way back to its group');
like($r->{html}, qr{<article class="chart chart-full" id="chart-\Q$c->{slug}\E" data-chart="\Q$c->{slug}\E" data-unit="time_ns">\n<h1 class="chart-name">\Q$p->{display_name}\E</h1>\n<dl class="latest">\n<div><dt>parquet</dt><dd data-value="850000" data-commit="$old_sha">850 µs</dd></div>\n</dl>},
    '... its name and its latest value');
is(page("/chart/$c->{slug}?n=all")->{content}, $r->{content}, '... whatever the query string');
(my $padded = $c->{slug}) =~ s/^(\w+\.)/$1!!/;
like(page("/chart/$padded")->{html}, qr{data-chart="\Q$c->{slug}\E"},
    'a slug the API also accepts (skipped characters): the page of the canonical slug');

# ---- 404
my $unknown = 'ra.' . encode_base64url('{"k":"RandomAccess","dataset":"no-such-dataset"}');
for my $path ('/chart/not-a-slug', "/chart/$g->{slug}", "/chart/$unknown", '/chart/', '/nothing') {
	$r = page($path);
	is($r->{status}, 404, "$path answers 404");
	is($r->{content}, $not_found, '... with the site\'s 404 page');
}

# ---- an ingest shows at once (read-your-writes through one nginx)
my $sha = BenchTest::random_sha();
my $next = with_sha(envelope('commit.timestamp' => '2026-06-20T11:59:00Z'), $sha);
is($t->ingest($next)->{status}, 200, 'an ingest of a newer commit');
like(page('/')->{html}, qr{data-commit="$sha"}, '... the next GET / has its values');

done_testing;
